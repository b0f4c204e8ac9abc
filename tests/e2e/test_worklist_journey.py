"""The home page is a worklist, and the audit trail answers "who opened this
person's file?" (issue 10, items 18 and 19), in the browser."""

import os
import re

import pytest
from django.contrib.auth import get_user_model
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from careplans import services
from sites.models import Site
from tests.plan_factories import plan_with

from .conftest import sign_in

pytestmark = pytest.mark.e2e

SHOTS = os.environ.get("CAREHUB_SCREENSHOTS", "")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url("/accounts/login/")


@pytest.fixture
def submitted(demo):
    """A plan Olivia wrote and submitted for sign-off, for a made-up person."""
    olivia = get_user_model().objects.get(username="olivia")
    with scopes_disabled():
        site = Site.objects.get(slug="northshire")
        plan = services.submit_plan(plan_with(site, olivia), by=olivia)
        assert plan.status == "awaiting_sign_off"
        return plan


def test_the_worklist_takes_a_plan_from_sign_off_back_to_its_officer(page, submitted):
    person = submitted.person
    name = re.compile(re.escape(person.display_name))

    # The manager's home says what waits for his sign-off.
    sign_in(page, "tom")
    waiting = page.locator("#worklist-sign_offs")
    expect(waiting.get_by_role("heading")).to_contain_text("Waiting for your sign-off")
    shot(page, "home-tom")
    waiting.get_by_role("link", name=name).click()
    page.get_by_role("link", name="Return it with reasons").click()
    page.get_by_label("Reason").fill("Please say which days the carer visits.")
    page.get_by_role("button", name="Return the plan").click()
    expect(
        page.get_by_text("The plan has been returned to the officer.")
    ).to_be_visible()
    page.get_by_role("link", name="Northshire County Council").first.click()
    expect(page.locator("#worklist-sign_offs")).not_to_contain_text(person.display_name)
    sign_out(page)

    # The officer sees it returned, with the reasons, and a notification counted in
    # the navigation.
    sign_in(page, "olivia")
    nav = page.get_by_role("navigation", name="Main")
    expect(
        nav.get_by_role("link", name=re.compile(r"Notifications \d+ unread"))
    ).to_be_visible()
    mine = page.locator("#worklist-my_plans")
    returned = mine.get_by_role("listitem").filter(has_text=person.display_name)
    expect(mine).to_contain_text("Returned to you")
    expect(returned).to_contain_text("Please say which days the carer visits.")
    expect(page.locator("#worklist-notifications")).to_contain_text("returned the plan")
    shot(page, "home-olivia")
    returned.get_by_role("link", name=name).click()
    expect(page.get_by_role("alert")).to_contain_text("Returned by")
    sign_out(page)

    # The senior manager asks who opened this person's file, and when.
    sign_in(page, "sam")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Audit"
    ).click()
    page.get_by_label("Person").fill(person.family_name)
    page.get_by_role("button", name="Find the person").click()
    # Either a list of matches or the audit already filtered to the one person.
    expect(page.locator(".person-matches, .person-filter").first).to_be_visible()
    if page.locator(".person-matches").count():
        page.locator(".person-matches").get_by_role(
            "link", name=person.full_name
        ).click()
    expect(page.locator(".person-filter")).to_contain_text(person.full_name)
    assert person.family_name not in page.url
    events = page.locator("table.audit-events")
    viewed = events.get_by_role("row").filter(has_text="Viewed a record")
    expect(viewed.filter(has_text="Tom").first).to_be_visible()
    expect(viewed.filter(has_text="Olivia").first).to_be_visible()
    expect(events).not_to_contain_text("careplans.CarePlan")
    expect(
        events.get_by_role("link", name=re.compile("Care and support plan v1")).first
    ).to_be_visible()
    shot(page, "audit-sam")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these events (CSV)").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    assert person.full_name in text
    assert "Viewed a record" in text
