"""Demo plans: the Evans plan waiting for panel, and an all-standard plan signed off by
a team manager at each site. Fictional people only."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments import services as assessment_services
from assessments.demo import fill_assessment
from assessments.domains import UnableReason, WellbeingImpactLevel
from assessments.models import Assessment, DesiredOutcome, Person, StandardService
from sites.models import Site
from sites.permissions import Role

from . import services
from .carer_plan_demo import seed_carer_plans_and_money
from .demo_dates import place_standard_plan
from .models import CarePlan, DelegatedLimit, Response, ReviewPolicy

LIMITS = [
    (Role.TEAM_MANAGER, "300.00", date(2025, 4, 1), "Set by the director, 2025/26."),
    (Role.TEAM_MANAGER, "350.00", date(2026, 4, 1), "Raised for 2026/27."),
    (Role.SENIOR_MANAGER, "700.00", date(2025, 4, 1), ""),
]

STANDARD_PLAN_PEOPLE = {
    "northshire": ("9990007535", "olivia", "tom"),  # Arthur Pennington
    "riverside": ("9990013152", "rory", "ruth"),  # Fatima Begum
    "valley": ("9990015481", "vera", "victor"),  # Ivor Jenkins
}


def _limits(site, admin):
    ReviewPolicy.objects.get_or_create(site=site, defaults={"first_review_weeks": 8})
    if DelegatedLimit.objects.filter(site=site).exists():
        return
    for role, amount, start, notes in LIMITS:
        services.set_delegated_limit(
            site=site,
            role=role,
            weekly_limit=Decimal(amount),
            effective_from=start,
            by=admin,
            notes=notes,
            backdate_reason="The council's limits from that date, loaded with the "
            "demo data.",
            confirm_backdate=True,
        )


def _outcome(assessment, starts):
    return DesiredOutcome.objects.get(
        assessment=assessment, in_own_words__startswith=starts
    )


def _evans(site, olivia):
    mrs = Person.objects.get(site=site, nhs_number="9990004110")
    if CarePlan.objects.filter(person=mrs).exists():
        return
    hers = Assessment.objects.get(person=mrs, kind=Assessment.Kind.NEEDS)
    his = Assessment.objects.get(kind=Assessment.Kind.CARER, cared_for=mrs)
    meals = StandardService.objects.get(site=site, name="Community meals")
    plan = services.create_plan(
        person=mrs, assessment=hers, carer_assessment=his, by=olivia
    )
    plan = services.update_plan(
        plan,
        by=olivia,
        expected_version=plan.version,
        start_date=timezone.localdate() + timedelta(days=14),
        person_views="Mrs Evans: “This is what we wanted — getting out together and not "
        "worrying about the cooking.” Mr Evans: “I'd like to learn to do a few simple "
        "meals myself.”",
        officer_recommendation="Community meals would meet the nutrition need but not "
        "what matters to them: time together at mealtimes, and relief for Mr Evans. "
        "This plan replaces community meals for both with transport to lunch out twice "
        "a week and a weekly takeaway, and adds support for Mr Evans with shopping and "
        "cooking. It costs a little more than community meals; I recommend approval.",
        prevention_advice="Falls prevention class at the leisure centre (free). A "
        "dietitian's leaflet on eating well after a fall. Mr Evans's GP to be told of "
        "his weight loss.",
        contingency_plan="If Mr Evans is ill, their daughter will arrange meals; "
        "community meals can start within two days (call the duty team).",
        direct_payment_notes="Paid monthly to Mr Evans's direct-payment account for his "
        "personal assistant.",
        direct_payment_agreed_on=timezone.localdate() - timedelta(days=65),
    )
    enjoy = _outcome(hers, "I want to enjoy mealtimes")
    lunch_out = _outcome(hers, "We'd like to get out for lunch")
    quality = _outcome(his, "I'd like us to have quality time")
    cook = _outcome(his, "Learn to cook")
    services.save_response(
        plan,
        by=olivia,
        outcomes=[lunch_out, enjoy, quality],
        description="Dial-a-ride twice a week to lunch at a café, pub or restaurant "
        "they choose",
        kind=Response.Kind.COMMUNITY,
        origin=Response.Origin.ASKED_FOR,
        replaces=meals,
        replaced_weekly_cost=meals.typical_weekly_cost,
        provider="Northshire Dial-a-Ride",
        times=2,
        period=Response.Period.WEEK,
        unit_cost=Decimal("9.00"),
    )
    services.save_response(
        plan,
        by=olivia,
        outcomes=[cook, quality],
        description="Support for Mr Evans with shopping and cooking simple meals",
        kind=Response.Kind.FLEXIBLE,
        origin=Response.Origin.ASKED_FOR,
        replaces=None,
        replaced_weekly_cost=Decimal("0.00"),
        provider="Personal assistant, employed through a direct payment",
        times=3,
        period=Response.Period.WEEK,
        unit_cost=Decimal("20.50"),
        paid_by_direct_payment=True,
    )
    services.save_response(
        plan,
        by=olivia,
        outcomes=[enjoy, quality],
        description="A takeaway of their favourite Chinese food delivered once a week",
        kind=Response.Kind.FLEXIBLE,
        origin=Response.Origin.ASKED_FOR,
        replaces=meals,
        replaced_weekly_cost=meals.typical_weekly_cost,
        provider="Golden Dragon, Northbury",
        times=1,
        period=Response.Period.WEEK,
        unit_cost=Decimal("24.00"),
    )
    services.submit_plan(plan, by=olivia)


def quick_assessment(person, officer, *, what_matters, unable, needs, outcomes):
    """A completed needs assessment for a demo person, through the services."""
    assessment = person.assessments.filter(status=Assessment.Status.DRAFT).first()
    if assessment is None:
        assessment = assessment_services.start_assessment(
            person=person, kind=Assessment.Kind.NEEDS, by=officer
        )
    assessment = fill_assessment(
        assessment,
        by=officer,
        texts={
            "involved": "The person and their assessing officer, at home.",
            "what_matters": what_matters,
            "strengths": "A good neighbour checks in daily.",
        },
        condition=True,
        unable={d: ([UnableReason.NEEDS_ASSISTANCE], why) for d, why in unable.items()},
        wellbeing={"dignity": (WellbeingImpactLevel.SIGNIFICANT, "")},
        needs=needs,
        outcomes=[
            (
                words,
                DesiredOutcome.ExpressedBy.PERSON,
                DesiredOutcome.Category.QUALITY_OF_LIFE,
                priority,
            )
            for words, priority in outcomes
        ],
    )
    return assessment_services.complete_assessment(assessment, by=officer)


def _standard_plan(site, nhs_number, officer, manager):
    person = Person.objects.get(site=site, nhs_number=nhs_number)
    if CarePlan.objects.filter(person=person).exists():
        return
    home_care = StandardService.objects.get(site=site, name="Home care")
    alarm = StandardService.objects.get(site=site, name="Telecare alarm")
    assessment = quick_assessment(
        person,
        officer,
        what_matters="“I want to stay in my own home and be washed and dressed by the "
        "time the day centre bus comes.”",
        unable={
            "hygiene": "Cannot wash without help.",
            "clothed": "Cannot dress without help.",
        },
        needs=[
            (
                "Help each morning with washing and dressing.",
                ["hygiene", "clothed"],
                home_care,
            )
        ],
        outcomes=[
            ("To be washed and dressed and ready for the day by nine.", 1),
            ("To know someone will come if I fall.", 2),
        ],
    )
    ready, safe = assessment.desired_outcomes.order_by("position")
    plan = services.create_plan(person=person, assessment=assessment, by=officer)
    plan = services.update_plan(
        plan,
        by=officer,
        expected_version=plan.version,
        start_date=timezone.localdate() - timedelta(days=50),
        person_views="“That suits me fine.”",
        contingency_plan="The home care agency covers staff absence.",
    )
    services.save_response(
        plan,
        by=officer,
        outcomes=[ready],
        description="Home care each morning: help with washing and dressing",
        kind=Response.Kind.STANDARD,
        origin=Response.Origin.SERVICE_LED,
        replaces=home_care,
        replaced_weekly_cost=home_care.typical_weekly_cost,
        provider="Brightday Home Care",
        times=7,
        period=Response.Period.WEEK,
        unit_cost=Decimal("24.00"),
    )
    services.save_response(
        plan,
        by=officer,
        outcomes=[safe],
        description="Telecare pendant alarm",
        kind=Response.Kind.STANDARD,
        origin=Response.Origin.ASKED_FOR,
        replaces=alarm,
        replaced_weekly_cost=alarm.typical_weekly_cost,
        provider="Council telecare service",
        times=1,
        period=Response.Period.WEEK,
        unit_cost=Decimal("4.50"),
    )
    services.submit_plan(plan, by=officer)
    services.sign_off_plan(plan, by=manager, note="Standard services within limit.")
    place_standard_plan(plan)


def _bryce(site, olivia):
    """Walter Bryce's plan (issue 12): its PDF prints who to contact (GP, Helen, the
    memory service, his advocate and attorneys, the duty line), the risks with his
    own view, and comes in large print, as he prefers."""
    walter = Person.objects.filter(site=site, nhs_number="9990017018").first()
    if walter is None or CarePlan.objects.filter(person=walter).exists():
        return
    assessment = Assessment.objects.get(person=walter, kind=Assessment.Kind.NEEDS)
    meals = StandardService.objects.get(site=site, name="Community meals")
    plan = services.create_plan(person=walter, assessment=assessment, by=olivia)
    plan = services.update_plan(
        plan,
        by=olivia,
        expected_version=plan.version,
        start_date=timezone.localdate() + timedelta(days=7),
        person_views="Walter: “As long as I'm still the one cooking.” Helen: “This "
        "means I can stay at work without worrying about the gas.”",
        officer_recommendation="Walter lacks capacity to decide about help at home "
        "(assessment and best-interests decision on his record). A carer who cooks "
        "with him keeps him cooking and safe; community meals would take away what "
        "matters most to him.",
        contingency_plan="If the carer cannot come, the agency rings Helen and sends "
        "another carer; if nobody can come, the duty team arranges a hot meal. If "
        "Walter is not home by 11am, Helen checks his watch's location and rings the "
        "newsagent. The gas valve cuts off after 30 minutes whatever happens.",
    )
    keep_cooking = assessment.desired_outcomes.get(in_own_words__startswith="I want")
    walking = assessment.desired_outcomes.get(in_own_words__startswith="Keep walking")
    services.save_response(
        plan,
        by=olivia,
        outcomes=[keep_cooking],
        description="A carer at teatime on weekdays, the same person each day, who "
        "cooks with Walter rather than for him",
        kind=Response.Kind.FLEXIBLE,
        origin=Response.Origin.ASKED_FOR,
        replaces=meals,
        replaced_weekly_cost=meals.typical_weekly_cost,
        provider="Brightday Home Care",
        times=5,
        period=Response.Period.WEEK,
        unit_cost=Decimal("19.50"),
    )
    services.save_response(
        plan,
        by=olivia,
        outcomes=[walking],
        description="A watch that shows Helen where he is when he is out walking",
        kind=Response.Kind.EQUIPMENT,
        origin=Response.Origin.ASKED_FOR,
        replaces=None,
        replaced_weekly_cost=Decimal("0.00"),
        provider="Council telecare service",
        times=1,
        period=Response.Period.WEEK,
        unit_cost=Decimal("3.50"),
    )
    services.submit_plan(plan, by=olivia)


def seed_demo(stdout):
    users = {u.username: u for u in get_user_model().objects.all()}
    for site in Site.objects.filter(slug__in=STANDARD_PLAN_PEOPLE):
        _limits(site, users["admin"])
        if site.slug == "northshire":
            _evans(site, users["olivia"])
            _bryce(site, users["olivia"])
            # Issue 12 items 6 and 7: a carer's own plan, and what Mrs Evans pays.

            seed_carer_plans_and_money(site, users)
        nhs, officer, manager = STANDARD_PLAN_PEOPLE[site.slug]
        _standard_plan(site, nhs, users[officer], users[manager])
    stdout.write(f"Demo plans: {CarePlan.objects.count()}.")
