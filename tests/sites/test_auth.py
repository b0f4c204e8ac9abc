import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from sites.models import AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_sign_in_from_the_home_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_in_page_is_open_to_anonymous_users(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Sign in to CareHub" in response.content


def test_signing_in_records_an_audit_event_and_lands_in_the_only_site(client, officer):
    response = client.post(
        reverse("login"), {"username": "officer-a", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"] == "/s/alpha/"
    with scopes_disabled():
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN)
    assert event.user == officer
    assert event.site is None


def test_failed_sign_in_does_not_reveal_whether_the_account_exists(client, officer):
    wrong_password = client.post(
        reverse("login"), {"username": "officer-a", "password": "wrong-password"}
    )
    no_such_user = client.post(
        reverse("login"), {"username": "nobody-here", "password": "wrong-password"}
    )
    assert wrong_password.status_code == no_such_user.status_code == 200
    assert (
        wrong_password.context["form"].non_field_errors()
        == no_such_user.context["form"].non_field_errors()
    )
    assert b"correct username and password" in wrong_password.content
    # The typed user name is kept so nothing has to be retyped.
    assert b'value="nobody-here"' in no_such_user.content


def test_failed_sign_in_is_audited_against_the_account_only_when_it_exists(
    client, officer
):
    client.post(reverse("login"), {"username": "officer-a", "password": "nope-nope"})
    client.post(reverse("login"), {"username": "typo-name", "password": "nope-nope"})
    with scopes_disabled():
        events = list(
            AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED).order_by(
                "id"
            )
        )
    assert [e.user for e in events] == [officer, None]


def test_sign_out_needs_a_post_and_is_audited(client, officer):
    client.force_login(officer)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            kind=AuditEvent.Kind.SIGN_OUT, user=officer
        ).exists()
    assert client.get("/").status_code == 302


def test_session_expires_after_the_configured_idle_time(settings):
    # The session is no longer written on every request (one write a minute keeps
    # the idle time-out): the behaviour is tested with a moving clock in
    # tests/accounts/test_sessions.py.
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert "sites.accounts.sessions.SessionActivityMiddleware" in settings.MIDDLEWARE


def test_every_page_sends_a_content_security_policy_without_inline_code(
    client, officer
):
    client.force_login(officer)
    response = client.get("/s/alpha/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert b"<script>" not in response.content
    assert b"style=" not in response.content
