"""seed_scale's people and assessments: counts per site, same-site links, full grids."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django_scopes import scopes_disabled

from assessments.domains import AdultOutcome, WellbeingArea
from assessments.models import (
    Assessment,
    CarerLink,
    DesiredOutcome,
    Need,
    OutcomeRating,
    Person,
    StandardService,
    WellbeingImpact,
)
from assessments.scale import synthetic_nhs_number
from assessments.validators import nhs_number_is_valid, validate_postcode
from sites.models import Membership, Site
from sites.permissions import Role

pytestmark = pytest.mark.django_db

SLUGS = ["scale-001", "scale-002"]


def _seed(people=30):
    out = io.StringIO()
    call_command("seed_scale", "--sites", "2", "--people", str(people), stdout=out)
    return out.getvalue()


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Person,
            Assessment,
            OutcomeRating,
            WellbeingImpact,
            Need,
            DesiredOutcome,
            CarerLink,
            StandardService,
        )
    }


def test_seed_scale_people_records_and_a_repeat_adds_nothing():
    first_output = _seed()
    with scopes_disabled():
        first = _counts()
    second_output = _seed()
    with scopes_disabled():
        assert _counts() == first
        sites = list(Site.objects.filter(slug__in=SLUGS).order_by("slug"))
        assert [s.slug for s in sites] == SLUGS
        for site in sites:
            assert Person.objects.filter(site=site).count() == 30
            assert StandardService.objects.filter(site=site).count() == 5
            # 20% assessed, 5% in a carer link (rounded), per site.
            assert Assessment.objects.filter(site=site).count() == 6
            assert CarerLink.objects.filter(site=site).count() == 2
        assert first["Person"] == 60
    assert "scale-001 30/30" in first_output
    assert "scale-001 already has 30" in second_output


def test_people_are_allocated_round_robin_to_officers_of_their_own_site():
    _seed()
    with scopes_disabled():
        for slug in SLUGS:
            officers = set(
                Membership.objects.filter(
                    site__slug=slug, role=Role.ASSESSING_OFFICER
                ).values_list("user_id", flat=True)
            )
            assert len(officers) == 8
            per_officer = (
                Person.objects.filter(site__slug=slug)
                .values("allocated_worker")
                .annotate(n=Count("id"))
            )
            allocated = {row["allocated_worker"]: row["n"] for row in per_officer}
            assert set(allocated) == officers
            # 30 people over 8 officers: 4 each, and 6 officers get a fourth.
            assert sorted(allocated.values()) == [3, 3, 4, 4, 4, 4, 4, 4]


def test_carer_links_and_assessments_stay_within_a_site():
    _seed()
    with scopes_disabled():
        links = CarerLink.objects.all()
        assert links.exists()
        assert not links.exclude(carer__site=F("site")).exists()
        assert not links.exclude(cared_for__site=F("site")).exists()
        assert not links.filter(carer=F("cared_for")).exists()
        assert not Assessment.objects.exclude(person__site=F("site")).exists()
        assert not Assessment.objects.exclude(
            started_by=F("person__allocated_worker")
        ).exists()
        for model in (OutcomeRating, WellbeingImpact, Need, DesiredOutcome):
            assert not model.objects.exclude(assessment__site=F("site")).exists()
        assert not Need.objects.exclude(usual_offer__site=F("site")).exists()


def test_every_assessment_has_its_full_outcomes_grid_and_some_needs():
    _seed()
    with scopes_disabled():
        assessments = Assessment.objects.annotate(
            ratings=Count("outcome_ratings", distinct=True),
            impacts=Count("wellbeing_impacts", distinct=True),
            need_rows=Count("needs", distinct=True),
            outcome_rows=Count("desired_outcomes", distinct=True),
        )
        assert assessments.count() == 12
        for a in assessments:
            assert a.kind == Assessment.Kind.NEEDS
            assert a.ratings == len(AdultOutcome) == 10
            assert a.impacts == len(WellbeingArea) == 9
            assert 1 <= a.need_rows <= 2
            assert 1 <= a.outcome_rows <= 2
            assert sorted(a.outcome_ratings.values_list("domain", flat=True)) == sorted(
                AdultOutcome.values
            )
            if a.status == Assessment.Status.COMPLETED:
                assert a.completed_by_id == a.started_by_id
                assert a.completed_at is not None


def test_synthetic_people_are_obviously_synthetic():
    _seed()
    with scopes_disabled():
        people = list(Person.objects.all())
    numbers = [p.nhs_number for p in people if p.nhs_number]
    assert 0 < len(numbers) <= len(people) // 5
    assert all(n.startswith("999") and nhs_number_is_valid(n) for n in numbers)
    for person in people:
        assert person.postcode.startswith("ZZ")
        validate_postcode(person.postcode)
        assert 1920 <= person.date_of_birth.year <= 1990
        assert not person.phone or person.phone.startswith("01632 960")


def test_a_larger_n_tops_each_site_up():
    _seed(people=30)
    _seed(people=45)
    with scopes_disabled():
        for slug in SLUGS:
            people = Person.objects.filter(site__slug=slug)
            assert people.count() == 45
            numbers = list(people.exclude(nhs_number="").values_list("nhs_number"))
            assert len(numbers) == len(set(numbers))


def test_synthetic_nhs_numbers_are_valid_test_range_or_blank():
    numbers = [synthetic_nhs_number(n) for n in range(200)]
    valid = [n for n in numbers if n]
    assert len(valid) > 150
    assert all(n.startswith("9991") and nhs_number_is_valid(n) for n in valid)
    assert len(set(valid)) == len(valid)
