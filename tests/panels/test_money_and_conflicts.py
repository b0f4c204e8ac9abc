"""Issue 10, panel and money: the amount authorised against the plan's cost, a
decision per response, conflicts of interest, meetings on their own dates, chair's
action reported where it says."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from careplans import selectors as plan_selectors
from careplans import services as plan_services
from careplans.models import CarePlan, PlanDecision
from panels import selectors, services
from panels.models import (
    Decision,
    DecisionPresence,
    DeclaredInterest,
    PanelItem,
    PanelMeeting,
    ResponseDecision,
)
from sites.models import AuditEvent, Notification
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

O = Decision.Outcome  # noqa: E741
S = CarePlan.Status


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
def item(meeting, site_a, officer, chair):
    """A plan costing £41.54 a week (one flexible response) on today's agenda."""
    plan = plan_awaiting_panel(site_a, officer, cost="41.54")
    return services.add_item(meeting=meeting, plan=plan, question="Fund it?", by=chair)


@pytest.fixture
def in_session(meeting, item, chair, members, officer):
    return services.open_meeting(
        meeting, by=chair, present=[chair, members[0], members[1], officer]
    )


def two_response_item(meeting, site_a, officer, chair):
    """A plan with two funded flexible responses (£20 and £30 a week) on the agenda."""
    plan = plan_with(
        site_a, officer, (("flexible", "20.00", 1), ("flexible", "30.00", 1))
    )
    plan = plan_services.submit_plan(plan, by=officer)
    assert plan.status == S.AWAITING_PANEL
    return services.add_item(meeting=meeting, plan=plan, question="Fund?", by=chair)


# --- 1. Authorised amount against the plan's cost ----------------------------------


def test_approving_less_than_the_plan_costs_is_refused_as_an_approval(
    in_session, item, chair
):
    with pytest.raises(ValidationError) as error:
        decide(item, chair, outcome=O.APPROVED, authorised_weekly=Decimal("30.00"))

    message = error.value.message_dict["authorised_weekly"][0]
    assert "£41.54" in message
    assert "£30.00 is less" in message
    assert "Approved in part or at a lower amount" in message
    assert reload(item.plan).status == S.AWAITING_PANEL
    assert not Decision.objects.exists()


def test_a_lower_amount_is_recorded_as_approved_in_part_with_the_difference_named(
    in_session, item, chair, officer
):
    decision = decide(
        item,
        chair,
        outcome=O.APPROVED_IN_PART,
        authorised_weekly=Decimal("30.00"),
        difference_reason="Two café lunches a week, not three: revise the plan to fit.",
    )

    assert decision.outcome == O.APPROVED_IN_PART
    assert decision.difference_weekly == Decimal("-11.54")
    plan = reload(item.plan)
    assert plan.authorised_weekly == Decimal("30.00")
    assert "£11.54 less than the plan's cost of £41.54" in plan.approval_note
    assert "Two café lunches a week" in plan.approval_note
    note = Notification.objects.get(user=officer, kind=Notification.Kind.PLAN_DECIDED)
    assert "approved in part or at a lower amount" in note.message
    assert "£30.00 a week authorised of £41.54" in note.message


def test_approved_in_part_needs_the_difference_named(in_session, item, chair):
    with pytest.raises(ValidationError) as error:
        decide(
            item,
            chair,
            outcome=O.APPROVED_IN_PART,
            authorised_weekly=Decimal("30.00"),
        )

    assert set(error.value.message_dict) == {"difference_reason"}


def test_approved_in_part_with_nothing_declined_or_cut_is_refused(
    in_session, item, chair
):
    with pytest.raises(ValidationError) as error:
        decide(
            item,
            chair,
            outcome=O.APPROVED_IN_PART,
            authorised_weekly=Decimal("41.54"),
            difference_reason="Nothing really differs here.",
        )

    assert "choose “Approved”" in error.value.message_dict["outcome"][0]


def test_more_than_the_plan_costs_needs_a_reason(in_session, item, chair):
    with pytest.raises(ValidationError) as error:
        decide(item, chair, authorised_weekly=Decimal("50.00"))

    assert (
        "more than the plan's cost of £41.54"
        in (error.value.message_dict["difference_reason"][0])
    )

    decision = decide(
        item,
        chair,
        authorised_weekly=Decimal("50.00"),
        difference_reason="Fares rise in January; the extra covers them.",
    )
    assert decision.outcome == O.APPROVED
    assert "£8.46 more than the plan's cost" in reload(item.plan).approval_note


