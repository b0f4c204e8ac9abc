import time

from django.core.management.base import BaseCommand
from django_scopes import scopes_disabled

from sites.seeding import app_modules


class Command(BaseCommand):
    help = (
        "Generate synthetic data in bulk for benchmarks: K sites, each with its staff "
        "and N people (with their records, as later apps add them). Safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sites", type=int, default=3, help="How many sites (K).")
        parser.add_argument(
            "--people", type=int, default=1000, help="People per site (N)."
        )
        parser.add_argument(
            "--prefix", default="scale-", help="Slug prefix of the synthetic sites."
        )
        parser.add_argument(
            "--password",
            default="carehub-scale",
            help="Password of every synthetic account.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed.")

    def handle(self, *args, **options):
        started = time.monotonic()

        def progress(message):
            self.stdout.write(f"[{time.monotonic() - started:7.1f}s] {message}")
            self.stdout.flush()

        with scopes_disabled():
            for module in app_modules("scale"):
                result = module.seed_scale(options, progress)
                if result:
                    options.update(result)
        progress("done")
