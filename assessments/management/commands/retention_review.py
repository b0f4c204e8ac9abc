from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from assessments.retention_services import run_retention_review
from sites.models import Site


class Command(BaseCommand):
    help = (
        "Work out each site's list of people past their retention period and notify "
        "its senior managers when anyone is waiting for review. Run monthly, e.g. "
        "from cron on the 1st. Deletes nothing: deleting needs a senior manager's "
        "review in the browser."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", help="Only this site (its slug).")

    def handle(self, *args, site=None, **options):
        sites = Site.objects.filter(is_active=True).order_by("slug")
        if site:
            sites = sites.filter(slug=site)
            if not sites.exists():
                raise CommandError(f"No site with the slug {site!r}.")
        for each in sites:
            # Each site in its own scope, as a request would be.
            with scope(site=each):
                run = run_retention_review(each)
                count = run.candidates.count()
            self.stdout.write(f"{each.slug}: {count} past retention.")