def test_the_plan_as_written_is_approved_at_its_cost(in_session, item, chair):
    decision = decide(item, chair, authorised_weekly=Decimal("41.54"))

    assert decision.difference_weekly == Decimal("0.00")
    assert reload(item.plan).authorised_weekly == Decimal("41.54")
    [response_decision] = ResponseDecision.objects.filter(decision=decision)
    assert response_decision.approved is True


def test_the_panel_decides_per_response_and_a_partial_approval_is_explicit(
    meeting, site_a, officer, chair, members
):
    item = two_response_item(meeting, site_a, officer, chair)
    services.open_meeting(meeting, by=chair, present=[chair, members[0]])
    first, second = item.plan.responses.order_by("position")

    with pytest.raises(ValidationError) as error:
        decide(item, chair, authorised_weekly=Decimal("20.00"), declined=[second.code])
    assert "Some responses are declined" in error.value.message_dict["outcome"][0]

    with pytest.raises(ValidationError) as error:
        decide(
            item,
            chair,
            outcome=O.APPROVED_IN_PART,
            authorised_weekly=Decimal("25.00"),
            declined=[second.code],
            difference_reason="The second response is met by the day centre.",
        )
    assert "cost £20.00 a week" in error.value.message_dict["authorised_weekly"][0]

    decision = decide(
        item,
        chair,
        outcome=O.APPROVED_IN_PART,
        authorised_weekly=Decimal("20.00"),
        declined=[str(second.code)],
        difference_reason="The second response is met by the day centre.",
    )

    words = {
        rd.response_id: rd.approved
        for rd in ResponseDecision.objects.filter(decision=decision)
    }
    assert words == {first.pk: True, second.pk: False}
    assert "Declined: “Response 2”" in reload(item.plan).approval_note


def test_declining_every_response_is_a_refusal_not_an_approval(
    meeting, site_a, officer, chair, members
):
    item = two_response_item(meeting, site_a, officer, chair)
    services.open_meeting(meeting, by=chair, present=[chair, members[0]])
    codes = [r.code for r in item.plan.responses.all()]

    with pytest.raises(ValidationError) as error:
        decide(
            item,
            chair,
            outcome=O.APPROVED_IN_PART,
            authorised_weekly=Decimal("0"),
            declined=codes,
            difference_reason="None of it is needed now.",
        )

    assert "record the decision as declined" in error.value.message_dict["outcome"][0]


def test_the_plan_page_and_its_pdf_context_show_what_was_authorised(
    in_session, item, chair
):
    decide(
        item,
        chair,
        outcome=O.APPROVED_IN_PART,
        authorised_weekly=Decimal("30.00"),
        difference_reason="Two café lunches a week, not three.",
    )

    context = plan_selectors.plan_page_context(
        plan_selectors.plan_for_page(item.site, item.plan.code)
    )

    assert context["budget"]["weekly"] == Decimal("30.00")
    assert context["budget"]["short"] == Decimal("11.54")
    assert context["costs"]["weekly"] == Decimal("41.54")


# --- 2. Conflict of interest ---------------------------------------------------------


def test_nobody_decides_on_a_plan_for_a_person_on_their_own_caseload(
    in_session, item, chair, members
):
    person = item.plan.person
    person.allocated_worker = members[0]
    person.save()
    item = PanelItem.objects.select_related("plan__person", "meeting").get(pk=item.pk)

    allowed, why = services.may_decide(item, members[0])
    assert not allowed
    assert "own caseload" in why
    with pytest.raises(ValidationError) as error:
        decide(item, members[0])
    assert "own caseload" in error.value.messages[0]


def test_the_chair_takes_no_chairs_action_for_a_person_on_their_caseload(
    panel, site_a, officer, chair
):
    plan = plan_awaiting_panel(site_a, officer)
    person = plan.person
    person.allocated_worker = chair
    person.save()

    with pytest.raises(ValidationError) as error:
        services.chairs_action(
            plan=plan,
            by=chair,
            question="Urgent?",
            urgency="The carer is admitted to hospital tomorrow morning.",
            outcome=O.DECLINED,
            rationale=RATIONALE,
        )

    assert "own caseload" in error.value.messages[0]


def test_a_declared_interest_is_recorded_and_excludes_the_member_from_the_decision(
    in_session, item, chair, members
):
    services.declare_interest(item, by=members[0], reason="The person is my neighbour.")

    interest = DeclaredInterest.objects.get(item=item)
    assert interest.user == members[0]
    assert interest.reason == "The person is my neighbour."
    assert AuditEvent.objects.filter(action="Interest declared").exists()
    item = PanelItem.objects.get(pk=item.pk)
    allowed, why = services.may_decide(item, members[0])
    assert not allowed
    assert "declared an interest" in why

    decision = decide(item, members[1])
    present = set(
        DecisionPresence.objects.filter(decision=decision).values_list(
            "user", flat=True
        )
    )
    assert members[0].pk not in present
    assert members[1].pk in present


