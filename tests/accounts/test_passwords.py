"""Passwords people can manage: change, reset by e-mail, reset by an administrator;
each ends the account's other sessions (issue 11, items 4 and 8)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from sites.models import AuditEvent, UserSession
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "kettle-orchard-lantern-42"
HOME = "/s/alpha/"


def _browser(username, password=TEST_PASSWORD, address="198.51.100.20"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        reverse("login"), {"username": username, "password": password}
    )
    assert response.status_code == 302, "could not sign in"
    return client


def _can_sign_in(username, password):
    response = Client().post(
        reverse("login"), {"username": username, "password": password}
    )
    return response.status_code == 302


def _change(client, new, old=TEST_PASSWORD):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


@pytest.fixture
def officer_with_email(officer):
    officer.email = "officer-a@example.org"
    officer.save()
    return officer


def test_the_validators_ask_for_12_characters_and_no_common_password(settings):
    validators = {
        v["NAME"].rsplit(".", 1)[1]: v for v in settings.AUTH_PASSWORD_VALIDATORS
    }
    assert validators["MinimumLengthValidator"]["OPTIONS"]["min_length"] == 12
    assert "CommonPasswordValidator" in validators
    # No forced rotation: nothing expires a password by age.
    assert not any("Expir" in name or "Age" in name for name in validators)


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (
            "short-one",
            "This password is too short. It must contain at least 12 characters.",
        ),
        ("password1234", "This password is too common."),
        ("482915736204", "This password is entirely numeric."),
    ],
)
def test_a_weak_new_password_is_refused_in_plain_words(officer, new, message):
    desk = _browser(officer.username)
    response = _change(desk, new)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _can_sign_in(officer.username, TEST_PASSWORD)


def test_a_wrong_current_password_is_explained(officer):
    desk = _browser(officer.username)
    response = _change(desk, NEW_PASSWORD, old="not-my-password")
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(officer):
    phone = _browser(officer.username, address="203.0.113.5")
    desk = _browser(officer.username)
    response = _change(desk, NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_home")
    page = desk.get(reverse("account_home"))
    assert "Your password is changed" in page.content.decode()
    assert desk.get(HOME).status_code == 200
    assert phone.get(HOME).status_code == 302
    entries = desk.get(reverse("session_list")).context["entries"]
    assert [e["current"] for e in entries] == [True]
    assert _can_sign_in(officer.username, NEW_PASSWORD)
    assert not _can_sign_in(officer.username, TEST_PASSWORD)
    with scopes_disabled():
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.PASSWORD_CHANGED)
    assert event.user == officer
    assert event.action == "1 other session ended"


def test_the_change_page_is_for_signed_in_users(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _reset_link(message):
    match = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_a_reset_link_is_e_mailed_without_personal_details(
    client, officer_with_email, settings
):
    settings.CAREHUB_BASE_URL = "http://testserver"
    page = client.get(reverse("password_reset"))
    assert page.status_code == 200
    response = client.post(
        reverse("password_reset"), {"email": "OFFICER-A@example.org"}
    )
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["officer-a@example.org"]
    assert message.subject == "CareHub: choose a new password"
    assert "within 1 hour" in message.body
    for detail in [
        officer_with_email.username,
        officer_with_email.first_name,
        officer_with_email.last_name,
        "Alpha",
    ]:
        assert detail not in message.body
        assert detail not in message.subject


def test_an_unknown_address_gets_the_same_page_and_no_mail(client, officer):
    response = client.post(
        reverse("password_reset"), {"email": "nobody@example.org"}, follow=True
    )
    assert "If that address belongs to a CareHub account" in response.content.decode()
    assert mail.outbox == []


def test_following_the_link_sets_the_password_and_ends_every_session(
    client, officer_with_email, settings
):
    settings.CAREHUB_BASE_URL = "http://testserver"
    desk = _browser(officer_with_email.username)
    client.post(reverse("password_reset"), {"email": officer_with_email.email})
    link = _reset_link(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == reverse("password_reset_complete")
    assert desk.get(HOME).status_code == 302
    assert _can_sign_in(officer_with_email.username, NEW_PASSWORD)
    with scopes_disabled():
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.PASSWORD_RESET)
    assert event.user is None
    assert event.object_code == str(officer_with_email.pk)
    assert event.action == "Reset by e-mail link; 1 session ended"
    # The link works once.
    again = Client().get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_a_reset_link_stops_working_after_an_hour(client, officer_with_email, settings):
    settings.CAREHUB_BASE_URL = "http://testserver"
    client.post(reverse("password_reset"), {"email": officer_with_email.email})
    link = _reset_link(mail.outbox[0])
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        response = client.get(link, follow=True)
    assert "This link no longer works" in response.content.decode()


def test_a_reset_with_a_weak_password_is_refused(client, officer_with_email, settings):
    settings.CAREHUB_BASE_URL = "http://testserver"
    client.post(reverse("password_reset"), {"email": officer_with_email.email})
    set_url = client.get(_reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "password1234", "new_password2": "password1234"}
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()


@pytest.fixture
def it_admin():
    return UserFactory(username="it-admin", is_staff=True, is_superuser=True)


def test_an_administrator_sets_a_password_and_the_account_is_signed_out(
    officer, it_admin
):
    phone = _browser(officer.username)
    staff = Client()
    staff.force_login(it_admin)
    url = reverse("admin:auth_user_password_change", args=[officer.pk])
    response = staff.post(
        url,
        {
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    # The session rows go, not only the sessions' use (Django's own check would
    # refuse them at their next request anyway).
    assert not UserSession.objects.filter(user=officer).exists()
    assert phone.get(HOME).status_code == 302
    assert _can_sign_in(officer.username, NEW_PASSWORD)
    with scopes_disabled():
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.PASSWORD_RESET)
    assert event.user == it_admin
    assert event.action == "Set by an administrator; 1 session ended"


def test_an_administrators_weak_password_is_refused_and_nothing_ends(officer, it_admin):
    phone = _browser(officer.username)
    staff = Client()
    staff.force_login(it_admin)
    url = reverse("admin:auth_user_password_change", args=[officer.pk])
    response = staff.post(
        url, {"password1": "short", "password2": "short", "usable_password": "true"}
    )
    assert response.status_code == 200
    assert phone.get(HOME).status_code == 200
    with scopes_disabled():
        assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.PASSWORD_RESET)


def test_an_administrator_can_e_mail_a_reset_link(
    officer_with_email, it_admin, settings
):
    settings.CAREHUB_BASE_URL = "http://testserver"
    no_email = UserFactory(username="no-email")
    staff = Client()
    staff.force_login(it_admin)
    response = staff.post(
        reverse("admin:sites_user_changelist"),
        {
            "action": "email_reset_links",
            "_selected_action": [officer_with_email.pk, no_email.pk],
        },
        follow=True,
    )
    text = response.content.decode()
    assert "Reset link sent to 1 account." in text
    assert "1 account skipped" in text
    assert [m.to for m in mail.outbox] == [["officer-a@example.org"]]
    link = _reset_link(mail.outbox[0])
    assert "Choose a new password" in Client().get(link, follow=True).content.decode()


def test_the_account_pages_take_a_fixed_number_of_queries(
    officer, django_assert_num_queries
):
    desk = _browser(officer.username)
    # Session, user, whether a site requires two-factor sign-in, navigation.
    for name in ["account_home", "password_change"]:
        with django_assert_num_queries(4):
            assert desk.get(reverse(name)).status_code == 200
    # The reset pages for someone signed out: nothing but the page.
    with django_assert_num_queries(0):
        assert Client().get(reverse("password_reset")).status_code == 200
