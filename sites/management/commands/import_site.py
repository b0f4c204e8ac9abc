from django.core.management.base import BaseCommand, CommandError

from sites.audit import record_event
from sites.models import AuditEvent
from sites.portability.restore import ArchiveRefused, restore_site, verify


class Command(BaseCommand):
    help = (
        "Restore a site from an export_site archive, after verifying every count "
        "and checksum, inside one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .zip file made by export_site.")
        parser.add_argument(
            "--as",
            dest="slug",
            help="Restore under this short name (needed when the site exists here).",
        )
        parser.add_argument("--name", help="The restored site's name.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Verify the archive and write nothing.",
        )

    def handle(self, *args, archive, slug=None, name=None, check=False, **options):
        try:
            if check:
                plan = verify(archive, slug=slug, name=name)
                self.stdout.write(
                    f"The archive is sound: {plan.rows} rows would be restored as "
                    f"{plan.slug!r}."
                )
                return
            summary = restore_site(archive, slug=slug, name=name)
        except ArchiveRefused as refusal:
            raise CommandError(f"Nothing was restored. {refusal}") from refusal
        record_event(
            kind=AuditEvent.Kind.TRANSITION,
            site=summary.site,
            action="Site restored from an archive (import_site)",
            details={"rows": summary.rows},
        )
        self.stdout.write(
            f"Restored {summary.rows} rows as site {summary.site.slug!r}."
            + (" Public ids were renewed." if summary.renew_ids else "")
        )
        if summary.users_created:
            self.stdout.write(
                f"{len(summary.users_created)} staff accounts were created inactive "
                "with no password; an administrator activates them and sets one."
            )
