"""How a letter sits on the page (issue 12, item 9): a full one-page letter keeps its
closing and the contact details on its one page; the site's contact details head the
letter, as on letter paper; in large print a long list of reasons runs on rather than
leaving half a page empty."""

import io

import pypdf
import pytest
from django_scopes import scopes_disabled

from assessments.legal_services import save_equality, send_letter
from assessments.letters import LetterKind
from tests.factories import PersonFactory
from tests.helpers import pdf_text, url

pytestmark = pytest.mark.django_db

# An eligibility decision as long as a real one: four reasons, two needs.
VALUES = {
    "assessment_kind": "needs assessment",
    "assessment_date": "2 November 2026",
    "decision": "We have decided that you have eligible needs: needs the council "
    "must meet under the Care Act 2014. We will now agree a plan with you.",
    "reasons": "• Your needs arise from a physical or mental impairment or illness.\n"
    "• Because of them you are unable to achieve 3 of the outcomes the law lists: "
    "managing and maintaining nutrition; being able to make use of the home safely; "
    "making use of facilities or services in the local community.\n"
    "• As a result there is a significant impact on your wellbeing: physical and "
    "mental health and emotional wellbeing.\n"
    "• Your needs fluctuate: we looked at them over the last three months.",
    "needs": "• Needs help to cook and eat a proper tea safely on bad evenings.\n"
    "• Needs a way to get home if they lose their way.",
}


@pytest.fixture
def person(site_a):
    site_a.duty_phone = "0113 496 0999"
    site_a.contact_email = "adult.care@example.org"
    site_a.postal_address = "Adult Social Care, County Hall\nNorthbury NS1 1AA"
    site_a.save()
    with scopes_disabled():
        return PersonFactory(
            site=site_a,
            given_name="Ada",
            family_name="Testperson",
            address="3 Example Lane\nNorthbury",
            postcode="NS3 4ZZ",
        )


def pages_of(client, letter):
    response = client.get(url("letter_pdf", letter.code))
    return pypdf.PdfReader(io.BytesIO(response.content)).pages, pdf_text(response)


def test_a_full_one_page_letter_keeps_its_closing_on_its_page(client, officer, person):
    with scopes_disabled():
        letter = send_letter(
            person=person, kind=LetterKind.ELIGIBILITY, values=VALUES, by=officer
        )
    client.force_login(officer)
    pages, text = pages_of(client, letter)
    assert len(pages) == 1
    assert "Yours sincerely" in text
    # The site's contact details head the letter (no footer under it).
    head = pages[0].extract_text().split("Ada Testperson")[0]
    assert "Duty line 0113 496 0999 · adult.care@example.org" in " ".join(head.split())


def test_a_large_print_letter_fills_its_pages(client, officer, person):
    with scopes_disabled():
        save_equality(
            person=person,
            by=officer,
            expected_version=0,
            preferred_format="large_print",
        )
        letter = send_letter(
            person=person, kind=LetterKind.ELIGIBILITY, values=VALUES, by=officer
        )
    assert letter.large_print
    client.force_login(officer)
    pages, _ = pages_of(client, letter)
    assert len(pages) == 2
    # The reasons run on from the first page instead of moving whole to the second.
    first = " ".join(pages[0].extract_text().split())
    assert "Why we decided this:" in first
    closing = " ".join(pages[1].extract_text().split())
    assert "Yours sincerely," in closing
    assert "adult.care@example.org" in closing
