from django.core.management.base import BaseCommand, CommandError

from sites.audit import record_event
from sites.models import AuditEvent, Site
from sites.portability.export import export_site


class Command(BaseCommand):
    help = (
        "Export one site (every record, its history and audit events) to a ZIP "
        "archive; format in docs/export-format.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The site's short name, e.g. northshire.")
        parser.add_argument("archive", help="Where to write the .zip file.")

    def handle(self, *args, slug, archive, **options):
        site = Site.objects.filter(slug=slug).first()
        if site is None:
            raise CommandError(f"There is no site called {slug!r}.")
        summary = export_site(site, archive)
        record_event(
            kind=AuditEvent.Kind.EXPORT,
            site=site,
            action="Site exported by an operator (export_site)",
            details={"rows": summary.rows},
        )
        self.stdout.write(
            f"Exported {summary.rows} rows in {summary.files} files to {archive}."
        )
