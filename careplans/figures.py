"""The collaborative programme's figures: SQL aggregates over the casework of its
programme cases, per site, for the whole programme and month by month.

These are **named cross-site programme queries** (docs/architecture.md, "The short
list of unscoped places"): each reads site-scoped tables for every participating
site at once, with scopes disabled, and returns counts and sums only, never a row
about a person. Every figure is **one query** grouped by site (or by month), never a
Python loop over rows.

Who reads what:

- The programme's pages (coordinators, members of other sites) see each figure per
  site and for the whole programme **through disclosure control**
  (``sites.disclosure``: 1-7 as "*", others rounded to 5, percentages and totals
  from the rounded figures). The groupings are fixed (site, and a figure's own
  categories): no filter a reader can change, so no two views can be subtracted.
- A site's own page shows its own figures as true counts (``SiteFigures``).

Which plans count: the **latest agreed version** of each plan of a person included
as a programme case (agreed: approved or under review, or closed after approval; a
version with a later agreed version is left out, so a revision is not counted
twice). Time to panel decision, outcomes at review and delivery at review read every
version's decisions and reviews.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django_scopes import scopes_disabled

from sites import disclosure
from sites.charts import assurance_icon, variation_icon, xmr_chart
from sites.programmes import Milestone, ProgrammeSite
from sites.spc import Direction, xmr

from .models import CarePlan, OutcomeReview, PlanDecision, Response, Review
from .programme import Barrier, ProgrammeCase, Rebase, ResponseDelivery, UnmetWant

ZERO = Decimal("0.00")
PENNY = Decimal("0.01")
# Fewer than this many plans (or decisions) behind an average: it is not shown on
# the programme's pages (an average of one or two is that person's figure).
SMALLEST_AVERAGE = disclosure.SMALLEST_SHOWN
PANEL_KINDS = (
    PlanDecision.Kind.APPROVED_BY_PANEL,
    PlanDecision.Kind.RETURNED_BY_PANEL,
)
P = CarePlan.Status
AGREED = Q(status__in=[P.APPROVED, P.UNDER_REVIEW]) | Q(
    status=P.CLOSED, approved_at__isnull=False
)


# -- the plans and records behind every figure ---------------------------------------


def case_plans(programme, site=None):
    """Every version of every plan of the programme's included cases."""
    plans = CarePlan.objects.filter(
        person__programme_cases__programme=programme,
        person__programme_cases__status=ProgrammeCase.Status.INCLUDED,
    )
    return plans.filter(site=site) if site is not None else plans


def agreed_plans(programme, site=None):
    """The latest agreed version of each plan of the programme's included cases."""
    later = CarePlan.objects.filter(previous=OuterRef("pk")).filter(AGREED)
    return case_plans(programme, site).filter(AGREED).exclude(Exists(later))


def _weekly_cost():
    """A response's weekly cost, in SQL (as ``Response.weekly_cost``, unrounded)."""
    money = DecimalField(max_digits=14, decimal_places=4)
    each = F("unit_cost") * F("times")
    R = Response.Period
    return Case(
        When(period=R.WEEK, then=each),
        When(period=R.MONTH, then=each * Value(Decimal(12)) / Value(Decimal(52))),
        When(period=R.YEAR, then=each / Value(Decimal(52))),
        default=Value(Decimal(0)),
        output_field=money,
    )


def _plan_difference():
    """A plan's weekly cost minus the standard services it replaces (a subquery)."""
    money = DecimalField(max_digits=14, decimal_places=4)
    per_plan = (
        Response.objects.filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(
            difference=Sum(
                ExpressionWrapper(
                    _weekly_cost() - F("replaced_weekly_cost"), output_field=money
                )
            )
        )
        .values("difference")
    )
    return Coalesce(Subquery(per_plan, output_field=money), Value(Decimal(0)))


def _panel_wait():
    return ExpressionWrapper(
        F("created_at") - F("plan__needs_panel_since"), output_field=DurationField()
    )


