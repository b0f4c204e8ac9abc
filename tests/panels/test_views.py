"""Panel pages through the browser: what each member is offered, a whole meeting from
scheduling to the officer hearing back, the decision form's messages, query counts."""

import html
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from careplans.models import CarePlan, PlanDecision
from panels import services
from panels.models import Attendance, Decision, PanelItem, PanelMeeting
from sites.models import AuditEvent, Notification
from tests.helpers import messages_of, page_text, reload, url

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
REASONS = "Going to the allotment club meets his need to stay in touch with friends."
CONDITIONS = "Review after the growing season whether he still goes every week."


def field_block(response, name):
    """The HTML crispy renders for one field: its input, help and errors."""
    page = response.content.decode()
    start = page.index(f'id="div_id_{name}"')
    end = page.find('id="div_id_', start + 1)
    return html.unescape(page[start : end if end != -1 else None])


# --- The cast and their records -----------------------------------------------------


@pytest.fixture
def members(site_a):
    return panel_members(site_a, 2)


@pytest.fixture
def panel(site_a, chair, members):
    with scopes_disabled():
        return make_panel(site_a, chair, members)


@pytest.fixture
def meeting(panel, chair):
    with scopes_disabled():
        return make_meeting(panel, chair)


@pytest.fixture
def item(meeting, officer, chair):
    with scopes_disabled():
        return add_plan_item(meeting, officer, chair)


@pytest.fixture
def in_session(meeting, item, chair, members, officer):
    """Open: the chair, the first member and the officer present; second absent."""
    with scopes_disabled():
        return services.open_meeting(
            meeting, by=chair, present=[chair, members[0], officer]
        )


@pytest.fixture
def records(site_a, panel, meeting, item, officer, chair):
    """One record for each kind of URL, at site A."""
    with scopes_disabled():
        decided_meeting = make_meeting(panel, chair, minutes=30)
        decided_item = add_plan_item(decided_meeting, officer, chair)
        services.open_meeting(
            decided_meeting, by=chair, present=[chair, *panel_ids(panel)]
        )
        decision = decide(decided_item, chair)
        later = make_meeting(panel, chair, days=21)
        waiting = plan_awaiting_panel(site_a, officer)
    return {
        "meeting": meeting,
        "item": item,
        "decision": decision,
        "later": later,
        "waiting": waiting,
    }


def panel_ids(panel):
    return [m.user for m in panel.members.all()]


# url name -> the URL's arguments, from the records. Who may open each page (every
# role x every page) is generated in tests/test_permissions.py.
VIEWS = {
    "meeting_open": lambda r: [r["meeting"].code],
    "meeting_close": lambda r: [r["meeting"].code],
    "item_add": lambda r: [r["meeting"].code],
    "item_move": lambda r: [r["item"].code],
    "item_decide": lambda r: [r["item"].code],
    "chairs_action": lambda r: [r["waiting"].code],
    "decision_detail": lambda r: [r["decision"].code],
    "decision_told": lambda r: [r["decision"].code],
}


def view_url(name, records):
    return url(name, *VIEWS[name](records))


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


# --- The decision form: messages beside the field, nothing lost ---------------------


