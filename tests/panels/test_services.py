"""Panel services: agendas, moving items, opening meetings with a quorum, decisions
with reasons and what they do to the plan, chair's action, telling the person."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from careplans import selectors as plan_selectors
from careplans import services as plan_services
from careplans.models import CarePlan, PlanDecision, Review
from panels import services
from panels.models import (
    Attendance,
    Decision,
    DecisionPresence,
    PanelItem,
    PanelMeeting,
)
from sites.models import AuditEvent, Notification
from sites.permissions import Role
from tests.factories import member
from tests.helpers import reload
from tests.plan_factories import plan_with

from .factories import (
    RATIONALE,
    add_plan_item,
    decide,
    make_meeting,
    make_panel,
    on_its_day,
    panel_members,
    plan_awaiting_panel,
)

S = CarePlan.Status
O = Decision.Outcome  # noqa: E741


@pytest.fixture(autouse=True)
def _everything_unscoped(unscoped):
    """Services are called outside a request here, as by commands and seeding."""


@pytest.fixture
def members(site_a):
    return panel_members(site_a, 2)


@pytest.fixture
def panel(site_a, chair, members):
    return make_panel(site_a, chair, members, quorum=2)


@pytest.fixture
def meeting(panel, chair):
    return make_meeting(panel, chair)


@pytest.fixture
def waiting(site_a, officer):
    return plan_awaiting_panel(site_a, officer)


@pytest.fixture
def item(meeting, waiting, chair):
    return services.add_item(
        meeting=meeting, plan=waiting, question="Will the panel fund it?", by=chair
    )


@pytest.fixture
def in_session(meeting, item, chair, members, officer):
    """The meeting open: the chair, the first member and the presenting officer
    present; the second member absent."""
    return services.open_meeting(
        meeting, by=chair, present=[chair, members[0], officer]
    )


def codes(error):
    return {e.code for e in error.value.error_list}


def audited(obj, action):
    return AuditEvent.objects.filter(
        kind=AuditEvent.Kind.TRANSITION,
        object_type=obj._meta.label,
        object_code=str(obj.code),
        action__startswith=action,
    ).exists()


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


# --- What a decision must say ------------------------------------------------------


@pytest.mark.parametrize("rationale", ["", "   ", "Approved.", "Too expensive really"])
def test_a_decision_needs_reasons_of_more_than_a_few_words(
    in_session, item, chair, rationale
):
    with pytest.raises(ValidationError) as error:
        decide(item, chair, rationale=rationale)

    assert set(error.value.message_dict) == {"rationale"}
    assert not Decision.objects.exists()


def test_four_words_of_reasons_are_enough(in_session, item, chair):
    assert decide(item, chair, rationale="Meets the eligible needs.").pk


@pytest.mark.parametrize("outcome", sorted(Decision.APPROVALS))
def test_an_approval_needs_the_amount_authorised(in_session, item, chair, outcome):
    with pytest.raises(ValidationError) as error:
        decide(item, chair, outcome=outcome, authorised_weekly=None)

    assert set(error.value.message_dict) == {"authorised_weekly"}


def test_the_amount_authorised_cannot_be_negative(in_session, item, chair):
    with pytest.raises(ValidationError) as error:
        decide(item, chair, authorised_weekly=Decimal("-0.01"))

    assert set(error.value.message_dict) == {"authorised_weekly"}
    assert reload(item.plan).status == S.AWAITING_PANEL


def test_an_amount_of_nothing_may_be_authorised(in_session, item, chair):
    # Less than the plan costs, so approved in part, with the difference named.
    decision = decide(
        item,
        chair,
        outcome=O.APPROVED_IN_PART,
        authorised_weekly=Decimal("0.00"),
        difference_reason="Funded from the carers' grant instead this year.",
    )

    assert decision.authorised_weekly == Decimal("0.00")
    assert reload(item.plan).authorised_weekly == Decimal("0.00")


def test_an_approval_with_conditions_needs_the_conditions(in_session, item, chair):
    with pytest.raises(ValidationError) as error:
        decide(item, chair, outcome=O.APPROVED_WITH_CONDITIONS, conditions=" ")

    assert set(error.value.message_dict) == {"conditions"}


def test_the_review_date_cannot_be_in_the_past(in_session, item, chair):
    yesterday = timezone.localdate() - timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        decide(item, chair, review_by=yesterday)

    assert set(error.value.message_dict) == {"review_by"}


def test_every_problem_with_a_decision_is_named_beside_its_field(
    in_session, item, chair
):
    with pytest.raises(ValidationError) as error:
        decide(
            item,
            chair,
            outcome=O.APPROVED_WITH_CONDITIONS,
            rationale="Yes.",
            conditions="",
            authorised_weekly=Decimal("-5"),
            review_by=timezone.localdate() - timedelta(days=30),
        )

    assert hasattr(error.value, "error_dict")
    assert set(error.value.message_dict) == {
        "rationale",
        "conditions",
        "authorised_weekly",
        "review_by",
    }
    assert all(error.value.message_dict.values())


def test_an_outcome_that_is_not_one_of_the_five_is_refused(in_session, item, chair):
    with pytest.raises(ValidationError) as error:
        decide(item, chair, outcome="nonsense")

    assert set(error.value.message_dict) == {"outcome"}
    assert not Decision.objects.exists()
    assert reload(item.plan).status == S.AWAITING_PANEL


# --- What a decision does to the plan ----------------------------------------------


def test_an_approval_approves_the_plan_at_the_amount_authorised(
    in_session, item, chair
):
    decision = decide(
        item,
        chair,
        outcome=O.APPROVED_IN_PART,
        authorised_weekly=Decimal("41.50"),
        difference_reason="The taxi firm's contract rate is lower.",
    )

    plan = reload(item.plan)
    assert plan.status == S.APPROVED
    assert plan.authorised_weekly == Decimal("41.50")
    assert plan.approved_by == chair
    assert decision.authorised_weekly == Decimal("41.50")
    recorded = plan.decisions.get(kind=PlanDecision.Kind.APPROVED_BY_PANEL)
    assert RATIONALE in recorded.reason


def test_an_approval_with_a_review_date_brings_the_first_review_to_it(
    in_session, item, chair
):
    review_by = timezone.localdate() + timedelta(weeks=4)

    decide(
        item,
        chair,
        outcome=O.APPROVED_WITH_CONDITIONS,
        conditions="Check after four weeks that the taxi is still used.",
        review_by=review_by,
    )

    first = Review.objects.get(plan=item.plan, kind=Review.Kind.FIRST)
    assert first.due_date == review_by
    plan = reload(item.plan)
    assert "Check after four weeks" in plan.decisions.first().reason


def test_an_approval_without_a_review_date_keeps_the_usual_first_review(
    in_session, item, chair
):
    decide(item, chair)

    plan = reload(item.plan)
    first = Review.objects.get(plan=plan, kind=Review.Kind.FIRST)
    assert first.due_date == plan.start_date + timedelta(weeks=8)


@pytest.mark.parametrize("outcome", [O.DEFERRED, O.REFERRED_BACK])
def test_a_deferral_or_referral_returns_the_plan_to_the_officer_with_the_reasons(
    in_session, item, chair, outcome
):
    rationale = "The panel needs the taxi firm's quote before it decides."

    decision = decide(
        item, chair, outcome=outcome, rationale=rationale, authorised_weekly=10
    )

    plan = reload(item.plan)
    assert plan.status == S.DRAFT
    assert plan.needs_panel_since is None
    assert decision.authorised_weekly is None
    returned = plan.decisions.get(kind=PlanDecision.Kind.RETURNED_BY_PANEL)
    assert rationale in returned.reason
    assert returned.by == chair
    # What the officer's plan page shows as the reason it came back.
    page = plan_selectors.plan_page_context(
        plan_selectors.plans_with_page_data().get(pk=plan.pk)
    )
    assert page["returned"] == returned


def test_a_returned_plan_can_go_back_to_panel_after_changes(
    in_session, panel, item, chair, officer
):
    decide(item, chair, outcome=O.DEFERRED)
    plan = plan_services.submit_plan(reload(item.plan), by=officer)
    later = make_meeting(panel, chair, days=14)

    again = services.add_item(meeting=later, plan=plan, question="Now?", by=chair)

    assert again.meeting == later


def test_a_refusal_closes_the_plan_with_the_reasons(in_session, item, chair):
    rationale = "The needs are met by the day centre place already offered."

    decision = decide(item, chair, outcome=O.DECLINED, rationale=rationale)

    plan = reload(item.plan)
    assert plan.status == S.CLOSED
    assert rationale in plan.closed_reason
    assert decision.authorised_weekly is None


def test_a_decision_keeps_a_snapshot_of_the_plan_and_the_wait(
    site_a, meeting, chair, members, officer
):
    plan = plan_awaiting_panel(site_a, officer, cost="20.00", times=3, replaced="35")
    CarePlan.objects.filter(pk=plan.pk).update(
        needs_panel_since=timezone.now() - timedelta(days=9, hours=2)
    )
    item = services.add_item(meeting=meeting, plan=plan, question="Fund?", by=chair)
    services.open_meeting(meeting, by=chair, present=[chair, members[0]])

    decision = decide(
        item,
        chair,
        outcome=O.APPROVED_IN_PART,
        authorised_weekly=Decimal("55.00"),
        difference_reason="One trip a week is shared with a neighbour.",
    )

    assert decision.plan_weekly == Decimal("60.00")
    assert decision.standard_weekly == Decimal("35.00")
    assert decision.days_waiting == 9
    assert decision.chairs_action is False
    assert decision.reported_at is None


def test_a_decision_records_who_was_present(in_session, item, chair, members, officer):
    decision = decide(item, members[0])

    present = set(
        DecisionPresence.objects.filter(decision=decision).values_list(
            "user", flat=True
        )
    )
    assert present == {chair.pk, members[0].pk, officer.pk}
    assert set(decision.present.all()) == {chair, members[0], officer}


@pytest.mark.parametrize(
    ("outcome", "kind"),
    [
        (O.APPROVED, Notification.Kind.PLAN_DECIDED),
        (O.APPROVED_WITH_CONDITIONS, Notification.Kind.PLAN_DECIDED),
        (O.DEFERRED, Notification.Kind.PLAN_RETURNED),
        (O.REFERRED_BACK, Notification.Kind.PLAN_RETURNED),
        (O.DECLINED, Notification.Kind.PLAN_DECIDED),
    ],
)
def test_the_plans_author_is_told_with_a_link_to_the_decision(
    in_session, item, chair, officer, outcome, kind
):
    decision = decide(item, chair, outcome=outcome)

    note = Notification.objects.get(user=officer)
    assert note.kind == kind
    assert note.link == reverse(
        "decision_detail", kwargs={"site_slug": "alpha", "code": decision.code}
    )
    assert decision.get_outcome_display().lower() in note.message


def test_the_email_to_the_author_is_sent_after_commit_and_names_nobody(
    in_session, item, chair, officer, django_capture_on_commit_callbacks, mailoutbox
):
    officer.email = "officer-a@example.test"
    officer.save(update_fields=["email"])
    person = item.plan.person

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decision = decide(item, chair)
    assert mailoutbox == []  # nothing leaves before the decision is committed
    for callback in callbacks:
        callback()

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["officer-a@example.test"]
    assert str(decision.code) in email.body
    for text in (email.subject, email.body):
        assert person.family_name not in text
        assert person.given_name not in text
    assert Notification.objects.get(user=officer).emailed_at is not None


def test_the_email_is_sent_once_the_decision_commits(
    in_session, item, chair, officer, django_capture_on_commit_callbacks, mailoutbox
):
    officer.email = "officer-a@example.test"
    officer.save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        decide(item, chair, outcome=O.DEFERRED)

    assert [m.subject for m in mailoutbox] == [
        "CareHub: a plan you wrote has been returned"
    ]
    assert item.plan.person.family_name not in mailoutbox[0].body


def test_a_decision_is_audited(in_session, item, chair):
    decision = decide(item, chair, outcome=O.DECLINED)

    assert audited(decision, "Panel decision: Declined")
    assert audited(item.plan, "Plan closed")


# --- Chair's action ----------------------------------------------------------------


def chairs_action(plan, by, **fields):
    defaults = {
        "question": "Will the panel fund an urgent taxi this week?",
        "outcome": O.APPROVED,
        "rationale": RATIONALE,
        "authorised_weekly": Decimal("45.00"),
        "urgency": "Discharge from hospital is tomorrow and the taxi is needed then.",
    }
    return services.chairs_action(plan=plan, by=by, **{**defaults, **fields})


def test_the_chair_may_decide_between_meetings(panel, waiting, chair):
    decision = chairs_action(waiting, chair)

    assert decision.chairs_action is True
    assert decision.item.meeting is None
    assert decision.item.added_by == chair
    assert decision.reported_at is None
    assert reload(waiting).status == S.APPROVED
    assert audited(decision, "Chair's action: Approved")
    assert not decision.present.exists()


@pytest.mark.parametrize("who", ["member", "manager", "stranger_chair"])
def test_only_the_panels_chair_takes_chairs_action(
    panel, waiting, members, manager, site_a, who
):
    user = {
        "member": members[0],
        "manager": manager,
        # Holds the chair role at the site but chairs no panel.
        "stranger_chair": member(site_a, Role.PANEL_CHAIR, "another-chair"),
    }[who]

    with pytest.raises(ValidationError) as error:
        chairs_action(waiting, user)

    assert codes(error) == {"not_chair"}
    assert not PanelItem.objects.exists()
    assert reload(waiting).status == S.AWAITING_PANEL


def test_the_chair_of_an_inactive_panel_takes_no_chairs_action(panel, waiting, chair):
    panel.is_active = False
    panel.save(update_fields=["is_active"])

    with pytest.raises(ValidationError) as error:
        chairs_action(waiting, chair)

    assert codes(error) == {"not_chair"}


def test_no_chairs_action_on_a_plan_on_an_agenda(item, waiting, chair):
    with pytest.raises(ValidationError) as error:
        chairs_action(waiting, chair)

    assert codes(error) == {"already_on_agenda"}
    assert not Decision.objects.exists()


def test_no_chairs_action_on_a_plan_the_chair_wrote(panel, site_a, chair):
    own = plan_awaiting_panel(site_a, chair)

    with pytest.raises(ValidationError) as error:
        chairs_action(own, chair)

    assert codes(error) == {"not_allowed"}


def test_no_chairs_action_on_a_plan_not_waiting_for_panel(
    panel, site_a, officer, chair
):
    draft = plan_with(site_a, officer, (("flexible", "45.00", 1),))

    with pytest.raises(ValidationError) as error:
        chairs_action(draft, chair)

    assert codes(error) == {"not_waiting"}
    assert not PanelItem.objects.exists()


def test_chairs_action_needs_reasons_like_any_decision(panel, waiting, chair):
    with pytest.raises(ValidationError) as error:
        chairs_action(waiting, chair, rationale="Urgent.", authorised_weekly=-1)

    assert set(error.value.message_dict) == {"rationale", "authorised_weekly"}
    assert not PanelItem.objects.exists()


def test_chairs_action_is_reported_to_the_next_meeting_when_it_closes(
    panel, meeting, waiting, chair, members, site_a, officer
):
    decision = chairs_action(waiting, chair)
    add_plan_item(meeting, officer, chair)
    services.open_meeting(meeting, by=chair, present=[chair, members[0]])
    # Named at once: the next meeting's page and pack list it before it is held.
    assert reload(decision).reported_at == meeting

    services.close_meeting(meeting, by=chair)

    assert reload(decision).reported_at == meeting
    # Reported once: closing a later meeting does not claim it again.
    later = make_meeting(panel, chair, days=14)
    with on_its_day(later):
        services.open_meeting(later, by=chair, present=[chair, members[0]])
        services.close_meeting(later, by=chair)
    assert reload(decision).reported_at == meeting


def test_a_decision_at_a_meeting_is_not_reported_as_chairs_action(
    in_session, item, chair
):
    decision = decide(item, chair)

    services.close_meeting(in_session, by=chair)

    assert reload(decision).reported_at is None


# --- Telling the person ------------------------------------------------------------


@pytest.fixture
def decision(in_session, item, chair):
    return decide(item, chair)


def test_the_date_the_person_was_told_is_recorded(decision, officer):
    today = timezone.localdate()

    services.record_person_told(decision, by=officer, told_on=today)

    assert reload(decision).person_told_on == today
    assert audited(decision, "Person told of the decision")


def test_the_person_cannot_be_told_in_the_future(decision, officer):
    with pytest.raises(ValidationError) as error:
        services.record_person_told(
            decision, by=officer, told_on=timezone.localdate() + timedelta(days=1)
        )

    assert set(error.value.message_dict) == {"person_told_on"}
    assert reload(decision).person_told_on is None


def test_the_person_cannot_be_told_before_the_decision(decision, officer):
    made = timezone.localtime(decision.created_at).date()

    with pytest.raises(ValidationError) as error:
        services.record_person_told(
            decision, by=officer, told_on=made - timedelta(days=1)
        )

    assert set(error.value.message_dict) == {"person_told_on"}
    assert reload(decision).person_told_on is None