# -- figures: what each one is ------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure: counts per site in fixed categories (each a (key, label))."""

    key: str
    title: str
    explanation: str
    categories: tuple[tuple[str, str], ...]
    by_site: dict  # site id -> tuple of counts, in the categories' order
    # Row totals and shares only mean something when the categories do not overlap.
    parts_of_a_whole: bool = True

    def counts_for(self, site_id) -> tuple[int, ...]:
        return self.by_site.get(site_id, (0,) * len(self.categories))

    def total(self, key) -> int:
        index = [k for k, _ in self.categories].index(key)
        return sum(counts[index] for counts in self.by_site.values())


@dataclass(frozen=True)
class Average:
    """An average per site, with how many it is taken over (sum / count)."""

    key: str
    title: str
    explanation: str
    unit: str  # "money" or "days"
    sums: dict  # site id -> Decimal
    counts: dict  # site id -> int

    def value_for(self, site_id):
        count = self.counts.get(site_id, 0)
        return _mean(self.sums.get(site_id, ZERO), count) if count else None

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    @property
    def value(self):
        return _mean(sum(self.sums.values(), ZERO), self.count) if self.count else None


def _mean(total, count) -> Decimal:
    return (Decimal(total) / count).quantize(PENNY, rounding=ROUND_HALF_UP)


def _grouped(queryset, *, categories, **counts):
    """{site id: (counts...)} from a queryset grouped by site with named counts."""
    rows = queryset.order_by().values("site_id").annotate(**counts)
    return {
        row["site_id"]: tuple(row[key] or 0 for key, _ in categories) for row in rows
    }


# -- the figures ---------------------------------------------------------------------


def cases(programme, site=None) -> Figure:
    categories = (("included", "People included as programme cases"),)
    queryset = ProgrammeCase.objects.filter(
        programme=programme, status=ProgrammeCase.Status.INCLUDED
    )
    if site is not None:
        queryset = queryset.filter(site=site)
    return Figure(
        "cases",
        "Programme cases",
        "People whose assessment brought them into the focus group and who were "
        "included.",
        categories,
        _grouped(queryset, categories=categories, included=Count("pk")),
    )


def whose_idea(programme, site=None) -> Figure:
    """Responses on agreed plans: what the person asked for, or a service-led offer."""
    O = Response.Origin  # noqa: E741
    categories = (
        ("asked_for", "Asked for by the person"),
        ("service_led", "Service-led"),
        ("not_recorded", "Not recorded"),
    )
    queryset = Response.objects.filter(plan__in=agreed_plans(programme, site))
    return Figure(
        "whose_idea",
        "Whose idea each response was",
        "Every response on the latest agreed plan of each programme case: did the "
        "person ask for it, or was it the service's usual offer?",
        categories,
        _grouped(
            queryset,
            categories=categories,
            asked_for=Count("pk", filter=Q(origin=O.ASKED_FOR)),
            service_led=Count("pk", filter=Q(origin=O.SERVICE_LED)),
            not_recorded=Count(
                "pk", filter=~Q(origin__in=[O.ASKED_FOR, O.SERVICE_LED])
            ),
        ),
    )


def wanted_arranged_delivered(programme, site=None) -> Figure:
    """What people wanted, what was arranged, and what was delivered (one query:
    a row per site with a subquery for each count)."""
    from sites.models import Site

    agreed = agreed_plans(programme, site)
    asked = Response.objects.filter(
        plan__in=agreed, origin=Response.Origin.ASKED_FOR, site=OuterRef("pk")
    )
    delivered = ResponseDelivery.objects.filter(
        response=OuterRef("pk"),
        delivered__in=[
            ResponseDelivery.Delivered.AS_PLANNED,
            ResponseDelivery.Delivered.PARTLY,
        ],
    )
    unmet = UnmetWant.objects.filter(plan__in=agreed, site=OuterRef("pk"))

    def count_of(queryset):
        return Coalesce(
            Subquery(
                queryset.order_by().values("site").annotate(n=Count("pk")).values("n"),
            ),
            0,
        )

    categories = (
        ("wanted", "Wanted"),
        ("arranged", "Arranged"),
        ("delivered", "Delivered, fully or in part"),
    )
    sites = Site.objects.filter(programme_places__programme=programme)
    if site is not None:
        sites = sites.filter(pk=site.pk)
    rows = sites.annotate(
        arranged=count_of(asked),
        not_arranged=count_of(unmet),
        delivered=count_of(asked.filter(Exists(delivered))),
    ).values("pk", "arranged", "not_arranged", "delivered")
    by_site = {
        row["pk"]: (
            row["arranged"] + row["not_arranged"],
            row["arranged"],
            row["delivered"],
        )
        for row in rows
        if row["arranged"] or row["not_arranged"]
    }
    return Figure(
        "wanted_arranged_delivered",
        "Wanted, arranged and delivered",
        "Wanted: what people asked for, arranged or not. Arranged: responses the "
        "person asked for on the latest agreed plan. Delivered: of those, delivered "
        "as planned or in part at a review.",
        categories,
        by_site,
        parts_of_a_whole=False,
    )


