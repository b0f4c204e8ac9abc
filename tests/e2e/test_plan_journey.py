import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url("/accounts/login/")


def test_officer_builds_a_flexible_plan_that_goes_to_panel_and_prints(page, demo):
    sign_in(page, "olivia")
    page.get_by_role("link", name="People").first.click()
    page.get_by_role("link", name="Evans, Dennis").click()
    page.get_by_role("link", name="Draft a care and support plan").click()
    expect(page.get_by_label("The assessment this plan answers")).to_contain_text(
        "Carer's assessment of Dennis Evans"
    )
    page.get_by_role("button", name="Draft the plan").click()
    # A plan answering his carer's assessment is his own carer's support plan.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Carer's support plan: Dennis Evans"
    )

    page.get_by_role("link", name="Change these").click()
    page.get_by_label("Start date").fill("2027-01-04")
    page.get_by_label("The person's and carer's views on this plan").fill(
        "He would love to get back to bowls."
    )
    # A plan is submitted only with its contingency (issue 12).
    page.get_by_label("If things go wrong (contingency plan)").fill(
        "If the sitter cannot come, the agency rings Mr Evans and sends another."
    )
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Add a response").click()
    page.get_by_label("What will happen").fill(
        "Sitter for Mrs Evans on Wednesday afternoons so he can play bowls"
    )
    page.get_by_label("Type").select_option(label="Flexible spend / direct payment")
    page.get_by_label(re.compile("quality time together at mealtimes")).check()
    page.get_by_label("How many times").fill("1")
    page.get_by_label("Cost each time (£)").fill("36.00")
    page.get_by_label("What the person asked for").check()
    page.get_by_role("button", name="Save the response").click()
    expect(page.get_by_text("£36.00 a week").first).to_be_visible()
    expect(page.locator("#cost")).to_contain_text("+£36.00")

    page.get_by_role("button", name="Submit the plan").click()
    expect(page.get_by_text("Needs panel.")).to_be_visible()
    expect(page.get_by_text(re.compile("is not a standard service"))).to_be_visible()

    with page.expect_download() as download_info:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; "
            "a.download = 'plan.pdf'; document.body.appendChild(a); a.click(); }",
            page.get_by_role("link", name="Print the plan (PDF)").get_attribute("href"),
        )
    data = open(download_info.value.path(), "rb").read()  # noqa: SIM115
    assert data.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    text = " ".join(text.split())
    assert "Your carer\u2019s support plan" in text
    assert "Support for carers is not charged" in text
    assert "Sitter for Mrs Evans on Wednesday afternoons" in text
    assert "quality time together at mealtimes" in text
    assert "£36.00 a week" in text
    assert "waiting to be approved" in text


def test_team_manager_signs_off_an_all_standard_plan(page, demo):
    # Olivia turns the deferred choir plan into a standard service and resubmits.
    sign_in(page, "olivia")
    page.get_by_role("link", name="Plans").first.click()
    page.get_by_role("link", name="Dorothy Kettering").click()
    expect(page.get_by_text(re.compile("Returned by Priya Nair"))).to_be_visible()
    page.get_by_role("link", name="Change", exact=True).click()
    page.get_by_label("Type").select_option(label="Standard commissioned service")
    page.get_by_role("button", name="Save the response").click()
    page.get_by_role("button", name="Submit the plan").click()
    expect(page.get_by_text("Awaiting a manager's sign-off.")).to_be_visible()
    plan_url = page.url
    sign_out(page)

    sign_in(page, "tom")
    page.goto(plan_url)
    page.get_by_role("button", name="Sign off the plan").click()
    expect(page.get_by_text("The plan is signed off and active.")).to_be_visible()
    expect(page.get_by_text(re.compile("Approved by Tom Bryant"))).to_be_visible()
