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
``purge_expired_jobs`` (``manage.py purge_expired_jobs``) deletes expired results,
marks jobs whose task was lost as failed and deletes the task backend's old rows.

An operator job (``site=None``: restoring a site, started in the admin) runs with
scopes disabled, as the operator's command would; it has no site to notify at, so
its owner follows it on its admin page.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.tasks import TaskResultStatus, task, task_backends
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

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
    """Record a job for ``user`` at ``site`` (``None``: an operator job) and enqueue
    ``task`` (a ``@job_task``) to run it; returns the job as it stands (already
    finished on the immediate backend)."""
    with _scope_of(site):
        job = Job.objects.create(
            site=site, user=user, kind=kind, title=title, params=params
        )
        # Enqueued in the caller's transaction: with the database backend the task
        # row and the job row become visible to workers together, when it commits.
        result = task.enqueue(site_id=site.pk if site else None, job_code=str(job.code))
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
        job.refresh_from_db()
    return job


def _scope_of(site):
    """The site's scope; an operator job's work is the instance's (scopes off)."""
    return scopes_disabled() if site is None else scope(site=site)


def job_url(job) -> str:
    if job.is_operator_job:
        return reverse("admin:sites_site_restore_job", kwargs={"code": job.code})
    return reverse("job_detail", kwargs={"site_slug": job.site.slug, "code": job.code})


def execute(site_id, job_code, func):
    """Run one job (called by the task): start, call, then finish or fail."""
    with scopes_disabled() if site_id is None else scope(site=site_id):
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
        if job.is_operator_job:
            return  # followed on its admin page: there is no site to notify at
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
        if job.is_operator_job:
            return
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
    return f"jobs/{job.site_id or 'instance'}/{job.code}/{filename}"


STALE_MESSAGE = (
    "This stopped before it finished (the background worker running it was stopped "
    "or lost it). Nothing was kept; please start it again."
)


@dataclass
class Purged:
    """What ``purge_expired_jobs`` did, for its command's output."""

    results: int = 0
    stale: int = 0
    task_rows: int = 0


def purge_expired_jobs(now=None) -> Purged:
    """Tidy background work, site by site (then the operator jobs):

    - a queued or running job that gave no sign of life (a progress report) for
      ``CAREHUB_JOB_STALE_HOURS``, or whose task the backend finished or no longer
      has, is marked failed (its worker died, or the task row was lost);
    - the results of jobs past their expiry are deleted;
    - django-tasks-db's finished task rows older than ``CAREHUB_JOB_RESULTS_DAYS``
      are deleted (a task row keeps its arguments and result, not needed once the
      job's own row says how it ended).
    """
    now = now or timezone.now()
    purged = Purged()
    sites = [*Site.objects.order_by("pk"), None]
    for site in sites:
        with _scope_of(site):
            jobs = Job.objects.filter(site=site).select_related("site", "user")
            for job in _stale(jobs, now):
                _fail(job, STALE_MESSAGE)
                purged.stale += 1
            expired = jobs.filter(status=Job.Status.DONE, expires_at__lte=now)
            for job in expired:
                _delete_result(job)
                with transaction.atomic():
                    workflow.transition(
                        job,
                        Job.WORKFLOW.expire,
                        by=None,
                        result_path="",
                        result_size=None,
                    )
                purged.results += 1
    purged.task_rows = purge_task_rows(now)
    return purged


def _stale(jobs, now):
    """The queued or running jobs among ``jobs`` whose task is lost or stale."""
    unfinished = list(jobs.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]))
    if not unfinished:
        return []
    silent_since = now - timedelta(hours=settings.CAREHUB_JOB_STALE_HOURS)
    tasks = dict(
        DBTaskResult.objects.filter(
            id__in=[_task_key(job) for job in unfinished if _task_key(job)]
        ).values_list("id", "status")
    )
    queued_in_database = isinstance(task_backends["default"], DatabaseBackend)

    def lost(job):
        status = tasks.get(_task_key(job))
        if status is None:
            # The database backend keeps a row for every task it was given: none
            # means it was deleted. (The immediate backend keeps none at all.)
            return queued_in_database
        # The backend finished the task, yet the job never finished.
        return status in {TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED}

    return [job for job in unfinished if job.updated_at <= silent_since or lost(job)]


def _task_key(job):
    try:
        return uuid.UUID(job.task_id)
    except ValueError:
        return None


def purge_task_rows(now=None) -> int:
    """Delete django-tasks-db's finished task rows older than the results period."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CAREHUB_JOB_RESULTS_DAYS)
    deleted, _ = (
        DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
    )
    return deleted
