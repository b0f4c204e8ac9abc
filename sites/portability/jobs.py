"""The site export as a background job (``sites.jobs``): its progress is the file
being written, its result the archive, kept until the job expires."""

import tempfile

from django.utils import timezone

from ..audit import record_event
from ..jobs import job_task
from ..models import AuditEvent
from .export import export_site

EXPORT_ACTION = "Site exported"
JOB_KIND = "site_export"


def archive_name(site, when):
    return f"carehub-{site.slug}-{when:%Y-%m-%d-%H%M}.zip"


@job_task
def export_site_job(job):
    """Export the job's site; the job's owner downloads the archive from its page."""
    site = job.site
    with tempfile.TemporaryFile(suffix=".zip") as archive:
        summary = export_site(
            site,
            archive,
            progress=lambda done, total, what: job.report(
                done, total, f"Exporting {what}"
            ),
        )
        archive.seek(0)
        job.write_result(
            archive_name(site, timezone.localtime()), archive, "application/zip"
        )
    record_event(
        kind=AuditEvent.Kind.EXPORT,
        user=job.user,
        site=site,
        obj=job,
        action=EXPORT_ACTION,
        details={"rows": summary.rows},
    )
