"""No silent duplicates (issue 10, item 11): likely matches are shown before a person
is added; a double click or two officers at once never make two records or a 500."""

import threading
import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scopes_disabled

from assessments import services
from assessments.models import Person
from sites.permissions import Role
from tests.factories import PersonFactory, member, valid_nhs_number
from tests.helpers import url

pytestmark = pytest.mark.django_db


def details(**overrides):
    data = {
        "given_name": "Grace",
        "family_name": "Testhopper",
        "preferred_name": "",
        "date_of_birth": "1946-12-09",
        "nhs_number": "",
        "address": "1 Example Street",
        "postcode": "ZZ4 2EV",
        "phone": "",
        "communication_needs": "",
        "allocated_worker": "",
        "creation_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


@pytest.fixture
def grace(site_a):
    with scopes_disabled():
        return PersonFactory(
            site=site_a,
            given_name="Grace",
            family_name="Testhopper",
            date_of_birth=date(1946, 12, 9),
            postcode="ZZ4 9XX",
            nhs_number=valid_nhs_number(3),
        )


def people():
    with scopes_disabled():
        return list(Person.objects.order_by("id"))


def test_the_add_form_carries_a_one_time_token(client, officer):
    client.force_login(officer)
    html = client.get(url("person_create")).content.decode()
    assert 'name="creation_token"' in html


def test_same_name_and_birth_shows_the_match_and_asks_before_adding(
    client, officer, grace
):
    client.force_login(officer)
    response = client.post(
        url("person_create"), details(given_name="GRACE", phone="0100 7")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This may be someone already recorded" in html
    assert url("person_detail", grace.code) in html
    assert "Same name and date of birth" in html
    assert "Same postcode area" in html
    assert "None of these is the same person" in html
    assert 'value="0100 7"' in html  # what was typed is kept
    assert people() == [grace]


def test_confirming_a_different_person_adds_them(client, officer, grace):
    client.force_login(officer)
    response = client.post(url("person_create"), details(confirm_new="on"))
    assert response.status_code == 302
    first, second = people()
    assert first == grace
    assert second.distinct_confirmed
    assert response["Location"] == url("person_detail", second.code)


def test_a_preferred_name_in_the_same_postcode_area_is_a_likely_match(
    client, officer, site_a
):
    with scopes_disabled():
        bill = PersonFactory(
            site=site_a,
            given_name="William",
            preferred_name="Bill",
            family_name="Testjones",
            date_of_birth=date(1940, 1, 2),
            postcode="ZZ4 1AA",
        )
    client.force_login(officer)
    for typed in ("Bill", "Wills"):
        response = client.post(
            url("person_create"),
            details(
                given_name=typed, family_name="testjones", date_of_birth="1940-01-02"
            ),
        )
        assert url("person_detail", bill.code) in response.content.decode(), typed
    assert people() == [bill]


def test_the_same_nhs_number_shows_the_record_and_cannot_be_confirmed_away(
    client, officer, grace
):
    client.force_login(officer)
    response = client.post(
        url("person_create"),
        details(
            given_name="Someone",
            family_name="Else",
            nhs_number=grace.nhs_number,
            confirm_new="on",
        ),
    )
    html = response.content.decode()
    assert url("person_detail", grace.code) in html
    assert "Same NHS number" in html
    assert "None of these is the same person" not in html
    assert people() == [grace]


def test_a_double_click_makes_one_record(client, officer):
    client.force_login(officer)
    form = details()
    first = client.post(url("person_create"), form)
    second = client.post(url("person_create"), form)
    [person] = people()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == url("person_detail", person.code)


def test_a_record_saved_meanwhile_is_shown_not_a_500(
    client, officer, site_a, monkeypatch
):
    """Two officers at once: both forms passed every check before either saved; the
    database's constraint refuses the second and the page shows the first."""
    client.force_login(officer)
    with scopes_disabled():
        theirs = PersonFactory(
            site=site_a,
            given_name="Grace",
            family_name="Testhopper",
            date_of_birth=date(1946, 12, 9),
        )
    # The checks before saving ran before the other record existed.
    monkeypatch.setattr(
        "assessments.duplicates.likely_matches",
        lambda *a, **k: [],
    )
    monkeypatch.setattr(Person, "full_clean", lambda self, **kw: None)
    response = client.post(url("person_create"), details())
    assert response.status_code == 200
    assert people() == [theirs]


def test_the_service_refuses_an_unconfirmed_second_record(in_site_a, officer, grace):
    with pytest.raises(ValidationError) as refused:
        services.create_person(
            site=in_site_a,
            by=officer,
            given_name="Grace",
            family_name="testhopper",
            date_of_birth=date(1946, 12, 9),
        )
    assert refused.value.code == "duplicate"
    assert "already recorded" in " ".join(refused.value.messages)
    assert people() == [grace]


def _race(site, users, tokens):
    """Each user adds the same person at the same moment, in their own thread."""
    barrier = threading.Barrier(len(users), timeout=10)
    results = {}

    def add(who, user, token):
        try:
            with scopes_disabled():
                barrier.wait()
                results[who] = services.create_person(
                    site=site,
                    by=user,
                    creation_token=token,
                    given_name="Grace",
                    family_name="Testhopper",
                    date_of_birth=date(1946, 12, 9),
                )
        except Exception as error:  # checked below
            results[who] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=add, args=(i, user, token))
        for i, (user, token) in enumerate(zip(users, tokens, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_officers_adding_one_person_at_once_make_one_record(site_a, officer):
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL")
    other = member(site_a, Role.ASSESSING_OFFICER, "officer-a2")
    results = _race(site_a, [officer, other], [uuid.uuid4(), uuid.uuid4()])
    made = [r for r in results.values() if isinstance(r, Person)]
    refused = [r for r in results.values() if isinstance(r, ValidationError)]
    assert len(made) == 1, results
    assert len(refused) == 1, results
    assert refused[0].code == "duplicate"
    assert len(people()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_click_racing_itself_makes_one_record(site_a, officer):
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL")
    token = uuid.uuid4()
    results = _race(site_a, [officer, officer], [token, token])
    assert all(isinstance(r, Person) for r in results.values()), results
    assert results[0].pk == results[1].pk
    assert len(people()) == 1


def test_changing_details_to_another_records_name_and_birth_is_refused_not_a_500(
    client, officer, site_a, grace
):
    with scopes_disabled():
        other = PersonFactory(
            site=site_a,
            given_name="Gracie",
            family_name="Testhopper",
            date_of_birth=date(1946, 12, 9),
        )
    client.force_login(officer)
    data = details(given_name="Grace", version=other.version, postcode="")
    data.pop("creation_token")
    response = client.post(url("person_edit", other.code), data)
    assert response.status_code == 200
    assert "a team manager can merge" in response.content.decode()
    with scopes_disabled():
        assert Person.objects.get(pk=other.pk).given_name == "Gracie"
