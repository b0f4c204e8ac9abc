"""Browser journey (issue 9): olivia makes Mrs Evans a programme case and drafts the
case study, aisha (the site's advisor) reviews it, the site's project coordinator
approves it, and the programme coordinator reads the shared snapshot."""

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from careplans.programme import (
    CaseStudy,
    CaseStudyReplacement,
    ProgrammeCase,
    PublishedCaseStudy,
)
from sites.models import ProgrammeSite

from .conftest import sign_in

pytestmark = pytest.mark.e2e

TEXT = {
    "Situation": "An elderly couple at home. Mrs E fell; Mr E, her carer, had never "
    "cooked. They were not eating well.",
    "What would usually have been offered": "Community meals.",
    "What they wanted, in their words": "“Quality time together at mealtimes.”",
    "What was arranged, and whose idea it was": "Dial-a-ride twice a week to lunch "
    "out, and a weekly Chinese takeaway (their idea).",
    "Panel": "Approved by the panel with a review in eight weeks.",
    "Outcomes at review": "Mealtimes are a pleasure again.",
    "Cost against the standard response": "A little more a week than community meals.",
    "Barriers": "The expectation that meals mean community meals.",
    "Learning": "Ask what people want before naming a service.",
}


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url("/accounts/login/")


@pytest.fixture
def evans_not_yet_a_case(demo):
    """The demo already made Mrs Evans a case with an approved case study: undo it, so
    the journey can do it again through the pages."""
    with scopes_disabled():
        cases = ProgrammeCase.objects.filter(person__nhs_number="9990004110")
        studies = CaseStudy.objects.filter(programme_case__in=cases)
        published = [s.published_id for s in studies if s.published_id]
        CaseStudyReplacement.objects.filter(case_study__in=studies).delete()
        studies.delete()
        PublishedCaseStudy.objects.filter(pk__in=published).delete()
        cases.delete()


def test_a_case_study_goes_from_the_practitioner_to_the_other_sites(
    page, evans_not_yet_a_case
):
    with scopes_disabled():
        place = ProgrammeSite.objects.select_related("project_coordinator").get(
            site__slug="northshire"
        )
        coordinator = place.project_coordinator.username
        slug = place.programme.slug

    # olivia includes Mrs Evans from her page and drafts the case study.
    sign_in(page, "olivia")
    page.get_by_role("link", name="People").first.click()
    page.get_by_role("link", name="Evans, Gwen").click()
    include = page.get_by_role("button", name="Include in the programme")
    expect(include).to_be_visible()  # the person's page has loaded
    living = page.get_by_label("They live in their own home")
    if living.count():
        living.check()
    include.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Programme case")
    expect(page.get_by_text("Dial-a-ride twice a week").first).to_be_visible()
    page.get_by_label("Consent given").check()
    page.get_by_label("Who agreed, or why consent is not needed").fill(
        "Both agreed at the first review."
    )
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    page.get_by_role("button", name="Draft a case study").click()
    expect(page.get_by_text("Anonymisation log")).to_be_visible()

    page.get_by_role("link", name="Change the text").click()
    page.get_by_label("Pseudonym").fill("Mr and Mrs Evans")
    for label, text in TEXT.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_role("button", name="Save").click()
    # The family's name is caught, with its place shown; it cannot move on.
    expect(page.get_by_text(re.compile("It still identifies someone"))).to_be_visible()
    expect(page.get_by_text(re.compile("Pseudonym, line 1"))).to_be_visible()
    page.get_by_role("button", name="Send for the advisor's review").click()
    expect(
        page.get_by_text(re.compile("The case study still identifies"))
    ).to_be_visible()
    page.get_by_role("link", name="Change the text").click()
    page.get_by_label("Pseudonym").fill("Mr and Mrs E")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("No identifying detail found")).to_be_visible()
    page.get_by_role("button", name="Send for the advisor's review").click()
    expect(page.get_by_text("Sent to the site's advisor for review.")).to_be_visible()
    sign_out(page)

    # aisha, the site's advisor, answers the motivated-intruder question.
    sign_in(page, "aisha")
    page.get_by_role("link", name="Case studies").first.click()
    page.get_by_role("link", name="Mr and Mrs E").first.click()
    page.get_by_role("link", name="Review it").click()
    page.get_by_label(re.compile("No: nobody outside the team")).check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text(re.compile("Reviewed: it waits"))).to_be_visible()
    sign_out(page)

    # The site's project coordinator approves it for sharing.
    sign_in(page, coordinator)
    page.get_by_role("link", name="Case studies").first.click()
    page.get_by_role("link", name="Mr and Mrs E").first.click()
    page.get_by_role("button", name="Approve for sharing").click()
    expect(
        page.get_by_text(re.compile("Approved for sharing: the other"))
    ).to_be_visible()
    sign_out(page)

    # The programme coordinator reads the snapshot, never the record behind it.
    sign_in(page, "carl")
    page.goto(f"/p/{slug}/case-studies/")
    page.get_by_role("link", name="Mr and Mrs E").first.click()
    expect(
        page.get_by_text("Ask what people want before naming a service.")
    ).to_be_visible()
    expect(page.get_by_text("Evans")).to_have_count(0)
