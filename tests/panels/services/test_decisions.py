"""Panel decisions: what a decision must say (reasons, amounts, conditions, review
dates) and what it does to the plan, the people told and the audit trail."""

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
from panels.models import Decision, DecisionPresence
from sites.models import Notification
from tests.helpers import reload
from tests.panels.factories import RATIONALE, decide, make_meeting, plan_awaiting_panel
from tests.panels.services.panel_calls import O, S, audited

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
