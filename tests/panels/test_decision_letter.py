"""The panel decision letter (issue 12, item 9): why the panel decided as it did, the
conditions and the amount, in plain English; kept on the person's record, audited, in
large print where the person prefers it."""

import io
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments import legal_services
from assessments.letters import Letter
from panels import services
from panels.letters import send_decision_letter
from panels.models import Decision
from sites.models import AuditEvent
from sites.permissions import Role
from tests.factories import member

from .factories import add_plan_item, decide, make_meeting, make_panel, panel_members

pytestmark = pytest.mark.django_db

REASONS = "Going to the allotment club meets his need to stay in touch with friends."


def pdf_text(response):
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


@pytest.fixture
def decision(site_a, chair, officer):
    with scopes_disabled():
        members = panel_members(site_a, 2)
        panel = make_panel(site_a, chair, members)
        meeting = make_meeting(panel, chair)
        item = add_plan_item(meeting, officer, chair, cost="45.00")
        services.open_meeting(meeting, by=chair, present=[chair, members[0]])
        return decide(
            item,
            chair,
            outcome=Decision.Outcome.APPROVED_WITH_CONDITIONS,
            rationale=REASONS,
            conditions="Check in eight weeks that he still goes.\nUse the club's taxi.",
            authorised_weekly=Decimal("45.00"),
        )


def test_an_officer_sends_the_decision_letter_and_the_person_can_read_why(
    client, officer, decision, django_assert_num_queries
):
    client.force_login(officer)
    url = reverse("decision_letter_send", args=["alpha", decision.code])
    response = client.post(url)
    assert response.status_code == 302
    with scopes_disabled():
        letter = Letter.objects.get(about_code=decision.code)
        person = decision.item.plan.person
        assert letter.person == person
        assert AuditEvent.objects.filter(
            object_code=str(letter.code), action="Letter sent: panel decision"
        ).exists()
    body = letter.body
    assert body.startswith(f"Dear {person.full_name},")
    assert "agreed your care and support plan, with some conditions" in body
    assert REASONS in body
    assert "• Check in eight weeks that he still goes.\n• Use the club's taxi." in body
    assert "up to £45.00 a week" in body
    assert "less than your plan costs" not in body
    assert "Ombudsman" in body  # how to ask for a review or complain
    # The decision page lists it, in a fixed number of queries.
    page = reverse("decision_detail", args=["alpha", decision.code])
    with django_assert_num_queries(9):
        html = client.get(page).text
    pdf_url = reverse("letter_pdf", args=["alpha", letter.code])
    assert pdf_url in html
    text = pdf_text(client.get(pdf_url))
    assert "Why the panel decided this" in text
    assert "£45.00 a week" in text


@pytest.mark.parametrize(
    ("outcome", "fields", "words"),
    [
        (Decision.Outcome.DECLINED, {}, "did not agree your plan"),
        (Decision.Outcome.DEFERRED, {}, "has not decided yet"),
        (
            Decision.Outcome.APPROVED_IN_PART,
            {
                "authorised_weekly": Decimal("40.00"),
                "difference_reason": "The taxi is shared with another member.",
            },
            "£5.00 a week less than your plan costs (£45.00 a week).\nThe taxi is "
            "shared",
        ),
    ],
)
def test_each_outcome_is_said_plainly(site_a, chair, officer, outcome, fields, words):
    with scopes_disabled():
        members = panel_members(site_a, 2)
        panel = make_panel(site_a, chair, members)
        meeting = make_meeting(panel, chair)
        item = add_plan_item(meeting, officer, chair, cost="45.00")
        services.open_meeting(meeting, by=chair, present=[chair, members[0]])
        decision = decide(item, chair, outcome=outcome, rationale=REASONS, **fields)
        letter = send_decision_letter(decision, by=officer)
    assert words in letter.body
    if outcome not in Decision.APPROVALS:
        assert "a week towards your support" not in letter.body
    assert "{" not in letter.body  # every placeholder filled


def test_the_decision_letter_is_in_large_print_when_preferred(officer, decision):
    with scopes_disabled():
        legal_services.save_equality(
            person=decision.item.plan.person,
            by=officer,
            expected_version=0,
            preferred_format="large_print",
        )
        assert send_decision_letter(decision, by=officer).large_print


def test_a_panel_member_cannot_send_the_letter(client, site_a, decision):
    client.force_login(member(site_a, Role.PANEL_MEMBER, "reader"))
    url = reverse("decision_letter_send", args=["alpha", decision.code])
    assert client.post(url).status_code == 403
    with scopes_disabled():
        assert not Letter.objects.filter(about_code=decision.code).exists()
