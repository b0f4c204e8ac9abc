"""Named permission rules: how a rule decides, the decorator that declares one on a
view, ``allows()`` for views, ``can`` for templates, and that nothing else looks at
capabilities."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory

from sites.decorators import require_rule
from sites.permissions import (
    RULES,
    Can,
    Role,
    Rule,
    UnknownRule,
    allows,
    guard_of,
    pages_table,
    programme_roles_allowed,
    roles_allowed,
    rule,
    rules_table,
)

ROOT = Path(__file__).resolve().parent.parent.parent
APPS = ["sites", "assessments", "careplans", "panels", "carehub"]


def test_a_rule_needs_every_capability_in_all_of():
    both = Rule("both", "Both", all_of=frozenset({"view_people", "plan"}))

    assert both.allows({"view_people", "plan", "view_site"})
    assert not both.allows({"view_people"})
    assert not both.allows(set())


def test_a_rule_needs_one_capability_in_any_of():
    either = Rule("either", "Either", any_of=frozenset({"review_plan", "view_audit"}))

    assert either.allows({"review_plan"})
    assert either.allows({"view_audit"})
    assert not either.allows({"view_people"})


def test_a_rule_with_both_needs_all_of_and_one_of_any_of():
    mixed = Rule(
        "mixed",
        "Mixed",
        all_of=frozenset({"view_people"}),
        any_of=frozenset({"review_plan", "view_team_reviews"}),
    )

    assert mixed.allows({"view_people", "view_team_reviews"})
    assert not mixed.allows({"view_team_reviews"})
    assert not mixed.allows({"view_people"})


def test_a_rule_naming_an_unknown_capability_is_refused():
    with pytest.raises(ValueError, match="unknown capabilities"):
        Rule("typo", "Typo", all_of=frozenset({"veiw_people"}))


def test_a_rule_asking_for_nothing_is_refused():
    with pytest.raises(ValueError, match="no capability"):
        Rule("open", "Anyone")


def test_an_unknown_rule_name_raises_rather_than_answering_no():
    with pytest.raises(UnknownRule):
        rule("see_everything")
    request = RequestFactory().get("/")
    request.capabilities = frozenset({"view_site"})
    with pytest.raises(UnknownRule):
        allows(request, "see_everything")


def test_allows_asks_the_rule_about_the_members_capabilities():
    request = RequestFactory().get("/")
    request.capabilities = frozenset({"view_people", "view_team_reviews"})

    assert allows(request, "see_reviews_due")
    assert allows(request, "see_team_reviews")
    assert not allows(request, "record_reviews")


def test_every_rule_is_satisfied_by_some_role():
    for name in RULES:
        assert roles_allowed(name) or programme_roles_allowed(name), (
            f"no role can {name}"
        )


def test_programme_rules_come_from_programme_roles_not_site_roles():
    for name in ["see_programme", "run_programme", "export_programme_data"]:
        assert roles_allowed(name) == []
        assert programme_roles_allowed(name)
    assert programme_roles_allowed("run_programme") == ["programme_coordinator"]


def test_only_officers_and_team_managers_keep_a_caseload():
    assert roles_allowed("keep_a_caseload") == [
        Role.ASSESSING_OFFICER,
        Role.TEAM_MANAGER,
    ]


# --- Templates: one context value, ``can`` ---------------------------------------------


def render(source, capabilities):
    return Template(source).render(Context({"can": Can(capabilities)}))


def test_templates_ask_rules_through_can():
    source = "{% if can.see_reviews_due %}reviews{% endif %}"

    assert render(source, {"view_people", "view_team_reviews"}) == "reviews"
    assert render(source, {"view_people"}) == ""


def test_a_misspelt_rule_in_a_template_raises_instead_of_hiding_the_link():
    with pytest.raises(UnknownRule):
        render("{% if can.see_reviews_dew %}x{% endif %}", {"view_site"})


# --- The decorator ---------------------------------------------------------------------


def ok(request):
    return HttpResponse("ok")


def site_request(method, capabilities):
    request = getattr(RequestFactory(), method)("/s/alpha/")
    request.site = object()
    request.capabilities = frozenset(capabilities)
    return request


def test_the_decorator_refuses_a_member_the_rule_does_not_allow():
    view = require_rule("open_site")(ok)

    assert view(site_request("get", {"view_site"})).status_code == 200
    with pytest.raises(PermissionDenied):
        view(site_request("get", set()))


def test_the_decorator_refuses_outside_a_site():
    view = require_rule("open_site")(ok)
    request = site_request("get", {"view_site"})
    request.site = None

    with pytest.raises(PermissionDenied):
        view(request)


def test_a_write_rule_is_needed_as_well_to_change_things():
    view = require_rule("see_delegated_limits", write="set_delegated_limits")(ok)

    assert view(site_request("get", {"sign_off_plan"})).status_code == 200
    with pytest.raises(PermissionDenied):
        view(site_request("post", {"sign_off_plan"}))
    allowed = view(site_request("post", {"sign_off_plan", "manage_limits"}))
    assert allowed.status_code == 200
    with pytest.raises(PermissionDenied):
        view(site_request("get", {"view_site"}))


def test_the_decorator_records_its_rules_on_the_view():
    guard = guard_of(
        require_rule("see_delegated_limits", write="set_delegated_limits")(ok)
    )

    assert guard.rule is RULES["see_delegated_limits"]
    assert guard.write is RULES["set_delegated_limits"]
    assert guard_of(ok) is None


def test_the_decorator_refuses_unknown_rules_and_reading_rules_as_write_rules():
    with pytest.raises(UnknownRule):
        require_rule("see_everything")
    with pytest.raises(ValueError, match="not a rule for changing records"):
        require_rule("see_people", write="see_panel")


# --- One place: nothing else looks at capabilities -------------------------------------


def _sources(pattern):
    for app in APPS:
        yield from (ROOT / app).rglob(pattern)


def test_no_template_or_view_reads_capabilities_directly():
    offenders = [
        str(path.relative_to(ROOT))
        for path in [*(ROOT / "templates").rglob("*.html"), *_sources("*.py")]
        if "capabilities" in path.read_text()
        and path.relative_to(ROOT).as_posix()
        not in {
            "sites/permissions.py",
            "sites/middleware.py",
            "sites/decorators.py",
            "sites/context_processors.py",
        }
        and "migrations" not in path.parts
    ]
    assert not offenders, (
        f"ask a named rule instead (sites/permissions.py): {offenders}"
    )


def test_every_rule_named_in_templates_and_code_exists():
    named = set()
    for path in (ROOT / "templates").rglob("*.html"):
        named |= set(re.findall(r"\bcan\.(\w+)", path.read_text()))
    for path in _sources("*.py"):
        text = path.read_text()
        named |= set(re.findall(r"allows\(request, \"(\w+)\"\)", text))
        named |= set(re.findall(r"require_rule\(\s*\"(\w+)\"", text))
        named |= set(re.findall(r"write=\"(\w+)\"", text))
    assert named, "the scan found no rule names at all"
    assert named - set(RULES) == set()


def test_the_permissions_table_command_prints_the_rules_and_every_pages_rule():
    out = StringIO()
    call_command("permissions_table", stdout=out)

    printed = out.getvalue()
    assert rules_table() in printed
    assert pages_table() in printed
    assert "| `/s/<site_slug>/reviews/` | `reviews_due` | `see_reviews_due` |  |" in (
        printed
    )
