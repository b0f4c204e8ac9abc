"""Text is never cut mid-word: a long description is kept whole, and shortened between
words with "…" only where a page, a pack or a PDF shows it in brief."""

import pytest
from django_scopes import scopes_disabled

from careplans import services
from careplans.models import CarePlan, Response, ResponseOutcome
from panels import services as panel_services
from sites.models import Notification
from tests.helpers import page_text, pdf_text, url
from tests.panels.factories import make_meeting, make_panel, panel_members
from tests.plan_factories import approved_plan, limits, plan_with

pytestmark = pytest.mark.django_db

# Cut at 80 characters this ends "…the driver kee", at 60 "…they c".
LONG = (
    "Dial-a-ride twice a week to lunch at the café or pub they choose; the driver "
    "keeps Karen's phone number"
)
IN_80 = "Dial-a-ride twice a week to lunch at the café or pub they choose; the driver…"
IN_60 = "Dial-a-ride twice a week to lunch at the café or pub they…"
REASON = f"“{IN_80}” is not a standard service (flexible spend / direct payment)."


def assert_no_word_cut(text):
    assert "driver kee" not in text.replace(LONG, "")
    assert "they c…" not in text
    assert "they c”" not in text


@pytest.fixture
def site_limits(site_a, senior):
    with scopes_disabled():
        limits(site_a, senior)


def long_plan(site, officer):
    plan = plan_with(site, officer, responses=())
    services.save_response(
        plan,
        by=officer,
        outcomes=list(services.plan_outcomes(plan)),
        description=LONG,
        kind=Response.Kind.FLEXIBLE,
        times=2,
        period=Response.Period.WEEK,
        unit_cost="20.50",
    )
    return CarePlan.objects.get(pk=plan.pk)


@pytest.fixture
def at_panel(site_a, officer, chair, site_limits):
    with scopes_disabled():
        plan = services.submit_plan(long_plan(site_a, officer), by=officer)
        panel = make_panel(site_a, chair, panel_members(site_a, 2))
        meeting = make_meeting(panel, chair)
        panel_services.add_item(
            meeting=meeting, plan=plan, question="Will the panel fund it?", by=chair
        )
    return plan, meeting


def test_the_reason_keeps_the_whole_description(at_panel):
    plan, _ = at_panel
    with scopes_disabled():
        stored = CarePlan.objects.get(pk=plan.pk).routing_reasons

    assert stored[0]["description"] == LONG


def test_the_plan_page_shortens_between_words(client, officer, at_panel):
    plan, _ = at_panel
    client.force_login(officer)

    text = page_text(client.get(url("plan_detail", plan.code)))

    assert REASON in text
    assert f"Answered by: {IN_60}" in text
    assert LONG in text  # the response itself is shown whole
    assert_no_word_cut(text)


def test_the_plan_pdf_shows_the_description_whole(client, officer, at_panel):
    plan, _ = at_panel
    client.force_login(officer)

    text = pdf_text(client.get(url("plan_pdf", plan.code)))

    assert LONG in text
    assert_no_word_cut(text)


def test_the_panel_pack_shortens_the_reason_between_words(client, chair, at_panel):
    _, meeting = at_panel
    client.force_login(chair)

    text = pdf_text(client.get(url("meeting_pack_pdf", meeting.code)))

    assert REASON in text
    assert LONG in text  # the response, in full, under "Responses"
    assert_no_word_cut(text)


def test_the_panel_agenda_page_shortens_the_reason_between_words(
    client, chair, at_panel
):
    _, meeting = at_panel
    client.force_login(chair)

    text = page_text(client.get(url("meeting_detail", meeting.code)))

    assert REASON in text
    assert_no_word_cut(text)


def test_what_changed_in_a_new_version_names_the_response_in_whole_words(
    client, site_a, officer, manager, site_limits
):
    with scopes_disabled():
        approved = approved_plan(site_a, officer, manager)
        revision = services.revise_plan(approved, by=officer)
        services.save_response(
            revision,
            by=officer,
            outcomes=list(services.plan_outcomes(revision)),
            description=LONG,
            kind=Response.Kind.STANDARD,
            times=1,
            period=Response.Period.WEEK,
            unit_cost="5.00",
        )
    client.force_login(officer)

    text = page_text(client.get(url("plan_detail", revision.code)))

    assert f"Added: {IN_80}" in text
    assert_no_word_cut(text)


def test_a_response_without_an_outcome_is_named_in_whole_words(site_a, officer):
    with scopes_disabled():
        plan = long_plan(site_a, officer)
        ResponseOutcome.objects.filter(response__plan=plan).delete()

        responses = list(plan.responses.all())
        problems = services.submission_problems(plan, responses)

    assert f"“{IN_60}” does not serve an outcome yet." in problems
    assert str(responses[0]) == IN_60


def test_a_long_return_reason_reaches_the_officer_in_whole_words(
    site_a, officer, manager, site_limits
):
    reason = "Please add what Karen said about the driver and the café. " * 8
    with scopes_disabled():
        plan = services.submit_plan(plan_with(site_a, officer), by=officer)
        services.return_plan(plan, by=manager, reason=reason)
        message = Notification.objects.get(user=officer).message
        full = (
            f"{manager.display_name} returned the plan for "
            f"{plan.person.display_name}: {reason}"
        )

    kept = message.removesuffix("…")
    assert len(message) <= 300
    assert message.endswith("…")
    assert full.startswith(kept)
    assert full[len(kept)] in " .,;:"  # the cut falls between words
