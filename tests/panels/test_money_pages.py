"""Issue 10 on the panel's pages and PDFs: the amount against the plan's cost,
declared interests, moving a meeting, chair's action on the meeting it is reported
to, and a closed meeting's minutes. Each page in a fixed number of queries."""

from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from careplans import services as plan_services
from panels import services
from panels.models import Decision, DeclaredInterest, PanelMeeting
from sites.models import AuditEvent
from tests.helpers import page_text, pdf_text, url
from tests.plan_factories import plan_with

from .factories import (
    RATIONALE,
    add_plan_item,
    decide,
    make_meeting,
    make_panel,
    panel_members,
    plan_awaiting_panel,
)

pytestmark = pytest.mark.django_db
O = Decision.Outcome  # noqa: E741
URGENCY = "Discharge from hospital is tomorrow, before the next meeting."


@pytest.fixture
def members(site_a):
    return panel_members(site_a, 2)


@pytest.fixture
def panel(site_a, chair, members):
    with scopes_disabled():
        return make_panel(site_a, chair, members)


def held_meeting(panel, chair, members, officer, rows, *, close=True):
    """Today's meeting with ``rows`` items decided (a lower amount on the first),
    an interest declared on each, and a chair's action reported to it."""
    with scopes_disabled():
        chairs = services.chairs_action(
            plan=plan_awaiting_panel(panel.site, officer),
            by=panel.chair,
            question="An urgent taxi?",
            urgency=URGENCY,
            outcome=O.DECLINED,
            rationale=RATIONALE,
        )
        meeting = make_meeting(panel, chair)
        assert chairs.reported_at is None
        items = [add_plan_item(meeting, officer, chair) for _ in range(rows)]
        services.open_meeting(meeting, by=chair, present=[chair, *members])
        for i, item in enumerate(items):
            services.declare_interest(item, by=members[1], reason="My neighbour's son.")
            if i == 0:
                decide(
                    item,
                    chair,
                    outcome=O.APPROVED_IN_PART,
                    authorised_weekly=Decimal("30.00"),
                    difference_reason="Three trips a month, not four.",
                )
            else:
                decide(item, members[0])
        if close:
            services.close_meeting(meeting, by=chair)
    return meeting, items, chairs


def test_a_closed_meetings_page_shows_its_minutes_and_chairs_actions(
    client, panel, chair, members, officer
):
    meeting, _, _ = held_meeting(panel, chair, members, officer, 2)
    client.force_login(chair)

    text = page_text(client.get(url("meeting_detail", meeting.code)))

    assert "Chair's actions reported to this meeting" in text
    assert URGENCY in text
    assert "Decided: Approved in part or at a lower amount" in text
    assert "Authorised £30.00 a week; the plan costs £45.00. Three trips" in text
    assert "Declared an interest (takes no part)" in text
    assert "My neighbour's son." in text


def test_a_closed_meetings_pack_has_the_minutes(client, panel, chair, members, officer):
    meeting, _, _ = held_meeting(panel, chair, members, officer, 1)
    client.force_login(chair)

    text = pdf_text(client.get(url("meeting_pack_pdf", meeting.code)))

    assert "Panel pack and minutes" in text
    assert "Chair's actions reported to this meeting" in text
    assert URGENCY in text
    assert "Decision (minutes)" in text
    assert "£30.00 a week; the plan costs £45.00 a week" in text
    assert "Declared an interest, took no part" in text


def test_the_decision_page_and_pdf_name_the_difference_and_each_response(
    client, panel, chair, members, officer
):
    _, (item,), _ = held_meeting(panel, chair, members, officer, 1)
    with scopes_disabled():
        decision = Decision.objects.get(item=item)
    client.force_login(officer)

    page = page_text(client.get(url("decision_detail", decision.code)))
    pdf = pdf_text(client.get(url("decision_pdf", decision.code)))

    assert "£15.00 a week less than the plan's cost" in page
    assert "Three trips a month, not four." in page
    assert "Approved: A taxi to the allotment club" in page
    assert f"at the meeting of {timezone.localdate():%-d %B %Y}" in page
    assert "The panel authorised £15.00 a week less than the plan costs." in pdf
    assert "Three trips a month, not four." in pdf
    assert "took no part" in pdf


@pytest.mark.parametrize("rows", [1, 3])
def test_the_closed_meeting_page_takes_a_fixed_number_of_queries(
    client, panel, chair, members, officer, rows, django_assert_num_queries
):
    meeting, _, _ = held_meeting(panel, chair, members, officer, rows)
    client.force_login(members[0])

    # ... with one view of each plan on the agenda recorded, in one query.
    with django_assert_num_queries(18):
        response = client.get(url("meeting_detail", meeting.code))

    assert response.status_code == 200


