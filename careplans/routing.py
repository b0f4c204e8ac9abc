"""Where a plan goes, by rule: pure functions over a plan, its responses and the
site's dated delegated limits (as ``assessments/eligibility.py`` is for eligibility).

A plan goes to **panel** when any funded response is not a standard service, or when
its weekly cost is above every delegated limit in force that day; otherwise to
**sign-off** by a role whose limit covers it.

The reasons are **data**, not sentences: each is a small dict with a ``code`` and the
amounts (as strings such as ``"41.54"``), roles and responses it is about, kept whole
on ``CarePlan.routing_reasons``. ``reasons_in_words`` puts them into words when shown,
so money is written by ``sites.money`` and long descriptions are shortened between
words by ``sites.text`` on the page, never cut in storage.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from sites.models import Membership
from sites.money import as_data, format_gbp
from sites.permissions import Role
from sites.text import shorten

from .models import CarePlan, DelegatedLimit, Response, plan_costs

# What a reason can say (the ``code`` of each reason).
NOT_STANDARD = "not_standard"  # a funded response is not a standard service
OVER_EVERY_LIMIT = "over_every_limit"  # the weekly cost is above every limit in force
NO_LIMIT = "no_limit"  # the site has no delegated limit in force
WITHIN_LIMIT = "within_limit"  # all standard, within a role's limit: sign-off
UNCHANGED = "unchanged"  # a revision with the same cost and kinds: not routed again

# How much of a response's description a reason shows (whole words, then "…").
DESCRIPTION_SHOWN = 80


@dataclass(frozen=True)
class Routing:
    route: str
    reasons: list  # of reason dicts (see the codes above); put into words when shown
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
            {
                "code": NOT_STANDARD,
                "response": str(response.lineage),
                "description": response.description,
                "kind": response.kind,
            }
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
                {
                    "code": OVER_EVERY_LIMIT,
                    "weekly": as_data(weekly),
                    "highest": as_data(highest.weekly_limit),
                    "role": highest.role,
                }
            )
        else:
            reasons.append({"code": NO_LIMIT})
    if reasons:
        return Routing(CarePlan.Route.PANEL, reasons, [])
    first = limits[approvers[0]]
    reasons.append(
        {
            "code": WITHIN_LIMIT,
            "weekly": as_data(weekly),
            "limit": as_data(first.weekly_limit),
            "role": first.role,
        }
    )
    return Routing(CarePlan.Route.SIGN_OFF, reasons, approvers)


def contributors(plan) -> set:
    """Everyone who wrote, changed or submitted any part of this version of a plan.

    Reads ``plan.contributions.all()``, so a page that prefetches them checks many
    plans without a query each.
    """
    ids = {plan.written_by_id, plan.submitted_by_id}
    ids |= {c.user_id for c in plan.contributions.all()}
    return ids - {None}


def conflict_of_interest(plan, user, *, doing) -> str:
    """Why ``user`` may not take part in deciding on ``plan`` (empty if they may).

    ``doing`` is the verb in the message: "signs off", "returns", "decides on".
    Separation of duties is by content: whoever wrote or changed any part of this
    version is out, not only its author; and nobody decides on a plan for a person on
    their own caseload.
    """
    if user.pk in contributors(plan):
        return f"Nobody {doing} a plan they wrote or changed."
    if plan.person.allocated_worker_id == user.pk:
        return f"Nobody {doing} a plan for a person on their own caseload."
    return ""


def may_return(plan, user):
    """(allowed, reason): whether ``user`` may return ``plan`` to its officer."""
    why = conflict_of_interest(plan, user, doing="returns")
    return not why, why


def unchanged_reason(previous):
    """The reason a revision with nothing material changed is not routed again:
    the approval it carries over, and whose it was."""
    approver = previous.approved_by
    return {
        "code": UNCHANGED,
        "version": previous.version_number,
        "approved_by": approver.display_name if approver else "",
        "approved_on": timezone.localtime(previous.approved_at).date().isoformat()
        if previous.approved_at
        else "",
    }


def _label(choices, value):
    """A choice's label in lower case, or the stored value if the choice has gone."""
    try:
        return choices(value).label.lower()
    except ValueError:
        return str(value)


def reason_in_words(reason) -> str:
    """One routing reason as a sentence for a page, a pack or a PDF.

    A plain string is a reason stored before reasons became data; it is shown as it
    was written.
    """
    if isinstance(reason, str):
        return reason
    code = reason.get("code")
    if code == NOT_STANDARD:
        description = shorten(reason.get("description", ""), DESCRIPTION_SHOWN)
        kind = _label(Response.Kind, reason.get("kind", ""))
        return f"“{description}” is not a standard service ({kind})."
    if code == OVER_EVERY_LIMIT:
        return (
            f"Its weekly cost, {format_gbp(reason['weekly'])}, is over every delegated "
            f"limit (the highest is {format_gbp(reason['highest'])} for a "
            f"{_label(Role, reason['role'])})."
        )
    if code == NO_LIMIT:
        return "No delegated limit is set for this site."
    if code == WITHIN_LIMIT:
        return (
            "All responses are standard services and the weekly cost, "
            f"{format_gbp(reason['weekly'])}, is within the "
            f"{_label(Role, reason['role'])}'s delegated limit of "
            f"{format_gbp(reason['limit'])}."
        )
    if code == UNCHANGED:
        if reason.get("approved_by"):
            return (
                "Nothing material changed, so the approval is carried over from "
                f"version {reason['version']}, approved by {reason['approved_by']} "
                f"on {_day(reason.get('approved_on'))}."
            )
        return (
            "The weekly cost and the kinds of response are the same as in the "
            f"approved version {reason['version']}, so it is not routed again."
        )
    return "Routed by a rule this version of CareHub does not describe."


def _day(iso) -> str:
    """``"2026-03-03"`` as "3 March 2026" (as stored if it is not a date)."""
    try:
        day = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso or "")
    return f"{day.day} {day:%B %Y}"


def reasons_in_words(reasons) -> list[str]:
    """Every routing reason of a plan (or a routing preview) as sentences."""
    return [reason_in_words(reason) for reason in reasons or []]


def may_sign_off(plan, user, *, weekly, day=None):
    """Whether ``user`` may sign off ``plan``: no conflict, within their limit."""
    why = conflict_of_interest(plan, user, doing="signs off")
    if why:
        return False, why
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
