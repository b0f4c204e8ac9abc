"""One lookup for every public id that comes from outside (the URL, the query string or
a form): a malformed id is "no such record", a 404 or a form's message, never a 500."""

import uuid

import pytest
from django.http import Http404
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import UUIDConverter
from django_scopes import scopes_disabled

from assessments.models import Person
from panels.models import PanelItem
from sites.middleware import SITE_KWARG
from sites.models import Notification
from sites.notify import notify
from sites.permissions import Role
from sites.shortcuts import get_for_site
from tests.factories import MembershipFactory, PersonFactory, member
from tests.helpers import messages_of, url
from tests.plan_factories import plan_with
from tests.test_isolation import SITE_URLS, _kwargs

pytestmark = pytest.mark.django_db

MALFORMED = ["not-a-uuid", "x", "1", "00000000-0000-0000-0000-00000000000z", "all"]


@pytest.fixture
def everyone(site_a):
    """A member of site A holding every role, so no view refuses before it looks up."""
    user = member(site_a, Role.SENIOR_MANAGER, "everyone-a")
    for role in Role:
        if role != Role.SENIOR_MANAGER:
            MembershipFactory(user=user, site=site_a, role=role)
    return user


# --- The lookup ---------------------------------------------------------------------


@pytest.mark.parametrize("code", [*MALFORMED, "", None, 7, ["a list"], {"a": 1}])
def test_the_lookup_answers_404_for_any_malformed_or_unknown_id(site_a, code):
    with scopes_disabled(), pytest.raises(Http404):
        get_for_site(Person, site_a, code=code)


def test_the_lookup_answers_404_for_another_sites_record(site_a, site_b):
    with scopes_disabled():
        theirs = PersonFactory(site=site_b)
        with pytest.raises(Http404):
            get_for_site(Person, site_a, code=theirs.code)
        assert get_for_site(Person, site_b, code=str(theirs.code)) == theirs


# --- Ids in the URL path ------------------------------------------------------------


def _site_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _site_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and SITE_KWARG in (
            prefix + str(entry.pattern)
        ):
            yield entry, prefix + str(entry.pattern)


def test_every_site_url_that_carries_a_record_id_takes_it_as_a_uuid():
    """Generated from the URL resolver: a new URL with a ``<str:code>`` fails here."""
    loose = []
    for entry, route in _site_patterns():
        converters = entry.pattern.converters
        for name in entry.pattern.regex.groupindex:
            if name.endswith("code") and not isinstance(
                converters.get(name), UUIDConverter
            ):
                loose.append(f"{entry.name}: {route}")
    assert not loose, f"take record ids as <uuid:…>: {loose}"


CODED_URLS = sorted(name for name, build in SITE_URLS.items() if build)


@pytest.mark.parametrize("name", CODED_URLS)
def test_a_malformed_id_in_any_site_url_answers_404(client, records, everyone, name):
    kwargs = _kwargs(name, records)
    client.force_login(everyone)
    for bad in ("not-a-uuid", "all"):
        address = reverse(name, kwargs=kwargs)
        for value in kwargs.values():
            # A record id, or a programme's short name: an unknown one is not found.
            if isinstance(value, uuid.UUID | str):
                address = address.replace(f"/{value}/", f"/{bad}/")
        assert bad in address

        assert client.get(address).status_code == 404, address
        assert client.post(address).status_code == 404, address


# --- Ids in the query string --------------------------------------------------------


@pytest.mark.parametrize("bad", MALFORMED)
def test_a_malformed_person_in_the_carer_link_query_string_answers_404(
    client, site_a, officer, bad
):
    with scopes_disabled():
        person = PersonFactory(site=site_a)
    client.force_login(officer)

    address = url("carer_link_create", person.code)
    assert client.get(address, {"other": bad}).status_code == 404
    assert client.post(address, {"other": bad}).status_code == 404