GOOD = {
    "outcome": O.APPROVED_WITH_CONDITIONS,
    "rationale": REASONS,
    "conditions": CONDITIONS,
    "authorised_weekly": "45.00",
    "review_by": "",
}
PAST = (timezone.localdate() - timedelta(days=3)).isoformat()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rationale": ""}, "rationale", "This field is required."),
        ({"rationale": "Approved."}, "rationale", "in a sentence or more"),
        ({"rationale": "Too costly really"}, "rationale", "in a sentence or more"),
        (
            {"authorised_weekly": "-5"},
            "authorised_weekly",
            "cannot be below zero",
        ),
        (
            {"authorised_weekly": ""},
            "authorised_weekly",
            "Enter the weekly amount the panel authorises.",
        ),
        ({"conditions": ""}, "conditions", "Write the conditions of the approval."),
        ({"review_by": PAST}, "review_by", "cannot be in the past"),
        ({"authorised_weekly": "abc"}, "authorised_weekly", "Enter a number."),
        ({"outcome": "nonsense"}, "outcome", "Select a valid choice."),
        ({"review_by": "31/02/2026"}, "review_by", "Enter a valid date."),
    ],
)
def test_a_problem_with_the_decision_is_shown_beside_its_field_and_nothing_is_lost(
    client, records, in_session, chair, changes, field, message
):
    client.force_login(chair)
    data = {**GOOD, **changes}

    response = client.post(view_url("item_decide", records), data)

    assert response.status_code == 200
    assert message in field_block(response, field)
    assert "is-invalid" in field_block(response, field)
    assert "Please correct the problems below" in page_text(response)
    page = html.unescape(response.content.decode())
    for name, typed in data.items():
        if typed and name != "outcome":
            assert typed in page, name
    if data["outcome"] in O.values:
        assert f'value="{data["outcome"]}"' in field_block(response, "outcome")
        assert "checked" in field_block(response, "outcome")
    with scopes_disabled():
        assert not Decision.objects.filter(item=records["item"]).exists()
    assert reload(records["item"].plan).status == CarePlan.Status.AWAITING_PANEL


def test_garbage_in_every_field_is_answered_with_messages(
    client, records, in_session, chair
):
    client.force_login(chair)

    response = client.post(
        view_url("item_decide", records),
        {
            "outcome": "nonsense",
            "rationale": REASONS,
            "authorised_weekly": "abc",
            "review_by": "31/02/2026",
        },
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "outcome",
        "authorised_weekly",
        "review_by",
    }
    assert "31/02/2026" in field_block(response, "review_by")
    assert 'value="abc"' in field_block(response, "authorised_weekly")


def test_a_decision_already_recorded_is_shown_not_recorded_again(
    client, records, in_session, chair, members
):
    with scopes_disabled():
        decide(records["item"], chair, outcome=O.APPROVED)
    client.force_login(members[0])

    response = client.post(
        view_url("item_decide", records),
        {"outcome": O.DECLINED, "rationale": RATIONALE},
    )

    decision = reload(records["item"]).decision
    # Told who decided, when and what; their own text stays on the page.
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{chair.display_name} recorded a decision on this item" in page
    assert "approved. Yours was not saved" in page
    assert RATIONALE in page
    assert response.context["form"]["outcome"].value() == O.DECLINED
    assert decision.outcome == O.APPROVED
    with scopes_disabled():
        assert Decision.objects.filter(item=records["item"]).count() == 1


def test_viewing_a_decision_is_audited(client, records, officer):
    client.force_login(officer)

    client.get(view_url("decision_detail", records))

    with scopes_disabled():
        assert AuditEvent.objects.filter(
            kind=AuditEvent.Kind.VIEW,
            user=officer,
            object_code=str(records["decision"].code),
        ).exists()


# --- Query counts -------------------------------------------------------------------


def many_decisions(site, panel, chair, officer, rows):
    """``rows`` decided items (alternating outcomes) and ``rows`` plans waiting."""
    meeting = make_meeting(panel, chair, minutes=30)
    items = [add_plan_item(meeting, officer, chair) for _ in range(rows)]
    services.open_meeting(meeting, by=chair, present=[chair, *panel_ids(panel)])
    outcomes = [O.APPROVED, O.DEFERRED, O.APPROVED_WITH_CONDITIONS, O.DECLINED]
    decisions = [
        decide(item, chair, outcome=outcomes[i % 4]) for i, item in enumerate(items)
    ]
    for _ in range(rows):
        plan_awaiting_panel(site, officer)
    return decisions


PANEL_HOME_QUERIES = 9