def outcomes(programme, site=None) -> Figure:
    R = OutcomeReview.Rating
    categories = (
        ("fully", "Fully met"),
        ("partially", "Partially met"),
        ("not_met", "Not met"),
    )
    queryset = OutcomeReview.objects.filter(
        review__status=Review.Status.COMPLETED,
        review__plan__in=case_plans(programme, site),
    )
    return Figure(
        "outcomes",
        "Outcomes at review",
        "Each desired outcome rated with the person at a completed review.",
        categories,
        _grouped(
            queryset,
            categories=categories,
            fully=Count("pk", filter=Q(rating=R.FULLY)),
            partially=Count("pk", filter=Q(rating=R.PARTIALLY)),
            not_met=Count("pk", filter=Q(rating=R.NOT_MET)),
        ),
    )


def delivery(programme, site=None) -> Figure:
    D = ResponseDelivery.Delivered
    categories = tuple((value, label) for value, label in D.choices)
    queryset = ResponseDelivery.objects.filter(
        review__status=Review.Status.COMPLETED,
        response__plan__in=case_plans(programme, site),
    )
    return Figure(
        "delivery",
        "Delivered against planned",
        "At each completed review, each response: delivered as planned, partly, not "
        "delivered or stopped.",
        categories,
        _grouped(
            queryset,
            categories=categories,
            **{
                value: Count("pk", filter=Q(delivered=value)) for value, _ in categories
            },
        ),
    )


def cost_against_standard(programme, site=None) -> tuple[Figure, Average]:
    """Plans costing more, the same or less than the standard response, and the
    average weekly difference (one query)."""
    categories = (
        ("more", "Costs more"),
        ("same", "Costs the same"),
        ("less", "Costs less"),
    )
    rows = (
        agreed_plans(programme, site)
        .annotate(difference=_plan_difference())
        .order_by()
        .values("site_id")
        .annotate(
            more=Count("pk", filter=Q(difference__gt=0)),
            same=Count("pk", filter=Q(difference=0)),
            less=Count("pk", filter=Q(difference__lt=0)),
            plans=Count("pk"),
            total=Sum("difference"),
        )
    )
    by_site, sums, counts = {}, {}, {}
    for row in rows:
        by_site[row["site_id"]] = (row["more"], row["same"], row["less"])
        sums[row["site_id"]] = Decimal(row["total"] or 0)
        counts[row["site_id"]] = row["plans"]
    explanation = (
        "The weekly cost of the latest agreed plan against the weekly cost of the "
        "standard services its responses replace."
    )
    return (
        Figure(
            "cost",
            "Cost against the standard response",
            explanation,
            categories,
            by_site,
        ),
        Average(
            "cost_difference",
            "Average weekly difference per plan",
            explanation,
            "money",
            sums,
            counts,
        ),
    )


def panel_time(programme, site=None) -> tuple[Figure, Average]:
    """Days from going to panel to the panel's decision (one query)."""
    week, month = timedelta(days=7), timedelta(days=28)
    categories = (
        ("week", "Within a week"),
        ("month", "8 to 28 days"),
        ("longer", "Over 28 days"),
    )
    rows = (
        PlanDecision.objects.filter(
            kind__in=PANEL_KINDS,
            plan__in=case_plans(programme, site),
            plan__needs_panel_since__isnull=False,
        )
        .annotate(wait=_panel_wait())
        .order_by()
        .values("site_id")
        .annotate(
            week=Count("pk", filter=Q(wait__lte=week)),
            month=Count("pk", filter=Q(wait__gt=week, wait__lte=month)),
            longer=Count("pk", filter=Q(wait__gt=month)),
            decisions=Count("pk"),
            total=Sum("wait"),
        )
    )
    by_site, sums, counts = {}, {}, {}
    for row in rows:
        by_site[row["site_id"]] = (row["week"], row["month"], row["longer"])
        sums[row["site_id"]] = _days(row["total"])
        counts[row["site_id"]] = row["decisions"]
    explanation = (
        "From the day a plan went to panel to the panel's decision (approved or "
        "returned)."
    )
    return (
        Figure(
            "panel_time", "Time to panel decision", explanation, categories, by_site
        ),
        Average(
            "panel_days",
            "Average days to a panel decision",
            explanation,
            "days",
            sums,
            counts,
        ),
    )


