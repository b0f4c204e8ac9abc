import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from careplans.models import CarePlan
from sites.models import SiteScoped, SiteScopedQuerySet, scoped_manager
from sites.money import amount_validators
from sites.text import shorten
from sites.workflow import Step, Workflow


class Panel(SiteScoped):
    """A site's funding panel: the exception route for large or unusual plans."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    quorum = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1)]
    )
    terms_of_reference = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="panel_unique_name")
        ]

    def __str__(self):
        return self.name


class PanelMember(SiteScoped):
    """A member of a panel (a site member with a panel role), and what they bring."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    brings = models.CharField(
        "Role on the panel",
        max_length=100,
        blank=True,
        help_text="E.g. finance, commissioning, health.",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "user"], name="panel_member_unique"
            )
        ]


class MeetingQuerySet(SiteScopedQuerySet):
    def upcoming(self, now):
        return self.filter(starts_at__gte=now).exclude(
            status=PanelMeeting.Status.CLOSED
        )


class PanelMeeting(SiteScoped):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        IN_SESSION = "in_session", "In session"
        CLOSED = "closed", "Closed"

    WORKFLOW = Workflow(
        Status,
        Step(
            "open",
            {Status.SCHEDULED},
            Status.IN_SESSION,
            action="Meeting opened",
            stamp_at="opened_at",
            refusal="This meeting cannot be opened now.",
            code="transition",
        ),
        Step(
            "close",
            {Status.IN_SESSION},
            Status.CLOSED,
            action="Meeting closed",
            stamp_at="closed_at",
            refusal="Only a meeting in session can be closed.",
            code="transition",
        ),
        # Not transitions: what each status allows.
        Step(
            "reschedule",
            {Status.SCHEDULED},
            None,
            refusal="Only a meeting not yet opened can be moved.",
            code="transition",
        ),
        Step(
            "take_items",
            {Status.SCHEDULED, Status.IN_SESSION},
            None,
            refusal="That meeting is closed.",
            code="meeting_closed",
        ),
        Step(
            "decide",
            {Status.IN_SESSION},
            None,
            refusal="Decisions are recorded while the meeting is in session.",
            code="not_allowed",
        ),
    )
    TRANSITIONS = WORKFLOW.transitions

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField("Date and time")
    place = models.CharField(max_length=200)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_manager(MeetingQuerySet)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["site", "starts_at"], name="meeting_site_date")]

    def __str__(self):
        return f"{self.panel} · {self.starts_at:%d %b %Y}"


class Attendance(SiteScoped):
    """Who was at a meeting."""

    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        MEMBER = "member", "Member"
        PRESENTING = "presenting", "Presenting officer"
        ADVISER = "adviser", "Adviser (no vote)"

    meeting = models.ForeignKey(
        PanelMeeting, on_delete=models.PROTECT, related_name="attendance"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=12, choices=Role.choices)
    present = models.BooleanField(default=True)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="attendance_unique"
            )
        ]


class ItemQuerySet(SiteScopedQuerySet):
    def undecided(self):
        return self.filter(decision__isnull=True)


