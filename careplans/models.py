import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from assessments.models import Assessment, DesiredOutcome, Person, StandardService
from sites.models import (
    SiteScoped,
    SiteScopedQuerySet,
    Versioned,
    named_user,
    scoped_manager,
)
from sites.money import amount_validators, check_total, format_gbp
from sites.permissions import Role
from sites.text import shorten
from sites.workflow import Step, Workflow

from .money import ZERO, annual, pounds

MONEY = {"max_digits": 10, "decimal_places": 2}


class ReviewPolicy(SiteScoped):
    """When a site reviews plans: first review 6-8 weeks after the start, then yearly."""

    first_review_weeks = models.PositiveSmallIntegerField(
        default=8,
        validators=[MinValueValidator(4), MaxValueValidator(12)],
        help_text="Weeks after a plan starts or changes (statutory guidance: 6-8).",
    )
    later_review_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Months between later reviews (at least yearly).",
    )

    class Meta:
        verbose_name_plural = "review policies"
        constraints = [
            models.UniqueConstraint(fields=["site"], name="review_policy_one_per_site")
        ]

    def __str__(self):
        return f"First review after {self.first_review_weeks} weeks"


class DelegatedLimitQuerySet(SiteScopedQuerySet):
    def in_force_on(self, day):
        return self.filter(effective_from__lte=day).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=day)
        )


