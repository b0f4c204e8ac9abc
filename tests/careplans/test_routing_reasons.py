"""Routing reasons are stored as data (codes, amounts, roles, the response) and put into
words only when shown, by one function, on the plan page, the panel pages and the PDFs;
reasons stored as sentences before that still read as they were written."""

import importlib
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone
from django_scopes import scopes_disabled

from careplans import routing, services
from careplans.models import CarePlan, Response
from panels import services as panel_services
from sites.permissions import Role
from tests.helpers import page_text, pdf_text, reload, url
from tests.panels.factories import make_meeting, make_panel, panel_members
from tests.plan_factories import approved_plan, limits, plan_with

pytestmark = pytest.mark.django_db

S = CarePlan.Status
MINUS = "\u2212"
TAXI = "A taxi to the allotment club on Wednesdays"
OVER = (
    "Its weekly cost, £1,234.50, is over every delegated limit (the highest is "
    "£700.00 for a senior manager)."
)
NOT_STANDARD = f"“{TAXI}” is not a standard service (flexible spend / direct payment)."


@pytest.fixture
def site_limits(site_a, senior):
    """Team manager up to £350 a week, senior manager up to £700."""
    with scopes_disabled():
        limits(site_a, senior)


def expensive_plan(site, officer, description=TAXI):
    """A draft plan with one flexible response costing £1,234.50 a week."""
    plan = plan_with(site, officer, responses=())
    services.save_response(
        plan,
        by=officer,
        outcomes=list(services.plan_outcomes(plan)),
        description=description,
        kind=Response.Kind.FLEXIBLE,
        times=1,
        period=Response.Period.WEEK,
        unit_cost=Decimal("1234.50"),
    )
    return reload(plan)


@pytest.fixture
def at_panel(site_a, officer, chair, site_limits):
    """The expensive plan submitted (so awaiting panel) and on a meeting's agenda."""
    with scopes_disabled():
        plan = services.submit_plan(expensive_plan(site_a, officer), by=officer)
        panel = make_panel(site_a, chair, panel_members(site_a, 2))
        meeting = make_meeting(panel, chair)
        item = panel_services.add_item(
            meeting=meeting, plan=plan, question="Will the panel fund it?", by=chair
        )
    return plan, meeting, item


# --- Stored as data -------------------------------------------------------------------


def test_a_submitted_plan_keeps_its_reasons_as_data_with_amounts_unformatted(at_panel):
    plan, _, _ = at_panel
    plan = reload(plan)
    with scopes_disabled():
        lineage = str(plan.responses.get().lineage)

    assert plan.routing_reasons == [
        {
            "code": "not_standard",
            "response": lineage,
            "description": TAXI,
            "kind": "flexible",
        },
        {
            "code": "over_every_limit",
            "weekly": "1234.50",
            "highest": "700.00",
            "role": "senior_manager",
        },
    ]
    assert "£" not in json.dumps(plan.routing_reasons, ensure_ascii=False)


def test_a_sign_off_reason_keeps_the_role_and_amounts_as_data(
    site_a, officer, site_limits
):
    with scopes_disabled():
        plan = services.submit_plan(plan_with(site_a, officer), by=officer)

    assert reload(plan).routing_reasons == [
        {
            "code": "within_limit",
            "weekly": "20.00",
            "limit": "350.00",
            "role": "team_manager",
        }
    ]


def test_an_unchanged_revision_keeps_its_reason_as_data(
    site_a, officer, manager, site_limits
):
    with scopes_disabled():
        approved = approved_plan(site_a, officer, manager)
        revision = services.revise_plan(approved, by=officer)
        revision = services.submit_plan(revision, by=officer)

    approved.refresh_from_db()
    on = timezone.localtime(approved.approved_at).date()
    assert revision.routing_reasons == [
        {
            "code": "unchanged",
            "version": 1,
            "approved_by": manager.display_name,
            "approved_on": on.isoformat(),
        }
    ]
    assert routing.reasons_in_words(revision.routing_reasons) == [
        "Nothing material changed, so the approval is carried over from version 1, "
        f"approved by {manager.display_name} on {on.day} {on:%B %Y}."
    ]


def test_an_unchanged_reason_stored_before_it_named_the_approver_still_reads():
    assert routing.reasons_in_words([{"code": "unchanged", "version": 1}]) == [
        "The weekly cost and the kinds of response are the same as in the approved "
        "version 1, so it is not routed again."
    ]


# --- Put into words when shown ----------------------------------------------------------


def test_the_words_write_money_one_way_and_roles_by_their_label():
    reasons = [
        {
            "code": "over_every_limit",
            "weekly": "1234.5",
            "highest": "700",
            "role": "senior_manager",
        },
        {
            "code": "within_limit",
            "weekly": "0.125",
            "limit": "35000.00",
            "role": "team_manager",
        },
        {"code": "no_limit"},
    ]

    assert routing.reasons_in_words(reasons) == [
        OVER,
        "All responses are standard services and the weekly cost, £0.13, is within "
        "the team manager's delegated limit of £35,000.00.",
        "No delegated limit is set for this site.",
    ]


def test_a_reason_stored_as_a_sentence_before_reasons_were_data_reads_as_written():
    legacy = "Its weekly cost, £41.54, is over every delegated limit (the highest is £35.00 for a team manager)."

    assert routing.reasons_in_words([legacy]) == [legacy]


def test_a_reason_this_version_cannot_word_still_shows_something_plain():
    assert routing.reasons_in_words([{"code": "from_the_future"}, {}]) == [
        "Routed by a rule this version of CareHub does not describe.",
        "Routed by a rule this version of CareHub does not describe.",
    ]
    assert routing.reasons_in_words(None) == []


