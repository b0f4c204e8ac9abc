"""Who may do what at a site: roles grant capabilities, and named rules ask for them.

This module is the one place these rules live:

- ``ROLE_CAPABILITIES`` maps each role to the capabilities it grants (a member's
  capabilities are the union over their roles at the site).
- ``RULES`` names the questions the code asks ("may this member see the reviews
  due?"). A rule needs every capability in ``all_of`` and at least one in ``any_of``;
  ``write`` marks the rules that let people change records.

Views declare their rule with ``@require_rule("see_panel")`` (``sites.decorators``)
and ask others with ``allows(request, "see_team_reviews")``; templates ask
``{% if can.see_reviews_due %}`` (``sites.context_processors.permissions``). Nothing else looks at capabilities, so the
navigation, the home page and the views cannot disagree. The tables in
``docs/permissions.md`` are generated from here (``manage.py permissions_table``) and
a test keeps them in step; ``tests/test_permissions.py`` generates the role x page
matrix from the URL resolver and these rules.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver


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
    "merge_people": "Merge two records of one person into one (audited)",
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
    "answer_subject_access": "Record subject-access requests and prepare the copy of "
    "everything held about a person (audited)",
    "manage_letters": "Word the site's letters (eligibility decisions and others)",
    "manage_retention": "Set retention periods, place and release legal holds, and "
    "delete the records of people past retention after review (audited)",
    # The collaborative programme, at the site: identifiable casework stays here.
    "make_programme_case": "Include a person in a collaborative programme as a case",
    "view_case_studies": "Read the site's case studies for the programme, drafts too",
    "draft_case_study": "Draft a pseudonymised case study from a programme case",
    "review_case_study": "Review the site's case studies (as the site's advisor)",
    "approve_case_study": "Approve case studies for sharing (as the site's project "
    "coordinator)",
    "start_programme": "Start a collaborative programme from their site (and "
    "coordinate it)",
    "answer_site_evaluation": "Write their site's answers to the evaluation of a "
    "programme it takes part in",
    # The collaborative programme's own pages (/p/<programme>/), which span sites.
    "view_programme": "See a programme they take part in: schedule, meetings, shared "
    "case studies, figures",
    "manage_programme": "Set up and run a programme: sites, schedule, meetings, tables, "
    "evaluation",
    "export_programme_data": "Download the programme's pseudonymised data",
    "export_site": "Export the whole site as an archive: every record, its history "
    "and audit events (issue 13)",
}

_EVERYONE = {"view_site"}
_PRACTICE = {"view_people", "edit_people", "assess", "plan", "review_plan"}
_PROGRAMME_CASES = {"make_programme_case", "draft_case_study", "view_case_studies"}
_MANAGING = {
    "view_all_caseloads",
    "sign_off_plan",
    "view_team_reviews",
    "view_panel",
    "manage_letters",
}
_PANEL = {"view_people", "view_panel", "decide_at_panel"}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ASSESSING_OFFICER: frozenset(_EVERYONE | _PRACTICE | _PROGRAMME_CASES),
    Role.TEAM_MANAGER: frozenset(
        _EVERYONE | _PRACTICE | _MANAGING | _PROGRAMME_CASES | {"merge_people"}
    ),
    Role.PANEL_MEMBER: frozenset(_EVERYONE | _PANEL),
    Role.PANEL_CHAIR: frozenset(
        _EVERYONE | _PANEL | {"view_all_caseloads", "manage_panels", "chairs_action"}
    ),
    Role.SENIOR_MANAGER: frozenset(
        _EVERYONE
        | _MANAGING
        | {
            "view_people",
            "manage_limits",
            "manage_panels",
            "view_audit",
            "view_case_studies",
            "start_programme",
            "answer_site_evaluation",
            "answer_subject_access",
            "export_site",
            "manage_retention",
        }
    ),
    Role.ADVISOR: frozenset(
        _EVERYONE | {"view_people", "view_case_studies", "review_case_study"}
    ),
    # The coordinator collates pseudonymised programme data, not casework: case-study
    # drafts are already pseudonymised text, so they need no view_people.
    Role.SITE_COORDINATOR: frozenset(
        _EVERYONE
        | {
            "view_case_studies",
            "approve_case_study",
            "start_programme",
            "answer_site_evaluation",
        }
    ),
}

# What a user may do on a programme's own pages (/p/<programme>/): from their role on
# the programme, or from being a member of a participating site. Who may act on which
# site's records (its advisor, its project coordinator) is a rule about the record,
# checked by the services.
PROGRAMME_COORDINATOR = "programme_coordinator"
PARTICIPANT = "participant"  # an active member of a participating site
PARTICIPANT_COORDINATOR = "participant_coordinator"  # ... as its site coordinator
PROGRAMME_CAPABILITIES: dict[str, frozenset[str]] = {
    PROGRAMME_COORDINATOR: frozenset(
        {"view_programme", "manage_programme", "export_programme_data"}
    ),
    PARTICIPANT: frozenset({"view_programme"}),
    PARTICIPANT_COORDINATOR: frozenset({"view_programme", "export_programme_data"}),
}


# Whom to ask for what one's role does not allow (the 403 page), most senior first:
# a member holding several roles is pointed past the most senior of them.
WHOM_TO_ASK: dict[str, str] = {
    Role.SENIOR_MANAGER: "your organisation's system administrator (the IT team), "
    "who sets up roles",
    Role.PANEL_CHAIR: "a senior manager at this site",
    Role.TEAM_MANAGER: "a senior manager at this site",
    Role.SITE_COORDINATOR: "a senior manager at this site",
    Role.PANEL_MEMBER: "the chair of the panel",
    Role.ASSESSING_OFFICER: "your team manager",
    Role.ADVISOR: "the site coordinator or your team manager",
}


def whom_to_ask(roles) -> str:
    """Whom a member holding ``roles`` should ask for something their roles do not
    allow."""
    held = set(roles)
    for role, whom in WHOM_TO_ASK.items():
        if role in held:
            return whom
    return "your team manager or the site coordinator"


def capabilities_for(roles) -> frozenset[str]:
    """Union of the capabilities granted by the given roles."""
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_CAPABILITIES[role]
    return frozenset(granted)


def programme_capabilities_for(programme_roles) -> frozenset[str]:
    """Union of the capabilities granted on a programme's pages by the given
    programme roles (``PROGRAMME_CAPABILITIES``)."""
    granted: set[str] = set()
    for role in programme_roles:
        granted |= PROGRAMME_CAPABILITIES[role]
    return frozenset(granted)


# --- Named rules ----------------------------------------------------------------------


class UnknownRule(LookupError):
    """A rule name that is not in ``RULES`` (a typo must fail, not hide a link)."""


@dataclass(frozen=True)
class Rule:
    """A named question: may a member holding these capabilities do this?"""

    name: str
    meaning: str
    all_of: frozenset[str] = frozenset()
    any_of: frozenset[str] = frozenset()
    write: bool = False

    def __post_init__(self):
        unknown = (self.all_of | self.any_of) - set(CAPABILITIES)
        if unknown:
            raise ValueError(
                f"Rule {self.name!r} names unknown capabilities: {unknown}"
            )
        if not (self.all_of or self.any_of):
            raise ValueError(f"Rule {self.name!r} asks for no capability at all")

    def allows(self, capabilities: Iterable[str]) -> bool:
        held = frozenset(capabilities)
        return self.all_of <= held and (not self.any_of or bool(self.any_of & held))

    def needs(self) -> str:
        """What the rule asks for, in words (for docs/permissions.md)."""
        parts = [f"`{name}`" for name in sorted(self.all_of)]
        if len(self.any_of) == 1:
            parts += [f"`{name}`" for name in self.any_of]
        elif self.any_of:
            parts.append(
                "one of " + ", ".join(f"`{name}`" for name in sorted(self.any_of))
            )
        return " and ".join(parts)


def _rules(*rules: Rule) -> dict[str, Rule]:
    named = {r.name: r for r in rules}
    if len(named) != len(rules):
        raise ValueError("Two rules share a name")
    return named


def _read(name, meaning, *, all_of=(), any_of=()):
    return Rule(name, meaning, frozenset(all_of), frozenset(any_of), write=False)


def _write(name, meaning, *, all_of=(), any_of=()):
    return Rule(name, meaning, frozenset(all_of), frozenset(any_of), write=True)


RULES: dict[str, Rule] = _rules(
    # Reading
    _read(
        "open_site",
        "Open the site's home page and their own notifications",
        all_of={"view_site"},
    ),
    _read(
        "see_people",
        "Find people and read their records, assessments, plans and panel decisions",
        all_of={"view_people"},
    ),
    _read(
        "keep_a_caseload",
        "Have people allocated to them: a caseload of their own (“My people”)",
        all_of={"assess"},
    ),
    _read(
        "see_everyones_caseload",
        "List everyone at the site, not only the people allocated to them",
        all_of={"view_all_caseloads"},
    ),
    _read(
        "see_reviews_due",
        "See the reviews due: their own people's, or the whole team's",
        all_of={"view_people"},
        any_of={"review_plan", "view_team_reviews"},
    ),
    _read(
        "see_team_reviews",
        "See the whole team's reviews due, not only their own people's",
        all_of={"view_team_reviews"},
    ),
    _read(
        "see_delegated_limits",
        "See who may sign off how much (the site's delegated limits)",
        any_of={"sign_off_plan", "manage_limits"},
    ),
    _read(
        "see_panel",
        "See the panel: waiting plans, meetings, agendas, packs, dashboard",
        all_of={"view_panel"},
    ),
    _read("see_audit_trail", "See the site's audit events", all_of={"view_audit"}),
    _read(
        "see_subject_access_requests",
        "See the site's subject-access requests and the days left to answer them",
        all_of={"answer_subject_access"},
    ),
    _read(
        "export_site",
        "Export the whole site as an archive (audited)",
        all_of={"export_site"},
    ),
    _read(
        "see_retention",
        "See the people past their retention period, legal holds and the periods",
        all_of={"view_people", "manage_retention"},
    ),
    _read(
        "see_case_studies",
        "Read the site's programme cases and case studies (drafts too)",
        all_of={"view_case_studies"},
    ),
    _read(
        "see_programme",
        "See a programme they take part in: its schedule, meetings, tables, shared "
        "case studies and figures",
        all_of={"view_programme"},
    ),
    _read(
        "see_site_programme_figures",
        "See the site's own programme figures and unmet-need register (true counts)",
        all_of={"view_case_studies"},
    ),
    _read(
        "export_plans_as_fhir",
        "Download a care plan as FHIR R4, to hand it to another system (audited)",
        all_of={"view_people"},
        any_of={"plan", "sign_off_plan"},
    ),
    _read(
        "export_programme_data",
        "Download the programme's pseudonymised data",
        all_of={"export_programme_data"},
    ),
    # Changing records
    _write(
        "change_people",
        "Record people, change their details, link carers",
        all_of={"edit_people"},
    ),
    _write(
        "merge_people",
        "Merge two records of one person: everything moves to the one kept",
        all_of={"view_people", "merge_people"},
    ),
    _write(
        "raise_safeguarding_concerns",
        "Raise a safeguarding concern about a person whose record they can open",
        all_of={"view_people"},
    ),
    _write(
        "manage_retention",
        "Set retention periods, run the retention review, place and release legal "
        "holds",
        all_of={"view_people", "manage_retention"},
    ),
    _write(
        "delete_past_retention",
        "Delete a person's records past their retention period, after reviewing them",
        all_of={"view_people", "manage_retention"},
    ),
    _write(
        "word_letters",
        "Word the site's letters: the templates letters are made from",
        all_of={"manage_letters"},
    ),
    _write(
        "record_assessments",
        "Start, edit and complete assessments; add addenda",
        all_of={"assess"},
    ),
    _write(
        "change_plans",
        "Draft, change, submit, revise and close care plans; record when the person "
        "was told of a panel decision",
        all_of={"plan"},
    ),
    _write(
        "record_what_people_pay",
        "Record the outcome of a person's financial assessment (what they pay "
        "towards their care)",
        all_of={"plan"},
    ),
    _write(
        "sign_off_plans",
        "Sign off plans within their delegated limit, or return them with reasons",
        all_of={"sign_off_plan"},
    ),
    _write(
        "record_reviews",
        "Start and record reviews of plans",
        all_of={"review_plan"},
    ),
    _write(
        "set_delegated_limits",
        "Set the site's delegated limits",
        all_of={"manage_limits"},
    ),
    _write(
        "run_panel_meetings",
        "Schedule panel meetings, build agendas, open and close meetings",
        all_of={"manage_panels"},
    ),
    _write(
        "record_panel_decisions",
        "Record panel decisions (when chair, or present at the meeting)",
        all_of={"decide_at_panel"},
    ),
    _write(
        "take_chairs_action",
        "Decide urgent plans between meetings as the panel's chair",
        all_of={"chairs_action"},
    ),
    _write(
        "make_programme_cases",
        "Include a person as a programme case (or record that they are not included)",
        all_of={"make_programme_case"},
    ),
    _write(
        "draft_case_studies",
        "Draft and change pseudonymised case studies from programme cases",
        all_of={"draft_case_study"},
    ),
    _write(
        "review_case_studies",
        "Review case studies (the site's advisor) or return them with reasons",
        all_of={"review_case_study"},
    ),
    _write(
        "return_case_studies",
        "Return a case study to its writer with reasons (the site's advisor or "
        "project coordinator)",
        any_of={"review_case_study", "approve_case_study"},
    ),
    _write(
        "approve_case_studies",
        "Approve case studies for sharing (the site's project coordinator)",
        all_of={"approve_case_study"},
    ),
    _write(
        "start_programmes",
        "Start a collaborative programme from their site, becoming its programme "
        "coordinator",
        all_of={"start_programme"},
    ),
    _write(
        "answer_subject_access_requests",
        "Record a subject-access request, prepare the export of everything held "
        "about the person, and mark it answered",
        all_of={"answer_subject_access", "view_people"},
    ),
    _write(
        "answer_site_evaluation",
        "Write the answers of a site where they hold this role to the evaluation of "
        "a programme it takes part in (also the site's project coordinator and "
        "sponsor, and the programme's coordinators)",
        all_of={"answer_site_evaluation"},
    ),
    _write(
        "run_programme",
        "Set up and run a programme: participating sites, schedule, meetings, the "
        "two tables, evaluation",
        all_of={"manage_programme"},
    ),
)


def rule(name: str) -> Rule:
    """The rule called ``name``; an unknown name raises ``UnknownRule``."""
    try:
        return RULES[name]
    except KeyError:
        raise UnknownRule(f"No permission rule called {name!r}") from None


def allows(request, name: str) -> bool:
    """Whether the signed-in member may do ``name`` at the request's site."""
    return rule(name).allows(getattr(request, "capabilities", frozenset()))


