"""Care-plan services after drafting: submitting (routing to sign-off or panel),
sign-off within delegated limits, returning with reasons, the panel's approval or
return, and that only a draft is edited."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from careplans import services
from careplans.models import (
    CarePlan,
    PlanDecision,
    ResponseOutcome,
    Review,
    ReviewPolicy,
)
from careplans.routing import reasons_in_words
from sites.permissions import Role
from tests.careplans.plan_workflow.plan_steps import REASON, S
from tests.helpers import refused, reload, transitions
from tests.plan_factories import (
    add_response,
    completed_assessment,
    plan_in_status,
    plan_with,
)

# --- Submitting -----------------------------------------------------------------------


@pytest.mark.usefixtures("site_limits")
def test_an_incomplete_plan_cannot_be_submitted_and_the_problems_are_listed(
    site_a, officer
):
    assessment = completed_assessment(site_a, officer)
    plan = services.create_plan(
        person=assessment.person, assessment=assessment, by=officer
    )

    message = refused("incomplete", services.submit_plan, plan, by=officer)

    assert "Add at least one response." in message
    assert "Set the date the plan starts." in message
    assert reload(plan).status == S.DRAFT
    assert reload(plan).submitted_at is None


@pytest.mark.usefixtures("site_limits")
def test_a_response_serving_no_outcome_stops_submission(site_a, officer):
    plan = plan_with(site_a, officer)
    ResponseOutcome.objects.filter(response__plan=plan).delete()

    message = refused("incomplete", services.submit_plan, plan, by=officer)

    assert "“Response 1” does not serve an outcome yet." in message


@pytest.mark.usefixtures("site_limits")
def test_submitting_an_all_standard_plan_within_a_limit_awaits_sign_off(
    site_a, officer
):
    plan = plan_with(site_a, officer)
    before = timezone.now()

    services.submit_plan(plan, by=officer)

    plan = reload(plan)
    assert plan.status == S.AWAITING_SIGN_OFF
    assert plan.route == CarePlan.Route.SIGN_OFF
    assert "team manager's delegated limit" in reasons_in_words(plan.routing_reasons)[0]
    assert plan.submitted_by == officer
    assert before <= plan.submitted_at <= timezone.now()
    assert plan.needs_panel_since is None
    [decision] = plan.decisions.all()
    assert (decision.kind, decision.by) == (PlanDecision.Kind.SUBMITTED, officer)
    assert transitions(plan)[-1].action == "Plan submitted: awaiting sign-off"
    assert transitions(plan)[-1].user == officer


@pytest.mark.usefixtures("site_limits")
def test_submitting_a_plan_with_a_flexible_response_awaits_panel(site_a, officer):
    plan = plan_with(site_a, officer, (("flexible", "25.00", 2),))
    before = timezone.now()

    services.submit_plan(plan, by=officer)

    plan = reload(plan)
    assert plan.status == S.AWAITING_PANEL
    assert plan.route == CarePlan.Route.PANEL
    assert before <= plan.needs_panel_since <= timezone.now()
    assert (
        "“Response 1” is not a standard service"
        in reasons_in_words(plan.routing_reasons)[0]
    )
    assert transitions(plan)[-1].action == "Plan submitted: awaiting panel"


@pytest.mark.usefixtures("site_limits")
def test_a_plan_over_every_limit_awaits_panel(site_a, officer):
    plan = plan_with(site_a, officer, (("standard", "120.00", 7),))

    plan = services.submit_plan(plan, by=officer)

    assert plan.status == S.AWAITING_PANEL
    assert "£840.00" in reasons_in_words(plan.routing_reasons)[0]


# --- Sign-off -------------------------------------------------------------------------


@pytest.mark.usefixtures("site_limits")
def test_nobody_signs_off_a_plan_they_wrote(site_a, manager):
    plan = services.submit_plan(plan_with(site_a, manager), by=manager)

    message = refused("not_allowed", services.sign_off_plan, plan, by=manager)

    assert message == "Nobody signs off a plan they wrote or changed."
    assert reload(plan).status == S.AWAITING_SIGN_OFF
    assert reload(plan).approved_by is None


@pytest.mark.usefixtures("site_limits")
def test_nobody_signs_off_a_plan_they_submitted(site_a, officer, manager):
    plan = services.submit_plan(plan_with(site_a, officer), by=manager)

    assert refused("not_allowed", services.sign_off_plan, plan, by=manager) == (
        "Nobody signs off a plan they wrote or changed."
    )


@pytest.mark.usefixtures("site_limits")
def test_a_manager_cannot_sign_off_over_their_delegated_limit(
    site_a, officer, manager, senior
):
    plan = plan_with(site_a, officer, (("standard", "100.00", 4),))
    plan = services.submit_plan(plan, by=officer)

    message = refused("not_allowed", services.sign_off_plan, plan, by=manager)

    assert message == "The weekly cost, £400.00, is over your delegated limit."
    assert reload(plan).status == S.AWAITING_SIGN_OFF
    assert services.sign_off_plan(plan, by=senior).approved_by == senior


@pytest.mark.usefixtures("site_limits")
def test_someone_without_a_delegated_limit_cannot_sign_off(site_a, officer, chair):
    plan = services.submit_plan(plan_with(site_a, officer), by=officer)

    refused("not_allowed", services.sign_off_plan, plan, by=chair)


@pytest.mark.usefixtures("site_limits")
def test_sign_off_uses_the_limit_in_force_on_the_day(site_a, officer, manager, senior):
    plan = services.submit_plan(plan_with(site_a, officer), by=officer)
    services.set_delegated_limit(
        site=site_a,
        role=Role.TEAM_MANAGER,
        weekly_limit=Decimal("10.00"),
        effective_from=timezone.localdate(),
        by=senior,
    )

    refused("not_allowed", services.sign_off_plan, plan, by=manager)


@pytest.mark.usefixtures("site_limits")
def test_a_team_manager_signs_off_within_their_limit_and_the_first_review_is_set(
    site_a, officer, manager
):
    plan = plan_with(site_a, officer, (("standard", "20.50", 3),))
    plan = services.submit_plan(plan, by=officer)
    before = timezone.now()

    services.sign_off_plan(plan, by=manager, note="Good plan.")

    plan = reload(plan)
    assert plan.status == S.APPROVED
    assert plan.approved_by == manager
    assert before <= plan.approved_at <= timezone.now()
    assert plan.authorised_weekly == Decimal("61.50")
    assert plan.approval_note == "Good plan."
    [review] = plan.reviews.all()
    assert review.kind == Review.Kind.FIRST
    assert review.status == Review.Status.SCHEDULED
    assert review.due_date == plan.start_date + timedelta(weeks=8)
    decision = plan.decisions.first()
    assert (decision.kind, decision.by, decision.reason) == (
        PlanDecision.Kind.SIGNED_OFF,
        manager,
        "Good plan.",
    )
    assert transitions(plan)[-1].action == "Plan signed off"
    assert transitions(plan)[-1].user == manager


@pytest.mark.usefixtures("site_limits")
def test_the_first_review_follows_the_sites_review_policy(site_a, officer, manager):
    ReviewPolicy.objects.create(site=site_a, first_review_weeks=6)
    plan = services.submit_plan(plan_with(site_a, officer), by=officer)

    services.sign_off_plan(plan, by=manager)

    review = reload(plan).reviews.get()
    assert review.due_date == plan.start_date + timedelta(weeks=6)


# --- Returning ------------------------------------------------------------------------


@pytest.mark.usefixtures("site_limits")
@pytest.mark.parametrize(
    "reason", ["", "Too short", "         x", "\n\n\n\n\n\n\n\n\n\n"]
)
def test_a_return_needs_a_reason_of_at_least_ten_characters(
    site_a, officer, manager, reason
):
    plan = services.submit_plan(plan_with(site_a, officer), by=officer)

    refused("reason_required", services.return_plan, plan, by=manager, reason=reason)

    assert reload(plan).status == S.AWAITING_SIGN_OFF
    assert not plan.decisions.filter(kind=PlanDecision.Kind.RETURNED).exists()


@pytest.mark.usefixtures("site_limits")
def test_a_returned_plan_is_a_draft_again_with_the_reasons_recorded(
    site_a, officer, manager
):
    plan = services.submit_plan(plan_with(site_a, officer), by=officer)

    services.return_plan(plan, by=manager, reason=REASON)

    plan = reload(plan)
    assert plan.status == S.DRAFT
    decision = plan.decisions.first()
    assert decision.kind == PlanDecision.Kind.RETURNED
    assert decision.by == manager
    assert decision.reason == REASON
    assert transitions(plan)[-1].action == "Plan returned"
    assert transitions(plan)[-1].user == manager
    add_response(plan, officer, description="Carer's break on Fridays")
    assert plan.responses.count() == 2


@pytest.mark.usefixtures("site_limits")
def test_nobody_returns_a_plan_they_wrote(site_a, manager):
    plan = services.submit_plan(plan_with(site_a, manager), by=manager)

    refused("not_allowed", services.return_plan, plan, by=manager, reason=REASON)


# --- Panel ----------------------------------------------------------------------------


@pytest.mark.usefixtures("site_limits")
def test_a_panel_approves_with_the_amount_it_authorises(site_a, officer, chair):
    plan = plan_with(site_a, officer, (("flexible", "25.00", 2),))
    plan = services.submit_plan(plan, by=officer)
    before = timezone.now()

    services.approve_plan_by_panel(
        plan, by=chair, authorised_weekly=Decimal("45.00"), note="Review in 6 weeks."
    )

    plan = reload(plan)
    assert plan.status == S.APPROVED
    assert plan.approved_by == chair
    assert before <= plan.approved_at <= timezone.now()
    assert plan.authorised_weekly == Decimal("45.00")
    assert plan.decisions.first().kind == PlanDecision.Kind.APPROVED_BY_PANEL
    assert plan.reviews.get().kind == Review.Kind.FIRST
    assert transitions(plan)[-1].action == "Plan approved by panel"


@pytest.mark.usefixtures("site_limits")
def test_a_panel_cannot_authorise_a_negative_amount(site_a, officer, chair):
    plan = services.submit_plan(
        plan_with(site_a, officer, (("flexible", "25.00", 1),)), by=officer
    )

    refused(
        "amount",
        services.approve_plan_by_panel,
        plan,
        by=chair,
        authorised_weekly=Decimal("-1.00"),
    )
    assert reload(plan).status == S.AWAITING_PANEL


@pytest.mark.usefixtures("site_limits")
def test_a_panel_return_puts_the_plan_back_to_draft_with_its_reasons(
    site_a, officer, chair
):
    plan = services.submit_plan(
        plan_with(site_a, officer, (("flexible", "25.00", 1),)), by=officer
    )

    services.return_plan_from_panel(plan, by=chair, reason=REASON)

    plan = reload(plan)
    assert plan.status == S.DRAFT
    assert plan.needs_panel_since is None
    decision = plan.decisions.first()
    assert (decision.kind, decision.by, decision.reason) == (
        PlanDecision.Kind.RETURNED_BY_PANEL,
        chair,
        REASON,
    )


@pytest.mark.usefixtures("site_limits")
def test_a_panel_return_needs_reasons(site_a, officer, chair):
    plan = services.submit_plan(
        plan_with(site_a, officer, (("flexible", "25.00", 1),)), by=officer
    )

    refused(
        "reason_required",
        services.return_plan_from_panel,
        plan,
        by=chair,
        reason="No.",
    )
    assert reload(plan).status == S.AWAITING_PANEL


# --- Only a draft is edited -----------------------------------------------------------


@pytest.mark.usefixtures("site_limits")
@pytest.mark.parametrize(
    "status",
    [S.AWAITING_SIGN_OFF, S.AWAITING_PANEL, S.APPROVED, S.UNDER_REVIEW, S.CLOSED],
)
def test_a_plan_that_is_not_a_draft_cannot_be_edited(site_a, officer, manager, status):
    plan = plan_in_status(status, site=site_a, officer=officer, manager=manager)
    response = plan.responses.get()

    refused("not_editable", add_response, plan, officer, description="More")
    refused("not_editable", add_response, plan, officer, response=response, cost="1.00")
    refused(
        "not_editable",
        services.update_plan,
        plan,
        by=officer,
        expected_version=reload(plan).version,
        person_views="Changed after approval",
    )
    refused(
        "not_editable",
        services.remove_response,
        plan,
        response,
        by=officer,
        expected_version=response.version,
    )

    assert plan.responses.get().unit_cost == Decimal("20.00")
    assert reload(plan).person_views == ""
