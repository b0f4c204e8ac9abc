"""The site export and the site restore as background jobs (``sites.jobs``).

The export's progress is the file being written, its result the archive, kept until
the job expires. The restore is an operator job (no site: the site is what it
makes): it verifies the uploaded archive again, restores it in one transaction,
counts the restored rows against the manifest, and deletes the upload.
"""

import os
import shutil
import tempfile
from contextlib import contextmanager, suppress
from datetime import timedelta

from django.apps import apps
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import capfirst
from django_scopes import scopes_disabled

from ..audit import record_event
from ..jobs import JobFailed, job_task
from ..models import AuditEvent, Job, Site
from ..text import shorten
from .catalogue import catalogue
from .export import export_site
from .restore import ArchiveRefused, restore_site

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


# --- restoring a site (an operator job: no site until it is restored) ------------

RESTORE_KIND = "site_restore"
RESTORED_ACTION = "Site restored from an archive (admin)"
REFUSED_ACTION = "Site restore refused"
UPLOADS = "restores"


def upload_location(token) -> str:
    """Where an uploaded archive waits between its check and the restore."""
    return f"{UPLOADS}/{token}/archive.zip"


def record_refusal(user, refusal, *, stage):
    """A refused restore is an audit event too (the reason names files, never rows)."""
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=user,
        action=REFUSED_ACTION,
        details={"stage": stage, "reason": shorten(str(refusal), 500)},
    )


def manifest_counts(manifest) -> dict:
    """{model label: rows} of the site's records as the archive's manifest lists
    them (the staff accounts are shared by every site, so not counted per site)."""
    labels = {entry.label for entry in catalogue()} | {"sites.Site"}
    return {
        item["model"]: item["count"]
        for item in manifest.get("files", [])
        if isinstance(item, dict) and item.get("model") in labels
    }


def restored_counts(site) -> dict:
    """{model label: rows} the restored site holds now, read from the database."""
    counts = {"sites.Site": Site._base_manager.filter(pk=site.pk).count()}
    for entry in catalogue():
        counts[entry.label] = entry.model._base_manager.filter(site=site).count()
    return counts


@job_task
def restore_site_job(job, *, upload, slug="", name=""):
    """Verify the uploaded archive again and restore it as a new site; the job's
    outcome holds every count, checked against the manifest. The upload is deleted
    whatever happens."""
    if not default_storage.exists(upload):
        raise JobFailed(
            "Nothing was restored: the uploaded archive is no longer kept (uploads "
            "wait a day). Upload it again."
        )
    try:
        with _local_copy(upload) as path:
            total = len(catalogue())
            job.report(0, total + 1, "Checking every count and checksum")
            summary = restore_site(
                path,
                slug=slug or None,
                name=name or None,
                progress=lambda done, _total: job.report(
                    done, total + 1, "Writing the records"
                ),
            )
    except ArchiveRefused as refusal:
        record_refusal(job.user, refusal, stage="restore")
        raise JobFailed(f"Nothing was restored. {refusal}") from refusal
    finally:
        default_storage.delete(upload)
        _delete_folder(upload)
    site = summary.site
    expected = manifest_counts(summary.manifest)
    found = restored_counts(site)
    rows = [
        {
            "label": label,
            "name": plural_name(label),
            "expected": count,
            "restored": found.get(label, 0),
        }
        for label, count in expected.items()
    ]
    verified = all(row["expected"] == row["restored"] for row in rows)
    # The site's own audit trail says it was restored, and by whom.
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=job.user,
        site=site,
        action=RESTORED_ACTION,
        details={"rows": summary.rows, "verified": verified},
    )
    job.outcome = {
        "site": {"pk": site.pk, "slug": site.slug, "name": site.name},
        "rows": summary.rows,
        "counts": rows,
        "verified": verified,
        "renewed_ids": summary.renew_ids,
        "users_created": len(summary.users_created),
        "exported_at": summary.manifest.get("created_at"),
    }
    job.save(update_fields=["outcome", "updated_at"])
    job.report(total + 1, total + 1, "Counts checked")
    if not verified:
        raise JobFailed(
            "The site was restored, but some counts differ from the archive's "
            "manifest: see the table, and deactivate the restored site in the admin "
            "before anyone uses it."
        )


def plural_name(label):
    """A kind of record in words: "People", "People: change history"."""
    entry = next((e for e in catalogue() if e.label == label), None)
    if entry is not None and entry.is_history:
        return f"{capfirst(entry.base._meta.verbose_name_plural)}: change history"
    return str(capfirst(apps.get_model(label)._meta.verbose_name_plural))


@contextmanager
def _local_copy(upload):
    """The uploaded archive as a local file (zipfile seeks): the storage's own file
    when it has one, else a temporary copy read in chunks."""
    try:
        local = default_storage.path(upload)
    except NotImplementedError:
        local = None
    if local is not None:
        yield local
        return
    with (
        default_storage.open(upload, "rb") as source,
        tempfile.NamedTemporaryFile(suffix=".zip") as copy,
    ):
        shutil.copyfileobj(source, copy, 1 << 20)
        copy.flush()
        yield copy.name


def _delete_folder(upload):
    folder = upload.rsplit("/", 1)[0]
    try:
        path = default_storage.path(folder)
    except NotImplementedError:
        return
    with suppress(OSError):
        os.rmdir(path)


def purge_abandoned_uploads(now=None, *, older_than=timedelta(days=1)) -> int:
    """Delete uploaded archives checked but never restored (after a day: the check
    page's note to restore them has expired by then); returns how many."""
    now = now or timezone.now()
    try:
        folders, _files = default_storage.listdir(UPLOADS)
    except FileNotFoundError:
        return 0
    with scopes_disabled():
        waiting = {
            job.params.get("upload")
            for job in Job.objects.filter(
                site=None,
                kind=RESTORE_KIND,
                status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
            )
        }
    deleted = 0
    for folder in folders:
        name = upload_location(folder)
        if name in waiting or not default_storage.exists(name):
            continue
        if default_storage.get_modified_time(name) <= now - older_than:
            default_storage.delete(name)
            _delete_folder(name)
            deleted += 1
    return deleted
