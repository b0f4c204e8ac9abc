"""The collaborative programme: several sites agreeing a method, a schedule and
meetings, and recording what they learn (SCIE Guide 34; docs/architecture.md).

A programme spans sites, so its own records are not site-scoped: they carry no
personal data about the people the sites support (only staff, as members of the
programme). Everything identifiable stays in site-scoped tables; programme pages read
those only through the named cross-site queries listed in docs/architecture.md.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

# sites.models imports this module at its end, once Versioned and AuditEvent exist.
from .models import Versioned, named_user
from .text import shorten
from .workflow import Step, Workflow


class ProgrammeQuerySet(models.QuerySet):
    def for_user(self, user):
        """Programmes the user coordinates, or in which one of their sites takes part."""
        return self.filter(
            Q(
                memberships__user=user,
                memberships__is_active=True,
            )
            | Q(
                participants__site__memberships__user=user,
                participants__site__memberships__is_active=True,
                participants__site__is_active=True,
            )
        ).distinct()


# What every step of a programme's stages records.
_MOVE_ON = {
    "action": "Programme moved on",
    "stamp_at": "status_changed_at",
    "stamp_by": "status_changed_by",
    "refusal": "A programme that is {status} cannot move to that stage.",
}


class Programme(Versioned, models.Model):
    """A collaborative improvement programme across several sites."""

    class Status(models.TextChoices):
        PLANNING = "planning", "Planning"
        COLLECTING = "collecting", "Collecting data"
        ANALYSIS = "analysis", "Analysis"
        EVALUATION = "evaluation", "Evaluation"
        CLOSED = "closed", "Closed"

    WORKFLOW = Workflow(
        Status,
        Step("start_collecting", {Status.PLANNING}, Status.COLLECTING, **_MOVE_ON),
        Step("start_analysis", {Status.COLLECTING}, Status.ANALYSIS, **_MOVE_ON),
        # Analysis may show that more data is needed.
        Step("resume_collecting", {Status.ANALYSIS}, Status.COLLECTING, **_MOVE_ON),
        Step("start_evaluation", {Status.ANALYSIS}, Status.EVALUATION, **_MOVE_ON),
        Step("reopen_analysis", {Status.EVALUATION}, Status.ANALYSIS, **_MOVE_ON),
        Step(
            "close",
            {Status.PLANNING, Status.COLLECTING, Status.EVALUATION},
            Status.CLOSED,
            **_MOVE_ON,
        ),
        # Checks that leave the status alone.
        Step(
            "offer_cases",
            {Status.COLLECTING},
            None,
            refusal="People are offered as programme cases only while the programme "
            "is collecting data; it is {status}.",
        ),
        Step(
            "change",
            {
                Status.PLANNING,
                Status.COLLECTING,
                Status.ANALYSIS,
                Status.EVALUATION,
            },
            None,
            refusal="A closed programme cannot be changed.",
        ),
    )
    TRANSITIONS = WORKFLOW.transitions

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(
        max_length=50,
        unique=True,
        help_text="Short name used in web addresses, e.g. over-85s.",
    )
    title = models.CharField(max_length=200)
    improvement_focus = models.TextField(
        help_text="What the sites agreed to improve, e.g. an outcomes focus to "
        "assessment and care planning."
    )
    aim = models.TextField(help_text="What the programme wants to achieve.")
    focus_group = models.TextField(
        help_text="Who the programme is about, as the practitioner brief says it, "
        "e.g. people over 85 living at home."
    )
    focus_min_age = models.PositiveSmallIntegerField(
        "Youngest age in the focus group",
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text="People assessed at this age or older are offered as programme "
        "cases. Leave blank for no lower limit.",
    )
    focus_max_age = models.PositiveSmallIntegerField(
        "Oldest age in the focus group",
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text="Leave blank for no upper limit.",
    )
    focus_living_at_home = models.BooleanField(
        "Only people living at home",
        default=False,
        help_text="The practitioner confirms this when making a programme case.",
    )
    diversity_to_reflect = models.TextField(
        blank=True,
        help_text="E.g. people with dementia, black and minority ethnic groups.",
    )
    start_date = models.DateField("Data collection starts")
    data_collection_months = models.PositiveSmallIntegerField(
        "Length of data collection (months)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PLANNING
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = named_user()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focus_min_age__isnull=True)
                | Q(focus_max_age__isnull=True)
                | Q(focus_max_age__gte=models.F("focus_min_age")),
                name="programme_focus_ages_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def collection_ends_on(self):
        """The last day of data collection (calendar months from the start)."""
        months = relativedelta(months=self.data_collection_months)
        return self.start_date + months - timedelta(days=1)

    def in_focus_group(self, age: int) -> bool:
        """Whether a person of this age (on the assessment date) is in the focus group."""
        if self.focus_min_age is not None and age < self.focus_min_age:
            return False
        return not (self.focus_max_age is not None and age > self.focus_max_age)


class ProgrammeRole(models.TextChoices):
    PROGRAMME_COORDINATOR = "programme_coordinator", "Programme coordinator"


class ProgrammeMembership(models.Model):
    """A role on the programme itself (not on a site): it sees the programme across
    sites, and nothing identifiable."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="programme_memberships",
    )
    role = models.CharField(max_length=40, choices=ProgrammeRole.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user", "role"],
                name="programme_membership_unique_role",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.programme}"


