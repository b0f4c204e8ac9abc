"""``purge_expired_jobs`` tidies background work: finished task rows of
django-tasks-db older than the results period go, and a queued or running job
whose task was lost, or that gave no sign of life for CAREHUB_JOB_STALE_HOURS, is
marked failed and its owner told."""

import io
import os
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from django_tasks_db.models import DBTaskResult

from sites.jobs import STALE_MESSAGE, purge_expired_jobs, purge_task_rows
from sites.models import Job, Notification
from sites.portability.jobs import purge_abandoned_uploads, upload_location
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(timezone.datetime(2026, 3, 2, 10, 0))


@pytest.fixture(autouse=True)
def own_files(settings, tmp_path):
    """Each test its own storage folder, so no upload is left for the next one."""
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _task_row(status, finished_at=None, **fields):
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="tests.sites.jobs_for_tests.count_to",
        backend_name="default",
        run_after=NOW,
        finished_at=finished_at,
        exception_class_path="",
        traceback="",
        **fields,
    )


def _job(site, user, status=Job.Status.RUNNING, task_id=""):
    with scope(site=site):
        return Job.objects.create(
            site=site,
            user=user,
            kind="site_export",
            title="Export",
            status=status,
            task_id=task_id,
        )


def test_finished_task_rows_older_than_the_results_period_are_deleted(clock, settings):
    settings.CAREHUB_JOB_RESULTS_DAYS = 7
    old_done = _task_row("SUCCESSFUL", NOW - timedelta(days=7, minutes=1))
    old_failed = _task_row("FAILED", NOW - timedelta(days=8))
    recent = _task_row("SUCCESSFUL", NOW - timedelta(days=6))
    waiting = _task_row("READY")
    running = _task_row("RUNNING")

    assert purge_task_rows() == 2
    left = set(DBTaskResult.objects.values_list("id", flat=True))
    assert left == {recent.id, waiting.id, running.id}
    assert old_done.id not in left
    assert old_failed.id not in left


def test_a_job_silent_for_the_stale_hours_is_marked_failed_and_its_owner_told(
    clock, settings, site_a, officer
):
    settings.CAREHUB_JOB_STALE_HOURS = 24
    silent = _job(site_a, officer)
    waiting = _job(site_a, officer, status=Job.Status.QUEUED)
    clock.shift(timedelta(hours=23))
    with scope(site=site_a):
        Job.objects.get(pk=waiting.pk).report(0, 3, "Waiting")  # a sign of life
    clock.shift(timedelta(hours=1))

    purged = purge_expired_jobs()
    assert purged.stale == 1
    with scope(site=site_a):
        silent.refresh_from_db()
        waiting.refresh_from_db()
        note = Notification.objects.get(user=officer)
    assert silent.status == Job.Status.FAILED
    assert silent.error == STALE_MESSAGE
    assert waiting.status == Job.Status.QUEUED
    assert note.kind == Notification.Kind.JOB_FAILED


def test_a_job_whose_task_finished_or_vanished_is_marked_failed(
    clock, settings, site_a, officer
):
    finished = _task_row("FAILED", NOW)
    lost_run = _job(site_a, officer, task_id=str(finished.id))
    still_running = _task_row("RUNNING")
    healthy = _job(site_a, officer, task_id=str(still_running.id))
    vanished = _job(site_a, officer, task_id=str(uuid.uuid4()))

    # The immediate backend keeps no task rows: a missing one says nothing.
    assert purge_expired_jobs().stale == 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert purge_expired_jobs().stale == 1

    with scope(site=site_a):
        statuses = {
            job.pk: Job.objects.get(pk=job.pk).status
            for job in (lost_run, healthy, vanished)
        }
    assert statuses == {
        lost_run.pk: Job.Status.FAILED,
        healthy.pk: Job.Status.RUNNING,
        vanished.pk: Job.Status.FAILED,
    }


def test_the_command_says_what_it_tidied(clock, site_a, officer, settings):
    settings.CAREHUB_JOB_STALE_HOURS = 1
    _job(site_a, officer)
    _task_row("SUCCESSFUL", NOW - timedelta(days=30))
    clock.shift(timedelta(hours=2))
    out = io.StringIO()
    call_command("purge_expired_jobs", stdout=out)
    assert "marked 1 stopped job as failed" in out.getvalue()
    assert "deleted 1 finished task row" in out.getvalue()


def test_an_operator_job_that_stopped_is_marked_failed_without_a_notification(
    clock, superuser_account, settings
):
    settings.CAREHUB_JOB_STALE_HOURS = 1
    with scopes_disabled():
        job = Job.objects.create(
            site=None, user=superuser_account, kind="site_restore", title="Restore"
        )
    clock.shift(timedelta(hours=2))
    assert purge_expired_jobs().stale == 1
    with scopes_disabled():
        job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    with scopes_disabled():
        assert not Notification.objects.exists()


def test_uploads_never_restored_are_deleted_after_a_day():
    old = default_storage.save(upload_location("old"), ContentFile(b"zip"))
    fresh = default_storage.save(upload_location("fresh"), ContentFile(b"zip"))
    # Files carry the real clock's times: the old one is made a day old.
    a_day_ago = (timezone.now() - timedelta(days=1, minutes=1)).timestamp()
    os.utime(default_storage.path(old), (a_day_ago, a_day_ago))
    assert purge_abandoned_uploads() == 1
    assert not default_storage.exists(old)
    assert default_storage.exists(fresh)
    default_storage.delete(fresh)


@pytest.fixture
def superuser_account():
    return UserFactory(username="root-admin", is_staff=True, is_superuser=True)
