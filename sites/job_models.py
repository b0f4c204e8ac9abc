"""Background jobs: long work a member started, its progress and its download.

The model only; starting, running and expiring jobs is ``sites/jobs.py``.
"""

import uuid

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from .models import Site, SiteScoped
from .text import shorten
from .workflow import Step, Workflow

# A job's kind in words, for the list of a member's jobs (others: the kind itself).
KIND_NAMES = {
    "subject_access": "Subject-access export",
    "site_export": "Site export",
    "site_restore": "Site restore",
}


class Job(SiteScoped):
    """One piece of long work (an export, a pack) run by ``django.tasks`` for a
    member, who alone may follow it and download its result.

    An **operator job** has no site: work on the instance itself (restoring a site
    from an archive), started by a superuser in the admin and followed there. No
    site's scope ever shows it (docs/architecture.md, "Background jobs").
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    WORKFLOW = Workflow(
        Status,
        Step("start", {"queued"}, "running", "Job started", stamp_at="started_at"),
        Step("finish", {"running"}, "done", "Job finished", stamp_at="finished_at"),
        Step(
            "fail",
            {"queued", "running"},
            "failed",
            "Job failed",
            stamp_at="finished_at",
        ),
        Step("expire", {"done"}, "expired", "Job result deleted"),
    )

    # Empty for an operator job (see above): the restored site does not exist until
    # the job has finished.
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # What kind of work (e.g. "subject_access"), and its title in words for the
    # page and the notification: never a person's name.
    kind = models.CharField(max_length=50)
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # The job's own arguments (public ids, never names), passed to its function.
    params = models.JSONField(default=dict, blank=True)
    # The django.tasks result id, to find the task in the backend's table.
    task_id = models.CharField(max_length=64, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    note = models.CharField("Step", max_length=200, blank=True)
    # The result, written through Django's storage API (``STORAGES["default"]``).
    result_path = models.CharField(max_length=300, blank=True)
    result_name = models.CharField(max_length=120, blank=True)
    result_size = models.PositiveBigIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    # Shown to the owner on failure: plain words, nothing from the exception.
    error = models.CharField(max_length=300, blank=True)
    # What the job found, for its page: counts and short names, never personal data
    # (a restore's counts per record type, verified against the archive's manifest).
    outcome = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    # No change history: progress is written many times a minute, and the audit
    # trail records each step (started, finished, failed, deleted) and each download.
    history = None

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["site", "user", "-created_at"], name="job_owner"),
        ]

    def __str__(self):
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in {
            self.Status.DONE,
            self.Status.FAILED,
            self.Status.EXPIRED,
        }

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return min(100, round(100 * self.done / self.total))

    def report(self, done, total=None, note=None):
        """Progress, written at once for the job page: ``done`` of ``total`` steps,
        and what is happening now (plain words, never a person's details)."""
        # ``updated_at`` is the job's last sign of life: a queued or running job
        # silent for CAREHUB_JOB_STALE_HOURS is marked failed (``purge_expired_jobs``).
        changes = {"done": done, "updated_at": timezone.now()}
        if total is not None:
            changes["total"] = total
        if note is not None:
            changes["note"] = shorten(note, 200)
        type(self).objects.filter(pk=self.pk).update(**changes)
        for name, value in changes.items():
            setattr(self, name, value)

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind.replace("_", " ").capitalize())

    @property
    def is_operator_job(self) -> bool:
        return self.site_id is None

    def write_result(self, filename, content, content_type="application/octet-stream"):
        """Keep the job's result (bytes or an open file, read in chunks) through
        Django's storage API, under a path made of the site and the job's id."""
        from .jobs import result_location  # noqa: PLC0415 (sites.jobs imports this module)

        if isinstance(content, bytes):
            content = ContentFile(content)
        elif not isinstance(content, File):
            content = File(content)
        if self.result_path:
            default_storage.delete(self.result_path)
        path = default_storage.save(result_location(self, filename), content)
        self.result_path = path
        self.result_name = filename[:120]
        self.result_size = default_storage.size(path)
        self.content_type = content_type
        self.save(
            update_fields=[
                "result_path",
                "result_name",
                "result_size",
                "content_type",
                "updated_at",
            ]
        )