def test_another_sites_person_in_the_carer_link_query_string_answers_404(
    client, site_a, site_b, officer
):
    with scopes_disabled():
        person = PersonFactory(site=site_a)
        theirs = PersonFactory(site=site_b)
    client.force_login(officer)

    response = client.get(url("carer_link_create", person.code), {"other": theirs.code})

    assert response.status_code == 404


def test_the_carer_link_page_still_finds_a_person_of_the_site(client, site_a, officer):
    with scopes_disabled():
        person = PersonFactory(site=site_a)
        other = PersonFactory(site=site_a)
    client.force_login(officer)

    response = client.get(url("carer_link_create", person.code), {"other": other.code})

    assert response.status_code == 200
    assert response.context["other"] == other


@pytest.mark.parametrize("query", [{"user": "x"}, {"user": "1 OR 1=1"}, {"page": "x"}])
def test_a_malformed_id_in_the_audit_filter_is_ignored_not_a_500(
    client, site_a, senior, query
):
    client.force_login(senior)

    response = client.get(url("audit_list"), query)

    assert response.status_code == 200


# --- Ids in posted forms ------------------------------------------------------------


@pytest.mark.parametrize("bad", MALFORMED)
def test_a_malformed_plan_posted_to_the_agenda_is_refused_with_a_message(
    client, records, everyone, bad
):
    client.force_login(everyone)
    with scopes_disabled():
        before = PanelItem.objects.count()

    response = client.post(
        url("item_add", records["meeting"].code),
        {"plan": bad, "question": "Will the panel fund it?"},
        follow=True,
    )

    assert response.status_code == 200
    assert messages_of(response) == ["Choose one of the plans waiting for panel."]
    with scopes_disabled():
        assert PanelItem.objects.count() == before


def test_another_sites_plan_posted_to_the_agenda_answers_404(
    client, records, everyone, site_b, outsider
):
    with scopes_disabled():
        theirs = plan_with(site_b, outsider)
    client.force_login(everyone)

    response = client.post(
        url("item_add", records["meeting"].code),
        {"plan": theirs.code, "question": "Will the panel fund it?"},
    )

    assert response.status_code == 404


@pytest.mark.parametrize("bad", ["x", "-1", "99999999"])
def test_a_malformed_meeting_to_move_an_item_to_is_refused_with_a_message(
    client, records, everyone, bad
):
    client.force_login(everyone)

    response = client.post(url("item_move", records["item"].code), {"to": bad})

    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert "Choose the meeting to move it to." in messages_of(follow)


@pytest.mark.parametrize("bad", ["x", "-1", "99999999"])
def test_a_malformed_assessment_posted_to_a_new_plan_is_a_form_error(
    client, records, everyone, bad
):
    client.force_login(everyone)

    response = client.post(
        url("plan_create", records["person"].code), {"assessment": bad}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["assessment"]


# --- Notifications -------------------------------------------------------------------


def test_opening_a_notification_marks_it_read(client, records, officer):
    note = records["notification"]
    client.force_login(officer)

    response = client.post(url("notification_read", note.code))

    assert response.status_code == 302
    with scopes_disabled():
        assert Notification.objects.get(pk=note.pk).read_at is not None


def test_mark_all_read_marks_only_the_members_own_notifications(
    client, records, officer, manager
):
    with scopes_disabled():
        theirs = notify(
            user=manager,
            site=records["notification"].site,
            kind=Notification.Kind.REVIEW_DUE,
            message="A review is due",
        )
    client.force_login(officer)

    response = client.post(url("notifications_read_all"))

    assert response["Location"] == url("notification_list")
    with scopes_disabled():
        assert Notification.objects.get(pk=records["notification"].pk).read_at
        assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_notification_list_offers_mark_all_read(client, records, officer):
    client.force_login(officer)

    page = client.get(url("notification_list"))

    assert f'action="{url("notifications_read_all")}"' in page.content.decode()


def test_mark_all_read_takes_only_a_post(client, records, officer):
    client.force_login(officer)

    assert client.get(url("notifications_read_all")).status_code == 405
