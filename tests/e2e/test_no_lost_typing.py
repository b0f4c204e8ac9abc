"""Nothing typed is lost on the long assessment page (issue 10, item 12): typing in
one section, then saving another or reloading, keeps the text; leaving the page with
unsaved changes asks first."""

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e

WORDS = "Seeing my grandchildren on Sundays, and my garden."


def _start_assessment(page):
    sign_in(page, "olivia")
    page.get_by_role("link", name="People").first.click()
    page.get_by_label("Find a person").fill("Oyel")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Oyelaran, Beatrice").click()
    page.get_by_label("Needs assessment").check()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Needs assessment")


def test_a_section_typed_in_survives_saving_another_and_a_reload(page, demo):
    _start_assessment(page)
    matters = page.locator("#section-what_matters")
    matters.get_by_label("What matters to the person").fill(WORDS)

    strengths = page.locator("#section-strengths")
    strengths.get_by_role("textbox").first.fill("A neighbour pops in daily.")
    strengths.get_by_role("button", name="Save this section").click()
    expect(strengths.get_by_text("Saved", exact=True)).to_be_visible()
    expect(matters.get_by_label("What matters to the person")).to_have_value(WORDS)

    # A reload (or coming back to the page) brings the unsaved text back, and says so.
    page.reload()
    matters = page.locator("#section-what_matters")
    expect(matters.get_by_label("What matters to the person")).to_have_value(WORDS)
    expect(matters.get_by_role("status")).to_contain_text(
        "Your unsaved changes to this section are back"
    )

    # Saved, the draft is done with: a reload shows the saved text and no note.
    matters.get_by_role("button", name="Save this section").click()
    expect(matters.get_by_text("Saved", exact=True)).to_be_visible()
    page.reload()
    matters = page.locator("#section-what_matters")
    expect(matters.get_by_label("What matters to the person")).to_have_value(WORDS)
    expect(matters.locator(".draft-restored")).to_have_count(0)


def test_leaving_with_unsaved_changes_asks_first(page, demo):
    _start_assessment(page)
    page.locator("#section-what_matters").get_by_label(
        "What matters to the person"
    ).fill(WORDS)
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.get_by_role("link", name="People").first.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(page.get_by_role("heading", level=1)).to_contain_text("Needs assessment")
    expect(
        page.locator("#section-what_matters").get_by_label("What matters to the person")
    ).to_have_value(WORDS)


def test_a_page_with_nothing_changed_leaves_without_asking(page, demo):
    _start_assessment(page)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    page.get_by_role("link", name="People").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("people")
    assert asked == []
