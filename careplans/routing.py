"""Where a plan goes, by rule: pure functions over a plan, its responses and the
site's dated delegated limits (as ``assessments/eligibility.py`` is for eligibility).

A plan goes to **panel** when any funded response is not a standard service, or when
its weekly cost is above every delegated limit in force that day; otherwise to
**sign-off** by a role whose limit covers it.
"""

from dataclasses import dataclass

from django.utils import timezone

from sites.models import Membership
from sites.money import format_gbp
from sites.text import shorten

from .models import CarePlan, DelegatedLimit, plan_costs


@dataclass(frozen=True)
class Routing:
    route: str
    reasons: list
    approver_roles: list  # roles whose limit covers the plan (sign-off route only)


def limits_in_force(site, day):
    """The delegated limit of each role on a given day: {role: DelegatedLimit}."""
    current = {}
    for limit in (
        DelegatedLimit.objects.filter(site=site)
        .in_force_on(day)
        .order_by("role", "-effective_from")
    ):
        current.setdefault(limit.role, limit)
    return current


def route_for(plan, responses, *, day=None):
    """Where a plan goes, by rule: sign-off within a delegated limit, else panel."""
    day = day or timezone.localdate()
    costs = plan_costs(responses)
    weekly = costs["weekly"]
    reasons = []
    non_standard = [r for r in responses if not r.is_standard and r.is_funded]
    for response in non_standard:
        reasons.append(
            f"“{shorten(response.description, 80)}” is not a standard service "
            f"({response.get_kind_display().lower()})."
        )
    limits = limits_in_force(plan.site, day)
    approvers = [
        role
        for role, limit in sorted(limits.items(), key=lambda item: item[1].weekly_limit)
        if limit.weekly_limit >= weekly
    ]
    if not approvers:
        if limits:
            highest = max(limits.values(), key=lambda limit: limit.weekly_limit)
            reasons.append(
                f"Its weekly cost, {format_gbp(weekly)}, is over every delegated limit "
                f"(the highest is {format_gbp(highest.weekly_limit)} for a "
                f"{highest.get_role_display().lower()})."
            )
        else:
            reasons.append("No delegated limit is set for this site.")
    if reasons:
        return Routing(CarePlan.Route.PANEL, reasons, [])
    first = limits[approvers[0]]
    reasons.append(
        "All responses are standard services and the weekly cost, "
        f"{format_gbp(weekly)}, is within the {first.get_role_display().lower()}'s "
        f"delegated limit of {format_gbp(first.weekly_limit)}."
    )
    return Routing(CarePlan.Route.SIGN_OFF, reasons, approvers)


def may_sign_off(plan, user, *, weekly, day=None):
    """Whether ``user`` may sign off ``plan``: not its author, within their limit."""
    if user.pk in {plan.written_by_id, plan.submitted_by_id}:
        return False, "Nobody signs off a plan they wrote."
    day = day or timezone.localdate()
    roles = set(
        Membership.objects.active()
        .filter(site=plan.site, user=user)
        .values_list("role", flat=True)
    )
    limits = limits_in_force(plan.site, day)
    covering = [r for r in roles if r in limits and limits[r].weekly_limit >= weekly]
    if not covering:
        return (
            False,
            f"The weekly cost, {format_gbp(weekly)}, is over your delegated limit.",
        )
    return True, ""
