"""The audit trail's client address cannot be forged with X-Forwarded-For: only as many
proxies as CAREHUB_TRUSTED_PROXY_COUNT says are believed (issue 8, item 4)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django_scopes import scopes_disabled

from sites.accounts.client_ip import client_ip
from sites.models import AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _request(remote="192.0.2.10", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def _sign_in(client, user, password=TEST_PASSWORD, **extra):
    return client.post(
        reverse("login"), {"username": user.username, "password": password}, **extra
    )


def _last_event(kind):
    with scopes_disabled():
        return AuditEvent.objects.filter(kind=kind).latest("id")


def test_without_a_proxy_a_forged_forwarded_header_is_ignored(client, officer):
    response = _sign_in(
        client, officer, REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.66"
    )
    assert response.status_code == 302
    assert _last_event(AuditEvent.Kind.SIGN_IN).ip_address == "192.0.2.10"


def test_behind_one_proxy_the_address_it_appended_is_the_client(
    client, officer, settings
):
    settings.CAREHUB_TRUSTED_PROXY_COUNT = 1
    # The client wrote "203.0.113.66" itself; our proxy appended the address it saw.
    _sign_in(
        client,
        officer,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7",
    )
    assert _last_event(AuditEvent.Kind.SIGN_IN).ip_address == "198.51.100.7"


def test_failed_sign_in_behind_a_proxy_records_the_client_not_the_proxy(
    client, officer, settings
):
    settings.CAREHUB_TRUSTED_PROXY_COUNT = 1
    _sign_in(
        client,
        officer,
        password="wrong-password",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert _last_event(AuditEvent.Kind.SIGN_IN_FAILED).ip_address == "198.51.100.7"


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(settings):
    settings.CAREHUB_TRUSTED_PROXY_COUNT = 2
    request = _request(
        remote="10.0.0.3", forwarded="203.0.113.66, 198.51.100.7, 10.0.0.2"
    )
    assert client_ip(request) == "198.51.100.7"


def test_a_request_that_bypassed_the_proxies_falls_back_to_the_connection(settings):
    settings.CAREHUB_TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(remote="10.0.0.3", forwarded="")) == "10.0.0.3"
    assert client_ip(_request(remote="10.0.0.3")) == "10.0.0.3"


def test_an_address_that_is_not_an_ip_is_never_returned(settings):
    assert client_ip(_request(remote="not-an-ip")) is None
    settings.CAREHUB_TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="not-an-ip")) == "192.0.2.10"
    assert client_ip(_request(forwarded="not-an-ip, 198.51.100.7")) == "198.51.100.7"


@pytest.mark.parametrize("proxies", [0, 1])
def test_garbage_in_the_forwarded_header_does_not_break_sign_in(
    client, officer, settings, proxies
):
    """On PostgreSQL the audit address is an inet column: "not-an-ip" must not reach it."""
    settings.CAREHUB_TRUSTED_PROXY_COUNT = proxies
    failed = _sign_in(
        client, officer, password="wrong-password", HTTP_X_FORWARDED_FOR="not-an-ip"
    )
    assert failed.status_code == 200
    signed_in = _sign_in(client, officer, HTTP_X_FORWARDED_FOR="not-an-ip")
    assert signed_in.status_code == 302
    assert _last_event(AuditEvent.Kind.SIGN_IN).ip_address == "127.0.0.1"
    assert _last_event(AuditEvent.Kind.SIGN_IN_FAILED).ip_address == "127.0.0.1"


def test_there_is_one_client_address_helper_for_audit_and_throttling(settings):
    assert settings.AXES_CLIENT_IP_CALLABLE == "sites.accounts.client_ip.client_ip"
