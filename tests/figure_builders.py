"""Builders for the programme figures' tests: programme cases, agreed plans,
responses, reviews and panel decisions, made directly on the models so that each
test controls every date and amount. Call inside ``scopes_disabled()``."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from careplans.models import CarePlan, OutcomeReview, PlanDecision, Response, Review
from careplans.programme import ProgrammeCase, ResponseDelivery, UnmetWant

from .factories import DesiredOutcomeFactory
from .plan_factories import completed_assessment


def at(day: date, hour=10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def programme_case(programme, site, officer, *, status=ProgrammeCase.Status.INCLUDED):
    """A person at ``site`` with a completed assessment, included in ``programme``."""
    assessment = completed_assessment(site, officer)
    case = ProgrammeCase.objects.create(
        site=site,
        programme=programme,
        person=assessment.person,
        assessment=assessment,
        status=status,
        decided_by=officer,
        decided_at=timezone.now(),
        first_contact_on=date(2026, 1, 1),
    )
    return case


def outcome(case):
    return DesiredOutcomeFactory(assessment=case.assessment)


def plan(
    case,
    officer,
    *,
    approved_on=None,
    status=CarePlan.Status.APPROVED,
    previous=None,
    panel_days=None,
):
    """A plan for the case, approved on ``approved_on`` (None: a draft)."""
    approved = at(approved_on) if approved_on else None
    new = CarePlan.objects.create(
        site=case.site,
        person=case.person,
        assessment=case.assessment,
        written_by=officer,
        status=status if approved_on else CarePlan.Status.DRAFT,
        previous=previous,
        version_number=(previous.version_number + 1) if previous else 1,
        submitted_at=approved,
        approved_at=approved,
    )
    if panel_days is not None:
        # Went to panel ``panel_days`` days before it was decided (and approved).
        new.needs_panel_since = approved - timedelta(days=panel_days)
        new.save(update_fields=["needs_panel_since"])
        decision = PlanDecision.objects.create(
            site=case.site,
            plan=new,
            kind=PlanDecision.Kind.APPROVED_BY_PANEL,
            by=officer,
        )
        PlanDecision.objects.filter(pk=decision.pk).update(created_at=approved)
    return new


def response(plan, *, origin="asked_for", weekly="10.00", replaces="0.00", **extra):
    fields = {
        "description": "A response (synthetic)",
        "kind": Response.Kind.FLEXIBLE,
        "times": 1,
        "period": Response.Period.WEEK,
        "unit_cost": Decimal(weekly),
        "replaced_weekly_cost": Decimal(replaces),
        "origin": origin,
        **extra,
    }
    return Response.objects.create(site=plan.site, plan=plan, **fields)


def review(plan, *, completed_on, ratings=(), deliveries=()):
    """A completed review: ``ratings`` [(desired outcome, rating)], ``deliveries``
    [(response, delivered, barrier)]."""
    done = Review.objects.create(
        site=plan.site,
        plan=plan,
        kind=Review.Kind.FIRST,
        due_date=completed_on,
        status=Review.Status.COMPLETED,
        completed_at=at(completed_on),
    )
    for desired, rating in ratings:
        OutcomeReview.objects.create(
            site=plan.site, review=done, desired_outcome=desired, rating=rating
        )
    for answer, delivered, barrier in deliveries:
        ResponseDelivery.objects.create(
            site=plan.site,
            review=done,
            response=answer,
            delivered=delivered,
            barrier=barrier,
        )
    return done


def unmet(plan, barrier, *, on=None, what="Something wanted (synthetic)"):
    want = UnmetWant.objects.create(
        site=plan.site, plan=plan, what_wanted=what, barrier=barrier
    )
    if on is not None:
        UnmetWant.objects.filter(pk=want.pk).update(created_at=at(on))
    return want
