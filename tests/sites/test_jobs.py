"""Background jobs (sites/jobs.py): start, progress, result, download, failure,
expiry, and the database backend with its worker."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from sites.jobs import purge_expired_jobs, start_job
from sites.models import AuditEvent, Job, Notification
from sites.permissions import Role
from tests.factories import member
from tests.sites.jobs_for_tests import break_down, count_to

NOW = timezone.make_aware(timezone.datetime(2026, 3, 2, 10, 0))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _page(job):
    return reverse("job_detail", kwargs={"site_slug": "alpha", "code": job.code})


def _download(job):
    return reverse("job_download", kwargs={"site_slug": "alpha", "code": job.code})


def _start(site, user, task=count_to, **params):
    with scope(site=site):
        return start_job(
            site=site, user=user, kind="test", title="Test export", task=task, **params
        )


def test_a_job_runs_at_once_on_the_immediate_backend_and_tells_its_owner(
    site_a, officer, clock
):
    job = _start(site_a, officer, upto=3, text="all done")
    assert job.status == Job.Status.DONE
    assert (job.done, job.total) == (3, 3)
    assert job.task_id
    assert job.expires_at == NOW + timedelta(days=7)
    with default_storage.open(job.result_path) as handle:
        assert handle.read() == b"all done"
    assert job.result_size == len(b"all done")
    assert job.result_path == f"jobs/{site_a.pk}/{job.code}/result.txt"
    with scope(site=site_a):
        note = Notification.objects.get(user=officer)
        steps = list(
            AuditEvent.objects.filter(object_code=str(job.code)).values_list(
                "action", flat=True
            )
        )
    assert note.kind == Notification.Kind.JOB_READY
    assert note.link == _page(job)
    assert "ready to download" in note.message
    assert sorted(steps) == ["Job finished", "Job started"]


def test_the_owner_sees_the_download_with_its_size(client, site_a, officer, clock):
    job = _start(site_a, officer, upto=1)
    client.force_login(officer)
    page = client.get(_page(job)).text
    assert _download(job) in page
    assert "Download result.txt" in page
    assert "5\xa0bytes" in page
    assert 'http-equiv="refresh"' not in page
    assert "Kept until 9 March 2026" in page


def test_a_running_job_page_refreshes_itself_without_javascript(
    client, site_a, officer, django_assert_num_queries
):
    with scope(site=site_a):
        job = Job.objects.create(site=site_a, user=officer, kind="t", title="Export")
        job.report(2, 8, "Reading plans")
    client.force_login(officer)
    client.get(_page(job))  # sessions and caches warmed
    with django_assert_num_queries(4):
        response = client.get(_page(job))
    page = response.text
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "2 of 8 steps done: Reading plans." in page
    assert 'value="25"' in page
    # The policy governs scripts and styles; the refresh needs neither.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in page


def test_only_the_owner_may_open_a_job_or_its_download(client, site_a, officer):
    job = _start(site_a, officer, upto=1)
    colleague = member(site_a, Role.SENIOR_MANAGER, "colleague")
    client.force_login(colleague)
    assert client.get(_page(job)).status_code == 404
    assert client.get(_download(job)).status_code == 404


def test_a_download_is_audited_and_sent_as_an_attachment(client, site_a, officer):
    job = _start(site_a, officer, upto=1, text="the file")
    client.force_login(officer)
    response = client.get(_download(job))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"the file"
    assert 'attachment; filename="result.txt"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    with scope(site=site_a):
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert (event.user, event.object_code, event.site) == (
        officer,
        str(job.code),
        site_a,
    )


def test_a_failed_job_says_so_plainly_and_keeps_nothing(
    client, site_a, officer, caplog
):
    job = _start(site_a, officer, task=break_down)
    assert job.status == Job.Status.FAILED
    assert not job.result_path
    client.force_login(officer)
    page = client.get(_page(job)).text
    assert "This could not be prepared" in page
    assert "Acacia" not in page
    assert "Evans" not in caplog.text
    with scope(site=site_a):
        note = Notification.objects.get(user=officer)
    assert note.kind == Notification.Kind.JOB_FAILED
    assert client.get(_download(job)).status_code == 302


def test_a_job_may_fail_with_words_for_its_owner(site_a, officer):
    job = _start(site_a, officer, task=break_down, plainly=True)
    assert job.error == "The archive would be larger than the space left."


def test_results_expire_after_the_set_days_and_are_deleted(
    client, site_a, officer, clock, settings
):
    settings.CAREHUB_JOB_RESULTS_DAYS = 2
    job = _start(site_a, officer, upto=1)
    path = job.result_path
    clock.shift(timedelta(days=2) - timedelta(minutes=1))
    assert purge_expired_jobs().results == 0
    assert default_storage.exists(path)
    clock.shift(timedelta(minutes=1))
    call_command("purge_expired_jobs")
    assert not default_storage.exists(path)
    with scope(site=site_a):
        job.refresh_from_db()
    assert job.status == Job.Status.EXPIRED
    client.force_login(officer)
    response = client.get(_download(job), follow=True)
    assert "nothing to download" in response.text
    assert "Expired." in response.text


def test_the_database_backend_queues_the_job_for_a_worker(
    client, site_a, officer, settings, monkeypatch
):
    # The worker drops connections that are not in autocommit between tasks; the
    # test's own transaction is such a connection, so it is left alone here.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = _start(site_a, officer, upto=2, text="from a worker")
    assert job.status == Job.Status.QUEUED
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    client.force_login(officer)
    assert 'http-equiv="refresh"' in client.get(_page(job)).text
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
    with scope(site=site_a):
        job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    with default_storage.open(job.result_path) as handle:
        assert handle.read() == b"from a worker"


def test_the_owner_is_emailed_a_link_and_nothing_personal(
    site_a, officer, mailoutbox, django_capture_on_commit_callbacks
):
    officer.email = "officer@example.org"
    officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(
            site_a, officer, upto=1, text="Mrs Evans is in the file, never the e-mail"
        )
    (message,) = mailoutbox
    assert message.subject == "CareHub: a download you asked for is ready"
    assert _page(job) in message.body
    assert "Evans" not in message.body