def allows_at_site(request, name: str, site_id) -> bool:
    """Whether the member's roles at another site than the request's (one of
    ``request.all_memberships``) satisfy the rule: for programme pages, which span
    sites and have no site of their own."""
    roles = [
        m.role for m in getattr(request, "all_memberships", ()) if m.site_id == site_id
    ]
    return rule(name).allows(capabilities_for(roles))


def roles_allowed(name: str) -> list[str]:
    """The roles that, on their own, satisfy the rule (e.g. who can hold a caseload)."""
    return [role for role in Role if rule(name).allows(ROLE_CAPABILITIES[role])]


def programme_roles_allowed(name: str) -> list[str]:
    """The programme roles (``PROGRAMME_CAPABILITIES``) that satisfy a rule alone."""
    return [
        role
        for role, granted in PROGRAMME_CAPABILITIES.items()
        if rule(name).allows(granted)
    ]


class Can:
    """The rules as template variables: ``{% if can.see_reviews_due %}``.

    Each lookup evaluates one rule against the member's capabilities; an unknown
    rule name raises (Django would otherwise render a typo as "not allowed").
    """

    __slots__ = ("_capabilities",)

    def __init__(self, capabilities: Iterable[str]):
        self._capabilities = frozenset(capabilities)

    def __getitem__(self, name: str) -> bool:
        return rule(name).allows(self._capabilities)


