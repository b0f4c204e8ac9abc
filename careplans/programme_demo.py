"""Demo programme casework: Mr and Mrs Evans a programme case with their case study
approved for sharing, an approved case study at each other site, and 20-24 programme
cases a site over the months of data collection, with what people wanted but could not
have and what was delivered. Fictional people only.

Runs after every app's ``demo.py`` (``seed_demo`` runs ``programme_demo`` modules last),
because it reads the Evans plan as the panels demo leaves it: approved and reviewed.
Safe to repeat: a site that already has programme cases is left alone.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments.models import Assessment, Person, StandardService
from sites.demo import demo_password
from sites.models import Membership, ProgrammeSite, Site
from sites.permissions import PROGRAMME_COORDINATOR, Role
from sites.programmes import Programme, ProgrammeMembership
from sites.workflow import transition

from . import programme_services as ps
from . import services
from .demo import quick_assessment
from .models import CarePlan, OutcomeReview, Response, Review
from .programme import (
    Barrier,
    CaseStudy,
    ProgrammeCase,
    ResponseDelivery,
    UnmetWant,
)

TITLE = "Outcomes-focused assessment for people over 85 living at home"
SLUG = "over-85s"
MONTHS = 7  # of data collection so far
CASES = {"northshire": 24, "riverside": 22, "valley": 20}
# Staff for the programme at each site (the same accounts as the programme set-up's
# demo, sites/programme_demo.py), made only where that set-up has named nobody.
ROLES = {
    "northshire": (
        ("aisha", None),
        ("nadia", ("Nadia", "Brooks", Role.SITE_COORDINATOR)),
    ),
    "riverside": (
        ("rafael", ("Rafael", "Moreno", Role.ADVISOR)),
        ("rose", ("Rose", "Adeyemi", Role.SITE_COORDINATOR)),
    ),
    "valley": (
        ("wendy", ("Wendy", "Marsh", Role.ADVISOR)),
        ("yusuf", ("Yusuf", "Ali", Role.SITE_COORDINATOR)),
    ),
}
OFFICERS = {
    "northshire": ("olivia", "tom"),
    "riverside": ("rory", "ruth"),
    "valley": ("vera", "victor"),
}

GIVEN = ["Agnes", "Bernard", "Cora", "Desmond", "Edna", "Frank", "Gladys", "Harold"]
GIVEN += ["Ivy", "Jack", "Kathleen", "Leonard", "Mabel", "Norman", "Olive", "Percy"]
FAMILY = ["Ashdown", "Blackwood", "Carrow", "Dunmore", "Ellery", "Fenwick", "Garside"]
FAMILY += [
    "Holbrook",
    "Ingleby",
    "Jessop",
    "Kirkham",
    "Lowther",
    "Marsden",
    "Nettleton",
]

# What people said they wanted, what would usually be offered, and what was arranged.
STORIES = [
    (
        "I want to get to the lunch club on Tuesdays like before.",
        "Day centre place",
        ("Volunteer driver to the lunch club on Tuesdays", "community", "asked_for"),
    ),
    (
        "To have a bath, not a strip wash.",
        "Home care",
        ("Bath lift fitted and a weekly bath with support", "equipment", "asked_for"),
    ),
    (
        "I'd like to keep my garden going.",
        "Home care",
        ("Gardening help from a local group, fortnightly", "community", "asked_for"),
    ),
    (
        "To eat properly without a van turning up.",
        "Community meals",
        ("Help to shop and cook twice a week", "flexible", "asked_for"),
    ),
    (
        "To feel safe at night.",
        "Telecare alarm",
        ("Telecare pendant alarm", "standard", "service_led"),
    ),
    (
        "To be washed and dressed by nine.",
        "Home care",
        ("Home care each morning", "standard", "service_led"),
    ),
]
UNMET = [
    ("A swim at the leisure centre each week", Barrier.PROVIDER),
    ("A personal assistant who speaks Welsh", Barrier.COMMISSIONING),
    ("Help in the evening, after eight", Barrier.PROVIDER),
    ("A direct payment to pay a neighbour", Barrier.POLICY),
    ("Transport to the allotment", Barrier.PANEL),
    ("To be asked, not told, what would help", Barrier.ATTITUDES),
    ("A carer's break at short notice", Barrier.ASSESSMENT),
]

EVANS_TEXT = {
    "pseudonym": "Mr and Mrs E",
    "situation": "An elderly couple living at home. Mrs E fell and now has restricted "
    "mobility. Mr E became her main carer; he had never cooked and was struggling with "
    "shopping and cooking for them both. The assessment found they were not eating well "
    "and might be at risk of malnutrition.",
    "usual_offer": "Community meals for both of them.",
    "what_they_wanted": "“Quality time together at mealtimes, without the stress of my "
    "cooking.” (Mr E) “We'd like to get out for lunch like we used to.” (Mrs E)",
    "what_was_arranged": "Dial-a-ride transport twice a week to lunch at a café, pub or "
    "restaurant of their choice (their idea). Support for Mr E with shopping and "
    "cooking simple meals, through a direct payment (his idea). Once a week, a takeaway "
    "of their favourite Chinese food (their idea).",
    "panel": "The plan went to the funding panel because it was not all standard "
    "services. The panel approved it with a condition: review within eight weeks.",
    "outcomes": "At the first review, both said mealtimes were a pleasure again and Mr "
    "E was less tired. Their nutrition outcomes were fully met; learning to cook was "
    "partly met.",
    "cost": "A small increase in funding: the plan costs a little more a week than "
    "community meals for two, the difference being the support for Mr E.",
    "barriers": "Attitudes and assumptions at first: community meals were the expected "
    "answer to a nutrition need. The takeaway needed the panel's agreement.",
    "learning": "Asking what people want, rather than naming a service, led to a plan "
    "that met the need and what mattered to them, for a small extra cost. Practitioners "
    "can record the standard offer and the alternative side by side for the panel.",
}


def _programme(carl):
    programme = Programme.objects.filter(title=TITLE).first()
    if programme is None:
        programme = Programme.objects.filter(slug=SLUG).first()
    start = (timezone.localdate() - relativedelta(months=MONTHS)).replace(day=1)
    if programme is None:
        programme = Programme.objects.create(
            slug=SLUG,
            title=TITLE,
            improvement_focus="An outcomes focus to assessment and care planning: "
            "record the responses people want, and consider flexible responses at "
            "panel.",
            aim="Develop an outcomes focus to assessment.",
            focus_group="People assessed who are over 85 and living at home.",
            focus_min_age=85,
            diversity_to_reflect="People with dementia; black and minority ethnic "
            "groups.",
            start_date=start,
            data_collection_months=12,
            status=Programme.Status.COLLECTING,
            created_by=carl,
        )
    if programme.status == Programme.Status.PLANNING:
        programme = transition(programme, Programme.WORKFLOW.start_collecting, by=carl)
    ProgrammeMembership.objects.get_or_create(
        programme=programme, user=carl, role=PROGRAMME_COORDINATOR
    )
    return programme


def _user(username, spec, site):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None and spec is not None:
        first, last, _ = spec
        user = User.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
        )
        user.set_password(demo_password())
        user.save()
    if spec is not None:
        Membership.objects.get_or_create(user=user, site=site, role=spec[2])
    return user


def _place(programme, site):
    place, _ = ProgrammeSite.objects.get_or_create(
        programme=programme,
        site=site,
        defaults={
            "team_name": "Older people's team",
            "joined_on": programme.start_date,
        },
    )
    (advisor_name, advisor_spec), (coord_name, coord_spec) = ROLES[site.slug]
    changes = {}
    if place.advisor_id is None:
        changes["advisor"] = _user(advisor_name, advisor_spec, site)
    if place.project_coordinator_id is None:
        changes["project_coordinator"] = _user(coord_name, coord_spec, site)
    if changes:
        ProgrammeSite.objects.filter(pk=place.pk).update(**changes)
        place.refresh_from_db()
    return place


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _backdate_case(case, plan, review, assessed, rng):
    """Dates that make sense: assessed, included two days later, plan approved in the
    second week and started in the third, reviewed eight weeks after the start."""
    Assessment.objects.filter(pk=case.assessment_id).update(
        assessment_date=assessed, completed_at=_at(assessed, 15)
    )
    included = assessed + timedelta(days=2)
    ProgrammeCase.objects.filter(pk=case.pk).update(
        decided_at=_at(included), first_contact_on=assessed
    )
    approved = assessed + timedelta(days=rng.randint(8, 13))
    start = assessed + timedelta(days=rng.randint(14, 20))
    # updated_at too, so the plans list (latest first) still opens on the demo's
    # own current work.
    CarePlan.objects.filter(pk=plan.pk).update(
        created_at=_at(assessed + timedelta(days=1)),
        start_date=start,
        submitted_at=_at(approved - timedelta(days=2)),
        approved_at=_at(approved),
        updated_at=_at(approved),
    )
    if review is not None:
        reviewed = start + timedelta(weeks=8)
        Review.objects.filter(pk=review.pk).update(
            due_date=reviewed, completed_at=_at(reviewed, 14)
        )
        # The next review, a year on.
        Review.objects.filter(plan=plan, status=Review.Status.SCHEDULED).update(
            due_date=reviewed + relativedelta(years=1)
        )
    else:
        Review.objects.filter(plan=plan, status=Review.Status.SCHEDULED).update(
            due_date=start + timedelta(weeks=8)
        )


def _one_case(site, programme, officer, manager, n, assessed, rng):
    story = STORIES[n % len(STORIES)]
    words, usual_name, (description, kind, origin) = story
    usual = StandardService.objects.filter(site=site, name=usual_name).first()
    age_days = rng.randint(85 * 366, 96 * 365)
    person = Person.objects.create(
        site=site,
        given_name=GIVEN[n % len(GIVEN)],
        family_name=FAMILY[(n * 5 + len(site.slug)) % len(FAMILY)],
        date_of_birth=assessed - timedelta(days=age_days),
        postcode="",
        # Not on the officer's own caseload ("My people"), which the demo keeps short.
        allocated_worker=None,
    )
    assessment = quick_assessment(
        person,
        officer,
        what_matters=f"“{words}”",
        unable={
            "nutrition": "Cannot manage meals without help.",
            "home_safely": "Unsteady on the stairs.",
        },
        needs=[("Help to stay well at home.", ["nutrition", "home_safely"], usual)],
        outcomes=[(words, 1)],
    )
    case = ps.include_in_programme(
        programme=programme, person=person, by=officer, living_at_home=True
    )
    plan = services.create_plan(person=person, assessment=assessment, by=officer)
    plan = services.update_plan(
        plan,
        by=officer,
        expected_version=plan.version,
        start_date=timezone.localdate(),
        contingency_plan=(
            "If support does not arrive, the family rings the duty team; a named "
            "neighbour checks in the same day."
        ),
    )
    outcomes = list(assessment.desired_outcomes.all())
    # Some people are offered the standard service, some get what they asked for.
    if rng.random() < 0.35:
        kind, origin = Response.Kind.STANDARD, Response.Origin.SERVICE_LED
        description = f"{usual_name} (the usual offer)"
    unit = Decimal(rng.choice(["8.50", "12.00", "15.50", "21.00", "26.00"]))
    services.save_response(
        plan,
        by=officer,
        outcomes=outcomes,
        description=description,
        kind=kind,
        origin=origin,
        replaces=usual,
        replaced_weekly_cost=usual.typical_weekly_cost if usual else Decimal("0.00"),
        times=rng.choice([1, 2, 3]),
        period=Response.Period.WEEK,
        unit_cost=unit,
    )
    if rng.random() < 0.4:
        what, barrier = UNMET[rng.randrange(len(UNMET))]
        UnmetWant.objects.create(
            site=site, plan=plan, what_wanted=what, barrier=barrier
        )
    plan = services.submit_plan(plan, by=officer)
    if plan.status == CarePlan.Status.AWAITING_SIGN_OFF:
        plan = services.sign_off_plan(plan, by=manager)
    else:
        weekly = sum((r.weekly_cost for r in plan.responses.all()), Decimal("0.00"))
        plan = services.approve_plan_by_panel(
            plan, by=manager, authorised_weekly=weekly, note="Approved at panel."
        )
    review = None
    if assessed + timedelta(weeks=11) <= timezone.localdate():
        review = plan.reviews.get(status=Review.Status.SCHEDULED)
        services.start_review(review, by=officer)
        rating = rng.choices(
            [
                OutcomeReview.Rating.FULLY,
                OutcomeReview.Rating.PARTIALLY,
                OutcomeReview.Rating.NOT_MET,
            ],
            weights=[6, 3, 1] if origin == Response.Origin.ASKED_FOR else [3, 4, 3],
        )[0]
        delivered = rng.choices(
            list(ResponseDelivery.Delivered.values), weights=[7, 2, 1, 1]
        )[0]
        deliveries = {
            r: (
                delivered,
                ""
                if delivered == ResponseDelivery.Delivered.AS_PLANNED
                else rng.choice([Barrier.PROVIDER, Barrier.COMMISSIONING]),
                "",
            )
            for r in plan.responses.all()
        }
        services.complete_review(
            review,
            by=officer,
            ratings=dict.fromkeys(outcomes, (rating, "")),
            result=Review.Result.NO_CHANGE,
            deliveries=deliveries,
        )
    _backdate_case(case, plan, review, assessed, rng)
    return case


def _approve(case, *, writer, place, texts=None, consent_note):
    """Draft a case study from the case, write it (or keep the prefilled text), and
    take it through review and approval."""
    case_study = ps.draft_case_study(case, by=writer)
    fields = texts or {}
    fields = {"age_band": case_study.age_band, "pseudonym": case_study.pseudonym} | (
        fields
    )
    if not fields.get("learning") and not case_study.learning:
        fields["learning"] = (
            "Asking what mattered first changed what was arranged; record the usual "
            "offer beside it so the difference shows."
        )
    if not fields.get("barriers") and not case_study.barriers:
        fields["barriers"] = "None: everything they wanted was arranged."
    case_study = ps.update_case_study(
        case_study, by=writer, expected_version=case_study.version, **fields
    )
    ps.record_consent(case, consent="given", note=consent_note, by=writer)
    ps.submit_case_study(case_study, by=writer)
    ps.review_case_study(
        case_study,
        by=place.advisor,
        recognisable=CaseStudy.Recognisable.NO,
        note="A common situation; nothing locally unique is named.",
    )
    return ps.approve_case_study(case_study, by=place.project_coordinator)


def _evans(site, programme, place, olivia):
    mrs = Person.objects.get(site=site, nhs_number="9990004110")
    if ProgrammeCase.objects.filter(programme=programme, person=mrs).exists():
        return
    case = ps.include_in_programme(
        programme=programme, person=mrs, by=olivia, living_at_home=True
    )
    texts = dict(EVANS_TEXT)
    texts["age_band"] = ps.pz.age_band(
        mrs.date_of_birth, case.assessment.assessment_date
    )
    _approve(
        case,
        writer=olivia,
        place=place,
        texts=texts,
        consent_note="Mr and Mrs E agreed at the first review, having read it.",
    )


def _coherent_dates():
    """Earlier demos backdate some plans (e.g. the Evans plan, approved at a panel
    weeks ago) but not the assessments they answer: move those assessments (and any
    carer's assessment) to three weeks before the plan, and the submission before the
    approval, so no plan starts or is approved before its assessment."""
    for plan in CarePlan.objects.select_related("assessment"):
        days = [d for d in (plan.start_date,) if d]
        if plan.approved_at:
            days.append(timezone.localdate(plan.approved_at))
        if plan.submitted_at:
            days.append(timezone.localdate(plan.submitted_at))
        if not days or min(days) > plan.assessment.assessment_date:
            continue
        assessed = min(days) - timedelta(days=21)
        ids = [plan.assessment_id, plan.carer_assessment_id]
        Assessment.objects.filter(pk__in=[i for i in ids if i]).update(
            assessment_date=assessed, completed_at=_at(assessed, 15)
        )
        if (
            plan.approved_at
            and plan.submitted_at
            and plan.submitted_at > plan.approved_at
        ):
            CarePlan.objects.filter(pk=plan.pk).update(
                submitted_at=plan.approved_at - timedelta(days=10)
            )


def seed_programme_demo(stdout):
    users = {u.username: u for u in get_user_model().objects.all()}
    if "carl" not in users:
        return
    programme = _programme(users["carl"])
    _coherent_dates()
    rng = random.Random(9)  # noqa: S311 - the same demo every time, not security
    today = timezone.localdate()
    for site in Site.objects.filter(slug__in=CASES).order_by("slug"):
        place = _place(programme, site)
        if site.slug == "northshire":
            _evans(site, programme, place, users["olivia"])
        if ProgrammeCase.objects.filter(programme=programme, site=site).count() > 1:
            continue
        officer, manager = (users[name] for name in OFFICERS[site.slug])
        cases = []
        count = CASES[site.slug]
        # Spread over data collection so far, none in the future.
        span = max((today - programme.start_date).days - 10, 1)
        for n in range(count):
            days = int(span * n / count) + rng.randint(0, 6)
            assessed = programme.start_date + timedelta(days=days)
            assessed = min(assessed, today - timedelta(days=3))
            cases.append(_one_case(site, programme, officer, manager, n, assessed, rng))
        # At least one approved case study at each site (besides the Evans one).
        if site.slug != "northshire":
            _approve(
                cases[0],
                writer=officer,
                place=place,
                consent_note="Agreed at the first review.",
            )
    stdout.write(
        f"Demo programme cases: {ProgrammeCase.objects.filter(programme=programme).count()}; "
        f"case studies approved: {CaseStudy.objects.filter(status='approved').count()}."
    )
