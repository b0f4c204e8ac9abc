from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sites.accounts.two_factor import reset_two_factor


class Command(BaseCommand):
    help = (
        "Remove an account's authenticator app and recovery codes (a lost phone) and "
        "sign it out everywhere. Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account with the user name {username!r}.")
        reset_two_factor(user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Two-factor sign-in reset for {username}: they set up an app again "
                "at their next sign-in if a site requires it."
            )
        )
