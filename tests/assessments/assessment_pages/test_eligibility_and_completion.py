"""Eligibility explained and confirmed through the assessment page, completing an
assessment, and addenda after it."""

import pytest
from django_scopes import scope, scopes_disabled

from assessments import services
from assessments.models import Addendum, Assessment
from tests.assessments.assessment_pages.posts import (
    HTMX,
    detail_url,
    no_impact,
    section_post,
    section_url,
    stored,
    unable,
)
from tests.factories import make_ready_to_complete
from tests.helpers import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(draft, officer):
    with scope(site=draft.site):
        make_ready_to_complete(draft, officer)
        return services.complete_assessment(draft, by=officer)


# --- Eligibility ---------------------------------------------------------------------


def record_eligible_answers_through_the_page(client, assessment):
    outcomes = section_post(
        assessment,
        "outcomes",
        **{"outcomes-needs_arise_from_condition": "true"},
        **unable(0),
        **unable(1, ["pain_distress", "endangers"]),
    )
    assert client.post(section_url(assessment, "outcomes"), outcomes).status_code == 302
    wellbeing = section_post(
        assessment, "wellbeing", **no_impact({"wellbeing-0-level": "significant"})
    )
    assert (
        client.post(section_url(assessment, "wellbeing"), wellbeing).status_code == 302
    )


def test_eligibility_is_explained_in_words_and_then_confirmed(client, officer, draft):
    client.force_login(officer)
    before = client.get(detail_url(draft)).content.decode()
    assert "Not enough is recorded yet to decide." in before
    assert "Confirm eligibility" not in before

    record_eligible_answers_through_the_page(client, draft)
    page = client.get(detail_url(draft)).content.decode()
    assert "Eligible: all three conditions of regulation 2 are met." in page
    assert "The needs arise from a physical or mental impairment or illness." in page
    assert (
        "unable to achieve 2 of the outcomes (managing and maintaining nutrition; "
        "maintaining personal hygiene)"
    ) in page
    assert "significant impact on wellbeing (personal dignity)" in page
    assert "Not confirmed yet." in page
    assert "Confirm eligibility" in page

    response = client.post(
        section_url(draft, "eligibility"),
        section_post(
            draft,
            "eligibility",
            **{
                "eligibility-confirm": "on",
                "eligibility-eligibility_note": "Agreed with Ada.",
            },
        ),
    )
    assert response.status_code == 302
    saved = stored(draft)
    assert saved.eligibility_result is True
    assert saved.eligibility_confirmed_by == officer
    assert saved.eligibility_note == "Agreed with Ada."
    page = client.get(detail_url(draft)).content.decode()
    assert f"Confirmed by {officer.display_name}" in page
    assert "Note: Agreed with Ada." in page


def test_eligibility_is_not_confirmed_without_the_tick(client, officer, draft):
    client.force_login(officer)
    record_eligible_answers_through_the_page(client, draft)
    response = client.post(
        section_url(draft, "eligibility"), section_post(draft, "eligibility")
    )
    assert response.status_code == 200
    assert "Tick the box to confirm the decision." in response.content.decode()
    assert stored(draft).eligibility_confirmed_at is None


def test_eligibility_cannot_be_confirmed_while_answers_are_missing(
    client, officer, draft
):
    client.force_login(officer)
    response = client.post(
        section_url(draft, "eligibility"),
        section_post(draft, "eligibility", **{"eligibility-confirm": "on"}),
    )
    assert response.status_code == 200
    assert "Eligibility cannot be confirmed yet" in response.content.decode()
    assert stored(draft).eligibility_confirmed_at is None


def test_changing_the_outcomes_after_confirming_asks_for_a_new_confirmation(
    client, officer, draft
):
    client.force_login(officer)
    record_eligible_answers_through_the_page(client, draft)
    client.post(
        section_url(draft, "eligibility"),
        section_post(draft, "eligibility", **{"eligibility-confirm": "on"}),
    )
    assert stored(draft).eligibility_confirmed_at is not None
    data = section_post(draft, "outcomes", **{"outcomes-1-unable": None})
    data.pop("outcomes-1-reasons")
    response = client.post(section_url(draft, "outcomes"), data, **HTMX)
    html = response.content.decode()
    assert "only one outcome" in html
    assert "Not eligible under regulation 2" in html
    assert "Not confirmed yet." in html
    assert stored(draft).eligibility_confirmed_at is None


