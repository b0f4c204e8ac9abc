"""Sending the panel's decision letter records that the person was told (issue 12,
item 9): the decision's "date the person was told" is set to the day the letter is
made when none is recorded yet, audited, and shown on the decision page; a day
recorded earlier (a phone call first) is kept."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django_scopes import scopes_disabled

from assessments.letters import Letter
from panels import services
from panels.letters import send_decision_letter
from panels.models import Decision
from sites.models import AuditEvent
from tests.helpers import page_text, reload, url

from .factories import add_plan_item, decide, make_meeting, make_panel, panel_members

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(
        datetime(2027, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    ),
]

TOLD_BY_LETTER = "Person told of the decision, by letter"


@pytest.fixture
def decision(site_a, chair, officer):
    with scopes_disabled():
        members = panel_members(site_a, 2)
        panel = make_panel(site_a, chair, members)
        meeting = make_meeting(panel, chair)
        item = add_plan_item(meeting, officer, chair, cost="45.00")
        services.open_meeting(meeting, by=chair, present=[chair, members[0]])
        return decide(item, chair, outcome=Decision.Outcome.DEFERRED)


def told_events(decision):
    with scopes_disabled():
        return list(
            AuditEvent.objects.filter(
                object_code=str(decision.code), action=TOLD_BY_LETTER
            )
        )


def test_sending_the_letter_records_the_day_the_person_was_told(
    client, officer, decision, time_machine
):
    client.force_login(officer)
    before = page_text(client.get(url("decision_detail", decision.code)))
    assert "Person told Not yet recorded: sending the decision letter records it" in (
        before
    )
    time_machine.move_to(datetime(2027, 3, 12, 9, 0, tzinfo=ZoneInfo("Europe/London")))
    client.force_login(officer)  # two days on: a new session
    response = client.post(url("decision_letter_send", decision.code), follow=True)
    assert "Today, 12 March 2027, is recorded as the day the person was told" in (
        page_text(response)
    )
    assert reload(decision).person_told_on == date(2027, 3, 12)
    [event] = told_events(decision)
    assert event.user == officer
    page = client.get(url("decision_detail", decision.code))
    assert (
        "Person told 12 March 2027 · the decision letter was sent on 12 March 2027"
        in page_text(page)
    )
    # The form to record the day is gone: it is recorded.
    assert url("decision_told", decision.code) not in page.text


def test_a_day_recorded_before_the_letter_is_kept(officer, decision, time_machine):
    with scopes_disabled():
        services.record_person_told(decision, by=officer, told_on=date(2027, 3, 10))
    time_machine.shift(timedelta(days=3))
    with scopes_disabled():
        send_decision_letter(decision, by=officer)
    assert reload(decision).person_told_on == date(2027, 3, 10)
    assert told_events(decision) == []


def test_a_second_letter_does_not_move_the_day(officer, decision, time_machine):
    with scopes_disabled():
        send_decision_letter(decision, by=officer)
        time_machine.shift(timedelta(days=5))
        send_decision_letter(decision, by=officer)
        assert Letter.objects.filter(about_code=decision.code).count() == 2
    assert reload(decision).person_told_on == date(2027, 3, 10)
    assert len(told_events(decision)) == 1