class DelegatedLimit(SiteScoped):
    """The highest weekly cost a role may approve for an all-standard plan, from a date.

    Lives here rather than in ``panels`` because plan routing (this app) reads it and a
    lower app never imports a higher one.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(max_length=40, choices=Role.choices)
    weekly_limit = models.DecimalField(**MONEY, validators=amount_validators())
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=200, blank=True)

    objects = scoped_manager(DelegatedLimitQuerySet)

    class Meta:
        ordering = ["role", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "role", "effective_from"],
                name="delegated_limit_unique_start",
            ),
            models.CheckConstraint(
                condition=Q(weekly_limit__gte=0), name="delegated_limit_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="delegated_limit_dates_in_order",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_role_display()}: up to {format_gbp(self.weekly_limit)} a week"
        )


class CarePlanQuerySet(SiteScopedQuerySet):
    def current(self):
        return self.exclude(status=CarePlan.Status.CLOSED)


class CarePlan(SiteScoped, Versioned):
    """A care and support plan: responses that serve the outcomes people named."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
        AWAITING_PANEL = "awaiting_panel", "Awaiting panel"
        APPROVED = "approved", "Approved (active)"
        UNDER_REVIEW = "under_review", "Under review"
        CLOSED = "closed", "Closed"

    SUBMIT_REFUSAL = "Only a draft plan can be submitted; this one is {status}."
    WORKFLOW = Workflow(
        Status,
        # Submitting: routed to sign-off or panel, or (a revision with no change in
        # cost or kind) approved at once under the previous version's approval.
        Step(
            "submit_for_sign_off",
            {Status.DRAFT},
            Status.AWAITING_SIGN_OFF,
            action="Plan submitted: awaiting sign-off",
            stamp_at="submitted_at",
            stamp_by="submitted_by",
            refusal=SUBMIT_REFUSAL,
        ),
        Step(
            "submit_to_panel",
            {Status.DRAFT},
            Status.AWAITING_PANEL,
            action="Plan submitted: awaiting panel",
            stamp_at="submitted_at",
            stamp_by="submitted_by",
            refusal=SUBMIT_REFUSAL,
        ),
        Step(
            "approve_unchanged",
            {Status.DRAFT},
            Status.APPROVED,
            action="Plan submitted: approved unchanged",
            stamp_at="submitted_at",
            stamp_by="submitted_by",
            refusal=SUBMIT_REFUSAL,
        ),
        Step(
            "sign_off",
            {Status.AWAITING_SIGN_OFF},
            Status.APPROVED,
            action="Plan signed off",
            stamp_at="approved_at",
            stamp_by="approved_by",
            refusal="Only a plan awaiting sign-off can be signed off; this one is "
            "{status}.",
        ),
        Step(
            "return_from_sign_off",
            {Status.AWAITING_SIGN_OFF},
            Status.DRAFT,
            action="Plan returned",
            refusal="Only a plan awaiting sign-off can be returned here.",
        ),
        Step(
            "approve_by_panel",
            {Status.AWAITING_PANEL},
            Status.APPROVED,
            action="Plan approved by panel",
            stamp_at="approved_at",
            stamp_by="approved_by",
            refusal="Only a plan awaiting panel can be approved by a panel.",
        ),
        Step(
            "return_from_panel",
            {Status.AWAITING_PANEL},
            Status.DRAFT,
            action="Plan returned by panel",
            refusal="Only a plan awaiting panel can be returned by a panel.",
        ),
        # A draft can be closed: abandoned, with reasons (e.g. a new version begun by
        # mistake, or the person no longer needs support).
        Step(
            "close",
            {
                Status.DRAFT,
                Status.AWAITING_PANEL,
                Status.APPROVED,
                Status.UNDER_REVIEW,
            },
            Status.CLOSED,
            action="Plan closed",
            stamp_at="closed_at",
            refusal="A plan that is {status} cannot be closed.",
        ),
        # The active version is closed when the next one is approved.
        Step(
            "supersede",
            {Status.APPROVED, Status.UNDER_REVIEW},
            Status.CLOSED,
            action="Plan replaced by a new version",
            stamp_at="closed_at",
        ),
        Step(
            "start_review",
            {Status.APPROVED},
            Status.UNDER_REVIEW,
            action="Review started",
            refusal="A review starts while the plan is approved; this one is {status}.",
        ),
        Step(
            "finish_review",
            {Status.UNDER_REVIEW},
            Status.APPROVED,
            action="Review recorded",
            refusal="Start the review first.",
        ),
        # Not transitions: what each status allows.
        Step(
            "edit",
            {Status.DRAFT},
            None,
            refusal="Only a draft plan can be changed. To change an approved plan, "
            "make a new version of it.",
            code="not_editable",
        ),
        Step(
            "revise",
            {Status.APPROVED, Status.UNDER_REVIEW},
            None,
            refusal="Only an approved plan can be changed by a new version.",
        ),
        Step(
            "put_on_agenda",
            {Status.AWAITING_PANEL},
            None,
            refusal="Only a plan waiting for panel can go on an agenda.",
            code="not_waiting",
        ),
        Step(
            "decide_at_panel",
            {Status.AWAITING_PANEL},
            None,
            refusal="This plan is no longer waiting for panel.",
            code="not_waiting",
        ),
    )
    TRANSITIONS = WORKFLOW.transitions

    class Kind(models.TextChoices):
        """Whose plan: the person's own care and support plan (which may also serve
        their carer's outcomes: a joint plan), or a carer's support plan answering
        the carer's own assessment (issue 12 item 6)."""

        CARE_AND_SUPPORT = "care_and_support", "Care and support plan"
        CARER_SUPPORT = "carer_support", "Carer's support plan"

    class Route(models.TextChoices):
        SIGN_OFF = "sign_off", "Team manager sign-off"
        PANEL = "panel", "Panel"
        UNCHANGED = "unchanged", "No change in cost or kind"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="care_plans"
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        related_name="care_plans",
        help_text="The completed assessment this plan answers.",
    )
    carer_assessment = models.ForeignKey(
        Assessment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carer_care_plans",
        help_text="A completed carer's assessment whose outcomes this plan also serves.",
    )
    # Set from the kind of assessment it answers (careplans/carer_plans.py).
    kind = models.CharField(
        "Whose plan",
        max_length=20,
        choices=Kind.choices,
        default=Kind.CARE_AND_SUPPORT,
    )
    version_number = models.PositiveSmallIntegerField(default=1)
    # A key, not one-to-one: a new version that was abandoned (closed as a draft) must
    # not stop the approved plan from being changed by another.
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(null=True, blank=True)
    person_views = models.TextField(
        "The person's and carer's views on this plan", blank=True
    )
    officer_recommendation = models.TextField(
        "Assessing officer's recommendation", blank=True
    )
    prevention_advice = models.TextField(
        "Advice on preventing or delaying needs", blank=True
    )
    contingency_plan = models.TextField(
        "If things go wrong (contingency plan)", blank=True
    )
    direct_payment_notes = models.TextField("Direct payment details", blank=True)
    direct_payment_agreed_on = models.DateField(
        "Date the direct payment agreement was signed",
        null=True,
        blank=True,
        help_text="Leave blank until the agreement is signed.",
    )

    # Routing and approval, set by services only.
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    routing_reasons = models.JSONField(default=list, blank=True)
    submitted_by = named_user()
    submitted_at = models.DateTimeField(null=True, blank=True)
    needs_panel_since = models.DateTimeField(null=True, blank=True)
    approved_by = named_user()
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.TextField(blank=True)
    authorised_weekly = models.DecimalField(
        **MONEY, null=True, blank=True, validators=amount_validators()
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)
    # ``version`` (from Versioned) counts edits of the plan's own fields, for the
    # optimistic lock; ``version_number`` is which version of the plan this is.

    objects = scoped_manager(CarePlanQuerySet)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["site", "status"], name="plan_site_status"),
            models.Index(fields=["site", "person"], name="plan_site_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(authorised_weekly__isnull=True)
                | Q(authorised_weekly__gte=0),
                name="plan_authorised_not_negative",
            ),
            # A carer's support plan answers the carer's assessment alone; a joint
            # plan is the cared-for person's, with the carer's assessment added.
            models.CheckConstraint(
                condition=~Q(kind="carer_support") | Q(carer_assessment__isnull=True),
                name="plan_carer_support_not_joint",
            ),
        ]

    def __str__(self):
        return f"{self.title} v{self.version_number}"

    @property
    def title(self) -> str:
        """ "Care and support plan" or "Carer's support plan"."""
        return self.get_kind_display()

    @property
    def is_carer_plan(self) -> bool:
        return self.kind == self.Kind.CARER_SUPPORT

    @property
    def is_editable(self):
        return self.WORKFLOW.edit.allows(self.status)


