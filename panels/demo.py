"""Northshire's panel: a closed meeting that approved the Evans plan with a condition
and deferred another, a later review of the Evans plan, and the next meeting with one
item on its agenda. Fictional people only.

The services run with today's clock; afterwards ``_backdate`` moves the timestamps
into the past so the demo tells a story in time (demo data only: real records are
never backdated).
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments.models import Person, StandardService
from careplans import services as plan_services
from careplans.demo import quick_assessment
from careplans.demo_dates import tell_in_time
from careplans.models import CarePlan, OutcomeReview, Response, Review
from sites.models import Site

from . import services
from .letters_demo import seed_evans_letters
from .models import Decision, Panel, PanelMeeting, PanelMember

TERMS = (
    "The panel signs off large or unusual care and support plans: any plan with a "
    "non-standard funded response, or above every delegated limit. It does not amend "
    "professional assessments or micro-manage planning, and it is not there purely for "
    "financial reasons (Care and Support Statutory Guidance, para 10.85). The presenting "
    "officer attends; the person's own views are always in front of the panel. Every "
    "decision is given with written reasons."
)


def _panel_plan(site, officer, nhs, *, what_matters, unable, needs, outcomes, response):
    person = Person.objects.get(site=site, nhs_number=nhs)
    assessment = quick_assessment(
        person,
        officer,
        what_matters=what_matters,
        unable=unable,
        needs=needs,
        outcomes=outcomes,
    )
    plan = plan_services.create_plan(person=person, assessment=assessment, by=officer)
    plan = plan_services.update_plan(
        plan,
        by=officer,
        expected_version=plan.version,
        start_date=timezone.localdate() + timedelta(days=21),
        contingency_plan="If a visit cannot happen, the provider rings the person and "
        "the duty team arranges cover the same day.",
        person_views=response.pop("views"),
        officer_recommendation=response.pop("recommendation"),
    )
    plan_services.save_response(
        plan, by=officer, outcomes=list(assessment.desired_outcomes.all()), **response
    )
    return plan_services.submit_plan(plan, by=officer)


def _ten_am(days_from_today):
    day = timezone.localdate() + timedelta(days=days_from_today)
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _backdate(meeting, days_ago, decisions, *, waited):
    then = _ten_am(-days_ago)
    PanelMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=then, opened_at=then, closed_at=then + timedelta(hours=2)
    )
    for decision, days in zip(decisions, waited, strict=True):
        Decision.objects.filter(pk=decision.pk).update(
            created_at=then + timedelta(hours=1),
            decided_on=then.date(),
            days_waiting=days,
        )
        if decision.review_by:
            Decision.objects.filter(pk=decision.pk).update(
                review_by=then.date() + timedelta(weeks=8)
            )
        CarePlan.objects.filter(pk=decision.item.plan_id).update(
            needs_panel_since=then - timedelta(days=days)
        )


def seed_demo(stdout):
    site = Site.objects.filter(slug="northshire").first()
    if site is None or Panel.objects.filter(site=site).exists():
        return
    users = {u.username: u for u in get_user_model().objects.all()}
    priya, tom, olivia = users["priya"], users["tom"], users["olivia"]
    panel = Panel.objects.create(
        site=site,
        name="Adult Social Care Funding Panel",
        chair=priya,
        quorum=2,
        terms_of_reference=TERMS,
    )
    PanelMember.objects.create(site=site, panel=panel, user=tom, brings="Team manager")

    evans = CarePlan.objects.get(site=site, person__nhs_number="9990004110")
    day_centre = StandardService.objects.get(site=site, name="Day centre place")
    dorothy = _panel_plan(
        site,
        olivia,
        "9990011508",
        what_matters="“I miss my church choir. I don't want to sit in a day centre.”",
        unable={
            "community": "Cannot get to church without a lift.",
            "relationships": "Has lost touch with friends from the choir.",
        },
        needs=[
            (
                "Isolated at home since she stopped driving.",
                ["community", "relationships"],
                day_centre,
            )
        ],
        outcomes=[("To sing with my choir again on Wednesday evenings.", 1)],
        response={
            "description": "Taxi to and from choir practice each Wednesday",
            "kind": Response.Kind.FLEXIBLE,
            "origin": Response.Origin.ASKED_FOR,
            "replaces": day_centre,
            "replaced_weekly_cost": day_centre.typical_weekly_cost,
            "provider": "Northbury Cars",
            "times": 1,
            "period": Response.Period.WEEK,
            "unit_cost": Decimal("28.00"),
            "views": "“Choir is what keeps me going.”",
            "recommendation": "A taxi to choir meets her isolation need at less than a "
            "day centre place.",
        },
    )
    colin = _panel_plan(
        site,
        olivia,
        "9990010412",
        what_matters="“I want to go to the match on Saturdays like I always did.”",
        unable={
            "community": "Cannot use public transport since his stroke.",
            "relationships": "Sees his friends only at the football.",
        },
        needs=[
            (
                "Cannot get out to the places that matter to him.",
                ["community", "relationships"],
                day_centre,
            )
        ],
        outcomes=[("Go to home games with my mates again.", 1)],
        response={
            "description": "A personal assistant to go with him to home games",
            "kind": Response.Kind.FLEXIBLE,
            "origin": Response.Origin.ASKED_FOR,
            "replaces": day_centre,
            "replaced_weekly_cost": day_centre.typical_weekly_cost,
            "provider": "Personal assistant (direct payment)",
            "times": 4,
            "period": Response.Period.MONTH,
            "unit_cost": Decimal("45.00"),
            "paid_by_direct_payment": True,
            "views": "“I'd be made up.”",
            "recommendation": "Cheaper than the day centre he does not want.",
        },
    )

    # The last meeting: Evans approved with a condition; Dorothy deferred.
    past = services.schedule_meeting(
        panel=panel, starts_at=_ten_am(0), place="Room 2, County Hall", by=priya
    )
    evans_item = services.add_item(
        meeting=past,
        plan=evans,
        by=priya,
        question="Will the panel fund dial-a-ride to lunch twice a week, a weekly "
        "takeaway and support for Mr Evans with shopping and cooking, in place of "
        "community meals for both of them?",
    )
    dorothy_item = services.add_item(
        meeting=past,
        plan=dorothy,
        by=priya,
        question="Will the panel fund a weekly taxi to choir practice in place of a "
        "day centre place?",
    )
    services.open_meeting(past, by=priya, present=[priya, tom, olivia])
    approved = services.record_decision(
        evans_item,
        by=priya,
        outcome=Decision.Outcome.APPROVED_WITH_CONDITIONS,
        rationale="The plan meets the eligible needs of both Mr and Mrs Evans in the "
        "way they asked for, reduces the risk of malnutrition and relieves Mr Evans's "
        "stress, for a small increase over community meals.",
        conditions="Review in 8 weeks whether they are eating well and whether the "
        "support for Mr Evans is still needed at three hours a week.",
        authorised_weekly=Decimal("103.50"),
        review_by=timezone.localdate() + timedelta(weeks=8),
    )
    deferred = services.record_decision(
        dorothy_item,
        by=priya,
        outcome=Decision.Outcome.DEFERRED,
        rationale="The panel supports the idea but needs to know whether the choir "
        "or church could help with transport first, and the taxi firm's quote.",
    )
    services.close_meeting(past, by=priya)
    _backdate(past, 70, [approved, deferred], waited=[9, 12])
    services.record_person_told(approved, by=olivia, told_on=timezone.localdate())
    Decision.objects.filter(pk=approved.pk).update(
        person_told_on=timezone.localdate() - timedelta(days=68)
    )

    # The plan started a week after panel; its first review has rated the outcomes.
    CarePlan.objects.filter(pk=evans.pk).update(
        start_date=timezone.localdate() - timedelta(days=63),
        approved_at=timezone.now() - timedelta(days=70),
    )
    # The Evans story (and Dorothy's) up to here, in the order it happened.
    tell_in_time(site)
    review = Review.objects.get(plan=evans, kind=Review.Kind.FIRST)
    Review.objects.filter(pk=review.pk).update(
        due_date=timezone.localdate() - timedelta(days=7)
    )
    plan_services.start_review(review, by=olivia)
    ratings = {}
    for outcome in plan_services.plan_outcomes(evans):
        words = outcome.in_own_words
        if words.startswith("Learn to cook"):
            ratings[outcome] = (
                OutcomeReview.Rating.PARTIALLY,
                "“I can do a few things now.”",
            )
        elif not words.startswith("To feel safe"):
            ratings[outcome] = (OutcomeReview.Rating.FULLY, "")
    plan_services.complete_review(
        review,
        by=olivia,
        ratings=ratings,
        result=Review.Result.NO_CHANGE,
        person_view="“We look forward to Thursdays again, and Dennis is less tired.”",
        notes="Both eating better; Mrs Evans has regained some weight.",
    )

    seed_evans_letters(approved, review, by=olivia)

    # The next meeting, in ten days, with one item on its agenda.
    upcoming = services.schedule_meeting(
        panel=panel,
        starts_at=_ten_am(10),
        place="Room 2, County Hall",
        by=priya,
    )
    services.add_item(
        meeting=upcoming,
        plan=colin,
        by=priya,
        question="Will the panel fund a personal assistant to take Mr Marsh to home "
        "games, in place of a day centre place?",
    )
    stdout.write("Demo panel: one closed meeting, one scheduled.")
