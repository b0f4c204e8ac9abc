"""htmx section saves under the strict CSP: no inline style, no console error, and
a refused save shows the error summary inside its section, focused and linked.

The ``page`` fixture fails the test on any console error, which is where Chromium
reports a CSP violation (htmx's indicator styles were one: an inline <style>).
"""

import pytest
from playwright.sync_api import expect

from .axe import describe, serious_violations
from .conftest import sign_in

pytestmark = pytest.mark.e2e


def _start_assessment(page):
    sign_in(page, "olivia")
    page.goto("/s/northshire/people/")
    page.get_by_role("link", name="Oyelaran, Beatrice").click()
    page.get_by_label("Needs assessment").check()
    page.get_by_role("button", name="Start").click()
    # The click returns once the new page is committed; htmx reads its <meta> config
    # when the document is ready, so wait for the new page to finish loading.
    expect(page.locator("#section-what_matters")).to_be_visible()
    page.wait_for_load_state()


def test_htmx_adds_no_inline_style_and_saves_log_no_error(page, demo):
    _start_assessment(page)
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    matters = page.locator("#section-what_matters")
    matters.get_by_label("What matters to the person").fill("Sundays with family.")
    matters.get_by_role("button", name="Save this section").click()
    expect(matters.get_by_text("Saved", exact=True)).to_be_visible()
    # Nothing put a <style> element or a style attribute into the page.
    assert page.locator("style").count() == 0
    assert page.locator("[style]").count() == 0


def test_a_refused_section_save_summarises_its_errors_in_the_section(page, demo):
    _start_assessment(page)
    outcomes = page.locator("#section-outcomes")
    row = outcomes.locator("fieldset", has_text="Maintaining personal hygiene").first
    row.get_by_label("Unable to achieve").check()
    outcomes.get_by_role("button", name="Save this section").click()

    summary = outcomes.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", level=3)).to_have_text("There is a problem")
    # The row is named by its outcome, not by its position.
    expect(summary).to_contain_text("Why (Maintaining personal hygiene)")
    link = summary.get_by_role("link").first
    target = link.get_attribute("href")[1:]
    link.click()
    assert page.evaluate("document.activeElement.id") == target
    violations = serious_violations(page)
    assert not violations, describe(violations)
