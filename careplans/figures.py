"""The collaborative programme's figures: SQL aggregates over the casework of its
programme cases, per site, for the whole programme and month by month.

These are **named cross-site programme queries** (docs/architecture.md, "The short
list of unscoped places"): each reads site-scoped tables for every participating
site at once, with scopes disabled, and returns counts and sums only, never a row
about a person. Each source table (responses, unmet wants, delivery at review,
outcome ratings, plans' costs, panel decisions) is read by **one query** grouped by
site and month; the per-site tables and the monthly series are added up from those
aggregate rows (at most sites x months x categories), never from rows about people.

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
from django.core.cache import cache
from django.db import connection
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
    people = ProgrammeCase.objects.filter(
        programme=programme, status=ProgrammeCase.Status.INCLUDED
    ).values("person_id")
    plans = CarePlan.objects.filter(person_id__in=people)
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


# -- the facts: one grouped query per source table ----------------------------------
#
# Each query groups by site and month (and a category where there is one), so its
# rows are aggregates: at most sites x months x categories, however many people. The
# figures per site and the series per month are both added up from those rows, so
# one query serves a table and a chart.


def _rows(queryset, month, *group, **aggregates):
    return list(
        queryset.annotate(month=_month(month))
        .order_by()
        .values("site_id", "month", *group)
        .annotate(**aggregates)
    )


def _response_rows(programme, site):
    O = Response.Origin  # noqa: E741
    asked = Q(origin=O.ASKED_FOR)
    delivered = ResponseDelivery.objects.filter(
        response=OuterRef("pk"),
        delivered__in=[
            ResponseDelivery.Delivered.AS_PLANNED,
            ResponseDelivery.Delivered.PARTLY,
        ],
    )
    return _rows(
        Response.objects.filter(plan__in=agreed_plans(programme, site)),
        Coalesce("plan__approved_at", "plan__submitted_at"),
        asked_for=Count("pk", filter=asked),
        service_led=Count("pk", filter=Q(origin=O.SERVICE_LED)),
        not_recorded=Count("pk", filter=~Q(origin__in=[O.ASKED_FOR, O.SERVICE_LED])),
        delivered=Count("pk", filter=asked & Q(Exists(delivered))),
    )


def _unmet_rows(programme, site):
    return _rows(
        UnmetWant.objects.filter(plan__in=case_plans(programme, site)),
        "created_at",
        "barrier",
        n=Count("pk"),
    )


def _delivery_rows(programme, site):
    return _rows(
        ResponseDelivery.objects.filter(
            review__status=Review.Status.COMPLETED,
            response__plan__in=case_plans(programme, site),
        ),
        "review__completed_at",
        "delivered",
        "barrier",
        n=Count("pk"),
    )


def _rating_rows(programme, site):
    return _rows(
        OutcomeReview.objects.filter(
            review__status=Review.Status.COMPLETED,
            review__plan__in=case_plans(programme, site),
        ),
        "review__completed_at",
        "rating",
        n=Count("pk"),
    )


def _cost_rows(programme, site):
    """Plans costing more, the same or less than the standard response, per site
    and month. Each plan's difference is a subquery over its responses; the
    grouping is written around the ORM's query as a common table expression so
    that the subquery runs once a plan and not once for each of the five sums it
    feeds. PostgreSQL inlines a plain derived table or CTE into the outer query
    (it did: five subplans a row, 236 of the dashboard's 520 ms at 5 x 100,000
    people), so there the CTE is ``MATERIALIZED``; SQLite evaluates it as written."""
    plans = (
        agreed_plans(programme, site)
        .annotate(
            difference=_plan_difference(),
            month=_month(Coalesce("approved_at", "submitted_at")),
        )
        .order_by()
        .values("site_id", "month", "difference")
    )
    sql, params = plans.query.sql_with_params()
    # The inner SQL is the ORM's, with its parameters passed separately.
    fence = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    grouped = (
        f"WITH plans AS {fence}({sql}) "  # noqa: S608
        'SELECT site_id, "month", '
        "SUM(CASE WHEN difference > 0 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN difference = 0 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN difference < 0 THEN 1 ELSE 0 END), "
        "COUNT(*), SUM(difference) "
        'FROM plans GROUP BY site_id, "month"'
    )
    with connection.cursor() as cursor:
        cursor.execute(grouped, params)
        found = cursor.fetchall()
    return [
        {
            "site_id": site_id,
            "month": month,
            "more": int(more),
            "same": int(same),
            "less": int(less),
            "n": int(n),
            "total": Decimal(str(total or 0)),
        }
        for site_id, month, more, same, less, n, total in found
    ]


WEEK, FOUR_WEEKS = timedelta(days=7), timedelta(days=28)


def _panel_rows(programme, site):
    return _rows(
        PlanDecision.objects.filter(
            kind__in=PANEL_KINDS,
            plan__in=case_plans(programme, site),
            plan__needs_panel_since__isnull=False,
        ).annotate(wait=_panel_wait()),
        "created_at",
        week=Count("pk", filter=Q(wait__lte=WEEK)),
        month_=Count("pk", filter=Q(wait__gt=WEEK, wait__lte=FOUR_WEEKS)),
        longer=Count("pk", filter=Q(wait__gt=FOUR_WEEKS)),
        n=Count("pk"),
        total=Sum("wait"),
    )


def _case_counts(programme, site):
    queryset = ProgrammeCase.objects.filter(
        programme=programme, status=ProgrammeCase.Status.INCLUDED
    )
    if site is not None:
        queryset = queryset.filter(site=site)
    rows = queryset.order_by().values("site_id").annotate(n=Count("pk"))
    return {row["site_id"]: (row["n"],) for row in rows}


def _by_site(rows, categories, value):
    """{site id: (count per category)} from fact rows; ``value(row, key)`` is a
    row's contribution to a category."""
    totals = defaultdict(lambda: [0] * len(categories))
    for row in rows:
        counts = totals[row["site_id"]]
        for index, (key, _) in enumerate(categories):
            counts[index] += value(row, key)
    return {site_id: tuple(counts) for site_id, counts in totals.items()}


