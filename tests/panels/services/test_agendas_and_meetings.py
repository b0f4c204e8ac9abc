"""Panel services before a decision: agendas, moving items between meetings, opening
meetings with a quorum and closing them, and who may decide."""

import pytest
from django.core.exceptions import ValidationError

from panels import services
from panels.models import Attendance, Decision, PanelItem, PanelMeeting
from sites.permissions import Role
from tests.factories import member
from tests.helpers import reload
from tests.panels.factories import (
    add_plan_item,
    decide,
    make_meeting,
    make_panel,
    on_its_day,
    plan_awaiting_panel,
)
from tests.panels.services.panel_calls import audited, codes
from tests.plan_factories import plan_with

# --- Agendas -----------------------------------------------------------------------


def test_a_plan_waiting_for_panel_goes_on_the_agenda(meeting, waiting, chair):
    item = services.add_item(
        meeting=meeting, plan=waiting, question="Will the panel fund it?", by=chair
    )

    assert item.meeting == meeting
    assert item.plan == waiting
    assert item.added_by == chair
    assert item.position == 1
    assert audited(item, "Added to the agenda")


def test_agenda_items_are_numbered_in_the_order_they_are_added(meeting, chair, officer):
    first = add_plan_item(meeting, officer, chair)
    second = add_plan_item(meeting, officer, chair)

    assert (first.position, second.position) == (1, 2)


def test_a_draft_plan_cannot_go_on_an_agenda(site_a, meeting, officer, chair):
    draft = plan_with(site_a, officer, (("flexible", "45.00", 1),))

    with pytest.raises(ValidationError) as error:
        services.add_item(meeting=meeting, plan=draft, question="Fund?", by=chair)

    assert codes(error) == {"not_waiting"}
    assert not PanelItem.objects.exists()


def test_a_plan_cannot_go_on_an_agenda_twice(meeting, panel, item, waiting, chair):
    later = make_meeting(panel, chair, days=14)

    for target in (meeting, later):
        with pytest.raises(ValidationError) as error:
            services.add_item(meeting=target, plan=waiting, question="Again?", by=chair)
        assert codes(error) == {"already_on_agenda"}
    assert PanelItem.objects.filter(plan=waiting).count() == 1


def test_nothing_is_added_to_a_closed_meeting(
    meeting, item, waiting, site_a, officer, chair, members
):
    services.open_meeting(meeting, by=chair, present=[chair, members[0]])
    services.close_meeting(meeting, by=chair)
    another = plan_awaiting_panel(site_a, officer)

    with pytest.raises(ValidationError) as error:
        services.add_item(meeting=meeting, plan=another, question="Fund?", by=chair)

    assert codes(error) == {"meeting_closed"}
    assert not PanelItem.objects.filter(plan=another).exists()


def test_an_item_needs_the_question_put_to_the_panel(meeting, waiting, chair):
    with pytest.raises(ValidationError) as error:
        services.add_item(meeting=meeting, plan=waiting, question="  ", by=chair)

    assert codes(error) == {"question"}


# --- Moving items ------------------------------------------------------------------


def test_an_item_moved_to_a_later_meeting_remembers_where_it_came_from(
    meeting, panel, item, chair, officer
):
    later = make_meeting(panel, chair, days=14)
    add_plan_item(later, officer, chair)

    moved = services.move_item(item, to=later, by=chair)

    moved = reload(moved)
    assert moved.meeting == later
    assert moved.moved_from == meeting
    assert moved.position == 2
    assert audited(moved, "Moved to another meeting")


def test_a_decided_item_cannot_be_moved(in_session, panel, item, chair):
    decide(item, chair)
    later = make_meeting(panel, chair, days=14)

    with pytest.raises(ValidationError) as error:
        services.move_item(item, to=later, by=chair)

    assert codes(error) == {"decided"}
    assert reload(item).meeting == in_session


def test_an_item_cannot_be_moved_to_a_closed_meeting(
    site_a, panel, item, meeting, chair, members
):
    other = make_meeting(panel, chair, days=3)
    with on_its_day(other):
        services.open_meeting(other, by=chair, present=[chair, members[0]])
        services.close_meeting(other, by=chair)

    with pytest.raises(ValidationError) as error:
        services.move_item(item, to=other, by=chair)

    assert codes(error) == {"meeting"}
    assert reload(item).meeting == meeting


def test_an_item_cannot_be_moved_to_the_meeting_it_is_on(item, meeting, chair):
    with pytest.raises(ValidationError) as error:
        services.move_item(item, to=meeting, by=chair)

    assert codes(error) == {"meeting"}