def _days(duration) -> Decimal:
    if duration is None:
        return ZERO
    if isinstance(duration, int | float):  # microseconds, on some backends
        duration = timedelta(microseconds=duration)
    return Decimal(duration.total_seconds()) / Decimal(86400)


BARRIER_CATEGORIES = tuple((value, label) for value, label in Barrier.choices)


def unmet_need(programme, site=None) -> Figure:
    """The unmet-need register: what people wanted that could not be arranged, by
    what stood in the way."""
    queryset = UnmetWant.objects.filter(plan__in=case_plans(programme, site))
    return Figure(
        "unmet_need",
        "Unmet need, by barrier",
        "What people wanted that could not be arranged, by what stood in the way.",
        BARRIER_CATEGORIES,
        _grouped(
            queryset,
            categories=BARRIER_CATEGORIES,
            **{
                value: Count("pk", filter=Q(barrier=value))
                for value, _ in BARRIER_CATEGORIES
            },
        ),
    )


def barriers(programme, site=None) -> Figure:
    """Every barrier recorded: things wanted but not arranged, and responses not
    delivered as planned (one query: a UNION of the two, grouped)."""
    plans = case_plans(programme, site)
    wanted = (
        UnmetWant.objects.filter(plan__in=plans)
        .order_by()
        .values("site_id", "barrier")
        .annotate(n=Count("pk"))
    )
    not_delivered = (
        ResponseDelivery.objects.filter(response__plan__in=plans)
        .exclude(barrier="")
        .order_by()
        .values("site_id", "barrier")
        .annotate(n=Count("pk"))
    )
    totals = defaultdict(lambda: defaultdict(int))
    for row in wanted.union(not_delivered, all=True).order_by():
        totals[row["site_id"]][row["barrier"]] += row["n"]
    return Figure(
        "barriers",
        "Barriers by category",
        "What stood in the way, whether something wanted could not be arranged or a "
        "response was not delivered as planned.",
        BARRIER_CATEGORIES,
        {
            site_id: tuple(counts[key] for key, _ in BARRIER_CATEGORIES)
            for site_id, counts in totals.items()
        },
    )


@dataclass(frozen=True)
class Schedule:
    planned: int
    done: int
    slipped: int
    dropped: int
    overdue: int  # planned, and due before today

    @property
    def total(self) -> int:
        return self.planned + self.done + self.slipped + self.dropped

    @property
    def done_share(self) -> int | None:
        live = self.total - self.dropped
        if not live:
            return None
        return int((Decimal(self.done * 100) / live).quantize(1, ROUND_HALF_UP))


def schedule(programme, today=None) -> Schedule:
    """The programme's milestones by status (no personal data: not disclosed)."""
    today = today or timezone.localdate()
    S = Milestone.Status
    counts = Milestone.objects.filter(programme=programme).aggregate(
        planned=Count("pk", filter=Q(status=S.PLANNED)),
        done=Count("pk", filter=Q(status=S.DONE)),
        slipped=Count("pk", filter=Q(status=S.SLIPPED)),
        dropped=Count("pk", filter=Q(status=S.DROPPED)),
        overdue=Count("pk", filter=Q(status=S.PLANNED, due_date__lt=today)),
    )
    return Schedule(**counts)


