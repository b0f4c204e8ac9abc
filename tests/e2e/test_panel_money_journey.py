"""Issue 10 item 1 in the browser: the panel cannot authorise an amount that silently
disagrees with the plan. Less than the plan costs is refused as a plain approval,
recorded as approved in part with the difference named, and the officer sees what
was authorised on the plan's page."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import sign_in
from .test_panel_journey import move_the_meeting_to_today
from .test_plan_journey import sign_out

pytestmark = pytest.mark.e2e


def test_a_lower_amount_is_approved_in_part_and_the_officer_sees_the_budget(page, demo):
    sign_in(page, "priya")
    page.get_by_role("link", name="Panel", exact=True).click()
    page.locator(".list-group-item", has_text="Scheduled").get_by_role("link").click()
    move_the_meeting_to_today(page)
    page.get_by_label("Priya Nair").check()
    page.get_by_label("Tom Bryant").check()
    page.get_by_label("Olivia Hart").check()
    page.get_by_role("button", name="Open the meeting").click()
    expect(page.get_by_text("The meeting is in session.")).to_be_visible()

    page.get_by_role("link", name="Record the decision").click()
    page.get_by_label("Approved", exact=True).check()
    page.get_by_label("Reasons for the decision").fill(
        "Going to the match keeps him connected; the panel funds three games a month."
    )
    page.get_by_label("Authorised weekly amount (£)").fill("30.00")
    page.get_by_role("button", name="Record the decision").click()
    # Not an approval of the plan as written: told why, nothing lost.
    # Said in the error summary at the top and beside the amount.
    message = re.compile(r"The plan costs £41\.54 a week; £30\.00 is less")
    expect(page.locator(".error-summary").get_by_text(message)).to_be_visible()
    expect(page.locator("#error_1_id_authorised_weekly")).to_contain_text(message)
    expect(page.get_by_label("Authorised weekly amount (£)")).to_have_value("30.00")

    page.get_by_label("Approved in part or at a lower amount").check()
    page.get_by_label("What differs from the plan, and why").fill(
        "Three home games a month, not four: the plan is to be revised to fit."
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Panel decision: Approved in part or at a lower amount"
    )
    expect(page.get_by_text("£11.54 a week less than the plan's cost")).to_be_visible()
    expect(page.get_by_text("Three home games a month, not four")).to_be_visible()
    sign_out(page)

    sign_in(page, "olivia")
    # The navigation's link ("Notifications 2 unread"), not "All notifications".
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    note = page.locator(".list-group-item", has_text="Colin Marsh")
    expect(note).to_contain_text("approved in part or at a lower amount")
    expect(note).to_contain_text("£30.00 a week authorised of £41.54")
    note.get_by_role("button", name="Open").click()
    page.get_by_role("link", name="Care and support plan").click()
    expect(
        page.get_by_text("Authorised £11.54 a week less than this plan costs.")
    ).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"Personal budget: £30\.00 a week"))
    ).to_contain_text("(the plan as written costs £41.54)")