def test_a_member_declares_an_interest_from_the_agenda(
    client, panel, chair, members, officer
):
    with scopes_disabled():
        meeting = make_meeting(panel, chair)
        item = add_plan_item(meeting, officer, chair)
        services.open_meeting(meeting, by=chair, present=[chair, *members])
    client.force_login(members[0])
    assert "Declare an interest in this item" in page_text(
        client.get(url("meeting_detail", meeting.code))
    )

    response = client.post(
        url("item_interest", item.code), {"reason": "The person is my neighbour."}
    )

    assert response["Location"] == url("meeting_detail", meeting.code)
    with scopes_disabled():
        assert DeclaredInterest.objects.get(item=item).user == members[0]
    page = page_text(client.get(url("meeting_detail", meeting.code)))
    assert "You declared an interest in this item" in page
    assert url("item_decide", item.code) not in page


def test_a_meeting_on_another_day_offers_to_move_it_not_to_open_it(
    client, panel, chair, officer
):
    with scopes_disabled():
        later = make_meeting(panel, chair, days=10)
    client.force_login(chair)

    response = client.get(url("meeting_detail", later.code))

    assert "The meeting is opened on its day" in page_text(response)
    assert url("meeting_open", later.code) not in response.content.decode()
    assert url("meeting_reschedule", later.code) in response.content.decode()


def test_moving_a_meeting_on_its_page_keeps_the_typing_and_records_the_change(
    client, panel, chair, django_assert_num_queries
):
    with scopes_disabled():
        later = make_meeting(panel, chair, days=10)
    client.force_login(chair)
    with django_assert_num_queries(4):
        assert client.get(url("meeting_reschedule", later.code)).status_code == 200
    today = timezone.localdate().isoformat()

    refused = client.post(
        url("meeting_reschedule", later.code),
        {"starts_at": f"{today}T23:00", "reason": ""},
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["reason"]
    assert f"{today}T23:00" in refused.content.decode()

    response = client.post(
        url("meeting_reschedule", later.code),
        {"starts_at": f"{today}T23:00", "reason": "The chair is away that week."},
    )

    assert response["Location"] == url("meeting_detail", later.code)
    with scopes_disabled():
        later = PanelMeeting.objects.get(pk=later.pk)
        assert timezone.localtime(later.starts_at).date() == timezone.localdate()
        assert AuditEvent.objects.filter(action="Meeting moved").exists()


def test_chairs_action_asks_why_it_could_not_wait_and_names_the_meeting(
    client, panel, chair, officer
):
    with scopes_disabled():
        plan = plan_awaiting_panel(panel.site, officer)
        later = make_meeting(panel, chair, days=10)
    client.force_login(chair)
    posted = {
        "question": "Will the panel fund an urgent taxi this week?",
        "outcome": O.APPROVED,
        "rationale": RATIONALE,
        "authorised_weekly": "45.00",
    }

    refused = client.post(url("chairs_action", plan.code), posted)
    assert refused.status_code == 200
    assert "could not wait" in refused.context["form"].errors["urgency"][0]
    assert RATIONALE in refused.content.decode()

    response = client.post(
        url("chairs_action", plan.code), {**posted, "urgency": URGENCY}
    )

    when = timezone.localtime(later.starts_at)
    follow = client.get(response["Location"])
    assert f"it will be reported to the meeting of {when.day} {when:%B %Y}" in next(
        str(m) for m in follow.context["messages"]
    )
    assert URGENCY in page_text(client.get(url("meeting_detail", later.code)))


@pytest.mark.parametrize("rows", [1, 3])
def test_the_decision_form_takes_a_fixed_number_of_queries(
    client, site_a, panel, chair, members, officer, rows, django_assert_num_queries
):
    """The form offers a decision on each of the plan's ``rows`` funded responses."""
    with scopes_disabled():
        meeting = make_meeting(panel, chair)
        plan = plan_with(site_a, officer, (("flexible", "10.00", 1),) * rows)
        plan = plan_services.submit_plan(plan, by=officer)
        item = services.add_item(meeting=meeting, plan=plan, question="Fund?", by=chair)
        services.open_meeting(meeting, by=chair, present=[chair, *members])
    client.force_login(chair)

    # ... with the view of the plan recorded in the audit trail.
    with django_assert_num_queries(14):
        response = client.get(url("item_decide", item.code))

    assert len(response.context["form"].fields["declined"].choices) == rows


def test_the_plan_pdf_gives_the_budget_authorised_not_the_plans_cost(
    client, panel, chair, members, officer
):
    _, (item,), _ = held_meeting(panel, chair, members, officer, 1)
    client.force_login(officer)

    text = pdf_text(client.get(url("plan_pdf", item.plan.code)))

    assert (
        "Your personal budget is £30.00 a week (£1,560.00 a year), as authorised"
        in text
    )
    assert "£15.00 a week less than the plan above costs (£45.00 a week)" in text
