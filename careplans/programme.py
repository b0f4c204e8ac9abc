"""Programme data kept with the casework it comes from: programme cases, what people
wanted but could not have, what was delivered, and case studies.

Everything here is site-scoped and identifiable except ``PublishedCaseStudy``, the
frozen, pseudonymised snapshot that other sites and the programme coordinator read. It
has no key back to the case study, person, assessment or plan (docs/architecture.md).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from assessments.models import Assessment, DesiredOutcome, Person
from sites.models import (
    SiteScoped,
    SiteScopedQuerySet,
    Versioned,
    named_user,
    scoped_manager,
)
from sites.programmes import CollaborativeMeeting, Programme
from sites.text import shorten
from sites.workflow import Step, Workflow


class Barrier(models.TextChoices):
    """Where a barrier to what the person wanted arose (domain reference §2)."""

    ASSESSMENT = "assessment", "Assessment"
    PANEL = "panel", "Panel"
    COMMISSIONING = "commissioning", "Commissioning"
    PROVIDER = "provider", "Provider"
    POLICY = "policy", "Policy or regulation"
    ATTITUDES = "attitudes", "Attitudes or assumptions"


class ProgrammeCaseQuerySet(SiteScopedQuerySet):
    def included(self):
        return self.filter(status=ProgrammeCase.Status.INCLUDED)


class ProgrammeCase(SiteScoped, Versioned):
    """A person at a participating site whose assessment falls in the programme's
    focus group. Its comparable data is read from the records already kept."""

    class Status(models.TextChoices):
        INCLUDED = "included", "Included"
        DECLINED = "declined", "Not included"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # Taking a case out of the programme (careplans/programme_withdrawal.py).
    _OUT = "This case is already out of the programme ({status})."
    WORKFLOW = Workflow(
        Status,
        Step(
            "withdraw",
            {Status.INCLUDED},
            Status.WITHDRAWN,
            action="Taken out of the programme",
            stamp_at="withdrawn_at",
            stamp_by="withdrawn_by",
            refusal=_OUT,
            code="not_included",
        ),
        Step(
            "decline",
            {Status.INCLUDED},
            Status.DECLINED,
            action="Taken out of the programme",
            stamp_at="withdrawn_at",
            stamp_by="withdrawn_by",
            refusal=_OUT,
            code="not_included",
        ),
    )

    class Consent(models.TextChoices):
        GIVEN = "given", "Consent given"
        NOT_NEEDED = "not_needed", "Consent not needed"
        REFUSED = "refused", "Consent refused"
        NOT_YET = "not_yet", "Not asked yet"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="programme_cases"
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        related_name="programme_cases",
        help_text="The completed needs assessment that brought the person into the "
        "focus group.",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.INCLUDED
    )
    status_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    first_contact_on = models.DateField(
        help_text="Dates in a case study count weeks from here."
    )
    consent = models.CharField(
        max_length=12, choices=Consent.choices, default=Consent.NOT_YET
    )
    consent_note = models.TextField(
        blank=True, help_text="Who agreed, or why consent is not needed."
    )
    consent_recorded_by = named_user()
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    # Taken out of the programme (withdrawn or not included after all): who and when.
    # ``decided_*`` stay the inclusion; ``status_reason`` says why it was taken out.
    withdrawn_by = named_user()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_manager(ProgrammeCaseQuerySet)

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"], name="programme_case_one_per_person"
            ),
        ]
        indexes = [
            models.Index(
                fields=["site", "programme", "status"], name="programme_case_site"
            ),
            models.Index(
                fields=["programme", "status"], name="programme_case_programme"
            ),
        ]

    def __str__(self):
        return f"Programme case ({self.get_status_display().lower()})"


class UnmetWant(SiteScoped):
    """Something the person wanted that could not be arranged, and what stood in the
    way. Rolled up, these are the unmet-need register for commissioners."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(
        "careplans.CarePlan", on_delete=models.PROTECT, related_name="unmet_wants"
    )
    desired_outcome = models.ForeignKey(
        DesiredOutcome,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The outcome it would have served, if any.",
    )
    what_wanted = models.TextField("What they wanted")
    barrier = models.CharField(
        "What stood in the way", max_length=20, choices=Barrier.choices
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["site", "barrier"], name="unmet_want_site_barrier"),
        ]

    def __str__(self):
        return shorten(self.what_wanted, 60)