class ProgrammeSite(Versioned, models.Model):
    """A site taking part in a programme, with the people who make it work there."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="participants"
    )
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="programme_places"
    )
    team_name = models.CharField("Team", max_length=200)
    advisor = named_user(
        help_text="A practitioner from the team who advises the coordinator."
    )
    project_coordinator = named_user(
        help_text="Collates the site's data; ideally from outside the team."
    )
    team_manager = named_user()
    sponsor = named_user(verbose_name="Senior-manager sponsor")
    brief_issued_on = models.DateField(
        "Practitioner brief issued on", null=True, blank=True
    )
    joined_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "site__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "site"], name="programme_site_unique"
            )
        ]

    def __str__(self):
        return f"{self.site} in {self.programme}"


class Involvement(models.Model):
    """What each role at a site commits to (the guide's list is lost: editable)."""

    class Role(models.TextChoices):
        TEAM = "team", "The team"
        PRACTITIONER = "practitioner", "Each practitioner"
        ADVISOR = "advisor", "Advisor"
        PROJECT_COORDINATOR = "project_coordinator", "Project coordinator"
        TEAM_MANAGER = "team_manager", "Team manager"
        SENIOR_MANAGER = "senior_manager", "Senior manager"

    participant = models.ForeignKey(
        ProgrammeSite, on_delete=models.CASCADE, related_name="involvement"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    cases_to_contribute = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(500)]
    )
    meetings_to_attend = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)]
    )
    hours_per_week = models.DecimalField(
        "Time a week (hours)",
        max_digits=4,
        decimal_places=1,
        default=Decimal("0.0"),
        validators=[MinValueValidator(0), MaxValueValidator(Decimal("37.5"))],
    )
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["participant", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "role"], name="involvement_unique_role"
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=0), name="involvement_hours_positive"
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} at {self.participant.site}"


class Phase(models.TextChoices):
    SETUP = "setup", "Before data collection (set-up)"
    DURING = "during", "During the programme"
    AFTER = "after", "After the programme"


class OwnerRole(models.TextChoices):
    PROGRAMME_COORDINATOR = "programme_coordinator", "Programme coordinator"
    PROJECT_COORDINATOR = "project_coordinator", "Project coordinators"
    ADVISOR = "advisor", "Advisors"
    TEAM_MANAGER = "team_manager", "Team managers"
    PRACTITIONERS = "practitioners", "Practitioners"
    SENIOR_MANAGER = "senior_manager", "Senior managers"
    EVERYONE = "everyone", "Everyone taking part"


