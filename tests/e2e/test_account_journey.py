"""Browser journeys for the account: two-factor sign-in where a site requires it, and
"where you are signed in"."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from sites.models import Site

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def _code_for(secret):
    return f"{TOTP(b32decode(''.join(secret.split()))).token():06d}"


def test_a_panel_chair_sets_up_two_factor_and_later_uses_a_recovery_code(page, demo):
    Site.objects.filter(slug="northshire").update(require_two_factor=True)

    sign_in(page, "priya")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/set-up/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Set up two-factor sign-in"
    )
    expect(page.locator("figure.qr-code svg")).to_be_visible()
    secret = page.locator("code.setup-key").inner_text()
    page.get_by_label("Code").fill(_code_for(secret))
    page.get_by_role("button", name="Check the code").click()

    expect(page.get_by_text("This is the only time they are shown")).to_be_visible()
    codes = page.locator("ul.recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page).to_have_url("/s/northshire/")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "priya")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url("/s/northshire/")


def test_an_officer_sees_where_she_is_signed_in(page, demo):
    sign_in(page, "olivia")
    page.get_by_role("link", name="Olivia Hart").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    page.get_by_role("link", name="Where you are signed in").click()
    expect(page.get_by_text("This browser")).to_be_visible()
    expect(page.get_by_text("You are not signed in anywhere else.")).to_be_visible()
