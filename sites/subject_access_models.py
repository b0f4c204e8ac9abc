"""A subject-access request: a person's right to a copy of everything held about
them, answered within a calendar month of receipt (UK GDPR art. 12(3), 15)."""

import uuid
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models

from .job_models import Job
from .models import SiteScoped, named_user
from .workflow import Step, Workflow


def statutory_deadline(received_on: date) -> date:
    """The same day of the next calendar month, or its last day when there is no such
    day (31 January -> 28 or 29 February), as the ICO counts the month."""
    return received_on + relativedelta(months=1)


class SubjectAccessRequest(SiteScoped):
    """Someone asked for a copy of everything held about a person."""

    class How(models.TextChoices):
        LETTER = "letter", "Letter"
        EMAIL = "email", "E-mail"
        PHONE = "phone", "Telephone"
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online form"
        OTHER = "other", "Another way"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"

    WORKFLOW = Workflow(
        Status,
        Step(
            "answer",
            {Status.OPEN},
            Status.ANSWERED,
            action="Subject-access request answered",
            stamp_at="answered_at",
            stamp_by="answered_by",
            refusal="This request is {status} already.",
        ),
    )
    TRANSITIONS = WORKFLOW.transitions

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The person, by public id: ``sites`` never imports ``assessments``; their name
    # comes from the audit subjects registry when a page shows it.
    person_code = models.UUIDField(db_index=True)
    received_on = models.DateField(
        "Date received", help_text="The day the request reached the organisation."
    )
    requested_by = models.CharField(
        "Who asked",
        max_length=200,
        help_text="E.g. the person themselves; their daughter, with their written "
        "consent; a solicitor acting for them.",
    )
    received_how = models.CharField(
        "How it was made", max_length=20, choices=How.choices
    )
    notes = models.TextField(
        blank=True,
        help_text="Anything that helps answer it: identity checked, what they most "
        "want to see.",
    )
    due_on = models.DateField("Answer by")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The latest export prepared for it.
    job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = named_user()
    sent_how = models.CharField(
        "How the copy was sent",
        max_length=200,
        blank=True,
        help_text="E.g. by secure e-mail; handed over in person.",
    )

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["site", "status", "due_on"], name="sar_open_due"),
        ]

    def __str__(self):
        return f"Subject-access request received {self.received_on:%d/%m/%Y}"

    def days_left(self, today: date) -> int:
        return (self.due_on - today).days