class MilestoneTemplate(models.Model):
    """Reference data: the milestones a new programme starts from (editable)."""

    phase = models.CharField(max_length=10, choices=Phase.choices)
    title = models.CharField(max_length=200)
    owner_role = models.CharField(max_length=30, choices=OwnerRole.choices)
    weeks_from_start = models.SmallIntegerField(
        help_text="When it is due, in weeks from the start of data collection "
        "(negative for set-up work before it)."
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["weeks_from_start", "position", "id"]

    def __str__(self):
        return self.title


class Milestone(Versioned, models.Model):
    """One step of a programme's schedule."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DONE = "done", "Done"
        SLIPPED = "slipped", "Slipped"
        DROPPED = "dropped", "Dropped"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="milestones"
    )
    phase = models.CharField(max_length=10, choices=Phase.choices)
    title = models.CharField(max_length=200)
    due_date = models.DateField()
    owner_role = models.CharField(max_length=30, choices=OwnerRole.choices)
    agreed_by = models.CharField(
        max_length=200, blank=True, help_text="Who agreed it, e.g. the coordinators."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    done_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False) | ~Q(status="done"),
                name="milestone_done_has_date",
            ),
        ]

    def __str__(self):
        return self.title


class CollaborativeMeeting(Versioned, models.Model):
    """A joint meeting where sites bring case studies and record what they learnt
    (not a funding panel)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    WORKFLOW = Workflow(
        Status,
        Step(
            "hold",
            {Status.PLANNED},
            Status.HELD,
            action="Collaborative meeting held",
            stamp_at="status_changed_at",
            stamp_by="status_changed_by",
            refusal="This meeting is {status}.",
        ),
        Step(
            "cancel",
            {Status.PLANNED},
            Status.CANCELLED,
            action="Collaborative meeting cancelled",
            stamp_at="status_changed_at",
            stamp_by="status_changed_by",
            refusal="This meeting is {status}.",
        ),
        Step(
            "change",
            {Status.PLANNED, Status.HELD},
            None,
            refusal="A cancelled meeting cannot be changed.",
        ),
    )
    TRANSITIONS = WORKFLOW.transitions

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(max_length=200)
    held_on = models.DateField("Date")
    starts_at = models.TimeField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    sites = models.ManyToManyField("sites.Site", related_name="+", blank=True)
    attendees = models.TextField(
        blank=True, help_text="Who came: names and roles, one a line."
    )
    agenda = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = named_user()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.title} ({self.held_on:%d %b %Y})"


class PlanningRow(Versioned, models.Model):
    """The guide's first table, at programme level (no site) or for one site."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="planning_rows"
    )
    site = models.ForeignKey(
        "sites.Site",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Leave blank for the whole programme.",
    )
    where_now = models.TextField("Where are we now?")
    want_to_achieve = models.TextField("What do we want to achieve?")
    how_get_there = models.TextField("How will we get there?")
    who_does_what = models.TextField("Who needs to take what action?")
    timescales = models.TextField("Timescales")
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "site", "position", "id"]

    def __str__(self):
        return shorten(self.where_now, 60)


class LearningPointQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=LearningPoint.Status.OPEN)

    def owned_by(self, user):
        return self.filter(responsible=user)


class LearningPoint(Versioned, models.Model):
    """The guide's second table: learning point, action point, responsibility,
    implement by. Actions have an owner and a due date."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="learning_points"
    )
    site = models.ForeignKey(
        "sites.Site",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Leave blank for the whole programme.",
    )
    meeting = models.ForeignKey(
        CollaborativeMeeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="learning_points",
    )
    learning_point = models.TextField("Learning point")
    action_point = models.TextField("Action point", blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programme_actions",
        help_text="Who owns the action; it shows on their home page.",
    )
    responsibility = models.CharField(
        max_length=200,
        blank=True,
        help_text="Or a team or role, when no one person owns it.",
    )
    implement_by = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    done_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = LearningPointQuerySet.as_manager()

    class Meta:
        ordering = ["implement_by", "id"]
        indexes = [
            models.Index(
                fields=["responsible", "status", "implement_by"],
                name="learning_point_owner",
            ),
        ]

    def __str__(self):
        return shorten(self.learning_point, 60)


class EvaluationQuestion(models.TextChoices):
    OUTCOMES = "outcomes", "Were the desired outcomes achieved?"
    METHOD = "method", "Did the method work? What process changes were needed?"
    USE = "use", "How will participants use the improved knowledge?"
    GAPS = (
        "gaps",
        "What gaps in knowledge, training or resources remain, and how will they "
        "be addressed?",
    )


class EvaluationAnswer(Versioned, models.Model):
    """The guide's four evaluation questions, per site and for the programme."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="evaluation_answers"
    )
    site = models.ForeignKey(
        "sites.Site",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    question = models.CharField(max_length=20, choices=EvaluationQuestion.choices)
    answer = models.TextField(blank=True)
    answered_by = named_user()
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "site", "question"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "site", "question"],
                condition=Q(site__isnull=False),
                name="evaluation_answer_unique_site",
            ),
            models.UniqueConstraint(
                fields=["programme", "question"],
                condition=Q(site__isnull=True),
                name="evaluation_answer_unique_programme",
            ),
        ]

    def __str__(self):
        return self.get_question_display()
