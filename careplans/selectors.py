"""Reads with several callers: the plan page, its PDF, the lists, the panels app."""

from datetime import timedelta

from django.db.models import Prefetch

from assessments.models import DesiredOutcome, Need
from sites.permissions import allows
from sites.shortcuts import get_for_site

from . import routing, versions
from .carer_plans import plans_on_person_page
from .charging import latest_assessment_columns, what_they_pay
from .models import (
    CarePlan,
    PlanDecision,
    Response,
    ResponseOutcome,
    Review,
    plan_costs,
)
from .money import annual

REVIEW_HORIZON = timedelta(days=28)


def plans_with_page_data():
    """Plans with everything their page, PDF or panel summary shows, prefetched."""
    return (
        CarePlan.objects.annotate(**latest_assessment_columns())
        .select_related(
            "site",
            "person",
            "person__allocated_worker",
            "assessment__cared_for",
            "carer_assessment__person",
            "written_by",
            "approved_by",
            "submitted_by",
            "previous",
        )
        .prefetch_related(
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
        )
    )


def plan_for_page(site, code):
    """A plan with everything its page or PDF shows, in a fixed number of queries."""
    return get_for_site(plans_with_page_data(), site, code=code)


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
    return plan_page_contexts([plan])[0]


def _assessment_ids(plan):
    ids = [plan.assessment_id]
    if plan.carer_assessment_id:
        ids.append(plan.carer_assessment_id)
    return ids


def plan_page_contexts(plans):
    """Page context for several plans (a panel pack) in a fixed number of queries."""
    plans = list(plans)
    wanted = {i for plan in plans for i in _assessment_ids(plan)}
    outcomes_by, needs_by = {}, {}
    for outcome in (
        DesiredOutcome.objects.filter(assessment_id__in=wanted)
        .select_related("assessment__person")
        .order_by("assessment_id", "priority", "position")
    ):
        outcomes_by.setdefault(outcome.assessment_id, []).append(outcome)
    for need in (
        Need.objects.filter(assessment_id__in=wanted)
        .select_related("usual_offer", "assessment__person")
        .order_by("assessment_id", "position")
    ):
        needs_by.setdefault(need.assessment_id, []).append(need)
    previous_by = {}
    previous_ids = [plan.previous_id for plan in plans if plan.previous_id]
    if previous_ids:
        for response in Response.objects.filter(
            plan_id__in=previous_ids
        ).select_related("replaces"):
            previous_by.setdefault(response.plan_id, []).append(response)
    return [_context(plan, outcomes_by, needs_by, previous_by) for plan in plans]


def _context(plan, outcomes_by, needs_by, previous_by):
    responses = list(plan.responses.all())
    ids = _assessment_ids(plan)
    serving = {}
    for response in responses:
        for outcome in response.outcomes.all():
            serving.setdefault(outcome.pk, []).append(response)
    outcomes = []
    for assessment_id in ids:
        for outcome in outcomes_by.get(assessment_id, []):
            outcome.served_by = serving.get(outcome.pk, [])
            outcomes.append(outcome)
    needs = [need for i in ids for need in needs_by.get(i, [])]
    decisions = list(plan.decisions.all())
    returns = {PlanDecision.Kind.RETURNED, PlanDecision.Kind.RETURNED_BY_PANEL}
    last_return = next((d for d in decisions if d.kind in returns), None)
    reviews = list(plan.reviews.all())
    # Reviews come in due-date order; the next one is the first still scheduled.
    next_review = next(
        (r for r in reviews if r.status == Review.Status.SCHEDULED), None
    )
    changes = None
    if plan.previous_id:
        changes = versions.compare_versions(
            previous_by.get(plan.previous_id, []), responses
        )
    route = None
    if plan.is_editable and responses:
        route = routing.route_for(plan, responses)
    costs = plan_costs(responses)
    budget = authorised_budget(plan, costs)
    return {
        "plan": plan,
        "person": plan.person,
        "responses": responses,
        "outcomes": outcomes,
        "needs": needs,
        "costs": costs,
        "budget": budget,
        # Who pays what of the personal budget (issue 12 item 7).
        "pay": what_they_pay(plan, costs, budget),
        "decisions": decisions,
        "returned": last_return if plan.status == CarePlan.Status.DRAFT else None,
        "reviews": reviews,
        "next_review": next_review,
        "changes": changes,
        "routing_preview": route,
        "eligible": plan.assessment.eligibility_result,
    }


def authorised_budget(plan, costs):
    """What was authorised for an approved plan, against what it costs: the
    personal budget people read (None until something is authorised)."""
    if plan.authorised_weekly is None:
        return None
    difference = plan.authorised_weekly - costs["weekly"]
    return {
        "weekly": plan.authorised_weekly,
        "annual": annual(plan.authorised_weekly),
        "difference": difference,
        "short": -difference if difference < 0 else None,
        "over": difference if difference > 0 else None,
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
    plans, carers_plans = plans_on_person_page(person)
    return "careplans/_person_plans.html", {
        "plans": plans,
        # The support plans of those who care for this person (issue 12 item 6).
        "carers_plans": carers_plans,
        "may_plan": allows(request, "change_plans"),
    }