# -- the figures together, for a page ------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Every figure of a programme (or of one site in it), as computed."""

    cases: Figure
    whose_idea: Figure
    wanted: Figure
    outcomes: Figure
    delivery: Figure
    cost: Figure
    cost_average: Average
    panel: Figure
    panel_average: Average
    barriers: Figure
    unmet: Figure
    schedule: Schedule

    @property
    def tables(self) -> tuple[Figure, ...]:
        return (
            self.cases,
            self.whose_idea,
            self.wanted,
            self.outcomes,
            self.delivery,
            self.cost,
            self.panel,
            self.barriers,
            self.unmet,
        )

    @property
    def averages(self) -> tuple[Average, ...]:
        return (self.cost_average, self.panel_average)


def compute(programme, site=None, *, today=None) -> Figures:
    """Every figure: one query each (eleven in all)."""
    with scopes_disabled():
        cost, cost_average = cost_against_standard(programme, site)
        panel, panel_average = panel_time(programme, site)
        return Figures(
            cases=cases(programme, site),
            whose_idea=whose_idea(programme, site),
            wanted=wanted_arranged_delivered(programme, site),
            outcomes=outcomes(programme, site),
            delivery=delivery(programme, site),
            cost=cost,
            cost_average=cost_average,
            panel=panel,
            panel_average=panel_average,
            barriers=barriers(programme, site),
            unmet=unmet_need(programme, site),
            schedule=schedule(programme, today),
        )


def participating_sites(programme) -> list:
    """The programme's sites, by name (one query)."""
    return [
        p.site
        for p in ProgrammeSite.objects.filter(programme=programme)
        .select_related("site")
        .order_by("site__name")
    ]


# -- disclosure: what the programme's pages show -------------------------------------


@dataclass(frozen=True)
class ShownFigure:
    """A figure ready for a page: a table of shown cells, and its notes."""

    key: str
    title: str
    explanation: str
    table: disclosure.DisclosedTable
    parts_of_a_whole: bool
    disclosed: bool

    @property
    def lines(self):
        """[(label, [(cell, share or None), ...], row total)] for templates."""
        lines = []
        for row in self.table.rows:
            shares = row.shares or (None,) * len(row.cells)
            lines.append(
                (row.label, list(zip(row.cells, shares, strict=True)), row.total)
            )
        return lines


@dataclass(frozen=True)
class ShownAverage:
    key: str
    title: str
    explanation: str
    unit: str
    rows: tuple  # (label, value or None, count cell)
    programme: tuple  # (value or None, count cell)
    note: str


AVERAGE_NOTE = (
    "An average is shown only when it is taken over 8 or more; fewer is shown as *."
)


def disclose_figures(figures: Figures, sites) -> dict:
    """Every figure per site and for the programme, under disclosure control."""
    shown = {}
    for figure in figures.tables:
        shown[figure.key] = ShownFigure(
            figure.key,
            figure.title,
            figure.explanation,
            disclosure.disclose_table(
                [(site.name, figure.counts_for(site.pk)) for site in sites],
                [label for _, label in figure.categories],
                shares=figure.parts_of_a_whole,
            ),
            figure.parts_of_a_whole,
            True,
        )
    for average in figures.averages:
        rows = []
        for site in sites:
            count = average.counts.get(site.pk, 0)
            value = average.value_for(site.pk) if count >= SMALLEST_AVERAGE else None
            rows.append((site.name, value, disclosure.disclose(count)))
        value = average.value if average.count >= SMALLEST_AVERAGE else None
        # The count beside the programme's average adds up the counts shown, as
        # every other total does, so it gives no hidden count away.
        count = disclosure.total(cell for _, _, cell in rows)
        shown[average.key] = ShownAverage(
            average.key,
            average.title,
            average.explanation,
            average.unit,
            tuple(rows),
            (value, count),
            AVERAGE_NOTE,
        )
    return shown


def own_figures(figures: Figures, site) -> dict:
    """A site's own figures, true counts (for its own members)."""
    shown = {}
    for figure in figures.tables:
        counts = figure.counts_for(site.pk)
        cells = tuple(disclosure.Cell(f"{n:,}", n) for n in counts)
        whole = sum(counts)
        shares = ()
        if figure.parts_of_a_whole:
            total_cell = disclosure.Cell(f"{whole:,}", whole)
            shares = tuple(disclosure.share(c, total_cell) for c in cells)
        row = disclosure.DisclosedRow(
            site.name, cells, disclosure.Cell(f"{whole:,}", whole), shares
        )
        table = disclosure.DisclosedTable(
            categories=tuple(label for _, label in figure.categories),
            rows=(row,),
            column_totals=cells,
            grand_total=row.total,
            notes=(),
        )
        shown[figure.key] = ShownFigure(
            figure.key,
            figure.title,
            figure.explanation,
            table,
            figure.parts_of_a_whole,
            False,
        )
    for average in figures.averages:
        count = average.counts.get(site.pk, 0)
        cell = disclosure.Cell(f"{count:,}", count)
        value = average.value_for(site.pk)
        shown[average.key] = ShownAverage(
            average.key,
            average.title,
            average.explanation,
            average.unit,
            ((site.name, value, cell),),
            (value, cell),
            "",
        )
    return shown