# The URL keyword that names the site in every tenant address (/s/<site_slug>/…).
SITE_KWARG = "site_slug"
# ... and the programme in every programme address (/p/<programme_slug>/…).
PROGRAMME_KWARG = "programme_slug"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Guard:
    """The rules a view declares (``@require_rule``): one for every request, and
    optionally a write rule that requests changing things (POST …) need as well."""

    rule: Rule
    write: Rule | None = None

    def rules_for(self, method: str) -> tuple[Rule, ...]:
        if self.write is not None and method not in SAFE_METHODS:
            return (self.rule, self.write)
        return (self.rule,)

    def allows(self, method: str, capabilities: Iterable[str]) -> bool:
        held = frozenset(capabilities)
        return all(r.allows(held) for r in self.rules_for(method))

    def __str__(self):
        if self.write is None:
            return self.rule.name
        return f"{self.rule.name}; to change things, also {self.write.name}"


# --- The generated tables in docs/permissions.md --------------------------------------


def markdown_table() -> str:
    """The role x capability table, as written into docs/permissions.md."""
    roles = list(Role)
    header = (
        "| Capability | What it allows | " + " | ".join(r.label for r in roles) + " |"
    )
    rule_line = "|---|---|" + "---|" * len(roles)
    rows = [header, rule_line]
    for name, meaning in CAPABILITIES.items():
        marks = " | ".join("yes" if name in ROLE_CAPABILITIES[r] else "" for r in roles)
        rows.append(f"| `{name}` | {meaning} | {marks} |")
    return "\n".join(rows)


