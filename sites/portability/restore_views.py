"""Restoring a site from the browser (issue 13 item 3), in the admin.

Restoring creates a whole site on the instance, with its accounts and memberships,
so it belongs to whoever administers the instance: superusers, in the admin (which
runs with scopes disabled), reached from the admin's list of sites. It never lists a
record, only counts per kind of record. The flow:

1. upload the archive (to a temporary file, never held in memory), with an optional
   new short name and name;
2. the archive is verified at once (``restore.verify``: every count and checksum,
   nothing written) and the page shows its manifest, or the refusal;
3. confirm: the restore runs as an operator job (``sites.jobs``, no site) whose
   page shows progress, then every count checked against the manifest and a link to
   the restored site. The upload is deleted when the job ends.

Every refusal and every restore is an audit event.
"""

from functools import wraps

from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..job_views import REFRESH_SECONDS
from ..jobs import job_url, start_job
from ..models import Job, Site
from . import FORMAT_VERSION
from .forms import RestoreArchiveForm
from .jobs import (
    RESTORE_KIND,
    manifest_counts,
    plural_name,
    record_refusal,
    restore_site_job,
    upload_location,
)
from .restore import ArchiveRefused, verify

# The signed note that carries a checked upload from the check page to "Restore".
SALT = "carehub.portability.restore"
MALFORMED = (
    "The archive's manifest cannot be understood: this is not a CareHub site "
    "archive, or it was changed after export."
)
# An upload not restored within a day is deleted by purge_expired_jobs.
TOKEN_MAX_AGE = 24 * 60 * 60


def superusers_only(view):
    """The instance's administrators only: anyone else signed in is refused (403);
    anonymous visitors were already sent to sign in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _context(request, **extra):
    return {
        **admin.site.each_context(request),
        "opts": Site._meta,
        "title": "Restore a site from an archive",
        **extra,
    }


@csrf_exempt
def restore_start(request):
    """The upload form; on POST, the archive is checked and the result shown.

    The upload is written to a temporary file (never read into memory): the handler
    is chosen before anything reads the request's body, so the CSRF check runs
    after it (``_restore_start``), as Django's documentation shows."""
    if request.method == "POST":
        request.upload_handlers = [TemporaryFileUploadHandler(request)]
    return _restore_start(request)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _restore_start(request):
    form = RestoreArchiveForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["archive"]
        slug = form.cleaned_data["slug"] or None
        name = form.cleaned_data["name"] or None
        try:
            try:
                plan = verify(upload.temporary_file_path(), slug=slug, name=name)
            except (KeyError, TypeError, ValueError) as error:
                # A manifest shaped unlike ours (hand-made or damaged): a refusal,
                # never an error page.
                raise ArchiveRefused(MALFORMED) from error
        except ArchiveRefused as refusal:
            record_refusal(request.user, refusal, stage="check")
            form.add_error("archive", f"Nothing was changed. {refusal}")
        else:
            return _checked(request, upload, plan)
    elif request.method == "POST" and form.has_error("slug", "slug_in_use"):
        record_refusal(request.user, form.errors["slug"][0], stage="check")
    return TemplateResponse(
        request,
        "admin/sites/site/restore_form.html",
        _context(request, form=form),
    )


def _checked(request, upload, plan):
    """Keep the sound upload until it is restored, and show what it holds."""
    stored = default_storage.save(upload_location(get_random_string(32)), upload)
    token = signing.dumps(
        {"upload": stored, "slug": plan.slug, "name": plan.name}, salt=SALT
    )
    counts = [
        {"name": plural_name(label), "count": count}
        for label, count in manifest_counts(plan.manifest).items()
    ]
    return TemplateResponse(
        request,
        "admin/sites/site/restore_check.html",
        _context(
            request,
            plan=plan,
            manifest=plan.manifest,
            exported_at=_when(plan.manifest.get("created_at")),
            format_version=FORMAT_VERSION,
            counts=counts,
            size=default_storage.size(stored),
            token=token,
        ),
    )


def _when(text):
    """The manifest's export time (informative: shown as written if unreadable)."""
    try:
        return parse_datetime(str(text or ""))
    except ValueError:
        return None


@require_POST
def restore_confirm(request):
    """Start the restore of a checked upload (or drop it, on "Cancel")."""
    try:
        checked = signing.loads(
            request.POST.get("token", ""), salt=SALT, max_age=TOKEN_MAX_AGE
        )
    except signing.BadSignature:
        messages.error(
            request,
            "That check is more than a day old or was changed. Upload the archive "
            "again.",
        )
        return redirect("admin:sites_site_restore")
    upload = checked["upload"]
    if not default_storage.exists(upload):
        messages.error(request, "That upload is no longer kept. Upload it again.")
        return redirect("admin:sites_site_restore")
    if "cancel" in request.POST:
        default_storage.delete(upload)
        messages.info(request, "Nothing was restored; the upload was deleted.")
        return redirect("admin:sites_site_changelist")
    job = start_job(
        site=None,
        user=request.user,
        kind=RESTORE_KIND,
        title=f"Restore of a site archive as “{checked['slug']}”",
        task=restore_site_job,
        upload=upload,
        slug=checked["slug"],
        name=checked["name"],
    )
    return redirect(job_url(job))


@require_GET
def restore_job(request, code):
    """The restore's progress, then every count checked, or why it was refused."""
    job = (
        Job.objects.filter(site=None, kind=RESTORE_KIND, user=request.user)
        .filter(code=code)
        .first()
    )
    if job is None:
        raise Http404("No such restore.")
    site_link = None
    if job.outcome.get("site"):
        site_link = reverse("admin:sites_site_change", args=[job.outcome["site"]["pk"]])
    return TemplateResponse(
        request,
        "admin/sites/site/restore_job.html",
        _context(
            request,
            title=job.title,
            job=job,
            refresh=None if job.finished else REFRESH_SECONDS,
            site_link=site_link,
        ),
    )