def _by_month(rows, a, b):
    """{first of month: (numerator or sum, denominator or count)} from fact rows."""
    months = defaultdict(lambda: [Decimal(0), 0])
    for row in rows:
        if row["month"] is None:
            continue
        month = months[_first_of_month(row["month"])]
        month[0] += Decimal(a(row))
        month[1] += b(row)
    return {month: (values[0], values[1]) for month, values in months.items()}


def _where(key):
    return lambda row, category: row["n"] if row[key] == category else 0


def _field(row, key):
    return row[key]


BARRIER_CATEGORIES = tuple((value, label) for value, label in Barrier.choices)
WHOSE_IDEA = (
    ("asked_for", "Asked for by the person"),
    ("service_led", "Service-led"),
    ("not_recorded", "Not recorded"),
)
WANTED = (
    ("wanted", "Wanted"),
    ("arranged", "Arranged"),
    ("delivered", "Delivered, fully or in part"),
)
RATINGS = (
    ("fully", "Fully met"),
    ("partially", "Partially met"),
    ("not_met", "Not met"),
)
DELIVERED = tuple(ResponseDelivery.Delivered.choices)
COSTS = (
    ("more", "Costs more"),
    ("same", "Costs the same"),
    ("less", "Costs less"),
)
WAITS = (
    ("week", "Within a week"),
    ("month_", "8 to 28 days"),
    ("longer", "Over 28 days"),
)
COST_EXPLANATION = (
    "The weekly cost of the latest agreed plan against the weekly cost of the "
    "standard services its responses replace."
)
PANEL_EXPLANATION = (
    "From the day a plan went to panel to the panel's decision (approved or returned)."
)


