"""Sessions: the idle time-out kept with one write a minute, an absolute lifetime, and
"where you are signed in" with signing the others out (issue 11, item 3)."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from sites.accounts.sessions import describe_browser
from sites.models import AuditEvent, UserSession
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

FIREFOX = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
HOME = "/s/alpha/"


def _browser(user, *, address="198.51.100.20", agent=FIREFOX):
    """A browser that signs in through the sign-in page, as a person does."""
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    response = client.post(
        reverse("login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return client


def _signed_in(client):
    return client.get(HOME).status_code == 200


@pytest.fixture
def start():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_session_expires_after_the_idle_time_without_requests(officer, settings, start):
    browser = _browser(officer)
    start.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES - 1))
    assert _signed_in(browser)
    start.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1))
    response = browser.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_each_request_keeps_the_session_alive(officer, settings, start):
    browser = _browser(officer)
    # Three hours of steady work, a request every 20 minutes: never signed out.
    for _ in range(9):
        start.shift(timedelta(minutes=20))
        assert _signed_in(browser)


def test_a_request_soon_after_the_last_refresh_writes_nothing(officer, start):
    browser = _browser(officer)
    start.shift(timedelta(seconds=30))
    with CaptureQueriesContext(connection) as queries:
        assert _signed_in(browser)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]
    assert writes == []


def test_a_request_a_minute_after_the_last_refresh_extends_the_session(
    officer, start, settings
):
    browser = _browser(officer)
    key = browser.session.session_key
    first_expiry = Session.objects.get(pk=key).expire_date
    start.shift(timedelta(seconds=61))
    assert _signed_in(browser)
    assert Session.objects.get(pk=key).expire_date == timezone.now() + timedelta(
        minutes=settings.SESSION_IDLE_MINUTES
    )
    assert Session.objects.get(pk=key).expire_date > first_expiry
    assert UserSession.objects.get(session_id=key).last_seen_at == timezone.now()


def test_a_busy_session_still_ends_after_its_maximum_length(officer, settings, start):
    assert settings.SESSION_MAX_HOURS == 12
    browser = _browser(officer)
    for _ in range(12 * 3 - 1):
        start.shift(timedelta(minutes=20))
        assert _signed_in(browser)
    start.shift(timedelta(minutes=20))  # 12 hours after signing in
    response = browser.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    with scopes_disabled():
        event = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_OUT).get()
    assert event.user == officer
    assert "12 hours after signing in" in event.action
    assert not UserSession.objects.filter(user=officer).exists()


def test_where_you_are_signed_in_lists_each_browser(officer, django_assert_num_queries):
    phone = _browser(officer, address="203.0.113.5", agent=SAFARI_IPHONE)
    desk = _browser(officer)
    # Session, user, whether a site requires two-factor sign-in, the sessions listed,
    # the user's sites (navigation).
    with django_assert_num_queries(5):
        response = desk.get(reverse("session_list"))
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [e["browser"] for e in entries] == ["Firefox on Windows", "Safari on iPhone"]
    assert [e["current"] for e in entries] == [True, False]
    assert [e["ip_address"] for e in entries] == ["198.51.100.20", "203.0.113.5"]
    text = response.content.decode()
    assert "This browser" in text
    assert "Sign out of the 1 other session" in text
    seen_from_phone = phone.get(reverse("session_list")).context["entries"]
    assert [(e["browser"], e["current"]) for e in seen_from_phone] == [
        ("Firefox on Windows", False),
        ("Safari on iPhone", True),
    ]


def test_someone_elses_sessions_are_not_listed(officer, manager):
    _browser(manager)
    mine = _browser(officer)
    entries = mine.get(reverse("session_list")).context["entries"]
    assert len(entries) == 1


def test_signing_out_the_others_ends_them_and_keeps_this_one(officer):
    phone = _browser(officer, address="203.0.113.5", agent=SAFARI_IPHONE)
    desk = _browser(officer)
    response = desk.post(reverse("sign_out_others"), follow=True)
    assert "You are signed out everywhere else (1 other session)" in (
        response.content.decode()
    )
    assert _signed_in(desk)
    assert phone.get(HOME).status_code == 302
    with scopes_disabled():
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.SESSIONS_ENDED)
    assert event.user == officer
    assert event.ip_address == "198.51.100.20"
    assert UserSession.objects.filter(user=officer).count() == 1


def test_signing_out_the_others_needs_a_post(officer):
    desk = _browser(officer)
    assert desk.get(reverse("sign_out_others")).status_code == 405


def test_account_pages_need_signing_in(client):
    for name in ["account_home", "session_list"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_signing_out_removes_the_entry(officer):
    desk = _browser(officer)
    desk.post(reverse("logout"))
    assert not UserSession.objects.filter(user=officer).exists()


def test_expired_sessions_and_their_entries_are_cleared(officer, settings, start):
    _browser(officer)
    start.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1))
    call_command("clearsessions")
    assert not UserSession.objects.exists()


def test_deactivating_an_account_in_the_admin_ends_its_sessions(officer):
    phone = _browser(officer, agent=SAFARI_IPHONE)
    admin = UserFactory(username="it-admin", is_staff=True, is_superuser=True)
    staff = Client()
    staff.force_login(admin)
    response = staff.post(
        reverse("admin:sites_user_change", args=[officer.pk]),
        {
            "username": officer.username,
            "first_name": officer.first_name,
            "last_name": officer.last_name,
            "email": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            # "is_active" left out: unticked.
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    officer.refresh_from_db()
    assert not officer.is_active
    assert not Session.objects.filter(
        pk__in=UserSession.objects.filter(user=officer).values("session_id")
    ).exists()
    assert phone.get(HOME).status_code == 302
    with scopes_disabled():
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.DEACTIVATED)
    assert event.user == admin
    assert event.object_code == str(officer.pk)


def test_the_deactivate_action_signs_the_account_out(officer):
    phone = _browser(officer, agent=SAFARI_IPHONE)
    admin = UserFactory(username="it-admin", is_staff=True, is_superuser=True)
    staff = Client()
    staff.force_login(admin)
    staff.post(
        reverse("admin:sites_user_changelist"),
        {"action": "deactivate_accounts", "_selected_action": [officer.pk, admin.pk]},
    )
    officer.refresh_from_db()
    admin.refresh_from_db()
    assert not officer.is_active
    assert admin.is_active  # an administrator cannot lock themselves out this way
    assert phone.get(HOME).status_code == 302


@pytest.mark.parametrize(
    ("agent", "described"),
    [
        (FIREFOX, "Firefox on Windows"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0",
            "Edge on macOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        ("", "An unknown browser"),
        ("curl/8.5", "An unknown browser"),
    ],
)
def test_browsers_are_described_in_plain_words(agent, described):
    assert describe_browser(agent) == described
