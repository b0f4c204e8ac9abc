"""Reads with several callers: the plan page, its PDF, the lists, the panels app."""

from datetime import timedelta

from django.db.models import Prefetch

from assessments.models import DesiredOutcome, Need
from sites.shortcuts import get_for_site

from . import services
from .models import (
    CarePlan,
    PlanDecision,
    Response,
    ResponseOutcome,
    Review,
    plan_costs,
)

REVIEW_HORIZON = timedelta(days=28)


def plan_for_page(site, code):
    """A plan with everything its page or PDF shows, in a fixed number of queries."""
    return get_for_site(
        CarePlan.objects.select_related(
            "site",
            "person",
            "person__allocated_worker",
            "assessment",
            "carer_assessment__person",
            "written_by",
            "approved_by",
            "submitted_by",
            "previous",
        ).prefetch_related(
            Prefetch(
                "responses",
                queryset=Response.objects.select_related("replaces").prefetch_related(
                    "outcomes"
                ),
            ),
            Prefetch("decisions", queryset=PlanDecision.objects.select_related("by")),
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("completed_by").prefetch_related(
                    "ratings__desired_outcome"
                ),
            ),
        ),
        site,
        code=code,
    )


def served_outcomes(plan):
    """The desired outcomes the plan's responses serve, in order."""
    ids = ResponseOutcome.objects.filter(response__plan=plan).values(
        "desired_outcome_id"
    )
    return list(
        DesiredOutcome.objects.filter(pk__in=ids)
        .select_related("assessment__person")
        .order_by("assessment_id", "priority", "position")
    )


def plan_page_context(plan):
    responses = list(plan.responses.all())
    assessment_ids = [plan.assessment_id]
    if plan.carer_assessment_id:
        assessment_ids.append(plan.carer_assessment_id)
    outcomes = list(
        DesiredOutcome.objects.filter(assessment_id__in=assessment_ids)
        .select_related("assessment__person")
        .order_by("assessment_id", "priority", "position")
    )
    needs = list(
        Need.objects.filter(assessment_id__in=assessment_ids)
        .select_related("usual_offer", "assessment__person")
        .order_by("assessment_id", "position")
    )
    serving = {}
    for response in responses:
        for outcome in response.outcomes.all():
            serving.setdefault(outcome.pk, []).append(response)
    for outcome in outcomes:
        outcome.served_by = serving.get(outcome.pk, [])
    decisions = list(plan.decisions.all())
    last_return = next(
        (
            d
            for d in decisions
            if d.kind
            in {PlanDecision.Kind.RETURNED, PlanDecision.Kind.RETURNED_BY_PANEL}
        ),
        None,
    )
    changes = None
    if plan.previous_id:
        previous_responses = list(
            Response.objects.filter(plan_id=plan.previous_id).select_related("replaces")
        )
        changes = services.compare_versions(previous_responses, responses)
    routing = None
    if plan.is_editable and responses:
        routing = services.route_for(plan, responses)
    return {
        "plan": plan,
        "person": plan.person,
        "responses": responses,
        "outcomes": outcomes,
        "needs": needs,
        "costs": plan_costs(responses),
        "decisions": decisions,
        "returned": last_return if plan.status == CarePlan.Status.DRAFT else None,
        "reviews": list(plan.reviews.all()),
        "changes": changes,
        "routing_preview": routing,
        "eligible": plan.assessment.eligibility_result,
    }


def plans_for_list(site, *, status=""):
    plans = CarePlan.objects.filter(site=site).select_related("person", "written_by")
    if status in CarePlan.Status.values:
        plans = plans.filter(status=status)
    else:
        plans = plans.current()
    return plans.order_by("-updated_at", "-id")


def attach_costs(plans):
    """Weekly cost of each plan on a page, in one query."""
    plans = list(plans)
    by_plan = {}
    for response in Response.objects.filter(plan__in=plans):
        by_plan.setdefault(response.plan_id, []).append(response)
    for plan in plans:
        plan.costs = plan_costs(by_plan.get(plan.pk, []))
    return plans


def reviews_due(site, *, by, officer=None):
    reviews = (
        Review.objects.filter(site=site)
        .due_by(by)
        .filter(
            plan__status__in=[CarePlan.Status.APPROVED, CarePlan.Status.UNDER_REVIEW]
        )
        .select_related("plan__person__allocated_worker")
        .order_by("due_date", "id")
    )
    if officer is not None:
        reviews = reviews.filter(plan__person__allocated_worker=officer)
    return reviews


def person_page_plans(request, person):
    """The person's plans, for the person page (see assessments.extensions)."""
    plans = list(
        CarePlan.objects.filter(site=person.site_id, person=person)
        .select_related("written_by")
        .order_by("-version_number", "-id")
    )
    return "careplans/_person_plans.html", {
        "plans": plans,
        "may_plan": "plan" in request.capabilities,
    }
