import re

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def _save(section):
    section.get_by_role("button", name="Save this section").click()
    expect(section.get_by_text("Saved", exact=True)).to_be_visible()


def test_officer_records_an_assessment_and_sees_eligibility_explained(page, demo):
    sign_in(page, "olivia")
    page.get_by_role("link", name="People").first.click()

    # Find the person by searching.
    page.get_by_label("Find a person").fill("Oyel")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Oyelaran, Beatrice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beatrice Oyelaran")

    page.get_by_label("Needs assessment").check()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Needs assessment: Beatrice Oyelaran"
    )

    matters = page.locator("#section-what_matters")
    matters.get_by_label("What matters to the person").fill(
        "Staying in my own home and seeing my grandchildren on Sundays."
    )
    _save(matters)

    outcomes = page.locator("#section-outcomes")
    outcomes.get_by_label("Yes").check()
    for domain in (
        "Managing and maintaining nutrition",
        "Maintaining personal hygiene",
    ):
        row = outcomes.locator("fieldset", has_text=domain).first
        row.get_by_label("Unable to achieve").check()
        row.get_by_label("Unable without assistance (including prompting)").check()
    _save(outcomes)

    wellbeing = page.locator("#section-wellbeing")
    # Nothing is preselected: every area is answered.
    rows = wellbeing.locator(".wellbeing-row")
    for i in range(rows.count()):
        rows.nth(i).get_by_label("Impact").select_option(label="No impact")
    wellbeing.locator(
        ".wellbeing-row", has_text="Physical and mental health"
    ).get_by_label("Impact").select_option(label="Significant impact")
    _save(wellbeing)

    # The eligibility section was refreshed by the outcomes and wellbeing saves.
    eligibility = page.locator("#section-eligibility")
    expect(eligibility).to_contain_text(
        "Eligible: all three conditions of regulation 2 are met."
    )
    expect(eligibility).to_contain_text(
        re.compile(
            r"unable to achieve 2 of the outcomes \(managing and maintaining nutrition"
        )
    )
    eligibility.get_by_label(re.compile("I have checked the answers above")).check()
    eligibility.get_by_role("button", name="Confirm eligibility").click()
    expect(eligibility).to_contain_text("Confirmed by Olivia Hart")

    needs = page.locator("#section-needs")
    needs.get_by_label("The need, in plain words").fill(
        "Cannot prepare meals safely since her stroke."
    )
    needs.get_by_label("Managing and maintaining nutrition").check()
    needs.get_by_label("What would usually be offered").select_option(
        label="Community meals (about £38.50 a week)"
    )
    _save(needs)

    wants = page.locator("#section-desired_outcomes")
    for words in (
        "I want to cook Sunday dinner for my grandchildren again, with a bit of help.",
        "I'd like someone to come with me to the market on Saturdays.",
    ):
        new_row = wants.locator("fieldset", has_text="Add an outcome")
        new_row.get_by_label("In their own words").fill(words)
        new_row.get_by_label("Who said this").select_option(label="The person")
        _save(wants)
    expect(wants.locator("fieldset", has_text="Outcome 2")).to_be_visible()

    complete = page.locator("#complete")
    expect(complete).to_contain_text("Everything needed is recorded")
    complete.get_by_role("button", name="Complete the assessment").click()

    expect(page.get_by_text(re.compile("Completed by Olivia Hart"))).to_be_visible()
    expect(page.locator("#section-eligibility")).to_contain_text(
        "Eligible: all three conditions of regulation 2 are met."
    )
    expect(page.get_by_text("“I want to cook Sunday dinner")).to_be_visible()
    expect(page.get_by_text("Community meals (about £38.50 a week)")).to_be_visible()
    expect(page.get_by_role("button", name="Save this section")).to_have_count(0)