class ResponseDelivery(SiteScoped):
    """At review: was a response delivered as planned, and if not, why not?"""

    class Delivered(models.TextChoices):
        AS_PLANNED = "as_planned", "Delivered as planned"
        PARTLY = "partly", "Partly delivered"
        NOT_DELIVERED = "not_delivered", "Not delivered"
        STOPPED = "stopped", "Stopped"

    review = models.ForeignKey(
        "careplans.Review", on_delete=models.PROTECT, related_name="deliveries"
    )
    response = models.ForeignKey(
        "careplans.Response", on_delete=models.PROTECT, related_name="deliveries"
    )
    delivered = models.CharField(max_length=15, choices=Delivered.choices)
    barrier = models.CharField(
        "What stood in the way", max_length=20, choices=Barrier.choices, blank=True
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "response"], name="response_delivery_unique"
            ),
            models.CheckConstraint(
                condition=Q(delivered="as_planned") | ~Q(barrier=""),
                name="response_delivery_barrier_when_not_delivered",
            ),
        ]

    def __str__(self):
        return self.get_delivered_display()


class PublishedCaseStudyQuerySet(models.QuerySet):
    def for_programme(self, programme):
        return self.filter(programme=programme)

    def shared(self):
        return self.exclude(status=PublishedCaseStudy.Status.WITHDRAWN)


class PublishedCaseStudy(models.Model):
    """The frozen, pseudonymised snapshot of an approved case study, which other sites
    in the programme and the programme coordinator read.

    Deliberately unscoped and with no key back to the case study, the person, the
    assessment or the plan: a reader has no path from here to anything identifiable.
    """

    class Status(models.TextChoices):
        APPROVED = "approved", "Approved for sharing"
        PRESENTED = "presented", "Presented at a meeting"
        ARCHIVED = "archived", "Archived"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # The snapshot follows its case study's last steps.
    WORKFLOW = Workflow(
        Status,
        Step(
            "present",
            {Status.APPROVED},
            Status.PRESENTED,
            action="Shared case study presented at a meeting",
        ),
        Step(
            "archive",
            {Status.APPROVED, Status.PRESENTED},
            Status.ARCHIVED,
            action="Shared case study archived",
        ),
        # Its programme case was taken out of the programme.
        Step(
            "withdraw",
            {Status.APPROVED, Status.PRESENTED, Status.ARCHIVED},
            Status.WITHDRAWN,
            action="Shared case study withdrawn",
        ),
    )

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="published_case_studies"
    )
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    pseudonym = models.CharField(max_length=60)
    age_band = models.CharField(max_length=20)
    # The case study's sections as approved: {"situation": "...", ...}.
    sections = models.JSONField(default=dict)
    # The case's figures at approval: costs as strings of pounds and pence, counts.
    figures = models.JSONField(default=dict)
    approved_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.APPROVED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishedCaseStudyQuerySet.as_manager()

    class Meta:
        ordering = ["-approved_on", "-id"]
        indexes = [
            models.Index(
                fields=["programme", "status", "-approved_on"],
                name="published_case_programme",
            ),
        ]

    def __str__(self):
        return f"Case study: {self.pseudonym}"


class CaseStudyQuerySet(SiteScopedQuerySet):
    def waiting_for_review(self):
        return self.filter(status=CaseStudy.Status.IN_REVIEW)

    def waiting_for_approval(self):
        return self.filter(status=CaseStudy.Status.REVIEWED)