def test_an_item_cannot_be_moved_to_another_panels_meeting(
    site_a, item, meeting, chair, members
):
    other_panel = make_panel(site_a, chair, members, name="Mental health panel")
    elsewhere = make_meeting(other_panel, chair, days=14)

    with pytest.raises(ValidationError) as error:
        services.move_item(item, to=elsewhere, by=chair)

    assert codes(error) == {"meeting"}
    assert reload(item).meeting == meeting


# --- Opening and closing meetings --------------------------------------------------


def test_a_meeting_without_a_quorum_is_not_opened(meeting, chair, officer):
    # The presenting officer has no vote, so does not count towards the quorum.
    with pytest.raises(ValidationError) as error:
        services.open_meeting(meeting, by=chair, present=[chair, officer])

    assert codes(error) == {"quorum"}
    meeting = reload(meeting)
    assert meeting.status == PanelMeeting.Status.SCHEDULED
    assert meeting.opened_at is None
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_opening_a_meeting_records_who_is_present_and_who_is_absent(
    in_session, chair, members, officer
):
    rows = {
        a.user: (a.role, a.present)
        for a in Attendance.objects.filter(meeting=in_session)
    }

    assert rows == {
        chair: (Attendance.Role.CHAIR, True),
        members[0]: (Attendance.Role.MEMBER, True),
        members[1]: (Attendance.Role.MEMBER, False),
        officer: (Attendance.Role.PRESENTING, True),
    }
    meeting = reload(in_session)
    assert meeting.status == PanelMeeting.Status.IN_SESSION
    assert meeting.opened_at is not None
    assert audited(meeting, "Meeting opened")


def test_a_meeting_is_opened_only_once(in_session, chair, members):
    with pytest.raises(ValidationError) as error:
        services.open_meeting(in_session, by=chair, present=[chair, *members])

    assert codes(error) == {"transition"}


def test_only_a_meeting_in_session_can_be_closed(meeting, chair):
    with pytest.raises(ValidationError) as error:
        services.close_meeting(meeting, by=chair)

    assert codes(error) == {"transition"}
    assert reload(meeting).status == PanelMeeting.Status.SCHEDULED


def test_closing_a_meeting_records_when_and_who(in_session, chair):
    services.close_meeting(in_session, by=chair)

    meeting = reload(in_session)
    assert meeting.status == PanelMeeting.Status.CLOSED
    assert meeting.closed_at is not None
    assert audited(meeting, "Meeting closed")


# --- Who may decide ----------------------------------------------------------------


def test_no_decision_is_recorded_before_the_meeting_opens(meeting, item, chair):
    with pytest.raises(ValidationError) as error:
        decide(item, chair)

    assert codes(error) == {"not_allowed"}
    assert "in session" in error.value.messages[0]
    assert not Decision.objects.exists()


def test_no_decision_is_recorded_after_the_meeting_closes(
    in_session, site_a, officer, chair, members
):
    second = add_plan_item(in_session, officer, chair)
    services.close_meeting(in_session, by=chair)

    with pytest.raises(ValidationError) as error:
        decide(second, members[0])

    assert codes(error) == {"not_allowed"}
    assert not Decision.objects.exists()


def test_the_chair_may_decide(in_session, item, chair):
    assert decide(item, chair).decided_by == chair


def test_a_member_marked_present_may_decide(in_session, item, members):
    assert decide(item, members[0]).decided_by == members[0]


def test_a_member_marked_absent_may_not_decide(in_session, item, members):
    with pytest.raises(ValidationError) as error:
        decide(item, members[1])

    assert codes(error) == {"not_allowed"}
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.TEAM_MANAGER]
)
def test_someone_not_on_the_panel_may_not_decide(in_session, item, site_a, role):
    stranger = member(site_a, role, f"stranger-{role}")

    with pytest.raises(ValidationError) as error:
        decide(item, stranger)

    assert codes(error) == {"not_allowed"}
    assert not Decision.objects.exists()


def test_the_presenting_officer_may_not_decide_though_present(
    in_session, item, officer
):
    with pytest.raises(ValidationError) as error:
        decide(item, officer)

    assert codes(error) == {"not_allowed"}


def test_nobody_decides_on_a_plan_they_wrote(in_session, site_a, chair, members):
    # The chair wrote this plan: chairing the meeting does not let them decide it.
    own = add_plan_item(in_session, chair, chair)

    with pytest.raises(ValidationError) as error:
        decide(own, chair)

    assert codes(error) == {"not_allowed"}
    assert "wrote" in error.value.messages[0]
    assert decide(own, members[0]).decided_by == members[0]