def _figures_from(facts, schedule_) -> Figures:
    responses, unmet, deliveries = facts["responses"], facts["unmet"], facts["delivery"]
    ratings, costs, panel = facts["ratings"], facts["costs"], facts["panel"]
    wanted = defaultdict(lambda: [0, 0, 0])
    for row in responses:
        counts = wanted[row["site_id"]]
        counts[0] += row["asked_for"]
        counts[1] += row["asked_for"]
        counts[2] += row["delivered"]
    for row in unmet:
        wanted[row["site_id"]][0] += row["n"]
    cost_sums, cost_counts, wait_sums, wait_counts = {}, {}, {}, {}
    for row in costs:
        site_id = row["site_id"]
        cost_sums[site_id] = cost_sums.get(site_id, ZERO) + Decimal(row["total"] or 0)
        cost_counts[site_id] = cost_counts.get(site_id, 0) + row["n"]
    for row in panel:
        site_id = row["site_id"]
        wait_sums[site_id] = wait_sums.get(site_id, ZERO) + _days(row["total"])
        wait_counts[site_id] = wait_counts.get(site_id, 0) + row["n"]
    return Figures(
        cases=Figure(
            "cases",
            "Programme cases",
            "People whose assessment brought them into the focus group and who "
            "were included.",
            (("included", "People included as programme cases"),),
            facts["cases"],
        ),
        whose_idea=Figure(
            "whose_idea",
            "Whose idea each response was",
            "Every response on the latest agreed plan of each programme case: did "
            "the person ask for it, or was it the service's usual offer?",
            WHOSE_IDEA,
            _by_site(responses, WHOSE_IDEA, _field),
        ),
        wanted=Figure(
            "wanted_arranged_delivered",
            "Wanted, arranged and delivered",
            "Wanted: what people asked for, arranged or not. Arranged: responses "
            "the person asked for on the latest agreed plan. Delivered: of those, "
            "delivered as planned or in part at a review.",
            WANTED,
            {site_id: tuple(counts) for site_id, counts in wanted.items()},
            parts_of_a_whole=False,
        ),
        outcomes=Figure(
            "outcomes",
            "Outcomes at review",
            "Each desired outcome rated with the person at a completed review.",
            RATINGS,
            _by_site(ratings, RATINGS, _where("rating")),
        ),
        delivery=Figure(
            "delivery",
            "Delivered against planned",
            "At each completed review, each response: delivered as planned, partly, "
            "not delivered or stopped.",
            DELIVERED,
            _by_site(deliveries, DELIVERED, _where("delivered")),
        ),
        cost=Figure(
            "cost",
            "Cost against the standard response",
            COST_EXPLANATION,
            COSTS,
            _by_site(costs, COSTS, _field),
        ),
        cost_average=Average(
            "cost_difference",
            "Average weekly difference per plan",
            COST_EXPLANATION,
            "money",
            cost_sums,
            cost_counts,
        ),
        panel=Figure(
            "panel_time",
            "Time to panel decision",
            PANEL_EXPLANATION,
            WAITS,
            _by_site(panel, WAITS, _field),
        ),
        panel_average=Average(
            "panel_days",
            "Average days to a panel decision",
            PANEL_EXPLANATION,
            "days",
            wait_sums,
            wait_counts,
        ),
        barriers=_barrier_figure(unmet, deliveries),
        unmet=_unmet_figure(unmet),
        schedule=schedule_,
        monthly={
            "asked_for": _by_month(
                responses,
                lambda r: r["asked_for"],
                lambda r: r["asked_for"] + r["service_led"],
            ),
            "delivered": _by_month(
                deliveries,
                lambda r: r["n"] if r["delivered"] == "as_planned" else 0,
                lambda r: r["n"],
            ),
            "fully_met": _by_month(
                ratings,
                lambda r: r["n"] if r["rating"] == "fully" else 0,
                lambda r: r["n"],
            ),
            "cost_difference": _by_month(
                costs, lambda r: r["total"] or 0, lambda r: r["n"]
            ),
            "panel_days": _by_month(
                panel, lambda r: _days(r["total"]), lambda r: r["n"]
            ),
            "unmet": _by_month(unmet, lambda r: r["n"], lambda r: r["n"]),
        },
    )


