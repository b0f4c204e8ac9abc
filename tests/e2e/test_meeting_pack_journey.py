"""Browser journey (issue 9): carl, the programme coordinator, chooses the case studies
the sites bring to the next collaborative meeting and prints the meeting pack. The
pack tells the Evans story (dial-a-ride, the takeaway, the cost against community
meals) and holds no name, NHS number, postcode or address of the family."""

import io
import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect
from pypdf import PdfReader

from assessments.models import Person
from sites.models import AuditEvent

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def test_carl_builds_a_meeting_and_prints_a_pack_that_tells_the_evans_story(page, demo):
    with scopes_disabled():
        family = list(Person.objects.filter(family_name="Evans"))
    assert family, "the demo has the Evans family"

    sign_in(page, "carl")
    page.goto("/p/over-85s/")
    page.get_by_role("link", name="Meetings").first.click()
    page.get_by_role("link", name="Second collaborative meeting").first.click()
    page.get_by_role("link", name="Choose the case studies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Case studies for the meeting"
    )
    boxes = page.get_by_role("checkbox")
    expect(boxes.first).to_be_visible()
    page.get_by_label(re.compile(r"Mr and Mrs E \(")).check()
    # And one from another site.
    page.get_by_label(re.compile(r"Riverside Borough Council")).first.check()
    page.get_by_role("button", name="Save the choice").click()
    chosen = page.get_by_role("list").filter(has_text="Mr and Mrs E")
    expect(chosen.first).to_be_visible()

    pack_link = page.get_by_role("link", name="Print the meeting pack (PDF)").first
    response = page.request.get(pack_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages
    )
    flat = re.sub(r"\s+", " ", text)

    # The story, as the guide tells it.
    assert "Mr and Mrs E" in flat
    assert "Dial-a-ride" in flat
    assert "takeaway" in flat
    assert "community meals" in flat.lower()
    assert re.search(r"£\d", flat), "the cost against the standard response"
    assert "pseudonymised" in flat.lower()
    # Nothing that identifies the family.
    for person in family:
        for identifier in [
            person.family_name,
            person.given_name,
            person.nhs_number,
            person.postcode,
            person.postcode.replace(" ", ""),
            person.address.splitlines()[0] if person.address else "",
        ]:
            if identifier:
                assert identifier not in flat, identifier
    # Every print is an audit event, naming the programme.
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            kind="print", programme__slug="over-85s"
        ).exists()
