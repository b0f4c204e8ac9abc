import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import sign_in
from .test_plan_journey import sign_out

pytestmark = pytest.mark.e2e


def move_the_meeting_to_today(page):
    """The demo's next meeting is in ten days; a meeting is opened on its own day,
    so the chair moves it to today first (an explicit, recorded change)."""
    page.get_by_role("link", name="Move this meeting").click()
    today = timezone.localdate().isoformat()
    page.get_by_label("New date and time").fill(f"{today}T23:00")
    page.get_by_label("Why it is moved").fill("The chair is away on the original day.")
    page.get_by_role("button", name="Move the meeting").click()
    expect(
        page.get_by_text("The meeting is moved; the change is recorded.")
    ).to_be_visible()


def test_chair_decides_with_conditions_and_the_officer_hears_back(page, demo):
    sign_in(page, "priya")
    page.get_by_role("link", name="Panel", exact=True).click()
    expect(page.get_by_role("heading", name="Funding panel")).to_be_visible()
    page.locator(".list-group-item", has_text="Scheduled").get_by_role("link").click()
    move_the_meeting_to_today(page)

    page.get_by_label("Priya Nair").check()
    page.get_by_label("Tom Bryant").check()
    page.get_by_label("Olivia Hart").check()
    page.get_by_role("button", name="Open the meeting").click()
    expect(page.get_by_text("The meeting is in session.")).to_be_visible()

    page.get_by_role("link", name="Record the decision").click()
    page.get_by_label("Approved with conditions").check()
    page.get_by_label("Reasons for the decision").fill("Reasons")
    page.get_by_role("button", name="Record the decision").click()
    # Too short: told why, nothing lost.
    # Said in the error summary at the top and again beside the field.
    expect(page.locator(".error-summary")).to_contain_text("in a sentence or more")
    expect(
        page.locator("form").get_by_text(re.compile("in a sentence or more"))
    ).to_be_visible()
    expect(page.get_by_label("Reasons for the decision")).to_have_value("Reasons")

    page.get_by_label("Reasons for the decision").fill(
        "Going to the match meets his need to stay connected, for less than a day "
        "centre place he does not want."
    )
    page.get_by_label("Conditions", exact=True).fill(
        "Review after the end of the season."
    )
    page.get_by_label("Authorised weekly amount (£)").fill("41.54")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Panel decision: Approved with conditions"
    )
    expect(page.get_by_text("Review after the end of the season.")).to_be_visible()
    sign_out(page)

    sign_in(page, "olivia")
    # The navigation's link ("Notifications 2 unread"), not "All notifications".
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    note = page.locator(".list-group-item", has_text="Colin Marsh")
    expect(note).to_contain_text("approved with conditions")
    note.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Panel decision: Approved with conditions"
    )
    page.get_by_role("link", name="Care and support plan").click()
    expect(page.get_by_text(re.compile("Approved by Priya Nair"))).to_be_visible()
    expect(page.locator("#h-history").locator("..")).to_contain_text(
        "Review after the end of the season."
    )