def test_the_plan_page_words_the_reasons_it_went_to_panel(client, officer, at_panel):
    plan, _, _ = at_panel
    client.force_login(officer)

    text = page_text(client.get(url("plan_detail", plan.code)))

    assert "This plan goes to the funding panel because:" in text
    assert NOT_STANDARD in text
    assert OVER in text
    assert "£1,234.50 a week" in text  # the response's own cost, by the same rule


def test_the_plan_page_words_the_reason_for_a_sign_off(client, site_a, officer, senior):
    with scopes_disabled():
        limits(site_a, senior, team_manager="35000.00", senior_manager="70000.00")
        plan = plan_with(site_a, officer, (("standard", "1234.50", 1),))
        plan = services.submit_plan(plan, by=officer)
    client.force_login(officer)

    text = page_text(client.get(url("plan_detail", plan.code)))

    assert (
        "Awaiting a manager's sign-off. All responses are standard services and the "
        "weekly cost, £1,234.50, is within the team manager's delegated limit of "
        "£35,000.00." in text
    )


def test_a_draft_previews_its_route_in_the_same_words(
    client, site_a, officer, site_limits
):
    with scopes_disabled():
        plan = expensive_plan(site_a, officer)
    client.force_login(officer)

    text = page_text(client.get(url("plan_detail", plan.code)))

    assert "When submitted, it will go to the panel :" in text
    assert OVER in text


def test_a_legacy_sentence_on_a_plan_is_shown_as_written(client, officer, at_panel):
    plan, _, _ = at_panel
    legacy = "An older reason, written before reasons were kept as data."
    with scopes_disabled():
        CarePlan.objects.filter(pk=plan.pk).update(routing_reasons=[legacy])
    client.force_login(officer)

    assert legacy in page_text(client.get(url("plan_detail", plan.code)))


@pytest.mark.parametrize("page", ["meeting_detail", "item_decide", "chairs_action"])
def test_the_panel_pages_word_the_reasons_the_same_way(client, chair, at_panel, page):
    plan, meeting, item = at_panel
    code = {"meeting_detail": meeting, "item_decide": item, "chairs_action": plan}[page]
    client.force_login(chair)

    response = client.get(url(page, code.code))

    assert response.status_code == 200
    text = page_text(response)
    assert NOT_STANDARD in text
    assert OVER in text


def test_the_panel_pack_words_the_reasons_the_same_way(client, chair, at_panel):
    _, meeting, _ = at_panel
    client.force_login(chair)

    text = pdf_text(client.get(url("meeting_pack_pdf", meeting.code)))

    assert NOT_STANDARD in text
    assert OVER in text
    assert "£1,234.50 a week" in text


def test_a_manager_over_their_limit_is_told_the_cost_by_the_same_rule(
    client, site_a, officer, manager, senior
):
    with scopes_disabled():
        limits(site_a, senior, team_manager="1000.00", senior_manager="2000.00")
        plan = plan_with(site_a, officer, (("standard", "1234.50", 1),))
        plan = services.submit_plan(plan, by=officer)
    client.force_login(manager)

    text = page_text(client.get(url("plan_detail", plan.code)))

    assert "The weekly cost, £1,234.50, is over your delegated limit." in text


# --- Reasons stored as sentences are converted where they can be read back -----------


MIGRATION = importlib.import_module("careplans.migrations.0004_routing_reasons_as_data")
LONG = (
    "Dial-a-ride to lunch twice a week at a café, pub or restaurant of their choice, "
    "with Karen's phone number for the driver"
)


def test_the_migration_turns_old_sentences_back_into_data(site_a, officer):
    with scopes_disabled():
        plan = expensive_plan(site_a, officer, description=LONG)
        lineage = str(plan.responses.get().lineage)
    legacy = [
        f"“{LONG[:80]}” is not a standard service (flexible spend / direct payment).",
        "Its weekly cost, £1234.50, is over every delegated limit (the highest is "
        "£700.00 for a senior manager).",
        "No delegated limit is set for this site.",
        "All responses are standard services and the weekly cost, £61.50, is within "
        "the team manager's delegated limit of £350.00.",
        "The weekly cost and the kinds of response are the same as in the approved "
        "version 3, so it is not routed again.",
        "Something nobody can read back.",
    ]
    with scopes_disabled():
        CarePlan.objects.filter(pk=plan.pk).update(routing_reasons=legacy)

        MIGRATION.forwards(apps, None)
        converted = CarePlan.objects.get(pk=plan.pk).routing_reasons

    assert converted == [
        {
            "code": "not_standard",
            "response": lineage,
            "description": LONG,
            "kind": "flexible",
        },
        {
            "code": "over_every_limit",
            "weekly": "1234.50",
            "highest": "700.00",
            "role": "senior_manager",
        },
        {"code": "no_limit"},
        {
            "code": "within_limit",
            "weekly": "61.50",
            "limit": "350.00",
            "role": "team_manager",
        },
        {"code": "unchanged", "version": 3},
        "Something nobody can read back.",
    ]

    with scopes_disabled():
        MIGRATION.backwards(apps, None)
        assert CarePlan.objects.get(pk=plan.pk).routing_reasons == legacy


def test_the_migration_leaves_a_sentence_about_a_response_it_cannot_find(
    site_a, officer
):
    with scopes_disabled():
        plan = expensive_plan(site_a, officer)
        gone = "“A response since removed” is not a standard service (one-off)."
        CarePlan.objects.filter(pk=plan.pk).update(routing_reasons=[gone])

        MIGRATION.forwards(apps, None)

        assert CarePlan.objects.get(pk=plan.pk).routing_reasons == [gone]


def test_roles_and_kinds_frozen_in_the_migration_match_todays_labels():
    assert dict(Role.choices) == MIGRATION.ROLES
    assert dict(Response.Kind.choices) == MIGRATION.KINDS
