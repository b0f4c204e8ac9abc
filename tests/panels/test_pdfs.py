"""Panel PDFs: the pack members read before a meeting, the decision record and the
dashboard. Each is a real PDF, never cached, audited when it names a person, and made
in a fixed number of queries. (How fast they render is for benchmarks/, not here.)"""

from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from panels import services
from panels.models import Decision
from sites.models import AuditEvent
from tests.helpers import pdf_text, url

from .factories import (
    PERSON_VIEWS,
    RECOMMENDATION,
    add_plan_item,
    decide,
    make_meeting,
    make_panel,
    panel_members,
)

pytestmark = pytest.mark.django_db

O = Decision.Outcome  # noqa: E741
REASONS = "Going to the allotment club meets his need to stay in touch with friends."
CONDITIONS = "Review after the growing season whether he still goes every week."


def assert_is_a_private_pdf(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store"


@pytest.fixture
def members(site_a):
    return panel_members(site_a, 2)


@pytest.fixture
def panel(site_a, chair, members):
    with scopes_disabled():
        return make_panel(site_a, chair, members)


def agenda(panel, chair, officer, rows):
    """A meeting with ``rows`` items, each a different person's plan, different
    costs, and its own question."""
    meeting = make_meeting(panel, chair)
    items = [
        add_plan_item(
            meeting,
            officer,
            chair,
            question=f"Question {i}: will the panel fund the club taxi?",
            cost=f"{40 + i}.25",
        )
        for i in range(rows)
    ]
    return meeting, items


@pytest.fixture
def decision(panel, chair, members, officer):
    with scopes_disabled():
        meeting, (item,) = agenda(panel, chair, officer, 1)
        services.open_meeting(meeting, by=chair, present=[chair, members[0]])
        return decide(
            item,
            chair,
            outcome=O.APPROVED_WITH_CONDITIONS,
            rationale=REASONS,
            conditions=CONDITIONS,
            authorised_weekly=Decimal("1234.50"),
            difference_reason="Night care is added for the first month after discharge.",
        )


def test_the_panel_pack_puts_each_plan_in_front_of_the_panel(
    client, panel, chair, members, officer
):
    with scopes_disabled():
        meeting, items = agenda(panel, chair, officer, 2)
        words = [list(item.plan.assessment.desired_outcomes.all()) for item in items]
    client.force_login(members[0])

    response = client.get(url("meeting_pack_pdf", meeting.code))

    assert_is_a_private_pdf(response)
    text = pdf_text(response)
    assert "Panel pack" in text
    assert "Room 2, County Hall" in text
    for i, item in enumerate(items):
        assert item.question in text
        assert item.plan.person.full_name in text
        for outcome in words[i]:
            assert outcome.in_own_words in text
        assert f"£{40 + i}.25 a week" in text
    assert PERSON_VIEWS in text
    assert RECOMMENDATION in text


def test_printing_the_pack_is_audited(client, panel, chair, officer):
    with scopes_disabled():
        meeting, _ = agenda(panel, chair, officer, 1)
    client.force_login(chair)

    client.get(url("meeting_pack_pdf", meeting.code))

    with scopes_disabled():
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.PRINT)
    assert event.user == chair
    assert event.object_type == "panels.PanelMeeting"
    assert event.object_code == str(meeting.code)
    assert event.action == "Panel pack"


def test_the_decision_record_gives_the_outcome_reasons_and_amount(
    client, decision, officer
):
    client.force_login(officer)

    response = client.get(url("decision_pdf", decision.code))

    assert_is_a_private_pdf(response)
    text = pdf_text(response)
    assert "Panel decision record" in text
    assert "Approved with conditions" in text
    assert REASONS in text
    assert CONDITIONS in text
    assert "£1,234.50 a week" in text
    with scopes_disabled():
        assert decision.item.question in text
        assert decision.item.plan.person.full_name in text


def test_printing_the_decision_record_is_audited(client, decision, officer):
    client.force_login(officer)

    client.get(url("decision_pdf", decision.code))

    with scopes_disabled():
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.PRINT)
    assert event.user == officer
    assert event.object_type == "panels.Decision"
    assert event.object_code == str(decision.code)


def test_the_dashboard_pdf_has_its_charts(client, decision, chair):
    client.force_login(chair)

    response = client.get(url("panel_dashboard_pdf"))

    assert_is_a_private_pdf(response)
    text = pdf_text(response)
    assert "Panel dashboard" in text
    assert "Decisions by kind" in text
    assert "Approved with conditions" in text
    assert "£1,234.50" in text


def test_the_dashboard_pdf_with_nothing_decided_yet(client, panel, chair):
    client.force_login(chair)

    response = client.get(url("panel_dashboard_pdf"))

    assert_is_a_private_pdf(response)
    assert "no decisions yet" in pdf_text(response)


PACK_QUERIES = 17


@pytest.mark.parametrize("rows", [1, 5])
def test_the_pack_takes_a_fixed_number_of_queries(
    client, panel, chair, officer, rows, django_assert_num_queries
):
    with scopes_disabled():
        meeting, _ = agenda(panel, chair, officer, rows)
    client.force_login(chair)

    with django_assert_num_queries(PACK_QUERIES):
        response = client.get(url("meeting_pack_pdf", meeting.code))

    assert response.status_code == 200
    assert pdf_text(response).count("will the panel fund the club taxi?") == 2 * rows


DECISION_PDF_QUERIES = 8


@pytest.mark.parametrize("rows", [1, 4])
def test_the_decision_record_takes_a_fixed_number_of_queries(
    client, site_a, chair, officer, rows, django_assert_num_queries
):
    """``rows`` panel members present at the decision."""
    with scopes_disabled():
        present = panel_members(site_a, rows, prefix=f"pdf{rows}")
        panel = make_panel(site_a, chair, present, quorum=1)
        meeting, (item,) = agenda(panel, chair, officer, 1)
        services.open_meeting(meeting, by=chair, present=[chair, *present])
        decision = decide(item, chair)
    client.force_login(officer)

    with django_assert_num_queries(DECISION_PDF_QUERIES):
        response = client.get(url("decision_pdf", decision.code))

    text = pdf_text(response)
    assert all(user.get_full_name() in text for user in present)


DASHBOARD_PDF_QUERIES = 6


@pytest.mark.parametrize("rows", [1, 4])
def test_the_dashboard_pdf_takes_a_fixed_number_of_queries(
    client, panel, chair, members, officer, rows, django_assert_num_queries
):
    with scopes_disabled():
        meeting, items = agenda(panel, chair, officer, rows)
        services.open_meeting(meeting, by=chair, present=[chair, members[0]])
        for item in items:
            decide(item, chair)
    client.force_login(chair)

    with django_assert_num_queries(DASHBOARD_PDF_QUERIES):
        response = client.get(url("panel_dashboard_pdf"))

    assert response.status_code == 200
