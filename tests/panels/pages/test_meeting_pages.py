"""Panel pages through the browser: what each member is offered, a whole meeting
from scheduling to the officer hearing back, a deferral on the plan page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from careplans.models import CarePlan, PlanDecision
from panels.models import Attendance, Decision, PanelItem, PanelMeeting
from sites.models import Notification
from tests.helpers import messages_of, page_text, reload, url
from tests.panels.factories import RATIONALE, plan_awaiting_panel
from tests.panels.pages.panel_pages import CONDITIONS, REASONS, O, field_block, view_url

pytestmark = pytest.mark.django_db


def test_the_chair_manages_the_meeting(client, records, chair, members, officer):
    client.force_login(chair)
    meeting, later = records["meeting"], records["later"]

    response = client.post(
        view_url("item_add", records),
        {"plan": records["waiting"].code, "question": "Fund the taxi?"},
    )
    assert response.status_code == 302
    response = client.post(
        view_url("meeting_open", records),
        {"present": [chair.pk, members[0].pk]},
    )
    assert response.status_code == 302
    assert reload(meeting).status == PanelMeeting.Status.IN_SESSION
    response = client.post(view_url("item_move", records), {"to": later.pk})
    assert response["Location"] == url("meeting_detail", later.code)
    assert reload(records["item"]).meeting == later
    response = client.post(view_url("meeting_close", records))
    assert response.status_code == 302
    assert reload(meeting).status == PanelMeeting.Status.CLOSED


def test_a_present_member_records_a_decision(client, records, in_session, members):
    client.force_login(members[0])

    response = client.post(
        view_url("item_decide", records),
        {"outcome": O.DEFERRED, "rationale": RATIONALE},
    )

    decision = reload(records["item"]).decision
    assert response["Location"] == url("decision_detail", decision.code)
    assert decision.decided_by == members[0]


def test_a_meeting_without_a_quorum_stays_closed_and_the_chair_is_told_why(
    client, records, chair, officer
):
    client.force_login(chair)

    response = client.post(
        view_url("meeting_open", records),
        {"present": [chair.pk, officer.pk]},
        follow=True,
    )

    assert "The panel is not quorate" in " ".join(messages_of(response))
    assert reload(records["meeting"]).status == PanelMeeting.Status.SCHEDULED


def test_a_plan_already_on_an_agenda_is_not_added_again(client, records, chair):
    client.force_login(chair)

    response = client.post(
        view_url("item_add", records),
        {"plan": records["item"].plan.code, "question": "Again?"},
        follow=True,
    )

    assert "already on the agenda" in " ".join(messages_of(response))
    with scopes_disabled():
        assert PanelItem.objects.filter(plan=records["item"].plan).count() == 1


def test_the_chair_takes_chairs_action(client, records, chair):
    client.force_login(chair)

    response = client.post(
        view_url("chairs_action", records),
        {
            "question": "Will the panel fund an urgent taxi this week?",
            "urgency": "Discharge from hospital is tomorrow, before the next meeting.",
            "outcome": O.APPROVED,
            "rationale": RATIONALE,
            "authorised_weekly": "45.00",
        },
    )

    with scopes_disabled():
        decision = Decision.objects.get(item__plan=records["waiting"])
    assert response["Location"] == url("decision_detail", decision.code)
    assert decision.chairs_action is True
    assert decision.item.meeting is None


def test_an_absent_member_is_told_why_they_cannot_decide(
    client, records, in_session, members
):
    client.force_login(members[1])

    response = client.get(view_url("item_decide", records))

    assert response.status_code == 200
    assert "Only the chair or a panel member present" in page_text(response)
    assert 'name="rationale"' not in response.content.decode()


# --- A whole meeting ----------------------------------------------------------------


def test_a_whole_meeting_from_scheduling_to_the_officer_hearing_back(
    client,
    site_a,
    panel,
    chair,
    members,
    officer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    officer.email = "officer-a@example.test"
    officer.save(update_fields=["email"])
    with scopes_disabled():
        plan = plan_awaiting_panel(site_a, officer)
        person = plan.person
    client.force_login(chair)

    # Schedule, for today: a meeting is opened on its own day.
    starts = timezone.localtime()
    response = client.post(
        url("meeting_create"),
        {
            "panel": panel.pk,
            "starts_at": starts.strftime("%Y-%m-%dT10:00"),
            "place": "Room 2, County Hall",
        },
    )
    with scopes_disabled():
        meeting = PanelMeeting.objects.get(panel=panel)
    assert response["Location"] == url("meeting_detail", meeting.code)
    assert meeting.status == PanelMeeting.Status.SCHEDULED

    # The agenda offers the waiting plan; add it.
    page = client.get(url("meeting_detail", meeting.code))
    assert person.display_name in page_text(page)
    response = client.post(
        url("item_add", meeting.code),
        {"plan": plan.code, "question": "Will the panel fund a taxi to the club?"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        item = PanelItem.objects.get(meeting=meeting)
    assert item.question == "Will the panel fund a taxi to the club?"

    # Open, with who is present.
    response = client.post(
        url("meeting_open", meeting.code),
        {"present": [chair.pk, members[0].pk, officer.pk]},
    )
    assert response.status_code == 302
    with scopes_disabled():
        present = {
            a.user_id: a.present for a in Attendance.objects.filter(meeting=meeting)
        }
    assert present == {
        chair.pk: True,
        members[0].pk: True,
        members[1].pk: False,
        officer.pk: True,
    }
    page = client.get(url("meeting_detail", meeting.code))
    assert "In session" in page_text(page)
    assert url("item_decide", item.code) in page.content.decode()

    # Decide.
    review_by = timezone.localdate() + timedelta(weeks=6)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("item_decide", item.code),
            {
                "outcome": O.APPROVED_WITH_CONDITIONS,
                "rationale": REASONS,
                "conditions": CONDITIONS,
                "authorised_weekly": "45.00",
                "review_by": review_by.isoformat(),
            },
        )
    with scopes_disabled():
        decision = Decision.objects.get(item=item)
    assert response["Location"] == url("decision_detail", decision.code)

    page = client.get(response["Location"])
    text = page_text(page)
    assert "Panel decision: Approved with conditions" in text
    assert REASONS in text
    assert CONDITIONS in text
    assert "£45.00 a week" in text
    assert "The decision is recorded and the officer told." in messages_of(page)
    assert reload(plan).status == CarePlan.Status.APPROVED

    # The e-mail: a link, no name.
    assert len(mailoutbox) == 1
    assert person.family_name not in mailoutbox[0].subject + mailoutbox[0].body

    # The officer hears back: notifications, then the plan page.
    client.force_login(officer)
    notes = client.get(url("notification_list"))
    assert "approved with conditions" in page_text(notes)
    with scopes_disabled():
        note = Notification.objects.get(user=officer)
    opened = client.post(url("notification_read", note.code))
    assert opened["Location"] == url("decision_detail", decision.code)
    assert client.get(opened["Location"]).status_code == 200
    plan_page = page_text(client.get(url("plan_detail", plan.code)))
    assert REASONS in plan_page
    assert CONDITIONS in plan_page

    # The officer records when the person was told.
    told = timezone.localdate()
    response = client.post(
        url("decision_told", decision.code), {"person_told_on": told.isoformat()}
    )
    assert response["Location"] == url("decision_detail", decision.code)
    assert reload(decision).person_told_on == told
    assert told.strftime("%-d %B %Y") in page_text(client.get(response["Location"]))

    # The chair closes the meeting.
    client.force_login(chair)
    client.post(url("meeting_close", meeting.code))
    assert reload(meeting).status == PanelMeeting.Status.CLOSED


def test_a_deferral_shows_the_officer_why_on_the_plan_page(
    client, records, in_session, chair, officer
):
    reasons = "The panel needs the taxi firm's quote and the club's own offer first."
    client.force_login(chair)
    client.post(
        view_url("item_decide", records), {"outcome": O.DEFERRED, "rationale": reasons}
    )
    plan = reload(records["item"].plan)
    assert plan.status == CarePlan.Status.DRAFT
    with scopes_disabled():
        returned = plan.decisions.get(kind=PlanDecision.Kind.RETURNED_BY_PANEL)

    client.force_login(officer)
    page = page_text(client.get(url("plan_detail", plan.code)))

    assert reasons in returned.reason
    assert f"Returned by {chair.display_name}" in page
    assert reasons in page
    with scopes_disabled():
        note = Notification.objects.get(user=officer, kind="plan_returned")
    notes = page_text(client.get(url("notification_list")))
    assert note.message in notes


def test_the_date_told_cannot_be_in_the_future(client, records, officer):
    client.force_login(officer)
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = client.post(
        view_url("decision_told", records), {"person_told_on": tomorrow.isoformat()}
    )

    assert response.status_code == 200
    assert "That date is in the future." in field_block(response, "person_told_on")
    assert reload(records["decision"]).person_told_on is None