def rules_table() -> str:
    """The named rules: what each needs and which roles satisfy it."""
    roles = list(Role)
    header = (
        "| Rule | What it allows | Reads or changes | Needs | "
        + " | ".join(r.label for r in roles)
        + " |"
    )
    rows = [header, "|---|---|---|---|" + "---|" * len(roles)]
    for r in RULES.values():
        marks = " | ".join(
            "yes" if r.allows(ROLE_CAPABILITIES[role]) else "" for role in roles
        )
        kind = "changes" if r.write else "reads"
        rows.append(f"| `{r.name}` | {r.meaning} | {kind} | {r.needs()} | {marks} |")
    return "\n".join(rows)


def site_views(resolver=None, prefix="", kwarg=SITE_KWARG):
    """Every page under ``/s/<site_slug>/``: (route, url name, view), in URL order
    (or under ``/p/<programme_slug>/`` with ``kwarg=PROGRAMME_KWARG``)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from site_views(entry, route, kwarg)
        elif isinstance(entry, URLPattern) and f"<slug:{kwarg}>" in route:
            yield route, entry.name, entry.callback


def guard_of(view) -> Guard | None:
    """The rules a view declared with ``@require_rule`` (None if it declared none)."""
    return getattr(view, "permission_guard", None)


def pages_table() -> str:
    """Each site page and the rule that guards it, from the URL resolver."""
    rows = [
        "| Page | Name | Rule | Also needs, to change things |",
        "|---|---|---|---|",
    ]
    for route, name, view in site_views():
        guard = guard_of(view)
        address = "/" + re.sub(r"<\w+:(\w+)>", r"<\1>", route)
        if guard is None:
            rows.append(f"| `{address}` | `{name}` | **none declared** | |")
            continue
        extra = f"`{guard.write.name}`" if guard.write else ""
        rows.append(f"| `{address}` | `{name}` | `{guard.rule.name}` | {extra} |")
    return "\n".join(rows)


PROGRAMME_ROLE_WORDS = {
    PROGRAMME_COORDINATOR: "Programme coordinator",
    PARTICIPANT: "Member of a site taking part",
    PARTICIPANT_COORDINATOR: "… who is its site coordinator",
}


def programme_pages_table() -> str:
    """Each programme page, its rule, and which programme roles it allows."""
    roles = list(PROGRAMME_CAPABILITIES)
    rows = [
        "| Page | Name | Rule | "
        + " | ".join(PROGRAMME_ROLE_WORDS[r] for r in roles)
        + " |",
        "|---|---|---|" + "---|" * len(roles),
    ]
    for route, name, view in site_views(kwarg=PROGRAMME_KWARG):
        guard = guard_of(view)
        address = "/" + re.sub(r"<\w+:(\w+)>", r"<\1>", route)
        if guard is None:
            rows.append(
                f"| `{address}` | `{name}` | **none declared** |" + " |" * len(roles)
            )
            continue
        marks = " | ".join(
            "yes"
            if guard.allows("POST", PROGRAMME_CAPABILITIES[r])
            else ("reads" if guard.allows("GET", PROGRAMME_CAPABILITIES[r]) else "")
            for r in roles
        )
        rows.append(f"| `{address}` | `{name}` | `{guard}` | {marks} |")
    return "\n".join(rows)


# name in the doc's <!-- NAME-table: … --> markers -> the function that writes it
DOC_TABLES = {
    "permissions": markdown_table,
    "rules": rules_table,
    "pages": pages_table,
    "programme-pages": programme_pages_table,
}
