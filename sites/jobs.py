"""Long work in the background, through Django's own tasks framework (django.tasks).

The API other apps use (see docs/architecture.md, "Background jobs"):

    from sites.jobs import job_task, start_job

    @job_task
    def export_site(job, *, fmt):            # runs in a worker, inside the job's site
        job.report(0, 3, "Reading people")   # progress the owner sees on the job page
        ...
        job.write_result("site-export.zip", open_file_or_bytes, "application/zip")

    job = start_job(site=site, user=user, kind="site_export",
                    title="Site export", task=export_site, fmt="v1")
    return redirect(job_url(job))

``start_job`` records a ``Job`` and enqueues its task on the configured backend: the
immediate backend (the default: the work runs before ``start_job`` returns) or
django-tasks-db's database backend, whose ``manage.py db_worker`` processes run it.
The function receives the job and the keyword arguments given to ``start_job``
(stored on the job as JSON: public ids, never names). When it returns, the job is
ready: its result expires after ``CAREHUB_JOB_RESULTS_DAYS`` and the owner is
notified. When it raises, the job failed: the owner reads the message of a
``JobFailed`` or a plain sentence, never the exception's text, and no file is kept.
``purge_expired_jobs`` (``manage.py purge_expired_jobs``) deletes expired results.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from . import workflow
from .models import Job, Notification, Site
from .notify import notify
from .text import shorten

logger = logging.getLogger("carehub.jobs")

FAILED_MESSAGE = (
    "Something went wrong while preparing this. Nothing was kept; please try again, "
    "and if it happens again tell your system administrator (quote the job's "
    "reference)."
)


class JobFailed(Exception):
    """Raised by a job with a message its owner may read (no personal data)."""


def job_task(func=None, *, queue_name="default", priority=0):
    """Make ``func(job, **params)`` a django.tasks task that runs as a ``Job``."""

    def decorate(func):
        def run(*, site_id, job_code):
            return execute(site_id, job_code, func)

        # The task is found again by this path in a worker: the module's name for it.
        run.__module__ = func.__module__
        run.__name__ = func.__name__
        run.__qualname__ = func.__qualname__
        run.__doc__ = func.__doc__
        run.job_function = func
        return task(run, queue_name=queue_name, priority=priority)

    return decorate(func) if func is not None else decorate


def start_job(*, site, user, kind, title, task, **params) -> Job:
    """Record a job for ``user`` at ``site`` and enqueue ``task`` (a ``@job_task``)
    to run it; returns the job as it stands (already finished on the immediate
    backend)."""
    job = Job.objects.create(
        site=site, user=user, kind=kind, title=title, params=params
    )
    # Enqueued in the caller's transaction: with the database backend the task row
    # and the job row become visible to workers together, when it commits.
    result = task.enqueue(site_id=site.pk, job_code=str(job.code))
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def job_url(job) -> str:
    return reverse("job_detail", kwargs={"site_slug": job.site.slug, "code": job.code})


def execute(site_id, job_code, func):
    """Run one job (called by the task): start, call, then finish or fail."""
    with scope(site=site_id):
        job = Job.objects.select_related("site", "user").get(code=job_code)
        if not workflow.can_take(job, Job.WORKFLOW.start):
            return job.status  # already run (a task delivered twice)
        with transaction.atomic():
            workflow.transition(job, Job.WORKFLOW.start, by=job.user)
        job.refresh_from_db()
        try:
            func(job, **job.params)
        except Exception as exc:
            # The exception's text may quote a record: only its type is logged.
            logger.error("Job %s failed (%s)", job.code, type(exc).__name__)
            message = str(exc) if isinstance(exc, JobFailed) else FAILED_MESSAGE
            _fail(job, message)
            return Job.Status.FAILED
        _finish(job)
        return Job.Status.DONE


def _finish(job):
    days = settings.CAREHUB_JOB_RESULTS_DAYS
    with transaction.atomic():
        workflow.transition(
            job,
            Job.WORKFLOW.finish,
            by=job.user,
            expires_at=timezone.now() + timedelta(days=days),
            note="",
        )
        notify(
            user=job.user,
            site=job.site,
            kind=Notification.Kind.JOB_READY,
            message=f"{job.title} is ready to download (kept for {days} days).",
            link=job_url(job),
            subject=f"sites.Job:{job.code}",
        )


def _fail(job, message):
    _delete_result(job)
    with transaction.atomic():
        workflow.transition(
            job,
            Job.WORKFLOW.fail,
            by=job.user,
            error=shorten(message, 300),
            result_path="",
            result_size=None,
        )
        notify(
            user=job.user,
            site=job.site,
            kind=Notification.Kind.JOB_FAILED,
            message=f"{job.title} could not be prepared.",
            link=job_url(job),
            subject=f"sites.Job:{job.code}",
        )


def _delete_result(job):
    if job.result_path:
        default_storage.delete(job.result_path)


def result_location(job, filename) -> str:
    """Where a job's result is kept in the storage: by site and job, never by name."""
    return f"jobs/{job.site_id}/{job.code}/{filename}"


def purge_expired_jobs(now=None) -> int:
    """Delete the results of jobs past their expiry, site by site; returns how many."""
    now = now or timezone.now()
    purged = 0
    for site in Site.objects.order_by("pk"):
        with scope(site=site):
            expired = Job.objects.filter(status=Job.Status.DONE, expires_at__lte=now)
            for job in expired.select_related("site", "user"):
                _delete_result(job)
                with transaction.atomic():
                    workflow.transition(
                        job,
                        Job.WORKFLOW.expire,
                        by=None,
                        result_path="",
                        result_size=None,
                    )
                purged += 1
    return purged
