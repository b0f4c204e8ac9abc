"""Section versions are rows (AssessmentSection) under the one optimistic lock, and
the eligibility section moves on whenever the answers it is worked out from change."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments import services
from assessments.models import Assessment, AssessmentSection
from sites.permissions import Role
from tests.factories import PersonFactory, member, record_eligible_answers

NEEDS = Assessment.Kind.NEEDS
KEY = AssessmentSection.Key


@pytest.fixture
def draft(in_site_a, officer):
    person = PersonFactory(site=in_site_a)
    return services.start_assessment(person=person, kind=NEEDS, by=officer)


def fresh(assessment):
    return Assessment.objects.get(pk=assessment.pk)


def test_a_section_nobody_saved_has_no_row_and_version_zero(draft):
    assert not AssessmentSection.objects.filter(assessment=draft).exists()
    assert draft.section_version(KEY.WHAT_MATTERS) == 0


def test_the_first_save_of_a_section_creates_its_row_at_version_one(draft, officer):
    services.save_section(
        draft,
        section=KEY.STRENGTHS,
        expected_version=0,
        by=officer,
        write=lambda locked: None,
    )

    [row] = AssessmentSection.objects.filter(assessment=draft)
    assert (row.key, row.version, row.site_id) == (KEY.STRENGTHS, 1, draft.site_id)


@pytest.mark.parametrize("section", [KEY.OUTCOMES, KEY.WELLBEING])
def test_confirming_eligibility_from_before_its_answers_changed_is_refused(
    draft, officer, section
):
    record_eligible_answers(draft)
    shown = fresh(draft).section_version(KEY.ELIGIBILITY)
    # Someone else changes the answers the result is worked out from.
    services.save_section(
        draft, section=section, expected_version=0, by=officer, write=lambda a: None
    )

    with pytest.raises(ValidationError) as caught:
        services.confirm_eligibility(draft, by=officer, expected_version=shown)

    assert caught.value.code == "stale"
    assert fresh(draft).eligibility_confirmed_at is None
    # Confirming from the page as it is now goes through.
    services.confirm_eligibility(
        draft,
        by=officer,
        expected_version=fresh(draft).section_version(KEY.ELIGIBILITY),
    )
    assert fresh(draft).eligibility_result is True


def test_other_sections_leave_the_eligibility_version_alone(draft, officer):
    services.save_section(
        draft,
        section=KEY.WHAT_MATTERS,
        expected_version=0,
        by=officer,
        write=lambda a: None,
    )
    assert fresh(draft).section_version(KEY.ELIGIBILITY) == 0


@pytest.mark.django_db
def test_an_officer_confirming_eligibility_after_the_answers_changed_sees_the_latest(
    client, site_a, officer
):
    second = member(site_a, Role.ASSESSING_OFFICER, "officer-a2")
    with scopes_disabled():
        draft = services.start_assessment(
            person=PersonFactory(site=site_a), kind=NEEDS, by=officer
        )
        record_eligible_answers(draft)
    detail = reverse("assessment_detail", args=["alpha", draft.code])
    client.force_login(officer)
    page = client.get(detail).content.decode()
    assert "Eligible: all three conditions of regulation 2 are met." in page
    # The second officer records that the person manages every outcome after all.
    with scopes_disabled():
        rows = fresh(draft).outcome_ratings.all()
        services.save_section(
            draft,
            section=KEY.OUTCOMES,
            expected_version=0,
            by=second,
            write=lambda a: rows.update(unable=False, reasons=[]),
        )

    response = client.post(
        reverse("assessment_section", args=["alpha", draft.code, KEY.ELIGIBILITY]),
        {"version": "0", "eligibility-confirm": "on"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this section while you were editing it" in html
    assert "The latest saved version" in html
    assert "Not eligible under regulation 2" in html
    with scopes_disabled():
        assert fresh(draft).eligibility_confirmed_at is None
