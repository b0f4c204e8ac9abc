"""Two-factor sign-in that a site can require of managers, panel members and
coordinators, driven through the real pages: the test reads the set-up key off the page
as a person's app would, and computes the codes from it (issue 11, item 2)."""

import re
from base64 import b32decode
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from sites.accounts.two_factor import TWO_FACTOR_ROLES
from sites.models import AuditEvent, Site, UserSession
from sites.permissions import Role
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory, member

pytestmark = pytest.mark.django_db

HOME = "/s/alpha/"


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def strict_site(site_a):
    site_a.require_two_factor = True
    site_a.save()
    return site_a


def _sign_in(username, address="198.51.100.20"):
    browser = Client(REMOTE_ADDR=address)
    response = browser.post(
        reverse("login"), {"username": username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302, "the password was refused"
    return browser


def _code(secret, at=None):
    """What an authenticator app shows for this set-up key now."""
    key = b32decode("".join(secret.split()))
    totp = TOTP(key)
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def _set_up(browser, next_url=HOME):
    """Scan (read the key off the page) and confirm; returns the key and the codes."""
    page = browser.get(reverse("two_factor_setup"), {"next": next_url})
    assert page.status_code == 200
    secret = re.search(
        r'<code class="setup-key">([A-Z2-7 ]+)</code>', page.content.decode()
    )
    assert secret, "the set-up key is on the page"
    secret = secret.group(1)
    response = browser.post(
        reverse("two_factor_setup"), {"code": _code(secret), "next": next_url}
    )
    assert response.status_code == 302
    codes_page = browser.get(response["Location"])
    codes = re.findall(
        r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", codes_page.content.decode()
    )
    return secret, codes, codes_page


def _events(kind):
    with scopes_disabled():
        return list(AuditEvent.objects.filter(kind=kind).order_by("id"))


# --- Who is asked ----------------------------------------------------------------


def test_the_roles_covered_are_managers_panel_members_and_coordinators():
    assert {
        Role.TEAM_MANAGER,
        Role.SENIOR_MANAGER,
        Role.PANEL_MEMBER,
        Role.PANEL_CHAIR,
        Role.SITE_COORDINATOR,
    } == TWO_FACTOR_ROLES


@pytest.mark.parametrize("role", sorted(TWO_FACTOR_ROLES))
def test_a_covered_role_at_a_strict_site_must_set_it_up_first(strict_site, role):
    user = member(strict_site, role, f"covered-{role}")
    browser = _sign_in(user.username)
    for path in [HOME, "/", reverse("session_list"), reverse("password_change")]:
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("two_factor_setup"))
    assert (
        browser.get(HOME)["Location"]
        == "/accounts/two-factor/set-up/?next=%2Fs%2Falpha%2F"
    )


@pytest.mark.parametrize("role", [Role.ASSESSING_OFFICER, Role.ADVISOR])
def test_other_roles_at_a_strict_site_go_straight_in(strict_site, role):
    user = member(strict_site, role, f"other-{role}")
    assert _sign_in(user.username).get(HOME).status_code == 200


def test_a_manager_at_a_site_that_does_not_require_it_goes_straight_in(manager):
    assert _sign_in(manager.username).get(HOME).status_code == 200


def test_a_strict_site_anywhere_covers_every_site_the_user_works_at(site_a, site_b):
    site_b.require_two_factor = True
    site_b.save()
    user = member(site_a, Role.ASSESSING_OFFICER, "two-sites")
    MembershipFactory(user=user, site=site_b, role=Role.PANEL_MEMBER)
    response = _sign_in(user.username).get(HOME)
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_a_site_turning_it_on_applies_at_the_next_page(manager, site_a):
    browser = _sign_in(manager.username)
    assert browser.get(HOME).status_code == 200
    Site.objects.filter(pk=site_a.pk).update(require_two_factor=True)
    assert browser.get(HOME)["Location"].startswith(reverse("two_factor_setup"))


def test_an_inactive_membership_does_not_count(strict_site):
    user = member(strict_site, Role.ASSESSING_OFFICER, "was-a-manager")
    MembershipFactory(
        user=user, site=strict_site, role=Role.TEAM_MANAGER, is_active=False
    )
    assert _sign_in(user.username).get(HOME).status_code == 200


def test_the_demo_sites_do_not_require_it(demo_data):
    assert not Site.objects.filter(require_two_factor=True).exists()


# --- Setting it up ---------------------------------------------------------------


def test_set_up_shows_a_qr_code_drawn_here_and_the_key_to_type(strict_site, manager):
    browser = _sign_in(manager.username)
    page = browser.get(reverse("two_factor_setup"))
    html = page.content.decode()
    assert '<svg width="' in html
    assert "<title>QR code to scan with your authenticator app</title>" in html
    # Drawn on our server: no image from anywhere, no inline style for the CSP.
    assert "<img" not in html
    assert "style=" not in html
    assert "unsafe-inline" not in page["Content-Security-Policy"]
    # Reloading keeps the same key, so a code already scanned still works.
    again = browser.get(reverse("two_factor_setup")).content.decode()
    key = re.compile(r'<code class="setup-key">([A-Z2-7 ]+)</code>')
    assert key.search(html).group(1) == key.search(again).group(1)


def test_setting_it_up_shows_ten_recovery_codes_once_and_lets_the_user_in(
    strict_site, manager, clock
):
    browser = _sign_in(manager.username)
    _secret, codes, codes_page = _set_up(browser)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert "This is the only time they are shown" in codes_page.content.decode()
    assert (
        "/s/alpha/" in codes_page.content.decode()
    )  # continue to where they were going
    shown_again = browser.get(reverse("two_factor_recovery_codes")).content.decode()
    assert not any(code in shown_again for code in codes)
    assert browser.get(HOME).status_code == 200
    device = TOTPDevice.objects.get(user=manager)
    assert device.confirmed
    (event,) = _events(AuditEvent.Kind.TWO_FACTOR_ENROLLED)
    assert event.user == manager
    assert event.ip_address == "198.51.100.20"


def test_a_wrong_first_code_is_explained_and_nothing_is_set_up(strict_site, manager):
    browser = _sign_in(manager.username)
    browser.get(reverse("two_factor_setup"))
    response = browser.post(reverse("two_factor_setup"), {"code": "000000"})
    assert response.status_code == 200
    assert "That code did not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=manager, confirmed=True).exists()
    assert browser.get(HOME).status_code == 302
    assert len(_events(AuditEvent.Kind.TWO_FACTOR_FAILED)) == 1


def test_an_empty_code_gets_a_message(strict_site, manager):
    browser = _sign_in(manager.username)
    response = browser.post(reverse("two_factor_setup"), {"code": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


# --- Signing in with it ------------------------------------------------------------


def test_the_next_sign_in_asks_for_a_code_from_the_app(strict_site, manager, clock):
    secret, _codes, _ = _set_up(_sign_in(manager.username))
    clock.shift(timedelta(minutes=5))
    browser = _sign_in(manager.username)
    response = browser.get(HOME)
    assert response["Location"] == "/accounts/two-factor/verify/?next=%2Fs%2Falpha%2F"
    page = browser.get(response["Location"])
    assert "Enter your code" in page.content.decode()
    key_before = browser.session.session_key
    done = browser.post(
        reverse("two_factor_verify"), {"code": _code(secret), "next": HOME}
    )
    assert done["Location"] == HOME
    assert browser.get(HOME).status_code == 200
    # A new session key once the second factor is given.
    assert browser.session.session_key != key_before
    assert UserSession.objects.filter(session_id=browser.session.session_key).exists()
    event = _events(AuditEvent.Kind.TWO_FACTOR_VERIFIED)[-1]
    assert event.user == manager
    assert event.action == "Authenticator app"


def test_a_wrong_code_is_refused_and_audited(strict_site, manager, clock):
    _set_up(_sign_in(manager.username))
    clock.shift(timedelta(minutes=5))
    browser = _sign_in(manager.username)
    response = browser.post(reverse("two_factor_verify"), {"code": "123456"})
    assert response.status_code == 200
    assert "That code did not work" in response.content.decode()
    assert browser.get(HOME).status_code == 302
    assert _events(AuditEvent.Kind.TWO_FACTOR_FAILED)[-1].user == manager


def test_a_code_cannot_be_used_twice(strict_site, manager, clock):
    secret, _codes, _ = _set_up(_sign_in(manager.username))
    # The same 30 seconds: the code that set it up is spent.
    browser = _sign_in(manager.username)
    response = browser.post(reverse("two_factor_verify"), {"code": _code(secret)})
    assert response.status_code == 200
    assert browser.get(HOME).status_code == 302


def test_wrong_codes_slow_down_further_tries(strict_site, manager, clock):
    secret, _codes, _ = _set_up(_sign_in(manager.username))
    clock.shift(timedelta(minutes=5))
    browser = _sign_in(manager.username)
    for _ in range(4):
        browser.post(reverse("two_factor_verify"), {"code": "111111"})
    # Even the right code waits while the app is throttled...
    response = browser.post(reverse("two_factor_verify"), {"code": _code(secret)})
    assert "Too many wrong codes: wait" in response.content.decode()
    # ...and works once the wait is over.
    clock.shift(timedelta(seconds=31))
    response = browser.post(
        reverse("two_factor_verify"), {"code": _code(secret), "next": HOME}
    )
    assert response["Location"] == HOME


def test_a_recovery_code_works_once(strict_site, manager, clock):
    _secret, codes, _ = _set_up(_sign_in(manager.username))
    clock.shift(timedelta(minutes=5))
    browser = _sign_in(manager.username)
    response = browser.post(
        reverse("two_factor_verify"), {"code": codes[0].upper(), "next": HOME}
    )
    assert response["Location"] == HOME
    assert _events(AuditEvent.Kind.TWO_FACTOR_VERIFIED)[-1].action == (
        "Recovery code (9 left)"
    )
    again = _sign_in(manager.username)
    refused = again.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert refused.status_code == 200
    assert again.get(HOME).status_code == 302


def test_someone_who_set_it_up_by_choice_is_asked_too(officer, clock):
    browser = _sign_in(officer.username)
    assert browser.get(HOME).status_code == 200
    _set_up(browser)
    clock.shift(timedelta(minutes=5))
    later = _sign_in(officer.username)
    assert later.get(HOME)["Location"].startswith(reverse("two_factor_verify"))


def test_an_htmx_request_moves_the_whole_window(strict_site, manager):
    browser = _sign_in(manager.username)
    response = browser.get(HOME, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("two_factor_setup"))


def test_replacing_the_app_needs_a_code_from_the_current_one(
    strict_site, manager, clock
):
    _set_up(_sign_in(manager.username))
    clock.shift(timedelta(minutes=5))
    browser = _sign_in(manager.username)
    response = browser.get(reverse("two_factor_setup"))
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_moving_to_a_new_phone_replaces_the_old_app(strict_site, manager, clock):
    browser = _sign_in(manager.username)
    old_secret, _codes, _ = _set_up(browser)
    clock.shift(timedelta(minutes=1))
    new_secret, _codes, _ = _set_up(browser)
    assert new_secret != old_secret
    assert TOTPDevice.objects.filter(user=manager).count() == 1
    clock.shift(timedelta(minutes=5))
    later = _sign_in(manager.username)
    refused = later.post(reverse("two_factor_verify"), {"code": _code(old_secret)})
    assert "That code did not work" in refused.content.decode()
    clock.shift(timedelta(seconds=2))  # the wait after one wrong code
    accepted = later.post(
        reverse("two_factor_verify"), {"code": _code(new_secret), "next": HOME}
    )
    assert accepted["Location"] == HOME


def test_new_recovery_codes_replace_the_old_ones(strict_site, manager, clock):
    browser = _sign_in(manager.username)
    _secret, old_codes, _ = _set_up(browser)
    made = browser.post(reverse("two_factor_recovery_codes"), follow=True)
    new_codes = re.findall(
        r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", made.content.decode()
    )
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    tokens = set(
        StaticToken.objects.filter(device__user=manager).values_list("token", flat=True)
    )
    assert tokens == {c.replace("-", "") for c in new_codes}
    assert _events(AuditEvent.Kind.RECOVERY_CODES)[-1].user == manager


def test_new_recovery_codes_need_a_verified_session(officer):
    browser = _sign_in(officer.username)
    assert browser.post(reverse("two_factor_recovery_codes")).status_code == 403


# --- An administrator's reset --------------------------------------------------------


@pytest.fixture
def it_admin():
    return UserFactory(username="it-admin", is_staff=True, is_superuser=True)


def test_an_administrator_resets_a_lost_phone(strict_site, manager, it_admin, clock):
    phone_browser = _sign_in(manager.username)
    _set_up(phone_browser)
    staff = Client()
    staff.force_login(it_admin)
    response = staff.post(
        reverse("admin:sites_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [manager.pk]},
        follow=True,
    )
    assert "Two-factor sign-in reset for 1 account" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert not StaticDevice.objects.filter(user=manager).exists()
    assert phone_browser.get(HOME).status_code == 302  # signed out
    (event,) = _events(AuditEvent.Kind.TWO_FACTOR_RESET)
    assert event.user == it_admin
    assert event.object_code == str(manager.pk)
    clock.shift(timedelta(minutes=5))
    again = _sign_in(manager.username)
    assert again.get(HOME)["Location"].startswith(reverse("two_factor_setup"))


def test_the_reset_command_does_the_same(strict_site, manager):
    _set_up(_sign_in(manager.username))
    call_command("reset_two_factor", manager.username, stdout=StringIO())
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert len(_events(AuditEvent.Kind.TWO_FACTOR_RESET)) == 1


def test_device_secrets_are_not_in_the_admin(it_admin):
    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


# --- Query counts on the new pages ------------------------------------------------------


def test_the_two_factor_pages_take_a_fixed_number_of_queries(
    strict_site, manager, django_assert_num_queries
):
    browser = _sign_in(manager.username)
    browser.get(reverse("two_factor_setup"))  # the pending app exists from here on
    # Session, user, the app (to choose the page), the pending app, whether required,
    # the user's sites (navigation).
    with django_assert_num_queries(6):
        assert browser.get(reverse("two_factor_setup")).status_code == 200
    # Session, user, the app, whether required, recovery codes left, navigation.
    with django_assert_num_queries(6):
        assert browser.get(reverse("two_factor_home")).status_code == 200


def test_the_code_page_takes_a_fixed_number_of_queries(
    strict_site, manager, clock, django_assert_num_queries
):
    _set_up(_sign_in(manager.username))
    clock.shift(timedelta(minutes=5))
    browser = _sign_in(manager.username)
    # Session, user, the app, the user's sites (navigation).
    with django_assert_num_queries(4):
        assert browser.get(reverse("two_factor_verify")).status_code == 200
