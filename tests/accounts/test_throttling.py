"""Sign-in throttling: per account and address together, a clear page, a cool-down, an
administrator's unlock, and an audit event for each lock-out (issue 11, item 1)."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from sites.accounts.throttling import unlock_sign_in
from sites.models import AuditEvent
from sites.permissions import Role
from tests.factories import TEST_PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db

OFFICE = "198.51.100.20"
ELSEWHERE = "203.0.113.40"


def _sign_in(client, username, password=TEST_PASSWORD, address=OFFICE):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def _fail(client, username, times, address=OFFICE):
    return [
        _sign_in(client, username, "not-the-password", address) for _ in range(times)
    ]


def test_twelve_wrong_passwords_lock_the_account_at_that_address(
    client, officer, settings
):
    responses = _fail(client, officer.username, 12)
    limit = settings.SIGN_IN_FAILURE_LIMIT
    assert [r.status_code for r in responses[: limit - 1]] == [200] * (limit - 1)
    assert {r.status_code for r in responses[limit - 1 :]} == {429}
    # Now even the right password is refused from that address.
    refused = _sign_in(client, officer.username)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_page_says_how_long_and_how_to_get_help(client, officer, settings):
    page = _fail(client, officer.username, settings.SIGN_IN_FAILURE_LIMIT)[-1]
    text = page.content.decode()
    minutes = settings.SIGN_IN_LOCKOUT_MINUTES
    assert f"This account is locked for {minutes} minutes." in text
    assert "ask your CareHub administrator" in text
    # An ordinary sign-in page with the typed name kept, not a bare error.
    assert "Sign in to CareHub" in text
    assert f'value="{officer.username}"' in text


def test_the_lock_page_counts_down(client, officer, settings):
    _fail(client, officer.username, settings.SIGN_IN_FAILURE_LIMIT)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        page = _sign_in(client, officer.username)
    assert page.status_code == 429
    left = settings.SIGN_IN_LOCKOUT_MINUTES - 11
    assert f"locked for {left} minutes" in page.content.decode()


def test_another_account_at_the_same_address_still_signs_in(client, officer, site_a):
    _fail(client, officer.username, 12)
    colleague = member(site_a, Role.TEAM_MANAGER, "colleague-a")
    response = _sign_in(client, colleague.username)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


def test_the_same_account_at_another_address_still_signs_in(client, officer):
    _fail(client, officer.username, 12)
    response = _sign_in(client, officer.username, address=ELSEWHERE)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_the_lock_ends_after_the_cool_down(client, officer, settings):
    _fail(client, officer.username, 12)
    later = timezone.now() + timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES + 1)
    with time_machine.travel(later):
        assert _sign_in(client, officer.username).status_code == 302


def test_attempts_during_a_lock_do_not_extend_it(client, officer, settings):
    _fail(client, officer.username, settings.SIGN_IN_FAILURE_LIMIT)
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=10)):
        _fail(client, officer.username, 3)
    ends = start + timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES, seconds=30)
    with time_machine.travel(ends):
        assert _sign_in(client, officer.username).status_code == 302


def test_counts_are_kept_in_the_database_for_every_app_server(
    client, officer, settings
):
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    _fail(client, officer.username, 3)
    attempt = AccessAttempt.objects.get(username=officer.username)
    assert attempt.ip_address == OFFICE
    assert attempt.failures_since_start == 3
    # Nothing typed as a password is kept.
    assert "not-the-password" not in attempt.post_data


def test_a_right_password_clears_the_count(client, officer, settings):
    _fail(client, officer.username, settings.SIGN_IN_FAILURE_LIMIT - 1)
    assert _sign_in(client, officer.username).status_code == 302
    assert not AccessAttempt.objects.filter(username=officer.username).exists()


def test_each_lock_out_is_one_audit_event(client, officer, settings):
    _fail(client, officer.username, settings.SIGN_IN_FAILURE_LIMIT + 3)
    with scopes_disabled():
        events = list(AuditEvent.objects.filter(kind=AuditEvent.Kind.LOCKED_OUT))
    assert len(events) == 1
    assert events[0].user == officer
    assert events[0].ip_address == OFFICE
    assert events[0].site is None


def test_an_unknown_name_is_locked_too_and_looks_the_same(client, officer, settings):
    limit = settings.SIGN_IN_FAILURE_LIMIT
    known = _fail(client, officer.username, limit)[-1]
    unknown = _fail(client, "nobody-here", limit)[-1]
    assert known.status_code == unknown.status_code == 429
    assert known.context["locked_minutes"] == unknown.context["locked_minutes"]
    assert "This account is locked" in unknown.content.decode()
    with scopes_disabled():
        users = [
            e.user for e in AuditEvent.objects.filter(kind=AuditEvent.Kind.LOCKED_OUT)
        ]
    assert sorted(users, key=lambda u: u is None) == [officer, None]


def test_an_administrator_unlocks_the_account_and_it_is_audited(client, officer):
    _fail(client, officer.username, 12)
    admin = UserFactory(username="it-admin", is_staff=True, is_superuser=True)
    unlock_sign_in(officer, by=admin)
    assert _sign_in(client, officer.username).status_code == 302
    with scopes_disabled():
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.UNLOCKED)
    assert event.user == admin
    assert event.object_code == str(officer.pk)


def test_the_user_admin_has_an_unlock_action(client, officer):
    _fail(client, officer.username, 12)
    admin = UserFactory(username="it-admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:sites_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [officer.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Sign-in unlocked for 1 account" in response.content.decode()
    client.logout()
    assert _sign_in(client, officer.username).status_code == 302


def test_the_unlock_command_lifts_the_lock(client, officer):
    _fail(client, officer.username, 12)
    call_command("unlock_sign_in", officer.username, stdout=StringIO())
    assert _sign_in(client, officer.username).status_code == 302
    with scopes_disabled():
        assert AuditEvent.objects.filter(kind=AuditEvent.Kind.UNLOCKED).exists()
