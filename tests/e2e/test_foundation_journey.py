import pytest
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def test_officer_signs_in_sees_her_site_and_cannot_open_another(page, demo):
    page.goto("/s/northshire/")
    expect(page).to_have_url("/accounts/login/?next=/s/northshire/")

    sign_in(page, "olivia")
    expect(page).to_have_url("/s/northshire/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Northshire County Council"
    )
    expect(page.get_by_text("Assessing officer")).to_be_visible()
    expect(page.get_by_text("Riverside")).to_have_count(0)

    response = page.goto("/s/riverside/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")

    page.goto("/s/northshire/")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url("/accounts/login/")


def test_wrong_password_is_explained_and_the_user_name_kept(page, demo):
    sign_in(page, "olivia", password="not-her-password")
    # Said in the error summary at the top and again in the form.
    expect(page.locator(".error-summary")).to_contain_text(
        "correct username and password"
    )
    expect(
        page.locator("form").get_by_text("correct username and password")
    ).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("olivia")
