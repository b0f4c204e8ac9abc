"""Demo people and assessments, including the Evans household (the reference case).

Everything here is fictional: NHS numbers are in the 999 range reserved for testing,
phone numbers in the 01632 960 range reserved for drama, postcodes in made-up areas.
"""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from sites.models import Site

from . import services
from .domains import UnableReason, WellbeingImpactLevel
from .models import (
    Assessment,
    AssessmentSection,
    CarerLink,
    DesiredOutcome,
    Need,
    Person,
    StandardService,
)

Key = AssessmentSection.Key

CATALOGUE = [
    ("Community meals", "A hot meal delivered at lunchtime, seven days.", "38.50"),
    ("Meals on wheels (frozen)", "A week of frozen meals delivered.", "29.00"),
    ("Day centre place", "Two days a week, with transport.", "96.00"),
    ("Home care", "Seven hours a week of personal care.", "168.00"),
    ("Respite care", "One week in a care home.", "720.00"),
    ("Carers' sitting service", "Three hours a week.", "66.00"),
    ("Telecare alarm", "Pendant alarm with monitoring.", "4.50"),
]

SIG, SOME = WellbeingImpactLevel.SIGNIFICANT, WellbeingImpactLevel.SOME


def _catalogue(site):
    services_by_name = {}
    for name, description, cost in CATALOGUE:
        service, _ = StandardService.objects.update_or_create(
            site=site,
            name=name,
            defaults={"description": description, "typical_weekly_cost": Decimal(cost)},
        )
        services_by_name[name] = service
    return services_by_name


def _person(site, by, nhs_number, **fields):
    existing = Person.objects.filter(site=site, nhs_number=nhs_number).first()
    if existing:
        return existing, False
    return services.create_person(
        site=site, by=by, nhs_number=nhs_number, **fields
    ), True


def fill_assessment(
    assessment,
    *,
    by,
    texts,
    condition,
    health_at_risk=None,
    unable,
    wellbeing,
    needs,
    outcomes,
    note="",
    before_eligibility=(),
):
    """Record every section through the services, as an officer would.

    ``before_eligibility``: more (section key, write) pairs saved before the officer
    confirms eligibility (e.g. fluctuating needs, which the explanation uses)."""

    def write(fields):
        def _write(locked):
            for name, value in fields.items():
                setattr(locked, name, value)
            locked.save()

        return _write

    def save(section, writer):
        current = Assessment.objects.get(pk=assessment.pk)
        services.save_section(
            current,
            section=section,
            expected_version=current.section_version(section),
            by=by,
            write=writer,
        )

    save(Key.INVOLVEMENT, write({"involved": texts.pop("involved")}))
    save(Key.WHAT_MATTERS, write({"what_matters": texts.pop("what_matters")}))
    save(Key.STRENGTHS, write({"strengths": texts.pop("strengths")}))
    if texts:
        save(Key.CARER, write(texts))

    def write_outcomes(locked):
        locked.needs_arise_from_condition = condition
        locked.carer_health_at_risk = health_at_risk
        locked.save()
        for rating in locked.outcome_ratings.all():
            if rating.domain in unable:
                rating.unable = True
                rating.reasons, rating.notes = unable[rating.domain]
                rating.save()

    save(Key.OUTCOMES, write_outcomes)

    def write_wellbeing(locked):
        for impact in locked.wellbeing_impacts.all():
            if impact.area in wellbeing:
                impact.level, impact.notes = wellbeing[impact.area]
                impact.save()

    save(Key.WELLBEING, write_wellbeing)
    for key, writer in before_eligibility:
        save(key, writer)
    current = Assessment.objects.get(pk=assessment.pk)
    services.confirm_eligibility(
        current,
        by=by,
        expected_version=current.section_version(Key.ELIGIBILITY),
        note=note,
    )

    def write_rows(locked):
        for i, (description, domains, offer) in enumerate(needs, start=1):
            Need.objects.create(
                site=locked.site,
                assessment=locked,
                description=description,
                domains=domains,
                usual_offer=offer,
                position=i,
            )
        for i, (words, expressed_by, category, priority) in enumerate(
            outcomes, start=1
        ):
            DesiredOutcome.objects.create(
                site=locked.site,
                assessment=locked,
                in_own_words=words,
                expressed_by=expressed_by,
                category=category,
                priority=priority,
                position=i,
            )

    save(Key.NEEDS, write_rows)
    return Assessment.objects.get(pk=assessment.pk)


