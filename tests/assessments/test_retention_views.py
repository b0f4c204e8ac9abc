"""The retention pages (issue 13, item 5), through the test client: the list, the
periods, legal holds and the review before deleting; query counts fixed."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from assessments.models import Person
from assessments.retention import LegalHold, RetentionPeriod
from assessments.retention_services import place_legal_hold, run_retention_review
from sites.models import AuditEvent
from tests.conftest import login
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


def at(*args):
    return time_machine.travel(datetime(*args, 10, 0, tzinfo=UK), tick=False)


def url(name, *args):
    return reverse(name, args=["alpha", *args])


@pytest.fixture
def old_people(site_a):
    def make(n):
        with at(2014, 2, 3), scopes_disabled():
            return [
                PersonFactory(site=site_a, nhs_number="", postcode="ZZ9 9ZZ")
                for _ in range(n)
            ]

    return make


@pytest.mark.parametrize("n", [1, 3])
def test_the_list_shows_who_is_due_and_who_is_held_in_fixed_queries(
    client, site_a, senior, old_people, n, django_assert_num_queries
):
    people = old_people(n + 1)
    with at(2024, 3, 1), scope(site=site_a):
        place_legal_hold(people[0], by=senior, reason="A claim is open")
        run_retention_review(site_a)
    login(client, senior)
    # Session, user, memberships; periods; run; candidates; holds; views recorded.
    with at(2024, 3, 2), django_assert_num_queries(8):
        page = client.get(url("retention_list"))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"To review ({n})" in text
    assert "Past retention but on a legal hold (1)" in text
    assert "A claim is open" in text
    assert "Last contact 3 February 2014 (their record being made)" in text
    assert "due for deletion on 3 February 2022" in text


def test_members_without_the_rule_are_refused_and_outsiders_not_told(
    client, officer, outsider, site_a, old_people
):
    (person,) = old_people(1)
    hold_page = url("legal_hold", person.code)
    assert (
        hold_page
        not in login(client, officer)
        .get(url("person_detail", person.code))
        .content.decode()
    )
    assert login(client, officer).get(url("retention_list")).status_code == 403
    client.logout()
    assert login(client, outsider).get(url("retention_list")).status_code == 404


def test_a_period_out_of_range_is_refused_with_the_input_kept(client, senior, site_a):
    login(client, senior)
    page = client.post(url("retention_periods"), {"person": "0", "carer": "6"})
    assert page.status_code == 200
    assert "Enter 1 or more." in page.content.decode()
    assert 'value="6"' in page.content.decode()
    page = client.post(url("retention_periods"), {"person": "10", "carer": "6"})
    assert page.status_code == 302
    with scopes_disabled():
        assert dict(RetentionPeriod.objects.values_list("record_type", "years")) == {
            "person": 10,
            "carer": 6,
        }


def test_a_hold_is_placed_and_released_with_who_and_why(
    client, senior, site_a, old_people, django_assert_num_queries
):
    (person,) = old_people(1)
    login(client, senior)
    hold_page = url("legal_hold", person.code)
    assert hold_page in client.get(url("person_detail", person.code)).content.decode()
    response = client.post(hold_page, {"reason": "Court order", "until": "2020-01-01"})
    assert "cannot be in the past" in response.content.decode()
    assert "Court order" in response.content.decode()
    assert client.post(hold_page, {"reason": "Court order"}).status_code == 302
    # Session, user, memberships; person; holds; hold in force; the view recorded.
    with django_assert_num_queries(7):
        text = client.get(hold_page).content.decode()
    assert "A hold is in force" in text
    release = url("legal_hold_release", person.code)
    assert client.post(release, {"note": "Order lifted"}).status_code == 302
    with scopes_disabled():
        hold = LegalHold.objects.get()
        events = list(
            AuditEvent.objects.filter(kind=AuditEvent.Kind.RETENTION).values_list(
                "action", flat=True
            )
        )
    assert (hold.released_by, hold.release_note) == (senior, "Order lifted")
    assert sorted(events) == ["Legal hold placed", "Legal hold released"]


def test_deleting_needs_the_review_a_reason_without_their_details_and_a_tick(
    client, senior, site_a, old_people, django_assert_num_queries
):
    (person,) = old_people(1)
    with scopes_disabled():
        Person.objects.filter(pk=person.pk).update(
            given_name="Mabel", family_name="Quist", nhs_number="9990004110"
        )
    login(client, senior)
    page = url("retention_delete", person.code)
    with at(2024, 3, 1):
        # The walk asks each kind of record that can point at a person (or at
        # what was found under them) once: a count set by the models, not the rows
        # (41 since plans gained financial assessments and carers' own plans).
        with django_assert_num_queries(41):
            text = client.get(page).content.decode()
        assert "Mabel Quist" in text
        assert "999 000 4110" in text or "9990004110" in text
        assert "1 person" in text
        named = client.post(page, {"reason": "Mabel has died", "confirm": "on"})
        assert "names the person" in named.content.decode()
        assert "Mabel has died" in named.content.decode()
        unticked = client.post(page, {"reason": "Past retention"})
        assert "Tick the box" in unticked.content.decode()
        done = client.post(page, {"reason": "Past retention", "confirm": "on"})
    assert done.status_code == 302
    with scopes_disabled():
        assert not Person.objects.filter(pk=person.pk).exists()
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.DELETE)
    assert event.object_code == str(person.code)
    assert event.details["deleted"] == {"people": 1}


def test_a_person_not_yet_due_cannot_be_deleted(client, senior, site_a, old_people):
    (person,) = old_people(1)
    login(client, senior)
    with at(2016, 1, 1):
        page = url("retention_delete", person.code)
        assert "not yet past the retention period" in client.get(page).content.decode()
        client.post(page, {"reason": "Past retention", "confirm": "on"})
    with scopes_disabled():
        assert Person.objects.filter(pk=person.pk).exists()
