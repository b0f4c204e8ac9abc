"""Reads for panel pages, packs and the dashboard."""

from collections import Counter
from statistics import median

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Min, Prefetch, Q, Window
from django.utils import timezone

from careplans import selectors as plan_selectors
from careplans.models import CarePlan, Response
from sites.money import format_gbp
from sites.shortcuts import get_for_site

from . import charts
from .models import Attendance, Decision, DeclaredInterest, PanelItem, PanelMeeting

DASHBOARD_WINDOW = relativedelta(months=12)  # "the last 12 months", by the calendar


DASHBOARD_WAITING_SHOWN = 25  # the longest waiting; the rest are on the plan list


def waiting_plans(site, *, limit=None):
    """Plans marked 'needs panel', longest waiting first, with their open agenda item.

    With ``limit``, only the first ``limit`` plans are loaded, and each carries
    ``waiting_total`` and ``waiting_since`` for all of them (window functions over the
    same query, so a site with hundreds waiting costs no extra query or rows).
    """
    waiting = (
        CarePlan.objects.filter(site=site, status=CarePlan.Status.AWAITING_PANEL)
        .select_related("person", "written_by")
        .order_by("needs_panel_since", "id")
    )
    if limit is not None:
        waiting = waiting.annotate(
            waiting_total=Window(Count("pk")),
            waiting_since=Window(Min("needs_panel_since")),
        )[:limit]
    plans = list(waiting)
    items = {
        item.plan_id: item
        for item in PanelItem.objects.filter(site=site, plan__in=[p.pk for p in plans])
        .undecided()
        .select_related("meeting")
    }
    now = timezone.now()
    for plan in plans:
        plan.open_item = items.get(plan.pk)
        since = plan.needs_panel_since or now
        plan.days_waiting = (now - since).days
    return plans


def meeting_for_page(site, code):
    return get_for_site(
        PanelMeeting.objects.select_related("panel__chair").prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.select_related("user")),
            Prefetch(
                "items",
                queryset=PanelItem.objects.select_related(
                    "plan__person",
                    "plan__written_by",
                    "decision__decided_by",
                    "added_by",
                    "moved_from",
                ).prefetch_related(
                    "plan__contributions",
                    Prefetch(
                        "interests",
                        queryset=DeclaredInterest.objects.select_related("user"),
                    ),
                ),
            ),
        ),
        site,
        code=code,
    )


def item_summaries(items):
    """For each item, what the panel must see: the plan's outcomes, responses and
    costs, and the officer's and person's words (careplans' own page context), in a
    fixed number of queries however long the agenda."""
    items = list(items)
    plans = {
        plan.pk: plan
        for plan in plan_selectors.plans_with_page_data().filter(
            pk__in=[item.plan_id for item in items]
        )
    }
    contexts = plan_selectors.plan_page_contexts([plans[i.plan_id] for i in items])
    return [
        {"item": item, **context} for item, context in zip(items, contexts, strict=True)
    ]


def chairs_actions_reported_to(meeting):
    """The chair's actions reported to ``meeting``: those named for it, and (until
    it closes) those of its panel not yet named for any meeting."""
    named = Q(reported_at=meeting)
    if meeting.status != PanelMeeting.Status.CLOSED:
        named |= Q(reported_at__isnull=True, item__panel=meeting.panel_id)
    return list(
        Decision.objects.filter(named, site_id=meeting.site_id, chairs_action=True)
        .select_related("item__plan__person", "decided_by")
        .order_by("created_at", "id")
    )


def unreported_chairs_actions(site, panel=None):
    """Chair's actions not yet reported to a meeting that has been held (of
    ``panel``, if given)."""
    decisions = Decision.objects.filter(site=site, chairs_action=True).exclude(
        reported_at__status=PanelMeeting.Status.CLOSED
    )
    if panel is not None:
        decisions = decisions.filter(item__panel=panel)
    return list(
        decisions.select_related(
            "item__plan__person", "decided_by", "reported_at"
        ).order_by("created_at")
    )


def dashboard(site, *, now=None):
    """Panel figures over the last year, with their charts."""
    now = now or timezone.now()
    decisions = list(
        Decision.objects.filter(site=site, created_at__gte=now - DASHBOARD_WINDOW)
        .select_related("item")
        .order_by("created_at")
    )
    waiting = waiting_plans(site, limit=DASHBOARD_WAITING_SHOWN)
    waiting_count = waiting[0].waiting_total if waiting else 0
    if not waiting:
        longest_waiting_now = None
    elif waiting[0].waiting_since is None:
        longest_waiting_now = 0
    else:
        longest_waiting_now = (now - waiting[0].waiting_since).days
    days = [d.days_waiting for d in decisions]
    by_outcome = Counter(d.outcome for d in decisions)
    outcome_rows = [
        (label.split(":")[0], by_outcome.get(value, 0))
        for value, label in Decision.Outcome.choices
    ]
    plan_ids = [d.item.plan_id for d in decisions]
    kinds = Counter(
        Response.objects.filter(plan_id__in=plan_ids).values_list("kind", flat=True)
    )
    kind_rows = [
        (label, kinds.get(value, 0))
        for value, label in Response.Kind.choices
        if kinds.get(value, 0)
    ]
    approved = [d for d in decisions if d.is_approval]
    authorised = sum((d.authorised_weekly for d in approved), 0)
    standard = sum((d.standard_weekly for d in approved), 0)
    return {
        "waiting": waiting,
        "waiting_count": waiting_count,
        "decision_count": len(decisions),
        "median_days": median(days) if days else None,
        "longest_days": max(days) if days else None,
        "longest_waiting_now": longest_waiting_now,
        "authorised_weekly": authorised,
        "standard_weekly": standard,
        "charts": {
            "outcomes": charts.bar_chart(
                outcome_rows, title="Decisions by kind, last 12 months"
            ),
            "kinds": charts.bar_chart(
                kind_rows, title="Responses in decided plans, by type"
            ),
            "spend": charts.bar_chart(
                [
                    ("Authorised by panel", authorised),
                    ("Standard services replaced", standard),
                ],
                title="Weekly spend authorised against the standard-service cost",
                fmt=format_gbp,
            ),
        },
    }