def _evans(site, olivia, catalogue):
    mrs, created = _person(
        site,
        olivia,
        "9990004110",
        given_name="Gwen",
        family_name="Evans",
        preferred_name="Gwen",
        date_of_birth=date(1939, 4, 12),
        address="14 Orchard Row\nNorthbury",
        postcode="NS4 2EV",
        phone="01632 960412",
        communication_needs="Wears hearing aids: speak clearly and face her.",
        allocated_worker=olivia,
    )
    mr, _ = _person(
        site,
        olivia,
        "9990005206",
        given_name="Dennis",
        family_name="Evans",
        date_of_birth=date(1937, 9, 3),
        address="14 Orchard Row\nNorthbury",
        postcode="NS4 2EV",
        phone="01632 960412",
        allocated_worker=olivia,
    )
    if not created:
        return
    services.link_carer(
        carer=mr,
        cared_for=mrs,
        by=olivia,
        relationship=CarerLink.Relationship.HUSBAND,
        lives_with=True,
        willing_to_continue="yes",
        able_to_continue="partly",
        notes="Main carer since Mrs Evans fell in the spring.",
    )
    A, P, E = (
        UnableReason.NEEDS_ASSISTANCE,
        UnableReason.PAIN_DISTRESS,
        UnableReason.ENDANGERS,
    )
    her = services.start_assessment(person=mrs, kind=Assessment.Kind.NEEDS, by=olivia)
    her = fill_assessment(
        her,
        by=olivia,
        texts={
            "involved": "Mrs Evans; Mr Evans, her husband and main carer; their "
            "daughter by phone; Olivia Hart, assessing officer. At home.",
            "what_matters": "“I want us to enjoy our meals together again. We used to "
            "go out for lunch every Thursday. I don't want Dennis wearing himself out "
            "in the kitchen — he's never cooked in his life.”",
            "strengths": "Married 58 years and close. Their daughter phones every day "
            "and visits at weekends. Mrs Evans manages her own personal care with a "
            "grab rail. They know the staff at the café on the high street well.",
        },
        condition=True,
        unable={
            "nutrition": (
                [A, E],
                "Cannot stand long enough to cook since her fall; "
                "meals are often skipped. Has lost weight: at risk of "
                "malnutrition.",
            ),
            "home_safely": (
                [A, P],
                "Restricted mobility since the fall; the kitchen is the hardest room.",
            ),
        },
        wellbeing={
            "health": (SIG, "Weight loss; low mood since the fall."),
            "relationships": (SOME, "Mealtimes have become a source of tension."),
            "participation": (SOME, "No longer goes out for lunch."),
            "control": (SOME, "Feels she has lost control of the household."),
        },
        needs=[
            (
                "Is not eating enough and is at risk of malnutrition: she cannot cook "
                "since her fall, and Mr Evans is struggling to cook for them both.",
                ["nutrition"],
                catalogue["Community meals"],
            ),
            (
                "Needs to move around the home, especially the kitchen, safely.",
                ["home_safely"],
                catalogue["Telecare alarm"],
            ),
        ],
        outcomes=[
            (
                "I want to enjoy mealtimes with my husband again, sitting down to a "
                "proper lunch together without worrying about who has to cook it.",
                DesiredOutcome.ExpressedBy.PERSON,
                DesiredOutcome.Category.QUALITY_OF_LIFE,
                1,
            ),
            (
                "We'd like to get out for lunch again, somewhere we choose, like we used "
                "to on a Thursday.",
                DesiredOutcome.ExpressedBy.JOINTLY,
                DesiredOutcome.Category.QUALITY_OF_LIFE,
                1,
            ),
            (
                "To feel safe moving about the kitchen.",
                DesiredOutcome.ExpressedBy.PERSON,
                DesiredOutcome.Category.CHANGE,
                2,
            ),
        ],
    )
    services.complete_assessment(her, by=olivia)

    his = services.start_assessment(
        person=mr, kind=Assessment.Kind.CARER, cared_for=mrs, by=olivia
    )
    his = fill_assessment(
        his,
        by=olivia,
        texts={
            "involved": "Mr Evans, seen on his own for part of the visit; Olivia Hart.",
            "what_matters": "“I want to look after her, but I'm worn out trying to cook. "
            "I'd rather we spent the time together than me struggling in the kitchen.”",
            "strengths": "Still drives short distances. Good friends at the bowls club. "
            "Determined to keep caring for his wife.",
            "carer_able_now": "partly",
            "carer_willing_now": "yes",
            "carer_able_future": "not_sure",
            "carer_willing_future": "yes",
            "carer_wellbeing_impact": "Stressed and tired every day; has lost weight; "
            "has stopped going to the bowls club.",
            "carer_work_wishes": "Retired; no work or education wishes.",
            "carer_leisure_wishes": "To get back to the bowls club on Wednesday "
            "afternoons.",
            "carer_support_could_help": "Help with the shopping, and learning to cook "
            "a few simple meals; not having to cook every day.",
        },
        condition=True,
        health_at_risk=True,
        unable={
            "carer_nutrition": ([A], "Has never cooked; skips meals himself."),
            "carer_caring_for_others": (
                [P],
                "Caring and cooking cause him daily stress.",
            ),
        },
        wellbeing={
            "health": (SIG, "Stress and weight loss."),
            "control": (SOME, "Every day is taken up with shopping and cooking."),
            "participation": (SOME, "Has stopped going to the bowls club."),
            "relationships": (SOME, "Less time simply being together."),
        },
        needs=[
            (
                "Is not eating well himself: has never cooked and struggles with shopping "
                "and cooking for two.",
                ["carer_nutrition"],
                catalogue["Community meals"],
            ),
            (
                "The daily stress of caring and cooking is putting his health at risk.",
                ["carer_caring_for_others"],
                catalogue["Carers' sitting service"],
            ),
        ],
        outcomes=[
            (
                "I'd like us to have quality time together at mealtimes instead of me "
                "struggling with the cooking.",
                DesiredOutcome.ExpressedBy.CARER,
                DesiredOutcome.Category.QUALITY_OF_LIFE,
                1,
            ),
            (
                "Learn to cook a few simple things and get the shopping sorted, so I'm "
                "not worrying about it every day.",
                DesiredOutcome.ExpressedBy.CARER,
                DesiredOutcome.Category.CHANGE,
                2,
            ),
        ],
    )
    services.complete_assessment(his, by=olivia)


