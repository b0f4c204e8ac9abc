"""Roles and the capabilities they grant: the one place this mapping lives.

Views check capabilities (``"view_audit"``), never role names. The table in
``docs/permissions.md`` is generated from this module (``manage.py permissions_table``)
and a test keeps the two in step.
"""

from django.db import models


class Role(models.TextChoices):
    ASSESSING_OFFICER = "assessing_officer", "Assessing officer"
    TEAM_MANAGER = "team_manager", "Team manager"
    PANEL_MEMBER = "panel_member", "Panel member"
    PANEL_CHAIR = "panel_chair", "Panel chair"
    SENIOR_MANAGER = "senior_manager", "Senior manager"
    ADVISOR = "advisor", "Advisor"
    SITE_COORDINATOR = "site_coordinator", "Site coordinator"


# Capability name -> what it lets a person do (shown in docs/permissions.md).
CAPABILITIES: dict[str, str] = {
    "view_site": "Open the site's home page",
    "view_people": "Find people and read their records and assessments",
    "view_all_caseloads": "See everyone's caseload, not only their own",
    "edit_people": "Record people, change their details, link carers",
    "assess": "Start, edit and complete assessments; add addenda",
    "plan": "Draft and change care plans and submit them; start new versions; close plans",
    "sign_off_plan": "Sign off all-standard plans within their delegated limit, or return them",
    "review_plan": "Record reviews of plans: each outcome fully, partially or not met",
    "view_team_reviews": "See the whole team's reviews due",
    "manage_limits": "Set the site's delegated limits (dated, with history)",
    "view_panel": "See the panel: waiting plans, meetings, agendas, packs, dashboard",
    "manage_panels": "Schedule meetings, build agendas, open and close meetings",
    "decide_at_panel": "Record panel decisions (when chair, or present at the meeting)",
    "chairs_action": "Decide urgent plans between meetings as the panel's chair",
    "view_audit": "See the site's audit events",
}

_EVERYONE = {"view_site"}
_PRACTICE = {"view_people", "edit_people", "assess", "plan", "review_plan"}
_MANAGING = {"view_all_caseloads", "sign_off_plan", "view_team_reviews", "view_panel"}
_PANEL = {"view_people", "view_panel", "decide_at_panel"}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ASSESSING_OFFICER: frozenset(_EVERYONE | _PRACTICE),
    Role.TEAM_MANAGER: frozenset(_EVERYONE | _PRACTICE | _MANAGING),
    Role.PANEL_MEMBER: frozenset(_EVERYONE | _PANEL),
    Role.PANEL_CHAIR: frozenset(
        _EVERYONE | _PANEL | {"view_all_caseloads", "manage_panels", "chairs_action"}
    ),
    Role.SENIOR_MANAGER: frozenset(
        _EVERYONE
        | _MANAGING
        | {"view_people", "manage_limits", "manage_panels", "view_audit"}
    ),
    Role.ADVISOR: frozenset(_EVERYONE | {"view_people"}),
    # The coordinator collates pseudonymised programme data, not casework.
    Role.SITE_COORDINATOR: frozenset(_EVERYONE),
}


def capabilities_for(roles) -> frozenset[str]:
    """Union of the capabilities granted by the given roles."""
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_CAPABILITIES[role]
    return frozenset(granted)


def markdown_table() -> str:
    """The role x capability table, as written into docs/permissions.md."""
    roles = list(Role)
    header = (
        "| Capability | What it allows | " + " | ".join(r.label for r in roles) + " |"
    )
    rule = "|---|---|" + "---|" * len(roles)
    rows = [header, rule]
    for name, meaning in CAPABILITIES.items():
        marks = " | ".join("yes" if name in ROLE_CAPABILITIES[r] else "" for r in roles)
        rows.append(f"| `{name}` | {meaning} | {marks} |")
    return "\n".join(rows)