# -- over time: each measure month by month, as an XmR chart -------------------------


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    kind: str  # "share" (a percentage), "mean" or "count"
    direction: Direction
    y_label: str
    floor: Decimal | None = Decimal(0)
    ceiling: Decimal | None = None


MEASURES = {
    m.key: m
    for m in (
        Measure(
            "asked_for",
            "Responses the person asked for",
            "share",
            Direction.UP,
            "% of responses",
            ceiling=Decimal(100),
        ),
        Measure(
            "delivered",
            "Responses delivered as planned",
            "share",
            Direction.UP,
            "% of responses reviewed",
            ceiling=Decimal(100),
        ),
        Measure(
            "fully_met",
            "Outcomes fully met at review",
            "share",
            Direction.UP,
            "% of outcomes rated",
            ceiling=Decimal(100),
        ),
        Measure(
            "cost_difference",
            "Weekly cost against the standard response",
            "mean",
            Direction.NEITHER,
            "£ a week, per plan",
            floor=None,
        ),
        Measure(
            "panel_days",
            "Days to a panel decision",
            "mean",
            Direction.DOWN,
            "days",
        ),
        Measure(
            "unmet",
            "Things wanted that could not be arranged",
            "count",
            Direction.NEITHER,
            "a month",
        ),
    )
}
MEASURE_CHOICES = [(m.key, m.title) for m in MEASURES.values()]


def _month(expression):
    return TruncMonth(expression, output_field=DateField())


def monthly(programme, key, site=None) -> dict:
    """{first of the month: (numerator or sum, denominator or count)}: one query."""
    if key == "asked_for":
        O = Response.Origin  # noqa: E741
        rows = (
            Response.objects.filter(plan__in=agreed_plans(programme, site))
            .annotate(month=_month(Coalesce("plan__approved_at", "plan__submitted_at")))
            .order_by()
            .values("month")
            .annotate(
                a=Count("pk", filter=Q(origin=O.ASKED_FOR)),
                b=Count("pk", filter=Q(origin__in=[O.ASKED_FOR, O.SERVICE_LED])),
            )
        )
    elif key == "delivered":
        rows = (
            ResponseDelivery.objects.filter(
                review__status=Review.Status.COMPLETED,
                response__plan__in=case_plans(programme, site),
            )
            .annotate(month=_month("review__completed_at"))
            .order_by()
            .values("month")
            .annotate(
                a=Count(
                    "pk", filter=Q(delivered=ResponseDelivery.Delivered.AS_PLANNED)
                ),
                b=Count("pk"),
            )
        )
    elif key == "fully_met":
        rows = (
            OutcomeReview.objects.filter(
                review__status=Review.Status.COMPLETED,
                review__plan__in=case_plans(programme, site),
            )
            .annotate(month=_month("review__completed_at"))
            .order_by()
            .values("month")
            .annotate(
                a=Count("pk", filter=Q(rating=OutcomeReview.Rating.FULLY)),
                b=Count("pk"),
            )
        )
    elif key == "cost_difference":
        rows = (
            agreed_plans(programme, site)
            .annotate(
                difference=_plan_difference(),
                month=_month(Coalesce("approved_at", "submitted_at")),
            )
            .order_by()
            .values("month")
            .annotate(a=Sum("difference"), b=Count("pk"))
        )
    elif key == "panel_days":
        rows = (
            PlanDecision.objects.filter(
                kind__in=PANEL_KINDS,
                plan__in=case_plans(programme, site),
                plan__needs_panel_since__isnull=False,
            )
            .annotate(wait=_panel_wait(), month=_month("created_at"))
            .order_by()
            .values("month")
            .annotate(a=Sum("wait"), b=Count("pk"))
        )
    elif key == "unmet":
        rows = (
            UnmetWant.objects.filter(plan__in=case_plans(programme, site))
            .annotate(month=_month("created_at"))
            .order_by()
            .values("month")
            .annotate(a=Count("pk"), b=Count("pk"))
        )
    else:
        raise ValueError(f"No measure called {key!r}")
    found = {}
    for row in rows:
        if row["month"] is None:
            continue
        a = _days(row["a"]) if key == "panel_days" else row["a"]
        found[_first_of_month(row["month"])] = (Decimal(a or 0), row["b"])
    return found


