"""Linking a carer in the browser (issue 10, item 10): the question names both
people, nothing is chosen for the officer, and the relationship shows on both pages."""

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def test_an_officer_links_a_carer_choosing_who_cares_for_whom(page, demo):
    sign_in(page, "olivia")
    page.get_by_role("link", name="People").first.click()
    page.get_by_label("Find a person").fill("Oyel")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Oyelaran, Beatrice").click()
    page.get_by_role("link", name="Link a carer or cared-for person").click()

    page.get_by_label("Find a person").fill("Pennington")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Choose").first.click()

    question = page.get_by_role("group", name="Who is the carer")
    expect(question).to_contain_text("Beatrice Oyelaran or Arthur Pennington?")
    for choice in question.get_by_role("radio").all():
        expect(choice).not_to_be_checked()

    # Saving without answering asks the question again; nothing typed is lost.
    page.get_by_label("Notes").fill("Calls in every morning.")
    page.get_by_role("button", name="Save the link").click()
    # Said in the error summary at the top and beside the question.
    expect(
        page.get_by_text("Say which of the two is the carer.", exact=True)
    ).to_be_visible()
    expect(page.get_by_label("Notes")).to_have_value("Calls in every morning.")

    page.get_by_label("Arthur Pennington cares for Beatrice Oyelaran").check()
    page.get_by_label("What is the carer to the person they care for?").select_option(
        label="Neighbour"
    )
    page.get_by_label("Willing to continue caring").select_option(label="Yes")
    page.get_by_label("Able to continue caring").select_option(label="Yes")
    page.get_by_role("button", name="Save the link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Beatrice Oyelaran")
    expect(
        page.get_by_text("Arthur Pennington is Beatrice Oyelaran's neighbour")
    ).to_be_visible()
    page.get_by_role("link", name="Arthur Pennington").first.click()
    expect(
        page.get_by_text("Arthur Pennington is Beatrice Oyelaran's neighbour")
    ).to_be_visible()
