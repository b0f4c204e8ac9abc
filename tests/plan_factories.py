"""Builders for care-plan tests: completed assessments, plans, limits."""

from datetime import date
from decimal import Decimal

from assessments import services as assessment_services
from assessments.models import Assessment
from careplans import services
from careplans.models import CarePlan, Response
from sites.permissions import Role

from .factories import (
    DesiredOutcomeFactory,
    PersonFactory,
    any_scope,
    make_ready_to_complete,
)

# A plan is submitted only with a contingency plan (issue 12).
CONTINGENCY = (
    "If a visit is missed, the provider rings the duty team, who arrange cover."
)


@any_scope
def completed_assessment(site, officer, person=None, kind=Assessment.Kind.NEEDS, **kw):
    """A completed assessment with one need and one desired outcome."""
    person = person or PersonFactory(site=site)
    assessment = assessment_services.start_assessment(
        person=person, kind=kind, by=officer, **kw
    )
    make_ready_to_complete(assessment, officer)
    return assessment_services.complete_assessment(assessment, by=officer)


@any_scope
def limits(site, by, team_manager="350.00", senior_manager="700.00"):
    services.set_delegated_limit(
        site=site,
        role=Role.TEAM_MANAGER,
        weekly_limit=Decimal(team_manager),
        effective_from=date(2020, 1, 1),
        by=by,
        backdate_reason="The limits the tests' site has had since 2020.",
        confirm_backdate=True,
    )
    services.set_delegated_limit(
        site=site,
        role=Role.SENIOR_MANAGER,
        weekly_limit=Decimal(senior_manager),
        effective_from=date(2020, 1, 1),
        by=by,
        backdate_reason="The limits the tests' site has had since 2020.",
        confirm_backdate=True,
    )


@any_scope
def plan_with(site, officer, responses=(("standard", "20.00", 1),), start=None):
    """A draft plan whose responses are (kind, unit cost, times a week)."""
    assessment = completed_assessment(site, officer)
    plan = services.create_plan(
        person=assessment.person, assessment=assessment, by=officer
    )
    plan = services.update_plan(
        plan,
        by=officer,
        expected_version=plan.version,
        start_date=start or date.today(),
        contingency_plan=CONTINGENCY,
    )
    outcomes = list(assessment.desired_outcomes.all())
    for i, (kind, cost, times) in enumerate(responses):
        services.save_response(
            plan,
            by=officer,
            outcomes=outcomes,
            description=f"Response {i + 1}",
            kind=kind,
            times=times,
            period=Response.Period.WEEK,
            unit_cost=Decimal(cost),
        )
    plan.refresh_from_db()
    return plan


# --- Helpers for tests/careplans -----------------------------------------------------


@any_scope
def draft_plan(site, officer, *, outcomes=1, start=None, person=None):
    """A draft plan (no responses) answering a completed assessment whose person
    named ``outcomes`` desired outcomes; call inside a scope or scopes_disabled."""
    person = person or PersonFactory(site=site)
    assessment = assessment_services.start_assessment(
        person=person, kind=Assessment.Kind.NEEDS, by=officer
    )
    make_ready_to_complete(assessment, officer)
    for _ in range(outcomes - 1):
        DesiredOutcomeFactory(assessment=assessment)
    assessment = assessment_services.complete_assessment(assessment, by=officer)
    plan = services.create_plan(person=person, assessment=assessment, by=officer)
    return services.update_plan(
        plan,
        by=officer,
        expected_version=plan.version,
        start_date=start or date.today(),
        contingency_plan=CONTINGENCY,
    )


@any_scope
def add_response(
    plan,
    by,
    *,
    kind=Response.Kind.STANDARD,
    cost="20.00",
    times=1,
    period=Response.Period.WEEK,
    outcomes=None,
    description="Help with shopping",
    response=None,
    **fields,
):
    """Add a response to a draft plan (or change ``response``, as its form loaded now
    would); it serves every outcome of the plan unless ``outcomes`` says otherwise."""
    if outcomes is None:
        outcomes = list(services.plan_outcomes(plan))
    if response is not None:
        fields["response"] = response
        fields["expected_version"] = Response.objects.get(pk=response.pk).version
    return services.save_response(
        plan,
        by=by,
        outcomes=outcomes,
        description=description,
        kind=kind,
        times=times,
        period=period,
        unit_cost=Decimal(cost),
        **fields,
    )


@any_scope
def approved_plan(site, officer, approver, responses=(("standard", "20.00", 1),)):
    """A plan submitted by ``officer`` and approved by ``approver``: signed off when
    it routes to sign-off (site limits must cover it), else approved by panel."""
    plan = services.submit_plan(plan_with(site, officer, responses), by=officer)
    if plan.status == CarePlan.Status.AWAITING_SIGN_OFF:
        return services.sign_off_plan(plan, by=approver)
    weekly = sum((r.weekly_cost for r in plan.responses.all()), Decimal("0.00"))
    return services.approve_plan_by_panel(plan, by=approver, authorised_weekly=weekly)


@any_scope
def plan_in_status(status, *, site, officer, manager, reason="Closed for the test."):
    """A plan (written by ``officer``) brought to ``status`` through the services.
    The site's limits must let ``manager`` sign off £20 a week."""
    S = CarePlan.Status
    kind = "flexible" if status == S.AWAITING_PANEL else "standard"
    plan = plan_with(site, officer, ((kind, "20.00", 1),))
    if status == S.DRAFT:
        return plan
    plan = services.submit_plan(plan, by=officer)
    if status in {S.AWAITING_SIGN_OFF, S.AWAITING_PANEL}:
        return plan
    plan = services.sign_off_plan(plan, by=manager)
    if status == S.UNDER_REVIEW:
        return services.start_review(plan.reviews.get(), by=officer)
    if status == S.CLOSED:
        return services.close_plan(plan, by=officer, reason=reason)
    return plan