@pytest.mark.parametrize("rows", [1, 4])
def test_the_panel_dashboard_takes_a_fixed_number_of_queries(
    client, site_a, panel, chair, officer, rows, django_assert_num_queries
):
    with scopes_disabled():
        many_decisions(site_a, panel, chair, officer, rows)
        # A chair's action waiting to be reported, and a meeting with a plan on it.
        services.chairs_action(
            plan=plan_awaiting_panel(site_a, officer),
            by=chair,
            question="Urgent?",
            outcome=O.DECLINED,
            rationale=RATIONALE,
            urgency="The carer goes into hospital tomorrow morning.",
        )
        upcoming = make_meeting(panel, chair, days=9)
        for _ in range(rows):
            add_plan_item(upcoming, officer, chair)
    client.force_login(chair)

    with django_assert_num_queries(PANEL_HOME_QUERIES):
        response = client.get(url("panel_home"))

    assert response.status_code == 200
    assert response.context["dashboard"]["decision_count"] == rows + 1
    assert len(response.context["dashboard"]["waiting"]) == 2 * rows


# ... and one view of each plan on the agenda recorded, in one query.
MEETING_QUERIES = 18


@pytest.mark.parametrize("rows", [1, 4])
def test_the_agenda_takes_a_fixed_number_of_queries(
    client, site_a, panel, chair, members, officer, rows, django_assert_num_queries
):
    """Seen by a member present at the meeting in session: each item moved from an
    earlier meeting, half of them decided."""
    with scopes_disabled():
        earlier = make_meeting(panel, chair)
        meeting = make_meeting(panel, chair, minutes=30)
        items = [add_plan_item(earlier, officer, chair) for _ in range(rows)]
        for item in items:
            services.move_item(item, to=meeting, by=chair)
        services.open_meeting(meeting, by=chair, present=[chair, members[0], officer])
        for item in items[::2]:
            decide(item, chair)
    client.force_login(members[0])

    with django_assert_num_queries(MEETING_QUERIES):
        response = client.get(url("meeting_detail", meeting.code))

    assert response.status_code == 200
    summaries = response.context["summaries"]
    assert len(summaries) == rows
    assert [s["decided"] for s in summaries] == [i % 2 == 0 for i in range(rows)]
    assert all(s["may_decide"] for s in summaries if not s["decided"])
    assert page_text(response).count("Moved from the meeting of") == rows


# ... and one view of each plan on the agenda recorded, in one query.
MEETING_MANAGER_QUERIES = 21


@pytest.mark.parametrize("rows", [1, 4])
def test_the_agenda_for_the_chair_takes_a_fixed_number_of_queries(
    client, site_a, panel, chair, officer, rows, django_assert_num_queries
):
    """Seen by the chair before the meeting: the open form, plans to add, moves."""
    with scopes_disabled():
        meeting = make_meeting(panel, chair, days=3)
        make_meeting(panel, chair, days=10)
        for _ in range(rows):
            add_plan_item(meeting, officer, chair)
            plan_awaiting_panel(site_a, officer)
    client.force_login(chair)

    with django_assert_num_queries(MEETING_MANAGER_QUERIES):
        response = client.get(url("meeting_detail", meeting.code))

    assert response.status_code == 200
    assert len(response.context["waiting"]) == rows
    assert "open_form" in response.context


DECISION_QUERIES = 9  # + the letters sent about it (issue 12, item 9)


@pytest.mark.parametrize("rows", [1, 4])
def test_the_decision_page_takes_a_fixed_number_of_queries(
    client, site_a, chair, officer, rows, django_assert_num_queries
):
    """``rows`` panel members present, and ``rows`` other decisions at the site."""
    with scopes_disabled():
        others = panel_members(site_a, rows, prefix=f"row{rows}")
        panel = make_panel(site_a, chair, others, quorum=1)
        decisions = many_decisions(site_a, panel, chair, officer, rows)
        decision = decisions[0]
        assert decision.present.count() == rows + 1
    client.force_login(officer)

    with django_assert_num_queries(DECISION_QUERIES):
        response = client.get(url("decision_detail", decision.code))

    assert response.status_code == 200
    text = page_text(response)
    assert all(u.display_name in text for u in others)
