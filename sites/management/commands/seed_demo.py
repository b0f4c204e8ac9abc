from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings
from django_scopes import scopes_disabled

from sites.demo import ACCOUNTS, demo_password
from sites.seeding import app_modules


class Command(BaseCommand):
    help = "Create or refresh the demo sites, accounts and records (safe to repeat)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off. Never do this on a real deployment.",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a real deployment: demo accounts "
                "with a published password would be created. Use --force to seed "
                "anyway."
            )
        # Seeding raises the same in-app notifications as real use, but sends no
        # e-mail: the demo's staff have made-up addresses.
        quiet_mail = override_settings(
            MAILERS={
                "default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
            }
        )
        with quiet_mail, transaction.atomic(), scopes_disabled():
            for module in app_modules("demo"):
                module.seed_demo(self.stdout)
            # Programme casework reads what every app's demo left (e.g. the Evans
            # plan, approved by the panels demo), so it is seeded last.
            # (sites.programme_demo is the programme's own set-up, which sites.demo
            # seeds; only the apps' casework hooks run here.)
            for module in app_modules("programme_demo"):
                if hasattr(module, "seed_programme_demo"):
                    module.seed_programme_demo(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Demo accounts (password: {demo_password()}):")
        for username, first, last, roles in ACCOUNTS:
            where = "; ".join(f"{role.label}, {slug}" for slug, role in roles)
            self.stdout.write(f"  {username:<8} {first} {last} — {where}")
        self.stdout.write("  admin    superuser — /admin/")