def _unmet_figure(unmet) -> Figure:
    return Figure(
        "unmet_need",
        "Unmet need, by barrier",
        "What people wanted that could not be arranged, by what stood in the way.",
        BARRIER_CATEGORIES,
        _by_site(unmet, BARRIER_CATEGORIES, _where("barrier")),
    )


def _barrier_figure(unmet, deliveries) -> Figure:
    blocked = [row for row in deliveries if row["barrier"]]
    return Figure(
        "barriers",
        "Barriers by category",
        "What stood in the way, whether something wanted could not be arranged or a "
        "response was not delivered as planned.",
        BARRIER_CATEGORIES,
        _by_site([*unmet, *blocked], BARRIER_CATEGORIES, _where("barrier")),
    )


def unmet_register(programme, site=None) -> tuple[Figure, Figure]:
    """The unmet-need register and every barrier recorded (two queries)."""
    with scopes_disabled():
        unmet = _unmet_rows(programme, site)
        deliveries = _delivery_rows(programme, site)
    return _unmet_figure(unmet), _barrier_figure(unmet, deliveries)


def _days(duration) -> Decimal:
    if duration is None:
        return ZERO
    if isinstance(duration, int | float):  # microseconds, on some backends
        duration = timedelta(microseconds=duration)
    return Decimal(duration.total_seconds()) / Decimal(86400)


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
    """Every figure of a programme (or of one site in it), as computed, and each
    measure month by month ({first of month: (numerator or sum, count)})."""

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
    monthly: dict = field(default_factory=dict)

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


FACTS = {
    "responses": _response_rows,
    "unmet": _unmet_rows,
    "delivery": _delivery_rows,
    "ratings": _rating_rows,
    "costs": _cost_rows,
    "panel": _panel_rows,
}


def compute(programme, site=None, *, today=None) -> Figures:
    """Every figure and every monthly series: eight queries in all (one per source
    table, grouped by site and month; the cases; the schedule)."""
    with scopes_disabled():
        facts = {name: rows(programme, site) for name, rows in FACTS.items()}
        facts["cases"] = _case_counts(programme, site)
        return _figures_from(facts, schedule(programme, today))


# The programme's cross-site figures change only as casework is recorded, and they
# are read by everyone taking part: they are kept for a few minutes (in Django's
# cache, keyed by the programme's public id) and the pages say when they were worked
# out. A site's own figures are always worked out afresh.
CACHE_SECONDS = 300


def programme_figures(programme) -> tuple[Figures, object]:
    """The programme's figures and when they were worked out (at most
    ``CACHE_SECONDS`` ago): eight queries when worked out, none when kept."""
    key = f"carehub:programme-figures:{programme.code}"
    kept = cache.get(key)
    if kept is None:
        kept = (compute(programme), timezone.now())
        cache.set(key, kept, CACHE_SECONDS)
    return kept


def forget_programme_figures(programme) -> None:
    cache.delete(f"carehub:programme-figures:{programme.code}")


def monthly(programme, key, site=None) -> dict:
    """One measure month by month (for tests and scripts; pages use ``compute``)."""
    if key not in MEASURES:
        raise ValueError(f"No measure called {key!r}")
    return compute(programme, site).monthly[key]


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
    def totals(self):
        """[(category, the programme's cell)] for templates."""
        return list(zip(self.table.categories, self.table.column_totals, strict=True))

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


def _first_of_month(value) -> date:
    if isinstance(value, str):  # a raw query's month on SQLite
        value = date.fromisoformat(value[:10])
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
    programme, key, found, *, disclosed=True, rebases=(), today=None
) -> Chart:
    """One measure as an XmR chart of monthly points, from ``Figures.monthly``."""
    measure = MEASURES[key]
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


def charts(programme, computed: Figures, *, disclosed=True, today=None) -> list:
    """Every measure's chart from the computed figures (one query: the re-bases)."""
    rebases = list(
        Rebase.objects.filter(programme=programme)
        .select_related("by")
        .order_by("measure", "from_period")
    )
    return [
        chart_for(
            programme,
            key,
            computed.monthly.get(key, {}),
            disclosed=disclosed,
            rebases=rebases,
            today=today,
        )
        for key in MEASURES
    ]
