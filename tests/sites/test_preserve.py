"""A session that ends mid-form loses nothing the officer typed, and gives it back only
to the officer who typed it (issue 11, item 7)."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from assessments.models import Assessment
from assessments.services import start_assessment
from sites.preserve import MAX_BYTES, OWNER_COOKIE, SESSION_KEY
from tests.factories import TEST_PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db

TEXT = "Wants to keep going to the allotment on Tuesdays with her neighbour."


@pytest.fixture
def draft(site_a, officer):
    with scopes_disabled():
        person = PersonFactory(site=site_a)
        return start_assessment(person=person, kind=Assessment.Kind.NEEDS, by=officer)


def _section_url(draft):
    return reverse(
        "assessment_section",
        kwargs={"site_slug": "alpha", "code": draft.code, "section": "what_matters"},
    )


def test_text_posted_after_the_session_ended_comes_back_after_signing_in(
    timed_out, officer, draft
):
    client = timed_out
    url = _section_url(draft)
    # The session has ended: the browser posts the form as an anonymous user.
    response = client.post(url, {"version": "0", "what_matters-what_matters": TEXT})
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url.startswith(reverse("login"))
    assert "next=" in login_url

    signed_in = client.post(
        login_url, {"username": officer.username, "password": TEST_PASSWORD}
    )
    assert signed_in["Location"] == url

    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert TEXT in content
    assert "You were signed out before this was saved" in content
    # Nothing was saved behind the officer's back: they check it and save.
    with scopes_disabled():
        assert Assessment.objects.get(pk=draft.pk).what_matters == ""
    # The kept text is used once.
    assert TEXT not in client.get(url).content.decode()


def test_htmx_post_after_the_session_ended_sends_the_window_to_sign_in(
    timed_out, draft
):
    url = _section_url(draft)
    response = timed_out.post(
        url,
        {"version": "0", "what_matters-what_matters": TEXT},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login"))
    assert timed_out.session[SESSION_KEY]["path"] == url


def test_kept_input_never_includes_the_csrf_token(timed_out, draft):
    timed_out.post(
        _section_url(draft),
        {"csrfmiddlewaretoken": "token-value", "what_matters-what_matters": TEXT},
    )
    assert "token-value" not in timed_out.session[SESSION_KEY]["data"]


def test_new_person_form_is_kept_too(timed_out, officer):
    url = reverse("person_create", kwargs={"site_slug": "alpha"})
    timed_out.post(url, {"given_name": "Keptname", "family_name": "Example"})
    timed_out.force_login(officer)
    content = timed_out.get(url).content.decode()
    assert 'value="Keptname"' in content


def test_the_next_person_to_sign_in_on_that_browser_does_not_get_it(
    timed_out, officer, manager, draft
):
    url = _section_url(draft)
    timed_out.post(url, {"version": "0", "what_matters-what_matters": TEXT})
    # A colleague sits down at the same browser and signs in.
    response = timed_out.post(
        reverse("login") + f"?next={url}",
        {"username": manager.username, "password": TEST_PASSWORD},
    )
    assert response["Location"] == url
    page = timed_out.get(url).content.decode()
    assert TEXT not in page
    assert "You were signed out before this was saved" not in page
    assert SESSION_KEY not in timed_out.session
    # Gone for good: not kept for the officer either.
    timed_out.post(reverse("logout"))
    timed_out.post(
        reverse("login"), {"username": officer.username, "password": TEST_PASSWORD}
    )
    assert TEXT not in timed_out.get(url).content.decode()


def test_a_browser_nobody_signed_in_on_keeps_nothing_and_adds_no_session(draft):
    url = _section_url(draft)
    sessions_before = Session.objects.count()
    big = "x" * 150_000
    for _ in range(10):
        anonymous = Client()
        response = anonymous.post(url, {"what_matters-what_matters": big})
        assert response.status_code == 302
        assert "sessionid" not in response.cookies
    assert Session.objects.count() == sessions_before


def test_a_forged_owner_cookie_keeps_nothing(draft):
    url = _section_url(draft)
    client = Client()
    client.cookies[OWNER_COOKIE] = "someone:forged-signature"
    client.post(url, {"what_matters-what_matters": TEXT})
    assert not Session.objects.exists()


def test_an_empty_post_keeps_nothing(timed_out, draft):
    timed_out.post(_section_url(draft), {"csrfmiddlewaretoken": "token-value"})
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()


def test_a_browser_keeps_one_form_of_bounded_size(timed_out, draft):
    section = _section_url(draft)
    person_form = reverse("person_create", kwargs={"site_slug": "alpha"})
    timed_out.post(section, {"what_matters-what_matters": TEXT})
    timed_out.post(person_form, {"given_name": "Keptname"})
    assert timed_out.session[SESSION_KEY]["path"] == person_form
    too_big = "x" * (MAX_BYTES + 1)
    timed_out.post(section, {"what_matters-what_matters": too_big})
    # The oversized form is not kept; the earlier one stays.
    assert timed_out.session[SESSION_KEY]["path"] == person_form
    (row,) = Session.objects.filter(expire_date__gt=timezone.now())
    assert len(row.session_data) < 2 * MAX_BYTES
