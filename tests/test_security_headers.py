"""Every page a signed-in user can open carries the security headers, under the
settings production runs with (HTTPS-only settings applied, requests over HTTPS).

The pages are found by walking the URL resolver, with the records of the ``records``
fixture for the ids (``SITE_URLS`` in test_isolation.py names them per URL), so a new
page is checked by construction.
"""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sites.middleware import SITE_KWARG
from sites.permissions import PROGRAMME_KWARG, Role
from tests.factories import MembershipFactory, UserFactory, member
from tests.test_isolation import SITE_URLS, programme_kwargs

pytestmark = pytest.mark.django_db

# Pages outside /s/<site>/ that need ids no fixture gives (the reset link's token),
# and the admin (its own pages, checked below with one of them).
NOT_WALKED = {"password_reset_confirm"}


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield entry.name, route


def _url(name, route, records):
    if f"<slug:{SITE_KWARG}>" in route:
        build = SITE_URLS[name]
        kwargs = {SITE_KWARG: "alpha", **(build(records) if build else {})}
        return reverse(name, kwargs=kwargs)
    if f"<slug:{PROGRAMME_KWARG}>" in route:
        return reverse(name, kwargs=programme_kwargs(name, records))
    return reverse(name)


@pytest.fixture
def everyone(site_a):
    """A member of site A in every role, so every page opens for them."""
    user = member(site_a, Role.SENIOR_MANAGER, "all-roles")
    for role in Role:
        if role != Role.SENIOR_MANAGER:
            MembershipFactory(user=user, site=site_a, role=role)
    return user


def _pages(client, records):
    for name, route in _patterns():
        if name in NOT_WALKED:
            continue
        url = _url(name, route, records)
        response = client.get(url, secure=True)
        if response.status_code == 405:  # an action: POST only
            continue
        yield url, response


def _assert_security_headers(url, response):
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy, url
    assert "frame-ancestors 'none'" in policy, url
    assert "unsafe-inline" not in policy, url
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    ), url
    assert response["X-Frame-Options"] == "DENY", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert "no-store" in response["Cache-Control"], url
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert f"{feature}=()" in response["Permissions-Policy"], url


def test_every_page_a_signed_in_user_opens_carries_the_security_headers(
    client, records, everyone
):
    client.force_login(everyone)
    opened = {}
    with override_settings(**settings.PRODUCTION_SECURITY):
        for url, response in _pages(client, records):
            _assert_security_headers(url, response)
            opened[url] = response.status_code
    # The walk reached the pages it is about, and they opened.
    for name in [
        "site_home",
        "person_list",
        "person_detail",
        "assessment_detail",
        "plan_detail",
        "plan_pdf",
        "panel_home",
        "meeting_detail",
        "decision_pdf",
        "audit_list",
        "account_home",
        "session_list",
    ]:
        route = dict(_patterns())[name]
        assert opened[_url(name, route, records)] == 200, name
    assert len(opened) >= 40


def test_person_search_and_plan_pages_are_never_cached(client, records):
    """Named in issue 11: these carried no Cache-Control at all."""
    client.force_login(records["officer"])
    for url in [
        reverse("person_list", args=["alpha"]) + "?search=unknown",
        reverse("person_detail", args=["alpha", records["person"].code]),
        reverse("assessment_detail", args=["alpha", records["assessment"].code]),
        reverse("plan_detail", args=["alpha", records["plan"].code]),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store, private", url


def test_pdfs_keep_their_own_no_store(client, records):
    client.force_login(records["officer"])
    response = client.get(reverse("plan_pdf", args=["alpha", records["plan"].code]))
    assert response["Cache-Control"] == "no-store"


def test_pages_for_signed_out_visitors_carry_them_too(client):
    with override_settings(**settings.PRODUCTION_SECURITY):
        for name in ["login", "password_reset", "password_reset_done"]:
            _assert_security_headers(name, client.get(reverse(name), secure=True))


def test_error_pages_carry_them_too(client, officer):
    client.force_login(officer)
    with override_settings(**settings.PRODUCTION_SECURITY):
        response = client.get("/s/bravo/", secure=True)
    assert response.status_code == 404
    _assert_security_headers("404", response)


def test_the_admin_carries_them_too(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    with override_settings(**settings.PRODUCTION_SECURITY):
        response = client.get(reverse("admin:index"), secure=True)
    assert response.status_code == 200
    _assert_security_headers("admin", response)


def test_production_turns_on_https_only_settings():
    assert settings.PRODUCTION_SECURITY["SECURE_HSTS_SECONDS"] == 31_536_000
    assert settings.PRODUCTION_SECURITY["SESSION_COOKIE_SECURE"] is True
    assert settings.PRODUCTION_SECURITY["CSRF_COOKIE_SECURE"] is True
    assert settings.PRODUCTION_SECURITY["SECURE_SSL_REDIRECT"] is True
