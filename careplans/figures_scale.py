"""Bulk synthetic programme data for the programme benchmarks (``seed_scale``).

Runs at the end of ``careplans/scale.py``: one collaborative programme across the
synthetic sites, coordinated by ``<prefix>programme-coordinator``, with about a fifth
of each site's people with an approved plan as programme cases; their plans'
approval dates spread over the last 18 months, some through panel; things wanted
but not arranged; delivery recorded at completed reviews; a schedule; and a
collaborative meeting with 20 approved case studies and open action points (the
20-case-study meeting pack). Bulk inserts, no audit or history: benchmark data only.
"""

import random
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sites.permissions import PROGRAMME_COORDINATOR
from sites.programmes import (
    CollaborativeMeeting,
    LearningPoint,
    Milestone,
    Programme,
    ProgrammeMembership,
    ProgrammeSite,
)

from .models import CarePlan, PlanDecision, Response, Review
from .programme import (
    Barrier,
    MeetingCaseStudy,
    ProgrammeCase,
    PublishedCaseStudy,
    ResponseDelivery,
    UnmetWant,
)

CASE_SHARE = 2  # one approved plan in 2 is a programme case
MONTHS = 18
CASE_STUDIES = 20
BATCH = 1000


def _programme(options, sites, today):
    prefix = options["prefix"]
    User = get_user_model()
    coordinator, _ = User.objects.get_or_create(
        username=f"{prefix}programme-coordinator",
        defaults={"first_name": "Programme", "last_name": "Coordinator"},
    )
    if not coordinator.has_usable_password() or not coordinator.password:
        coordinator.set_password(options["password"])
        coordinator.save(update_fields=["password"])
    programme, created = Programme.objects.get_or_create(
        slug=f"{prefix}programme",
        defaults={
            "title": "Synthetic programme for benchmarks",
            "improvement_focus": "Synthetic.",
            "aim": "Synthetic.",
            "focus_group": "Synthetic people over 85.",
            "start_date": today - relativedelta(months=MONTHS),
            "status": Programme.Status.COLLECTING,
            "created_by": coordinator,
        },
    )
    ProgrammeMembership.objects.get_or_create(
        programme=programme, user=coordinator, role=PROGRAMME_COORDINATOR
    )
    for site in sites:
        ProgrammeSite.objects.get_or_create(
            programme=programme, site=site, defaults={"team_name": "Synthetic team"}
        )
    return programme, coordinator, created


def _site_cases(rng, programme, site, coordinator, start, today):
    plans = list(
        CarePlan.objects.filter(site=site, status=CarePlan.Status.APPROVED)
        .exclude(person__programme_cases__programme=programme)
        .order_by("pk")
        .only("pk", "person_id", "assessment_id", "written_by_id", "site_id")
    )
    plans = [p for p in plans if p.pk % CASE_SHARE == 0]
    days = (today - start).days
    cases, decisions, wants, deliveries = [], [], [], []
    for plan in plans:
        approved = start + timedelta(days=rng.randint(0, days))
        plan.approved_at = plan.submitted_at = _aware(approved)
        if rng.random() < 0.2:
            plan.needs_panel_since = plan.approved_at - timedelta(
                days=rng.randint(2, 40)
            )
            plan.route = CarePlan.Route.PANEL
            decisions.append(
                PlanDecision(
                    site=site,
                    plan=plan,
                    kind=PlanDecision.Kind.APPROVED_BY_PANEL,
                    by=coordinator,
                )
            )
        cases.append(
            ProgrammeCase(
                site=site,
                programme=programme,
                person_id=plan.person_id,
                assessment_id=plan.assessment_id,
                decided_by_id=plan.written_by_id,
                decided_at=plan.approved_at,
                first_contact_on=approved - timedelta(days=21),
                consent=ProgrammeCase.Consent.GIVEN,
            )
        )
        for _ in range(rng.choice((0, 0, 1, 2))):
            wants.append(
                UnmetWant(
                    site=site,
                    plan=plan,
                    what_wanted="Something not available (synthetic)",
                    barrier=rng.choice(Barrier.values),
                )
            )
    CarePlan.objects.bulk_update(
        plans,
        ["approved_at", "submitted_at", "needs_panel_since", "route"],
        batch_size=BATCH,
    )
    ProgrammeCase.objects.bulk_create(cases, batch_size=BATCH)
    made = PlanDecision.objects.bulk_create(decisions, batch_size=BATCH)
    for decision in made:  # decided when the plan was approved
        decision.created_at = decision.plan.approved_at
    PlanDecision.objects.bulk_update(made, ["created_at"], batch_size=BATCH)
    UnmetWant.objects.bulk_create(wants, batch_size=BATCH)
    made_wants = UnmetWant.objects.filter(site=site, plan__in=plans)
    for want in made_wants:
        want.created_at = rng.choice(plans).approved_at
    UnmetWant.objects.bulk_update(list(made_wants), ["created_at"], batch_size=BATCH)

    # Reviews already completed: dated after the approval, each response delivered.
    reviews = list(
        Review.objects.filter(
            site=site, plan__in=plans, status=Review.Status.COMPLETED
        ).select_related("plan")
    )
    for review in reviews:
        review.completed_at = min(
            review.plan.approved_at + timedelta(days=rng.randint(42, 120)),
            _aware(today),
        )
    Review.objects.bulk_update(reviews, ["completed_at"], batch_size=BATCH)
    by_plan = {}
    for response in Response.objects.filter(site=site, plan__in=plans).only(
        "pk", "plan_id"
    ):
        by_plan.setdefault(response.plan_id, []).append(response)
    D = ResponseDelivery.Delivered
    for review in reviews:
        for response in by_plan.get(review.plan_id, []):
            delivered = rng.choices(
                [D.AS_PLANNED, D.PARTLY, D.NOT_DELIVERED, D.STOPPED], [6, 2, 1, 1]
            )[0]
            deliveries.append(
                ResponseDelivery(
                    site=site,
                    review=review,
                    response=response,
                    delivered=delivered,
                    barrier="" if delivered == D.AS_PLANNED else Barrier.PROVIDER,
                )
            )
    ResponseDelivery.objects.bulk_create(deliveries, batch_size=BATCH)
    return len(cases)