class Response(SiteScoped, Versioned):
    """One thing that will happen, and the outcomes it serves."""

    class Kind(models.TextChoices):
        STANDARD = "standard", "Standard commissioned service"
        COMMUNITY = "community", "Community or universal resource"
        INFORMAL = "informal", "Family or informal support"
        EQUIPMENT = "equipment", "Equipment or technology"
        FLEXIBLE = "flexible", "Flexible spend / direct payment"
        ONE_OFF = "one_off", "One-off"

    class Origin(models.TextChoices):
        ASKED_FOR = "asked_for", "What the person asked for"
        SERVICE_LED = "service_led", "Service-led offer"

    class Period(models.TextChoices):
        WEEK = "week", "a week"
        MONTH = "month", "a month"
        YEAR = "year", "a year"
        ONCE = "once", "once only"

    # Weeks in each period: how a unit cost becomes a weekly cost.
    WEEKS_IN = {
        Period.WEEK: Decimal(1),
        Period.MONTH: Decimal(52) / Decimal(12),
        Period.YEAR: Decimal(52),
    }

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The same response across plan versions, so versions can be compared.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(
        CarePlan, on_delete=models.PROTECT, related_name="responses"
    )
    description = models.TextField("What will happen")
    kind = models.CharField("Type", max_length=20, choices=Kind.choices)
    origin = models.CharField(
        "Whose idea", max_length=20, choices=Origin.choices, default=Origin.ASKED_FOR
    )
    replaces = models.ForeignKey(
        StandardService,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Standard service it replaces",
    )
    replaced_weekly_cost = models.DecimalField(
        "Weekly cost of the service it replaces",
        **MONEY,
        default=ZERO,
        validators=amount_validators(),
        help_text="Filled from the catalogue; change it if only part is replaced.",
    )
    provider = models.CharField(max_length=200, blank=True)
    times = models.PositiveSmallIntegerField(
        "How many times",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    period = models.CharField(
        "Per", max_length=10, choices=Period.choices, default=Period.WEEK
    )
    unit_cost = models.DecimalField(
        "Cost each time (£)", **MONEY, validators=amount_validators()
    )
    paid_by_direct_payment = models.BooleanField(
        "Paid by direct payment", default=False
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    outcomes = models.ManyToManyField(
        DesiredOutcome, through="ResponseOutcome", related_name="responses"
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0), name="response_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(replaced_weekly_cost__gte=0),
                name="response_replaced_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(times__gte=1), name="response_times_positive"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="response_dates_in_order",
            ),
        ]

    def __str__(self):
        return shorten(self.description, 60)

    def clean(self):
        # Each amount is capped by its validators; what they add up to is capped
        # here, by the same rule (sites.money), so no total overflows a column.
        cost, times = self.unit_cost, self.times
        if not isinstance(cost, Decimal | int) or not isinstance(times, int):
            return
        if self.period != self.Period.ONCE and self.period not in self.WEEKS_IN:
            return
        if not Decimal(cost).is_finite():
            return
        check_total(
            self.one_off_cost if self.period == self.Period.ONCE else self.weekly_cost,
            what="The cost of one response"
            + ("" if self.period == self.Period.ONCE else " a week"),
            field="unit_cost",
        )

    @property
    def weekly_cost(self) -> Decimal:
        if self.period == self.Period.ONCE:
            return ZERO
        return pounds(self.unit_cost * self.times / self.WEEKS_IN[self.period])

    @property
    def one_off_cost(self) -> Decimal:
        return (
            pounds(self.unit_cost * self.times)
            if self.period == self.Period.ONCE
            else ZERO
        )

    @property
    def is_standard(self) -> bool:
        return self.kind == self.Kind.STANDARD

    @property
    def is_funded(self) -> bool:
        return self.unit_cost > 0

    @property
    def frequency(self) -> str:
        if self.period == self.Period.ONCE:
            return "once"
        if self.times == 1:
            return f"once {self.get_period_display()}"
        if self.times == 2:
            return f"twice {self.get_period_display()}"
        return f"{self.times} times {self.get_period_display()}"