class CaseStudy(SiteScoped, Versioned):
    """A pseudonymised account of a programme case, drafted by the practitioner,
    reviewed by the site's advisor and approved for sharing by its project
    coordinator."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "Waiting for the advisor's review"
        REVIEWED = "reviewed", "Reviewed: waiting for approval"
        APPROVED = "approved", "Approved for sharing"
        PRESENTED = "presented", "Presented at a meeting"
        ARCHIVED = "archived", "Archived"

    WORKFLOW = Workflow(
        Status,
        Step(
            "submit",
            {Status.DRAFT},
            Status.IN_REVIEW,
            action="Case study sent for review",
            stamp_at="submitted_at",
            refusal="Only a draft case study can be sent for review; this one is "
            "{status}.",
        ),
        Step(
            "review",
            {Status.IN_REVIEW},
            Status.REVIEWED,
            action="Case study reviewed",
            stamp_at="reviewed_at",
            stamp_by="reviewed_by",
            refusal="Only a case study waiting for review can be reviewed; this one "
            "is {status}.",
        ),
        Step(
            "approve",
            {Status.REVIEWED},
            Status.APPROVED,
            action="Case study approved for sharing",
            stamp_at="approved_at",
            stamp_by="approved_by",
            refusal="Only a reviewed case study can be approved; this one is {status}.",
        ),
        Step(
            "return_to_draft",
            {Status.IN_REVIEW, Status.REVIEWED},
            Status.DRAFT,
            action="Case study returned with reasons",
            refusal="Only a case study waiting for review or approval can be "
            "returned; this one is {status}.",
        ),
        Step(
            "present",
            {Status.APPROVED},
            Status.PRESENTED,
            action="Case study presented at a meeting",
            stamp_at="presented_at",
            refusal="Only an approved case study can be presented; this one is "
            "{status}.",
        ),
        Step(
            "archive",
            {Status.APPROVED, Status.PRESENTED},
            Status.ARCHIVED,
            action="Case study archived",
            stamp_at="archived_at",
            refusal="Only a shared case study can be archived; this one is {status}.",
        ),
        Step(
            "edit",
            {Status.DRAFT},
            None,
            refusal="Only a draft case study can be changed; this one is {status}.",
        ),
    )
    TRANSITIONS = WORKFLOW.transitions

    class Recognisable(models.TextChoices):
        NO = "no", "No: nobody outside the team could recognise them"
        UNSURE = "unsure", "Not sure"
        YES = "yes", "Yes: someone could recognise them"

    # The sections, in the order they are printed, with their headings.
    SECTIONS = [
        ("situation", "Situation"),
        ("usual_offer", "What would usually have been offered"),
        ("what_they_wanted", "What they wanted, in their words"),
        ("what_was_arranged", "What was arranged, and whose idea it was"),
        ("panel", "Panel"),
        ("outcomes", "Outcomes at review"),
        ("cost", "Cost against the standard response"),
        ("barriers", "Barriers"),
        ("learning", "Learning"),
    ]

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme_case = models.ForeignKey(
        ProgrammeCase, on_delete=models.PROTECT, related_name="case_studies"
    )
    plan = models.ForeignKey(
        "careplans.CarePlan",
        on_delete=models.PROTECT,
        related_name="case_studies",
        help_text="The plan the case study is drafted from.",
    )
    pseudonym = models.CharField(
        max_length=60, help_text='How the case study names them, e.g. "Mr and Mrs E".'
    )
    age_band = models.CharField(max_length=20)
    situation = models.TextField(blank=True)
    usual_offer = models.TextField(blank=True)
    what_they_wanted = models.TextField(blank=True)
    what_was_arranged = models.TextField(blank=True)
    panel = models.TextField(blank=True)
    outcomes = models.TextField(blank=True)
    cost = models.TextField(blank=True)
    barriers = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    recognisable = models.CharField(
        "Could a practitioner from a neighbouring council recognise them?",
        max_length=10,
        choices=Recognisable.choices,
        blank=True,
        help_text="Think of a rare condition, a locally unique service, or an event "
        "in the news.",
    )
    recognisable_note = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = named_user()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_by = named_user()
    approved_at = models.DateTimeField(null=True, blank=True)
    presented_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(blank=True)
    published = models.OneToOneField(
        PublishedCaseStudy,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = scoped_manager(CaseStudyQuerySet)

    class Meta:
        verbose_name_plural = "case studies"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["site", "status"], name="case_study_site_status"),
        ]

    def __str__(self):
        return f"Case study: {self.pseudonym}"

    @property
    def is_editable(self):
        return self.WORKFLOW.edit.allows(self.status)

    @property
    def programme(self):
        """The programme it is for (so each workflow step's audit event names it)."""
        return self.programme_case.programme

    def section_texts(self):
        """[(field, heading, text), ...] in print order."""
        return [(name, label, getattr(self, name)) for name, label in self.SECTIONS]


class CaseStudyReplacement(SiteScoped):
    """The anonymisation log: what was replaced, and by what. It stays with the
    identifiable record and is never copied into the shared snapshot."""

    case_study = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, related_name="replacements"
    )
    kind = models.CharField(max_length=30)
    original = models.TextField()
    replacement = models.CharField(max_length=200)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.kind} → {self.replacement}"


class MeetingCaseStudy(models.Model):
    """A published case study brought to a collaborative meeting."""

    meeting = models.ForeignKey(
        CollaborativeMeeting, on_delete=models.CASCADE, related_name="case_studies"
    )
    case_study = models.ForeignKey(
        PublishedCaseStudy, on_delete=models.PROTECT, related_name="meetings"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "case_study"], name="meeting_case_study_unique"
            )
        ]

    def __str__(self):
        return f"Case study {self.position} at {self.meeting}"


class Rebase(models.Model):
    """A deliberate, recorded re-base of a measure's control limits from a period."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="rebases"
    )
    measure = models.CharField(max_length=40)
    from_period = models.DateField(help_text="The first month of the new limits.")
    reason = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "measure", "from_period"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "measure", "from_period"],
                name="rebase_unique_period",
            )
        ]

    def __str__(self):
        return f"Re-base of {self.measure} from {self.from_period:%b %Y}"