class PanelItem(SiteScoped):
    """A plan put to the panel: on a meeting's agenda, or decided by chair's action."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(
        PanelMeeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
        help_text="Empty for a chair's action between meetings.",
    )
    panel = models.ForeignKey(
        Panel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The panel it was put to (for chair's action, the chair's panel).",
    )
    plan = models.ForeignKey(
        CarePlan, on_delete=models.PROTECT, related_name="panel_items"
    )
    question = models.TextField(
        "The question put to the panel",
        help_text="E.g. “Will the panel fund transport to lunch out twice a week in "
        "place of community meals?”",
    )
    position = models.PositiveSmallIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    moved_from = models.ForeignKey(
        PanelMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = scoped_manager(ItemQuerySet)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return shorten(self.question, 60)


class Decision(SiteScoped):
    """What the panel decided on an item, and why. Exactly one per item."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        APPROVED_WITH_CONDITIONS = (
            "approved_with_conditions",
            "Approved with conditions",
        )
        # Not an approval of the plan as written: some responses declined, or less
        # authorised than the plan costs. The difference is named in words.
        APPROVED_IN_PART = (
            "approved_in_part",
            "Approved in part or at a lower amount",
        )
        DEFERRED = "deferred", "Deferred: more information needed"
        REFERRED_BACK = "referred_back", "Referred back"
        DECLINED = "declined", "Declined"

    APPROVALS = {
        Outcome.APPROVED,
        Outcome.APPROVED_WITH_CONDITIONS,
        Outcome.APPROVED_IN_PART,
    }

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # One decision per item, enforced by the database: of two people deciding at the
    # same moment, exactly one decision is kept.
    item = models.OneToOneField(
        PanelItem, on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    rationale = models.TextField("Reasons for the decision")
    conditions = models.TextField(blank=True)
    authorised_weekly = models.DecimalField(
        "Authorised weekly amount (£)",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=amount_validators(),
    )
    difference_reason = models.TextField(
        "What differs from the plan, and why",
        blank=True,
        help_text="Required when the amount authorised is not the plan's cost, or "
        "when some responses are declined.",
    )
    review_by = models.DateField("Review by", null=True, blank=True)
    # The day of the meeting it was decided at (for chair's action, the day taken):
    # what the record and the letters say, whenever the minutes were typed up.
    decided_on = models.DateField("Decided on", null=True, blank=True)
    urgency = models.TextField(
        "Why it could not wait for the next meeting",
        blank=True,
        help_text="Required for chair's action.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="DecisionPresence", related_name="+"
    )
    chairs_action = models.BooleanField(default=False)
    reported_at = models.ForeignKey(
        PanelMeeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_chairs_actions",
        help_text="The meeting a chair's action was reported to.",
    )
    # Snapshot of the plan when decided, for the dashboard and the record.
    plan_weekly = models.DecimalField(max_digits=10, decimal_places=2)
    standard_weekly = models.DecimalField(max_digits=10, decimal_places=2)
    days_waiting = models.PositiveIntegerField(
        help_text="Days from 'needs panel' to this decision."
    )
    person_told_on = models.DateField("Date the person was told", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(authorised_weekly__isnull=True)
                | Q(authorised_weekly__gte=0),
                name="decision_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(
                    outcome__in=[
                        "approved",
                        "approved_with_conditions",
                        "approved_in_part",
                    ]
                )
                | Q(authorised_weekly__isnull=False),
                name="decision_approval_has_amount",
            ),
        ]

    def __str__(self):
        return self.get_outcome_display()

    @property
    def is_approval(self):
        return self.outcome in self.APPROVALS

    @property
    def difference_weekly(self):
        """Authorised less the plan's cost (below zero: less than the plan costs)."""
        if self.authorised_weekly is None:
            return None
        return self.authorised_weekly - self.plan_weekly


class DecisionPresence(SiteScoped):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # No change history: written once, in bulk, with the decision it belongs to.
    history = None

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "user"], name="decision_presence_unique"
            )
        ]


class ResponseDecision(SiteScoped):
    """The panel's word on one response of the plan: approved or declined."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="responses"
    )
    response = models.ForeignKey(
        "careplans.Response", on_delete=models.PROTECT, related_name="+"
    )
    approved = models.BooleanField()
    # No change history: written once, in bulk, with the decision it belongs to.
    history = None

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "response"], name="response_decision_unique"
            )
        ]


class DeclaredInterest(SiteScoped):
    """A member declared an interest in an item: they take no part in its decision."""

    item = models.ForeignKey(
        PanelItem, on_delete=models.PROTECT, related_name="interests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("The interest")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "user"], name="declared_interest_unique"
            )
        ]