class ResponseOutcome(SiteScoped):
    """A response serves a desired outcome (each response serves at least one)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+")
    desired_outcome = models.ForeignKey(
        DesiredOutcome, on_delete=models.PROTECT, related_name="+"
    )
    # No change history: a link row, written in bulk by ``Response.outcomes.set()``
    # (which saves no history) and replaced whole on each change.
    history = None

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "desired_outcome"], name="response_outcome_unique"
            )
        ]


class PlanDecision(SiteScoped):
    """A sign-off, a return with reasons, or an approval recorded against a plan."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        SIGNED_OFF = "signed_off", "Signed off"
        RETURNED = "returned", "Returned with reasons"
        APPROVED_BY_PANEL = "approved_by_panel", "Approved by panel"
        RETURNED_BY_PANEL = "returned_by_panel", "Returned by panel"
        APPROVED_UNCHANGED = "approved_unchanged", "Approved: no change in cost or kind"
        CLOSED = "closed", "Closed"

    plan = models.ForeignKey(
        CarePlan, on_delete=models.PROTECT, related_name="decisions"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    # No change history: append-only, each row is itself the record of a step.
    history = None

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.get_kind_display()


class PlanContribution(SiteScoped):
    """Someone wrote or changed part of this version of a plan (its details or a
    response). Nobody who did may sign it off, return it or decide on it."""

    plan = models.ForeignKey(
        CarePlan, on_delete=models.PROTECT, related_name="contributions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # No change history: one row per person and version, written once.
    history = None

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "user"], name="plan_contribution_unique"
            )
        ]


