"""Fixed query counts for the programme casework pages not counted elsewhere (issue 9)."""

import pytest
from django_scopes import scopes_disabled

from careplans import programme_services as ps
from careplans.programme import UnmetWant
from tests.careplans.programme_fixtures import (
    clean_case_study,
    older_person,
    site_url,
)
from tests.factories import DesiredOutcomeFactory
from tests.plan_factories import completed_assessment

pytestmark = pytest.mark.django_db

# Session, user, memberships; the rows with what they show.
LIST_QUERIES = 4


def _more_cases(cast, site, officer, count):
    with scopes_disabled():
        cases = []
        for n in range(count):
            # Another person (not a second record of the same name and birth).
            person = older_person(site, nhs_number="", given_name=f"Quilla{n}")
            completed_assessment(site, officer, person=person)
            cases.append(
                ps.include_in_programme(
                    programme=cast["programme"], person=person, by=officer
                )
            )
    return cases


@pytest.mark.parametrize("extra", [0, 3])
def test_the_programme_case_list_takes_a_fixed_number_of_queries(
    client, cast, case, site_a, officer, extra, django_assert_num_queries
):
    _more_cases(cast, site_a, officer, extra)
    client.force_login(officer)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(site_url("programme_case_list"))
    assert len(response.context["cases"]) == extra + 1


@pytest.mark.parametrize("extra", [0, 3])
def test_the_case_study_list_takes_a_fixed_number_of_queries(
    client, cast, case, site_a, officer, extra, django_assert_num_queries
):
    for _ in range(extra + 1):
        with scopes_disabled():
            ps.draft_case_study(case, by=officer)
    client.force_login(cast["coordinator"])
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(site_url("case_study_list"))
    assert len(response.context["case_studies"]) == extra + 1


def test_the_case_study_form_takes_a_fixed_number_of_queries(
    client, cast, case, officer, django_assert_num_queries
):
    case_study = clean_case_study(case, officer)
    client.force_login(officer)
    # Session, user, memberships; the case study with its case and people; the
    # view of the person's record, audited.
    with django_assert_num_queries(5):
        response = client.get(site_url("case_study_edit", case_study.code))
    assert response.status_code == 200


def test_the_review_page_takes_a_fixed_number_of_queries(
    client, cast, case, officer, django_assert_num_queries
):
    case_study = clean_case_study(case, officer)
    with scopes_disabled():
        ps.submit_case_study(case_study, by=officer)
    client.force_login(cast["advisor"])
    # Session, user, memberships; the case study with its case and people; the
    # check (the family, the programme's place twice); the log; the site's name; the
    # view of the person's record, audited.
    with django_assert_num_queries(9):
        response = client.get(site_url("case_study_review", case_study.code))
    assert response.status_code == 200
    assert "Could a practitioner from a neighbouring council" in response.text


def test_the_return_page_takes_a_fixed_number_of_queries(
    client, cast, case, officer, django_assert_num_queries
):
    case_study = clean_case_study(case, officer)
    client.force_login(cast["advisor"])
    # ... and the view of the person's record, audited.
    with django_assert_num_queries(5):
        response = client.get(site_url("case_study_return", case_study.code))
    assert response.status_code == 200


def test_the_sites_case_study_pdf_takes_a_fixed_number_of_queries(
    client, cast, case, officer, django_assert_num_queries
):
    case_study = clean_case_study(case, officer)
    client.force_login(officer)
    # Session, user, memberships; the case study; the case's figures (needs, plans,
    # outcomes, responses, panel decision, ratings, unmet wants, deliveries); the
    # audit event.
    with django_assert_num_queries(13):
        response = client.get(site_url("case_study_pdf", case_study.code))
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("outcomes", [1, 3])
def test_the_unmet_want_form_takes_a_fixed_number_of_queries(
    client, cast, in_focus, officer, outcomes, django_assert_num_queries
):
    plan = in_focus["plan"]
    with scopes_disabled():
        unmet = UnmetWant.objects.create(
            site=plan.site, plan=plan, what_wanted="A swim", barrier="provider"
        )
        for _ in range(outcomes - 1):
            DesiredOutcomeFactory(assessment=in_focus["assessment"])
    client.force_login(officer)
    # Session, user, memberships; the plan with its person; the unmet want; the
    # outcomes to choose from; the view of the person's record, audited.
    with django_assert_num_queries(7):
        response = client.get(site_url("unmet_want_edit", plan.code, unmet.code))
    assert response.status_code == 200
    assert response.text.count("I want to get to the allotment") == outcomes