def _aware(day):
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def _meeting(rng, programme, sites, coordinator, today):
    S = Milestone.Status
    Milestone.objects.bulk_create(
        Milestone(
            programme=programme,
            phase="during",
            title=f"Synthetic milestone {n}",
            due_date=programme.start_date + relativedelta(months=n),
            owner_role="everyone",
            status=S.DONE if n < 12 else S.PLANNED,
            done_on=programme.start_date + relativedelta(months=n) if n < 12 else None,
        )
        for n in range(1, 16)
    )
    meeting = CollaborativeMeeting.objects.create(
        programme=programme,
        title="Synthetic collaborative meeting",
        held_on=today,
        agenda="1. Welcome\n2. Case studies\n3. Figures\n4. Actions",
        created_by=coordinator,
    )
    sections = {
        "situation": "A synthetic situation. " * 30,
        "usual_offer": "The usual synthetic offer. " * 10,
        "what_they_wanted": "What they wanted, in their words. " * 15,
        "what_was_arranged": "What was arranged, and whose idea. " * 20,
        "panel": "The panel approved it. " * 5,
        "outcomes": "Outcomes at review. " * 15,
        "cost": "A small increase in cost. " * 5,
        "barriers": "None. " * 5,
        "learning": "What the sites learnt. " * 20,
    }
    studies = PublishedCaseStudy.objects.bulk_create(
        PublishedCaseStudy(
            programme=programme,
            site=sites[n % len(sites)],
            pseudonym=f"Person {n + 1}",
            age_band="85 to 89",
            sections=sections,
            figures={"weekly_difference": "+£26.50", "responses": 3},
            approved_on=today - timedelta(days=n),
        )
        for n in range(CASE_STUDIES)
    )
    MeetingCaseStudy.objects.bulk_create(
        MeetingCaseStudy(meeting=meeting, case_study=study, position=n)
        for n, study in enumerate(studies, start=1)
    )
    LearningPoint.objects.bulk_create(
        LearningPoint(
            programme=programme,
            meeting=meeting,
            learning_point=f"Synthetic learning point {n}",
            action_point=f"Synthetic action {n}",
            responsible=coordinator,
            implement_by=today + timedelta(days=7 * n),
            created_by=coordinator,
        )
        for n in range(1, 11)
    )


def seed_programme_scale(options, progress):
    """The synthetic programme, its cases and a 20-case-study meeting."""
    rng = random.Random(options["seed"] + 9)  # noqa: S311 - synthetic data
    today = timezone.localdate()
    sites = options["sites"]
    programme, coordinator, created = _programme(options, sites, today)
    total = 0
    for site in sites:
        with transaction.atomic():
            total += _site_cases(
                rng, programme, site, coordinator, programme.start_date, today
            )
        progress(f"programme: {site.slug} {total} programme cases so far")
    if created:
        _meeting(rng, programme, sites, coordinator, today)
    progress("programme: done")
