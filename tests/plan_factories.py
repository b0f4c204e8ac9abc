"""Builders for care-plan tests: completed assessments, plans, limits."""

from datetime import date
from decimal import Decimal

from assessments import services as assessment_services
from assessments.models import Assessment
from careplans import services
from careplans.models import Response
from sites.permissions import Role

from .factories import PersonFactory, make_ready_to_complete


def completed_assessment(site, officer, person=None, kind=Assessment.Kind.NEEDS, **kw):
    """A completed assessment with one need and one desired outcome (no scope needed
    inside a scopes_disabled or scope block)."""
    person = person or PersonFactory(site=site)
    assessment = assessment_services.start_assessment(
        person=person, kind=kind, by=officer, **kw
    )
    make_ready_to_complete(assessment, officer)
    return assessment_services.complete_assessment(assessment, by=officer)


def limits(site, by, team_manager="350.00", senior_manager="700.00"):
    services.set_delegated_limit(
        site=site,
        role=Role.TEAM_MANAGER,
        weekly_limit=Decimal(team_manager),
        effective_from=date(2020, 1, 1),
        by=by,
    )
    services.set_delegated_limit(
        site=site,
        role=Role.SENIOR_MANAGER,
        weekly_limit=Decimal(senior_manager),
        effective_from=date(2020, 1, 1),
        by=by,
    )


def plan_with(site, officer, responses=(("standard", "20.00", 1),), start=None):
    """A draft plan whose responses are (kind, unit cost, times a week)."""
    assessment = completed_assessment(site, officer)
    plan = services.create_plan(
        person=assessment.person, assessment=assessment, by=officer
    )
    plan = services.update_plan(
        plan,
        by=officer,
        expected_version=plan.edit_version,
        start_date=start or date.today(),
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
