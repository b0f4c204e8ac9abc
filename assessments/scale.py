"""Bulk synthetic people and assessments for benchmarks (``manage.py seed_scale``).

Runs after ``sites/scale.py``, which puts the synthetic sites into
``options["sites"]``. For each site it tops the people up to ``options["people"]``
and gives the new people their records:

- people allocated round-robin to the site's assessing officers;
- a needs assessment for about 20% of them, each with its full outcomes grid
  (10 ``OutcomeRating`` rows), its 9 ``WellbeingImpact`` rows, 1-2 needs and 1-2
  desired outcomes; about half of these are completed;
- carer links for about 5% of them, between two people of the same site;
- the site's small catalogue of standard services (get-or-create, per row).

Everything is obviously synthetic: invented family names, postcodes in the
non-existent ``ZZ`` area, phone numbers in Ofcom's 01632 960 drama range, and NHS
numbers (for one person in ten; the rest are blank) in the 999 range that NHS England
reserves for testing.

Rows are written with ``bulk_create`` in batches, **not** through
``assessments.services``: the services save one row at a time and write an audit
event (and a change-history row) for each, which would make 100,000 people take hours.
So seeded records have no ``AuditEvent`` and no django-simple-history rows; that is
acceptable for a benchmark database and is the reason this must never run against
real casework. Each batch is one transaction (people and their records together), and
a repeated run only adds the people missing up to N per site: the share of
assessments and carer links applies to the people added by that run.

Determinism: names, dates, allocations and choices come from
``random.Random(options["seed"])``; the public ids (UUIDs) are random.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sites.models import Membership
from sites.permissions import Role

from .domains import AdultOutcome, UnableReason, WellbeingArea, WellbeingImpactLevel
from .models import (
    Assessment,
    CarerLink,
    DesiredOutcome,
    Need,
    OutcomeRating,
    Person,
    StandardService,
    WellbeingImpact,
    Willingness,
)
from .validators import nhs_number_is_valid

BATCH_SIZE = 5000  # people per transaction and per progress line
INSERT_BATCH = 1000  # rows per INSERT statement
ASSESSED_SHARE = 0.20
CARER_SHARE = 0.05
NHS_NUMBER_EVERY = 10  # one person in ten has a (test-range) NHS number

CATALOGUE = [
    ("Community meals (synthetic)", "38.50"),
    ("Day centre place (synthetic)", "96.00"),
    ("Home care (synthetic)", "168.00"),
    ("Respite care (synthetic)", "720.00"),
    ("Telecare alarm (synthetic)", "4.50"),
]

GIVEN_NAMES = [
    "Ada", "Albert", "Alma", "Arthur", "Bernard", "Beryl", "Cecil", "Clara",
    "Cyril", "Dora", "Edith", "Edwin", "Elsie", "Ernest", "Ethel", "Frank",
    "Freda", "George", "Gladys", "Harold", "Hilda", "Ivy", "Jack", "Joan",
    "Kenneth", "Lilian", "Mabel", "Maurice", "Nora", "Norman", "Olive", "Percy",
    "Queenie", "Ronald", "Rose", "Sidney", "Stanley", "Vera", "Walter", "Winifred",
]  # fmt: skip
# Invented family names: an unusual stem and an English-sounding ending
# ("Quilworth", "Zorbmere"), 26 x 8 = 208 of them, so a name search matches a few
# hundred people in 20,000, as a common real surname would.
FAMILY_STEMS = [
    "Axt", "Bexl", "Cruv", "Drev", "Ezz", "Fenx", "Gorb", "Hask", "Ixl",
    "Jubb", "Kess", "Lurn", "Mibb", "Nax", "Oxl", "Plon", "Quil", "Rudx",
    "Sarn", "Tral", "Umb", "Vorn", "Wex", "Xan", "Yorl", "Zorb",
]  # fmt: skip
FAMILY_ENDINGS = ["worth", "ley", "by", "stone", "mere", "ington", "ock", "ard"]
FAMILY_NAMES = [stem + end for stem in FAMILY_STEMS for end in FAMILY_ENDINGS]
STREETS = ["Example Street", "Sample Road", "Test Lane", "Placeholder Close"]
UNIT_LETTERS = "ABDEFGHJ"

OLDEST = date(1920, 1, 1)
BIRTH_SPAN_DAYS = (date(1990, 12, 31) - OLDEST).days

NEED_TEXT = "Synthetic need for load testing: support with {domain}."
OUTCOME_TEXT = [
    "Synthetic outcome: to stay living at home.",
    "Synthetic outcome: to get out to the shops once a week.",
    "Synthetic outcome: to see friends more often.",
]


def synthetic_nhs_number(ordinal: int) -> str:
    """A valid NHS number in the 999 test range, or "" when that slot has none.

    ``999 1nn nnn`` keeps clear of the demo data's ``999 000 nnnn`` numbers; about one
    slot in eleven has no valid check digit and stays blank.
    """
    stem = f"{999_100_000 + ordinal:09d}"
    total = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    candidate = stem + str(check)
    return candidate if check != 10 and nhs_number_is_valid(candidate) else ""


def _catalogue(site):
    services = []
    for name, cost in CATALOGUE:
        service, _ = StandardService.objects.get_or_create(
            site=site,
            name=name,
            defaults={
                "description": "Synthetic catalogue entry for load testing.",
                "typical_weekly_cost": Decimal(cost),
            },
        )
        services.append(service)
    return services


def _officers(site):
    memberships = (
        Membership.objects.filter(
            site=site, role=Role.ASSESSING_OFFICER, is_active=True
        )
        .select_related("user")
        .order_by("user__username")
    )
    return [m.user for m in memberships]


def _person(rng, site, ordinal, worker, nhs_taken):
    nhs = ""
    if ordinal % NHS_NUMBER_EVERY == 0:
        nhs = synthetic_nhs_number(ordinal // NHS_NUMBER_EVERY)
        if nhs in nhs_taken:
            nhs = ""
        nhs_taken.add(nhs)
    district, sector = rng.randint(1, 9), rng.randint(0, 9)
    unit = rng.choice(UNIT_LETTERS) + rng.choice(UNIT_LETTERS)
    has_phone = rng.random() < 0.6
    return Person(
        site=site,
        given_name=rng.choice(GIVEN_NAMES),
        family_name=rng.choice(FAMILY_NAMES),
        preferred_name=rng.choice(GIVEN_NAMES) if rng.random() < 0.05 else "",
        date_of_birth=OLDEST + timedelta(days=rng.randint(0, BIRTH_SPAN_DAYS)),
        nhs_number=nhs,
        address=f"{rng.randint(1, 199)} {rng.choice(STREETS)}\nSynthetic Town",
        postcode=f"ZZ{district} {sector}{unit}",
        phone=f"01632 960{rng.randint(0, 999):03d}" if has_phone else "",
        allocated_worker=worker,
        # Random names and dates of birth coincide now and then (a few in 100,000);
        # they are different people by construction, as if an officer had confirmed it.
        distinct_confirmed=True,
    )


def _assessments(rng, site, people, catalogue, today, now):
    """Needs assessments, started by each person's officer, with their outcome,
    wellbeing, need and desired-outcome rows."""
    assessments = []
    for person in people:
        by = person.allocated_worker
        completed = rng.random() < 0.5
        assessments.append(
            Assessment(
                site=site,
                person=person,
                kind=Assessment.Kind.NEEDS,
                status=Assessment.Status.COMPLETED
                if completed
                else Assessment.Status.DRAFT,
                started_by=by,
                assessment_date=today - timedelta(days=rng.randint(0, 730)),
                involved="Synthetic: the person and their assessing officer.",
                what_matters="Synthetic text for load testing.",
                needs_arise_from_condition=True,
                completed_by=by if completed else None,
                completed_at=now if completed else None,
            )
        )
    Assessment.objects.bulk_create(assessments, batch_size=INSERT_BATCH)

    ratings, impacts, needs, outcomes = [], [], [], []
    reasons = [r.value for r in UnableReason]
    levels = [level.value for level in WellbeingImpactLevel]
    for assessment in assessments:
        unable = set(rng.sample([d.value for d in AdultOutcome], rng.randint(0, 3)))
        for position, domain in enumerate(AdultOutcome):
            is_unable = domain.value in unable
            ratings.append(
                OutcomeRating(
                    site=site,
                    assessment=assessment,
                    domain=domain.value,
                    position=position,
                    unable=is_unable,
                    reasons=[rng.choice(reasons)] if is_unable else [],
                )
            )
        for position, area in enumerate(WellbeingArea):
            impacts.append(
                WellbeingImpact(
                    site=site,
                    assessment=assessment,
                    area=area.value,
                    position=position,
                    level=rng.choice(levels),
                )
            )
        domains = sorted(unable) or [AdultOutcome.NUTRITION.value]
        for position in range(1, rng.randint(1, 2) + 1):
            domain = domains[(position - 1) % len(domains)]
            needs.append(
                Need(
                    site=site,
                    assessment=assessment,
                    description=NEED_TEXT.format(domain=domain.replace("_", " ")),
                    domains=[domain],
                    usual_offer=rng.choice(catalogue),
                    position=position,
                )
            )
        for position in range(1, rng.randint(1, 2) + 1):
            outcomes.append(
                DesiredOutcome(
                    site=site,
                    assessment=assessment,
                    in_own_words=rng.choice(OUTCOME_TEXT),
                    expressed_by=DesiredOutcome.ExpressedBy.PERSON,
                    priority=rng.randint(1, 3),
                    position=position,
                )
            )
    OutcomeRating.objects.bulk_create(ratings, batch_size=INSERT_BATCH)
    WellbeingImpact.objects.bulk_create(impacts, batch_size=INSERT_BATCH)
    Need.objects.bulk_create(needs, batch_size=INSERT_BATCH)
    DesiredOutcome.objects.bulk_create(outcomes, batch_size=INSERT_BATCH)
    return len(assessments)


def _carer_links(rng, site, people):
    """Pair up distinct people of this batch: each is in at most one new link."""
    pairs = round(len(people) * CARER_SHARE)
    chosen = rng.sample(people, min(2 * pairs, len(people) - len(people) % 2))
    willingness = [w.value for w in Willingness]
    links = [
        CarerLink(
            site=site,
            carer=carer,
            cared_for=cared_for,
            lives_with=rng.random() < 0.5,
            willing_to_continue=rng.choice(willingness),
            able_to_continue=rng.choice(willingness),
        )
        for carer, cared_for in zip(chosen[0::2], chosen[1::2], strict=True)
    ]
    CarerLink.objects.bulk_create(links, batch_size=INSERT_BATCH)
    return len(links)


def seed_scale(options, progress):
    """Top each site in ``options["sites"]`` up to ``options["people"]`` people."""
    rng = random.Random(options["seed"])  # noqa: S311 - synthetic data, not secrets
    target = options["people"]
    today = timezone.localdate()
    now = timezone.now()
    totals = {"people": 0, "assessments": 0, "links": 0}
    for site in options["sites"]:
        catalogue = _catalogue(site)
        officers = _officers(site)
        existing = Person.objects.filter(site=site).count()
        if existing >= target:
            progress(f"people: {site.slug} already has {existing}")
            continue
        nhs_taken = set(
            Person.objects.filter(site=site)
            .exclude(nhs_number="")
            .values_list("nhs_number", flat=True)
        )
        nhs_taken.add("")
        done = existing
        while done < target:
            size = min(BATCH_SIZE, target - done)
            people = [
                _person(
                    rng,
                    site,
                    ordinal,
                    officers[ordinal % len(officers)] if officers else None,
                    nhs_taken,
                )
                for ordinal in range(done, done + size)
            ]
            with transaction.atomic():
                Person.objects.bulk_create(people, batch_size=INSERT_BATCH)
                # Assessments need an officer to have started them.
                assessed = (
                    rng.sample(people, round(size * ASSESSED_SHARE)) if officers else []
                )
                count = _assessments(rng, site, assessed, catalogue, today, now)
                links = _carer_links(rng, site, people)
            done += size
            totals["people"] += size
            totals["assessments"] += count
            totals["links"] += links
            progress(
                f"people: {site.slug} {done}/{target} "
                f"(+{size} people, +{count} assessments, +{links} carer links)"
            )
    progress(
        f"people: {totals['people']} new people, {totals['assessments']} assessments, "
        f"{totals['links']} carer links"
    )
