"""A session that ends mid-form loses nothing the officer typed."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments.models import Assessment
from assessments.services import start_assessment
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
    client, officer, draft
):
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


def test_htmx_post_after_the_session_ended_sends_the_window_to_sign_in(client, draft):
    url = _section_url(draft)
    response = client.post(
        url,
        {"version": "0", "what_matters-what_matters": TEXT},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login"))
    assert client.session["carehub_unsaved_input"]["path"] == url


def test_kept_input_never_includes_the_csrf_token(client, draft):
    client.post(
        _section_url(draft),
        {"csrfmiddlewaretoken": "token-value", "what_matters-what_matters": TEXT},
    )
    assert "token-value" not in client.session["carehub_unsaved_input"]["data"]


def test_new_person_form_is_kept_too(client, officer):
    url = reverse("person_create", kwargs={"site_slug": "alpha"})
    client.post(url, {"given_name": "Keptname", "family_name": "Example"})
    client.force_login(officer)
    content = client.get(url).content.decode()
    assert 'value="Keptname"' in content
