"""What the plan PDF prints (``templates/pdf/careplan.html``), and nothing more.

The plan page's selector (``selectors.plan_for_page``) also loads the plan's decisions,
its reviews with their ratings and the previous version's responses, which the PDF
never prints; the PDF reads the plan with its people, its responses with the outcomes
they serve, and everything else it prints (what they want, their needs, the risks,
who to contact, what is shared) in one query: four queries in all (issue 11 item 18).
"""

from django.db.models import OuterRef, Prefetch, Subquery

from assessments.models import DesiredOutcome, Need
from assessments.parts import who_to_contact
from sites.shortcuts import get_for_site

from .charging import latest_assessment_columns, what_they_pay
from .models import CarePlan, Response, Review, plan_costs
from .selectors import authorised_budget


def plan_for_pdf(site, code):
    """The plan with its people, its responses and what they serve, the latest
    financial assessment and the next review's date (three queries)."""
    next_review = Review.objects.filter(
        plan=OuterRef("pk"), status=Review.Status.SCHEDULED
    ).order_by("due_date", "id")
    plans = (
        CarePlan.objects.annotate(
            **latest_assessment_columns(),
            next_review_due=Subquery(next_review.values("due_date")[:1]),
        )
        .select_related(
            "site",
            "person__allocated_worker",
            "person__equality",
            "assessment__cared_for",
            "carer_assessment__person",
        )
        .prefetch_related(
            Prefetch(
                "responses", queryset=Response.objects.prefetch_related("outcomes")
            )
        )
    )
    return get_for_site(plans, site, code=code)


def pdf_context(plan):
    """The template's context for ``plan`` from ``plan_for_pdf`` (one query)."""
    ids = [i for i in (plan.assessment_id, plan.carer_assessment_id) if i]
    record = who_to_contact(
        plan.person,
        assessment_ids=ids,
        also={
            "outcomes": DesiredOutcome.objects.filter(assessment_id__in=ids),
            "needs": Need.objects.filter(assessment_id__in=ids).order_by(
                "position", "id"
            ),
        },
    )
    # The person's own assessment first, then the carer's (each in its own order).
    first = {assessment_id: i for i, assessment_id in enumerate(ids)}
    outcomes = sorted(record.pop("outcomes"), key=lambda o: first[o.assessment_id])
    # Whose words each outcome is: the plan's own assessments, already loaded with
    # their people (cheaper than selecting them again with every outcome).
    if plan.assessment.person_id == plan.person_id:
        plan.assessment.person = plan.person
    assessments = {plan.assessment_id: plan.assessment}
    if plan.carer_assessment_id:
        assessments[plan.carer_assessment_id] = plan.carer_assessment
    for outcome in outcomes:
        outcome.assessment = assessments[outcome.assessment_id]
    needs = sorted(record.pop("needs"), key=lambda n: first[n.assessment_id])
    responses = list(plan.responses.all())
    costs = plan_costs(responses)
    budget = authorised_budget(plan, costs)
    equality = record["equality"]
    return {
        "plan": plan,
        "person": plan.person,
        "responses": responses,
        "outcomes": outcomes,
        "needs": needs,
        "costs": costs,
        "budget": budget,
        "pay": what_they_pay(plan, costs, budget),
        "next_review": {"due_date": plan.next_review_due}
        if plan.next_review_due
        else None,
        "eligible": plan.assessment.eligibility_result,
        "risks": record.pop("risks"),
        "legal": record,
        "large_print": bool(equality and equality.large_print),
    }
