"""Routing reasons become data: each sentence stored before now is parsed back into the
reason it words (see careplans/routing.py), so amounts and roles are kept as data and a
description cut at 80 characters is replaced by the response's whole description.

A sentence this migration cannot read is left as it was; ``reasons_in_words`` shows a
plain string as written. Rows in the change history keep what they recorded.

The labels below are frozen copies of today's choices (a migration does not import app
code that may change later).
"""

import re
from decimal import Decimal

from django.db import migrations

ROLES = {
    "assessing_officer": "Assessing officer",
    "team_manager": "Team manager",
    "panel_member": "Panel member",
    "panel_chair": "Panel chair",
    "senior_manager": "Senior manager",
    "advisor": "Advisor",
    "site_coordinator": "Site coordinator",
}
KINDS = {
    "standard": "Standard commissioned service",
    "community": "Community or universal resource",
    "informal": "Family or informal support",
    "equipment": "Equipment or technology",
    "flexible": "Flexible spend / direct payment",
    "one_off": "One-off",
}
ROLE_BY_WORDS = {label.lower(): value for value, label in ROLES.items()}
KIND_BY_WORDS = {label.lower(): value for value, label in KINDS.items()}

AMOUNT = r"£(?P<{}>-?[\d,]+(?:\.\d+)?)"
NOT_STANDARD = re.compile(r"^“(?P<description>.*)” is not a standard service \((?P<kind>.+)\)\.$", re.S)
OVER_EVERY_LIMIT = re.compile(
    r"^Its weekly cost, " + AMOUNT.format("weekly") + r", is over every delegated limit "
    r"\(the highest is " + AMOUNT.format("highest") + r" for a (?P<role>.+)\)\.$"
)
NO_LIMIT = "No delegated limit is set for this site."
WITHIN_LIMIT = re.compile(
    r"^All responses are standard services and the weekly cost, " + AMOUNT.format("weekly")
    + r", is within the (?P<role>.+)'s delegated limit of " + AMOUNT.format("limit") + r"\.$"
)
UNCHANGED = re.compile(
    r"^The weekly cost and the kinds of response are the same as in the approved "
    r"version (?P<version>\d+), so it is not routed again\.$"
)


def _amount(text):
    return str(Decimal(text.replace(",", "")).quantize(Decimal("0.01")))


def reason_from_words(text, responses):
    """The reason a legacy sentence words, or None when it cannot be read back."""
    if text == NO_LIMIT:
        return {"code": "no_limit"}
    if match := NOT_STANDARD.match(text):
        kind = KIND_BY_WORDS.get(match["kind"])
        described = match["description"]
        same = [
            r
            for r in responses
            if r.kind == kind and r.description[: len(described)] == described
        ]
        if kind is None or not same:
            return None
        return {
            "code": "not_standard",
            "response": str(same[0].lineage),
            "description": same[0].description,
            "kind": kind,
        }
    if match := OVER_EVERY_LIMIT.match(text):
        role = ROLE_BY_WORDS.get(match["role"])
        if role is None:
            return None
        return {
            "code": "over_every_limit",
            "weekly": _amount(match["weekly"]),
            "highest": _amount(match["highest"]),
            "role": role,
        }
    if match := WITHIN_LIMIT.match(text):
        role = ROLE_BY_WORDS.get(match["role"])
        if role is None:
            return None
        return {
            "code": "within_limit",
            "weekly": _amount(match["weekly"]),
            "limit": _amount(match["limit"]),
            "role": role,
        }
    if match := UNCHANGED.match(text):
        return {"code": "unchanged", "version": int(match["version"])}
    return None


def words_from_reason(reason):
    """The sentence a reason was written as before (for migrating backwards)."""
    if isinstance(reason, str):
        return reason
    code = reason.get("code")
    if code == "not_standard":
        kind = KINDS.get(reason["kind"], reason["kind"]).lower()
        return f"“{reason['description'][:80]}” is not a standard service ({kind})."
    if code == "over_every_limit":
        role = ROLES.get(reason["role"], reason["role"]).lower()
        return (
            f"Its weekly cost, £{reason['weekly']}, is over every delegated limit (the "
            f"highest is £{reason['highest']} for a {role})."
        )
    if code == "no_limit":
        return NO_LIMIT
    if code == "within_limit":
        role = ROLES.get(reason["role"], reason["role"]).lower()
        return (
            f"All responses are standard services and the weekly cost, "
            f"£{reason['weekly']}, is within the {role}'s delegated limit of "
            f"£{reason['limit']}."
        )
    if code == "unchanged":
        return (
            "The weekly cost and the kinds of response are the same as in the approved "
            f"version {reason['version']}, so it is not routed again."
        )
    return str(reason)


def forwards(apps, schema_editor):
    CarePlan = apps.get_model("careplans", "CarePlan")
    Response = apps.get_model("careplans", "Response")
    for plan in CarePlan._base_manager.exclude(routing_reasons=[]).iterator():
        if not any(isinstance(reason, str) for reason in plan.routing_reasons):
            continue
        responses = list(Response._base_manager.filter(plan_id=plan.pk).order_by("position", "id"))
        converted = []
        for reason in plan.routing_reasons:
            if isinstance(reason, str):
                reason = reason_from_words(reason, responses) or reason
            converted.append(reason)
        if converted != plan.routing_reasons:
            CarePlan._base_manager.filter(pk=plan.pk).update(routing_reasons=converted)


def backwards(apps, schema_editor):
    CarePlan = apps.get_model("careplans", "CarePlan")
    for plan in CarePlan._base_manager.exclude(routing_reasons=[]).iterator():
        words = [words_from_reason(reason) for reason in plan.routing_reasons]
        if words != plan.routing_reasons:
            CarePlan._base_manager.filter(pk=plan.pk).update(routing_reasons=words)


class Migration(migrations.Migration):

    dependencies = [
        ("careplans", "0003_revisions"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
