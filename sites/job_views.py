"""The signed-in member's background jobs at the site, a job's page (progress, then
its download) and the download itself.

Only the member who started a job sees it: anyone else, at this site or another,
is told there is no such page (404), as for any record they may not know of.
"""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .audit import record_access
from .decorators import require_rule
from .jobs import job_url
from .models import AuditEvent, Job
from .shortcuts import get_for_site

# Seconds between refreshes of a running job's page (no JavaScript needed).
REFRESH_SECONDS = 3
# Jobs listed per page on "Your downloads".
JOBS_PAGE_SIZE = 25


def _own_job(request, code):
    return get_for_site(
        Job.objects.filter(user=request.user).select_related("site"),
        request.site,
        code=code,
    )


@require_GET
@require_rule("open_site")
def job_list(request, site_slug):
    """The member's own jobs here, newest first: what each is, how far it got, and
    its download while it is kept."""
    jobs = Job.objects.filter(site=request.site, user=request.user).order_by(
        "-created_at", "-id"
    )
    page = Paginator(jobs, JOBS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sites/jobs/job_list.html", {"page": page})


@require_GET
@require_rule("open_site")
def job_detail(request, site_slug, code):
    """How far the job has got; its download once ready, or why it failed."""
    job = _own_job(request, code)
    return render(
        request,
        "sites/jobs/job_detail.html",
        {
            "job": job,
            "refresh": None if job.finished else REFRESH_SECONDS,
        },
    )


@require_GET
@require_rule("open_site")
def job_download(request, site_slug, code):
    """The job's result as a download (audited); gone once it has expired."""
    job = _own_job(request, code)
    if job.status != Job.Status.DONE or not job.result_path:
        messages.info(request, "There is nothing to download for this job now.")
        return redirect(job_url(job))
    try:
        handle = default_storage.open(job.result_path, "rb")
    except FileNotFoundError as exc:
        raise Http404("No such file.") from exc
    record_access(request, job, kind=AuditEvent.Kind.EXPORT, action="Downloaded")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.result_name,
        content_type=job.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store, private"
    return response
