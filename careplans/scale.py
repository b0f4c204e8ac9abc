"""Bulk synthetic care plans and reviews for benchmarks (``manage.py seed_scale``).

Runs after ``assessments/scale.py``. For each synthetic site it gives a plan to about
60% of the completed needs assessments that have none, with 1-3 responses tied to
their desired outcomes, in a realistic spread of states (mostly approved, some
awaiting sign-off or panel, some drafts), a first review for each approved plan (due
dates from a month overdue to four months ahead) and, for a third of them, an earlier
completed review with every outcome rated. Also the site's review policy and dated
delegated limits.

Like the other scale seeders it uses ``bulk_create``, not the services: no audit
events or history rows, which is acceptable only for a benchmark database.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment, DesiredOutcome, StandardService
from sites.permissions import Role

from .figures_scale import seed_programme_scale
from .models import (
    CarePlan,
    DelegatedLimit,
    OutcomeReview,
    Response,
    ResponseOutcome,
    Review,
    ReviewPolicy,
)

PLANNED_SHARE = 0.6
BATCH = 2000
INSERT_BATCH = 1000
S = CarePlan.Status
STATES = [
    (S.APPROVED, 0.6),
    (S.AWAITING_SIGN_OFF, 0.1),
    (S.AWAITING_PANEL, 0.1),
    (S.DRAFT, 0.2),
]
RESPONSES = [
    (Response.Kind.STANDARD, "Home care visits (synthetic)", "24.00", 7),
    (Response.Kind.STANDARD, "Day centre place (synthetic)", "48.00", 2),
    (Response.Kind.COMMUNITY, "Lunch club transport (synthetic)", "9.00", 2),
    (Response.Kind.FLEXIBLE, "Personal assistant for outings (synthetic)", "20.50", 3),
    (Response.Kind.INFORMAL, "Daughter visits on Sundays (synthetic)", "0.00", 1),
    (Response.Kind.EQUIPMENT, "Telecare alarm (synthetic)", "4.50", 1),
]


def _policy_and_limits(site):
    ReviewPolicy.objects.get_or_create(site=site, defaults={"first_review_weeks": 8})
    for role, amount in (
        (Role.TEAM_MANAGER, "350.00"),
        (Role.SENIOR_MANAGER, "700.00"),
    ):
        DelegatedLimit.objects.get_or_create(
            site=site,
            role=role,
            effective_from=date(2025, 4, 1),
            defaults={"weekly_limit": Decimal(amount)},
        )


def _pick_state(rng):
    roll, total = rng.random(), 0.0
    for state, share in STATES:
        total += share
        if roll < total:
            return state
    return S.DRAFT


def _plans(rng, site, assessments, catalogue, today, now):
    outcomes_by = {}
    for outcome in DesiredOutcome.objects.filter(assessment__in=assessments):
        outcomes_by.setdefault(outcome.assessment_id, []).append(outcome)
    plans, responses, links, reviews, ratings = [], [], [], [], []
    for assessment in assessments:
        state = _pick_state(rng)
        officer = assessment.started_by
        start = today - timedelta(days=rng.randint(0, 400))
        approved = state == S.APPROVED
        plans.append(
            CarePlan(
                site=site,
                person_id=assessment.person_id,
                assessment=assessment,
                status=state,
                written_by=officer,
                start_date=start,
                person_views="Synthetic views for load testing.",
                route=CarePlan.Route.SIGN_OFF if state != S.DRAFT else "",
                submitted_by=officer if state != S.DRAFT else None,
                submitted_at=now if state != S.DRAFT else None,
                needs_panel_since=now - timedelta(days=rng.randint(0, 30))
                if state == S.AWAITING_PANEL
                else None,
                approved_at=now if approved else None,
            )
        )
    CarePlan.objects.bulk_create(plans, batch_size=INSERT_BATCH)
    for plan in plans:
        served = outcomes_by.get(plan.assessment_id, [])
        flexible = plan.status == S.AWAITING_PANEL
        for position, (kind, text, cost, times) in enumerate(
            rng.sample(RESPONSES, rng.randint(1, 3)), start=1
        ):
            if flexible and position == 1:
                kind, text, cost, times = RESPONSES[3]
            replaced = rng.choice(catalogue) if kind != Response.Kind.INFORMAL else None
            response = Response(
                site=site,
                plan=plan,
                description=text,
                kind=kind,
                origin=Response.Origin.ASKED_FOR
                if kind != Response.Kind.STANDARD
                else Response.Origin.SERVICE_LED,
                replaces=replaced,
                replaced_weekly_cost=replaced.typical_weekly_cost if replaced else 0,
                times=times,
                period=Response.Period.WEEK,
                unit_cost=Decimal(cost),
                position=position,
            )
            responses.append(response)
            links.extend((response, outcome) for outcome in served[:2])
        if plan.status == S.APPROVED:
            due = today + timedelta(days=rng.randint(-30, 120))
            reviews.append(
                Review(site=site, plan=plan, kind=Review.Kind.FIRST, due_date=due)
            )
            if rng.random() < 1 / 3:
                done = Review(
                    site=site,
                    plan=plan,
                    kind=Review.Kind.FIRST,
                    due_date=due - relativedelta(years=1),
                    status=Review.Status.COMPLETED,
                    result=Review.Result.NO_CHANGE,
                    completed_by=plan.written_by,
                    completed_at=now,
                )
                reviews.append(done)
                ratings.extend((done, outcome) for outcome in served)
    Response.objects.bulk_create(responses, batch_size=INSERT_BATCH)
    ResponseOutcome.objects.bulk_create(
        (ResponseOutcome(site=site, response=r, desired_outcome=o) for r, o in links),
        batch_size=INSERT_BATCH,
    )
    Review.objects.bulk_create(reviews, batch_size=INSERT_BATCH)
    choices = [r.value for r in OutcomeReview.Rating]
    OutcomeReview.objects.bulk_create(
        (
            OutcomeReview(
                site=site, review=r, desired_outcome=o, rating=rng.choice(choices)
            )
            for r, o in ratings
        ),
        batch_size=INSERT_BATCH,
    )
    return len(plans), len(reviews)


def seed_scale(options, progress):
    """Plans for completed assessments at each synthetic site."""
    rng = random.Random(options["seed"] + 4)  # noqa: S311 - synthetic data
    today, now = timezone.localdate(), timezone.now()
    for site in options["sites"]:
        _policy_and_limits(site)
        catalogue = list(StandardService.objects.filter(site=site))
        planned = CarePlan.objects.filter(site=site).values("assessment_id")
        todo = list(
            Assessment.objects.filter(
                site=site,
                status=Assessment.Status.COMPLETED,
                kind=Assessment.Kind.NEEDS,
            )
            .exclude(pk__in=planned)
            .order_by("pk")
        )
        # Chosen by id, not by a random draw, so a repeated run adds no more plans.
        todo = [a for a in todo if a.pk % 10 < PLANNED_SHARE * 10]
        made = reviewed = 0
        for start in range(0, len(todo), BATCH):
            with transaction.atomic():
                plans, reviews = _plans(
                    rng, site, todo[start : start + BATCH], catalogue, today, now
                )
            made += plans
            reviewed += reviews
            progress(f"plans: {site.slug} +{made} plans, +{reviewed} reviews")
    progress("plans: done")

    seed_programme_scale(options, progress)
