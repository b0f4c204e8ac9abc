from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sites.accounts.throttling import unlock_sign_in


class Command(BaseCommand):
    help = (
        "Lift the sign-in lock on an account after too many wrong passwords "
        "(from every address). Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account with the user name {username!r}.")
        removed = unlock_sign_in(user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Unlocked {username} ({removed} locked address record(s) cleared)."
            )
        )