class ReviewQuerySet(SiteScopedQuerySet):
    def open(self):
        return self.filter(status=Review.Status.SCHEDULED)

    def due_by(self, day):
        return self.open().filter(due_date__lte=day)

    def overdue(self, today):
        return self.open().filter(due_date__lt=today)


class Review(SiteScoped):
    """A planned review of a plan: were the outcomes met?"""

    class Kind(models.TextChoices):
        FIRST = "first", "First review"
        ANNUAL = "annual", "Yearly review"
        # Sooner than the policy's next review, as the reviewer chose ("again in 3
        # months").
        EARLIER = "earlier", "Early review"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    WORKFLOW = Workflow(
        Status,
        Step(
            "complete",
            {Status.SCHEDULED},
            Status.COMPLETED,
            action="Review recorded",
            stamp_at="completed_at",
            stamp_by="completed_by",
            refusal="This review is no longer open: it has been recorded or cancelled.",
            code="review_closed",
        ),
        # When its plan closes or is replaced.
        Step(
            "cancel",
            {Status.SCHEDULED},
            Status.CANCELLED,
            action="Review cancelled",
            refusal="This review is no longer open.",
            code="review_closed",
        ),
    )
    TRANSITIONS = WORKFLOW.transitions

    class Result(models.TextChoices):
        NO_CHANGE = "no_change", "No change to the plan"
        PLAN_CHANGED = "plan_changed", "The plan needs to change"
        REASSESSMENT = "reassessment", "Reassessment needed"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_date = models.DateField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    result = models.CharField(max_length=20, choices=Result.choices, blank=True)
    person_view = models.TextField(
        "The person's view of how things are going", blank=True
    )
    notes = models.TextField(blank=True)
    completed_by = named_user()
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_manager(ReviewQuerySet)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["site", "status", "due_date"], name="review_site_due"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} due {self.due_date:%d %b %Y}"


class OutcomeReview(SiteScoped):
    """At review: was this desired outcome fully, partially or not met?"""

    class Rating(models.TextChoices):
        FULLY = "fully", "Fully met"
        PARTIALLY = "partially", "Partially met"
        NOT_MET = "not_met", "Not met"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="ratings")
    desired_outcome = models.ForeignKey(
        DesiredOutcome, on_delete=models.PROTECT, related_name="+"
    )
    rating = models.CharField(max_length=10, choices=Rating.choices)
    person_view = models.TextField("In their words", blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "desired_outcome"], name="outcome_review_unique"
            )
        ]


def plan_costs(responses):
    """Weekly and annual cost of the plan against the standard services it replaces."""
    responses = list(responses)
    weekly = pounds(sum((r.weekly_cost for r in responses), ZERO))
    standard = pounds(sum((r.replaced_weekly_cost for r in responses), ZERO))
    one_off = pounds(sum((r.one_off_cost for r in responses), ZERO))
    direct = pounds(
        sum((r.weekly_cost for r in responses if r.paid_by_direct_payment), ZERO)
    )
    difference = weekly - standard
    return {
        "weekly": weekly,
        "annual": annual(weekly),
        "standard_weekly": standard,
        "standard_annual": annual(standard),
        "difference_weekly": difference,
        "difference_annual": annual(difference),
        "one_off": one_off,
        "direct_payment_weekly": direct,
        "direct_payment_annual": annual(direct),
    }


# Programme cases, unmet wants, delivery and case studies live in their own module
# (careplans/programme.py); importing them here registers them with the app.
from .charging import FinancialAssessment  # noqa: E402, F401
from .programme import (  # noqa: E402, F401
    Barrier,
    CaseStudy,
    CaseStudyReplacement,
    MeetingCaseStudy,
    ProgrammeCase,
    PublishedCaseStudy,
    Rebase,
    ResponseDelivery,
    UnmetWant,
)