def test_an_interest_needs_words_and_is_declared_once(in_session, item, members):
    with pytest.raises(ValidationError):
        services.declare_interest(item, by=members[0], reason="Yes")
    services.declare_interest(item, by=members[0], reason="My cousin's friend.")
    with pytest.raises(ValidationError):
        services.declare_interest(item, by=members[0], reason="My cousin's friend.")


# --- 3. Meetings keep their own dates ------------------------------------------------


def test_a_meeting_is_not_opened_before_its_day(panel, chair, members):
    later = make_meeting(panel, chair, days=10)

    with pytest.raises(ValidationError) as error:
        services.open_meeting(later, by=chair, present=[chair, members[0]])

    assert "it is opened on that day" in error.value.messages[0]
    assert reload(later).status == PanelMeeting.Status.SCHEDULED


def test_moving_a_meeting_is_an_explicit_recorded_change(panel, chair, members):
    later = make_meeting(panel, chair, days=10)
    today = timezone.localtime().replace(hour=23, minute=0, second=0, microsecond=0)

    with pytest.raises(ValidationError) as error:
        services.reschedule_meeting(later, starts_at=today, reason="", by=chair)
    assert set(error.value.message_dict) == {"reason"}

    services.reschedule_meeting(
        later, starts_at=today, reason="The chair is away on the 10th.", by=chair
    )

    assert reload(later).starts_at == today
    event = AuditEvent.objects.get(action="Meeting moved")
    assert event.details["reason"] == "The chair is away on the 10th."
    assert event.details["now"].startswith(today.date().isoformat())
    services.open_meeting(later, by=chair, present=[chair, members[0]])


def test_a_meeting_cannot_be_moved_into_the_past_or_years_ahead(panel, chair):
    later = make_meeting(panel, chair, days=10)
    for starts in (
        timezone.now() - timedelta(days=2),
        timezone.now() + timedelta(days=365 * 3),
    ):
        with pytest.raises(ValidationError) as error:
            services.reschedule_meeting(
                later, starts_at=starts, reason="Some good reason here.", by=chair
            )
        assert set(error.value.message_dict) == {"starts_at"}


def test_a_decisions_date_is_its_meetings_even_when_recorded_later(
    panel, site_a, officer, chair, members
):
    meeting = make_meeting(panel, chair, days=3)
    item = add_plan_item(meeting, officer, chair)
    with on_its_day(meeting):
        services.open_meeting(meeting, by=chair, present=[chair, members[0]])
    # The minutes typed up the next day.
    with time_machine.travel(meeting.starts_at + timedelta(days=1), tick=True):
        decision = decide(item, chair)

    assert decision.decided_on == timezone.localtime(meeting.starts_at).date()


# --- 4. Chair's action ---------------------------------------------------------------


def chairs_action(plan, chair, **fields):
    return services.chairs_action(
        plan=plan,
        by=chair,
        **{
            "question": "Will the panel fund an urgent taxi this week?",
            "urgency": "Discharge from hospital is tomorrow, before the next meeting.",
            "outcome": O.APPROVED,
            "rationale": RATIONALE,
            "authorised_weekly": Decimal("45.00"),
            **fields,
        },
    )


def test_chairs_action_needs_why_it_could_not_wait(panel, site_a, officer, chair):
    plan = plan_awaiting_panel(site_a, officer)

    with pytest.raises(ValidationError) as error:
        chairs_action(plan, chair, urgency="Urgent.")

    assert set(error.value.message_dict) == {"urgency"}
    assert not Decision.objects.exists()


def test_chairs_action_is_listed_on_the_meeting_it_is_reported_to(
    panel, site_a, officer, chair, members
):
    later = make_meeting(panel, chair, days=10)
    decision = chairs_action(plan_awaiting_panel(site_a, officer), chair)

    assert decision.reported_at == later
    assert decision.urgency.startswith("Discharge from hospital")
    assert selectors.chairs_actions_reported_to(later) == [decision]

    add_plan_item(later, officer, chair)
    with on_its_day(later):
        services.open_meeting(later, by=chair, present=[chair, members[0]])
        services.close_meeting(later, by=chair)
    assert selectors.chairs_actions_reported_to(reload(later)) == [decision]
    assert selectors.unreported_chairs_actions(site_a) == []


def test_a_plan_decided_at_panel_is_not_approved_by_the_old_plan_decision_words(
    in_session, item, chair
):
    decide(item, chair)

    recorded = item.plan.decisions.get(kind=PlanDecision.Kind.APPROVED_BY_PANEL)
    assert RATIONALE in recorded.reason
    assert "less than" not in recorded.reason