def _first_of_month(value) -> date:
    if hasattr(value, "date") and callable(value.date):
        value = value.date()
    return value.replace(day=1)


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month += relativedelta(months=1)
    return months


@dataclass(frozen=True)
class Chart:
    measure: Measure
    svg: object  # RenderedChart
    text: str
    variation_icon: str
    assurance_icon: str
    left_out: tuple[str, ...] = field(default=())  # months not shown (too few)
    rebases: tuple = ()
    trial: bool = False


def point_value(measure: Measure, a: Decimal, b: int, *, disclosed: bool):
    """A month's value, or None when it may not be shown (or there is nothing)."""
    if measure.kind == "share":
        if disclosed:
            cell = disclosure.disclose_share(int(a), b)
            return None if cell.value is None else Decimal(cell.value)
        if not b:
            return None
        return (a * 100 / b).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if measure.kind == "mean":
        if not b or (disclosed and b < SMALLEST_AVERAGE):
            return None
        return (a / b).quantize(PENNY, rounding=ROUND_HALF_UP)
    # a count: a month with none is a real zero
    if disclosed:
        shown = disclosure.rounded(int(a))
        return None if shown is None else Decimal(shown)
    return Decimal(int(a))


def chart_for(
    programme, key, *, site=None, disclosed=True, rebases=(), today=None
) -> Chart:
    """One measure as an XmR chart of monthly points (one query)."""
    measure = MEASURES[key]
    with scopes_disabled():
        found = monthly(programme, key, site)
    today = today or timezone.localdate()
    first = min([programme.start_date.replace(day=1), *found]) if found else None
    series, left_out = [], []
    for month in months_between(first, today) if first else []:
        a, b = found.get(month, (Decimal(0), 0))
        if measure.kind != "count" and not b:
            continue  # nothing happened that month: no point, not a zero
        value = point_value(measure, a, b, disclosed=disclosed)
        label = f"{month:%b %Y}"
        if value is None:
            left_out.append(label)
            continue
        series.append((month, label, value))
    starts = sorted(r.from_period for r in rebases if r.measure == key)
    rebase_at = sorted(
        {
            index
            for start in starts
            for index in [
                next((i for i, (m, _, _) in enumerate(series) if m >= start), None)
            ]
            if index  # not the first point, and not after the last
        }
    )
    spc = xmr(
        [(label, value) for _, label, value in series],
        direction=measure.direction,
        rebase_at=rebase_at,
        floor=measure.floor,
        ceiling=measure.ceiling,
    )
    rendered = xmr_chart(spc, title=measure.title, y_label=measure.y_label)
    text = rendered.text
    if left_out:
        text += (
            f" {len(left_out)} month{'s' if len(left_out) > 1 else ''} with fewer "
            "than 8 behind the figure are left out."
        )
    return Chart(
        measure=measure,
        svg=rendered.svg,
        text=text,
        variation_icon=variation_icon(spc.variation),
        assurance_icon=assurance_icon(spc.assurance),
        left_out=tuple(left_out),
        rebases=tuple(r for r in rebases if r.measure == key),
        trial=spc.trial and bool(spc.points),
    )


def charts(programme, *, site=None, disclosed=True, today=None) -> list[Chart]:
    """Every measure's chart: one query each, and one for the re-bases."""
    rebases = list(
        Rebase.objects.filter(programme=programme)
        .select_related("by")
        .order_by("measure", "from_period")
    )
    return [
        chart_for(
            programme,
            key,
            site=site,
            disclosed=disclosed,
            rebases=rebases,
            today=today,
        )
        for key in MEASURES
    ]
