"""Builders for panel tests: a panel with its chair and members, meetings, plans
waiting for panel, items and decisions. They work inside a site's scope or outside
any (``any_scope``); they go through the services, as the app does."""

from datetime import timedelta
from decimal import Decimal

import time_machine
from django.utils import timezone

from careplans import services as plan_services
from careplans.models import CarePlan, Response, plan_costs
from panels import services
from panels.models import Decision, Panel, PanelMember
from sites.permissions import Role
from tests.factories import StandardServiceFactory, any_scope, member
from tests.plan_factories import CONTINGENCY, plan_with

PERSON_VIEWS = "I would rather go to the allotment club than sit in a day centre."
RECOMMENDATION = "Transport to the allotment club meets the need for less money."
RESPONSE = "A taxi to the allotment club on Wednesdays"
RATIONALE = "The plan meets the eligible needs in the way the person asked for."


def panel_members(site, count=2, prefix="member"):
    """``count`` users holding the panel member role at ``site``."""
    return [member(site, Role.PANEL_MEMBER, f"{prefix}-{i}") for i in range(count)]


@any_scope
def make_panel(site, chair, members=(), *, quorum=2, name="Funding panel"):
    """A panel chaired by ``chair`` with ``members``, each with what they bring."""
    panel = Panel.objects.create(site=site, name=name, chair=chair, quorum=quorum)
    for i, user in enumerate(members):
        PanelMember.objects.create(
            site=site, panel=panel, user=user, brings=["finance", "health"][i % 2]
        )
    return panel


@any_scope
def make_meeting(panel, by, *, days=0, minutes=0, place="Room 2, County Hall"):
    """A meeting of ``panel`` ``days`` (and ``minutes``) from now, scheduled through
    the service. By default it is today: a meeting is opened on its own day."""
    return services.schedule_meeting(
        panel=panel,
        starts_at=timezone.now() + timedelta(days=days, minutes=minutes),
        place=place,
        by=by,
    )


def on_its_day(meeting):
    """The clock moved to the day of ``meeting`` (and running), to open it then."""
    return time_machine.travel(meeting.starts_at, tick=True)


@any_scope
def plan_awaiting_panel(site, officer, *, cost="45.00", times=1, replaced="30.00"):
    """A plan by ``officer`` with one flexible response (``cost`` ``times`` a week, in
    place of a standard service costing ``replaced`` a week), submitted: a
    non-standard response always routes to panel."""
    plan = plan_with(site, officer, responses=())
    plan_services.save_response(
        plan,
        by=officer,
        outcomes=list(plan_services.plan_outcomes(plan)),
        description=RESPONSE,
        kind=Response.Kind.FLEXIBLE,
        times=times,
        period=Response.Period.WEEK,
        unit_cost=Decimal(cost),
        replaces=StandardServiceFactory(site=site, typical_weekly_cost=replaced),
        replaced_weekly_cost=Decimal(replaced),
    )
    plan.refresh_from_db()
    plan = plan_services.update_plan(
        plan,
        by=officer,
        expected_version=plan.version,
        person_views=PERSON_VIEWS,
        officer_recommendation=RECOMMENDATION,
        contingency_plan=CONTINGENCY,
    )
    plan = plan_services.submit_plan(plan, by=officer)
    assert plan.status == CarePlan.Status.AWAITING_PANEL
    return plan


@any_scope
def add_plan_item(meeting, officer, by, *, question="Will the panel fund it?", **kw):
    """A new plan waiting for panel, put on ``meeting``'s agenda by ``by``."""
    plan = plan_awaiting_panel(meeting.site, officer, **kw)
    return services.add_item(meeting=meeting, plan=plan, question=question, by=by)


@any_scope
def decide(item, by, outcome=Decision.Outcome.APPROVED, **fields):
    """Record a decision with sensible defaults for the outcome."""
    defaults = {"rationale": RATIONALE}
    if outcome in Decision.APPROVALS:
        # What the plan costs: an approval authorises the plan as written.
        defaults["authorised_weekly"] = plan_costs(item.plan.responses.all())["weekly"]
    if outcome == Decision.Outcome.APPROVED_WITH_CONDITIONS:
        defaults["conditions"] = "Review in eight weeks whether it still helps."
    return services.record_decision(
        item, by=by, outcome=outcome, **{**defaults, **fields}
    )