OTHERS = {
    "northshire": [
        ("9990007535", "Arthur", "Pennington", date(1931, 2, 2), "NS2 7AP", "olivia"),
        ("9990009864", "Beatrice", "Oyelaran", date(1946, 11, 20), "NS1 3BO", "olivia"),
        ("9990010412", "Colin", "Marsh", date(1958, 6, 8), "NS3 9CM", "tom"),
        ("9990011508", "Dorothy", "Kettering", date(1935, 1, 30), "NS5 1DK", None),
    ],
    "riverside": [
        ("9990012741", "Edwin", "Shaw", date(1940, 3, 14), "RV1 2ES", "rory"),
        ("9990013152", "Fatima", "Begum", date(1952, 8, 22), "RV2 4FB", "rory"),
        ("9990013837", "George", "Lindley", date(1929, 12, 1), "RV3 6GL", None),
    ],
    "valley": [
        ("9990014248", "Hannah", "Price", date(1948, 5, 17), "VY1 1HP", "vera"),
        ("9990015481", "Ivor", "Jenkins", date(1938, 10, 9), "VY2 8IJ", "vera"),
        ("9990016577", "Joan", "Whitaker", date(1944, 7, 25), "VY3 5JW", None),
    ],
}


def seed_demo(stdout):
    users = {u.username: u for u in get_user_model().objects.all()}
    for site in Site.objects.filter(slug__in=["northshire", "riverside", "valley"]):
        catalogue = _catalogue(site)
        if site.slug == "northshire":
            _evans(site, users["olivia"], catalogue)
            # A man with dementia and his working daughter: the legal record.
            # legal_demo builds on this module's helpers, so it is imported here.
            from .legal_demo import seed_bryce, seed_evans_record  # noqa: PLC0415

            seed_evans_record(site, users["olivia"])
            seed_bryce(site, users["olivia"], catalogue)
        officer = users[
            {"northshire": "olivia", "riverside": "rory", "valley": "vera"}[site.slug]
        ]
        for i, (nhs, given, family, born, postcode, worker) in enumerate(
            OTHERS[site.slug]
        ):
            person, created = _person(
                site,
                officer,
                nhs,
                given_name=given,
                family_name=family,
                date_of_birth=born,
                postcode=postcode,
                address=f"{10 + i} Example Street",
                phone=f"01632 96{i:04d}",
                allocated_worker=users.get(worker) if worker else None,
            )
            if created and worker and i == 0:
                services.start_assessment(
                    person=person, kind=Assessment.Kind.NEEDS, by=users[worker]
                )
    count = Person.objects.count()
    links = CarerLink.objects.count()
    stdout.write(f"Demo people: {count} across the sites, {links} carer link(s).")