# --- Completing, and after ------------------------------------------------------------


def test_an_incomplete_assessment_is_not_completed_and_the_page_says_why(
    client, officer, draft
):
    client.force_login(officer)
    response = client.post(url("assessment_complete", draft.code), follow=True)
    html = response.content.decode()
    assert "This assessment cannot be completed yet" in html
    assert "Confirm the eligibility decision." in html
    assert "Record what matters to the person." in html
    assert stored(draft).status == Assessment.Status.DRAFT


def test_a_ready_assessment_is_completed_by_post(client, manager, officer, draft):
    with scope(site=draft.site):
        make_ready_to_complete(draft, officer)
    client.force_login(manager)
    response = client.post(url("assessment_complete", draft.code), follow=True)
    assert response.redirect_chain[0][0] == detail_url(draft)
    html = response.content.decode()
    assert "The assessment is completed. It can no longer be edited." in html
    assert f"Completed by {manager.display_name}" in html
    saved = stored(draft)
    assert saved.status == Assessment.Status.COMPLETED
    assert saved.completed_by == manager
    assert client.get(url("assessment_complete", draft.code)).status_code == 405


def test_after_completion_a_section_post_changes_nothing_and_says_so(
    client, officer, completed
):
    before = stored(completed)
    client.force_login(officer)
    data = {"version": "1", "what_matters-what_matters": "Changed afterwards"}
    response = client.post(section_url(completed, "what_matters"), data, follow=True)
    html = response.content.decode()
    assert "This assessment is completed; add an addendum to correct it." in html
    after = stored(completed)
    assert after.what_matters == before.what_matters
    assert after.section_versions == before.section_versions
    assert after.updated_at == before.updated_at


def test_after_completion_outcome_rows_cannot_be_changed_either(
    client, officer, completed
):
    client.force_login(officer)
    with scopes_disabled():
        first = stored(completed).outcome_ratings.first()
    data = {
        "version": "1",
        "outcomes-TOTAL_FORMS": "1",
        "outcomes-INITIAL_FORMS": "1",
        "outcomes-0-id": str(first.pk),
        "outcomes-0-notes": "Sneaky edit",
    }
    client.post(section_url(completed, "outcomes"), data)
    with scopes_disabled():
        first.refresh_from_db()
    assert first.notes == ""
    assert first.unable is True


def test_a_completed_assessment_is_read_only_with_its_addenda(
    client, officer, completed
):
    client.force_login(officer)
    html = client.get(detail_url(completed)).content.decode()
    assert "Save this section" not in html
    assert 'name="version"' not in html
    assert "Staying in my own home with my cat." in html
    assert "No addenda." in html
    assert "Add an addendum" in html


def test_an_addendum_is_refused_on_a_draft(client, officer, draft):
    client.force_login(officer)
    response = client.post(
        url("addendum_create", draft.code), {"reason": "Typo", "text": "Fixed"}
    )
    assert response.status_code == 200
    assert "Drafts are edited directly" in response.content.decode()
    with scopes_disabled():
        assert not Addendum.objects.exists()


def test_an_addendum_is_added_to_a_completed_assessment_and_shown(
    client, manager, completed
):
    client.force_login(manager)
    response = client.post(
        url("addendum_create", completed.code),
        {"reason": "Wrong date of visit", "text": "The visit was on the 3rd."},
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(completed) + "#addenda"
    html = client.get(response["Location"]).content.decode()
    assert "The addendum has been added." in html
    assert "Wrong date of visit" in html
    assert "The visit was on the 3rd." in html
    assert manager.display_name in html
    with scopes_disabled():
        assert Addendum.objects.get().added_by == manager


def test_an_empty_addendum_is_refused_beside_the_fields(client, officer, completed):
    client.force_login(officer)
    response = client.post(
        url("addendum_create", completed.code), {"reason": "", "text": "Kept text"}
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert "Kept text" in response.content.decode()
    with scopes_disabled():
        assert not Addendum.objects.exists()
