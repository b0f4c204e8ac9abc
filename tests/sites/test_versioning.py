"""The one optimistic lock (sites/versioning.py): the posted version, the check, the
save, what a refused editor is shown, and its journey across a time-out."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from assessments import services
from assessments.models import Person
from sites.permissions import Role
from sites.versioning import (
    STALE,
    VersionedEdit,
    check_version,
    posted_version,
    save_versioned,
    saved_differences,
)
from tests.factories import TEST_PASSWORD, PersonFactory, member


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"version": "3"}, 3),
        ({"version": "abc"}, -1),
        ({"version": ""}, -1),
        ({}, -1),
        (None, -1),
    ],
)
def test_a_missing_or_garbled_posted_version_counts_as_stale(data, expected):
    assert posted_version(data) == expected


def test_the_check_refuses_a_record_that_moved_on_with_the_stale_code():
    with pytest.raises(ValidationError) as caught:
        check_version(SimpleNamespace(version=3), 2, message="Changed meanwhile.")
    assert caught.value.code == STALE
    assert caught.value.messages == ["Changed meanwhile."]
    check_version(SimpleNamespace(version=3), 3)  # current: no error


@pytest.mark.usefixtures("in_site_a")
def test_a_versioned_save_counts_one_more_and_writes_only_what_it_is_told(site_a):
    person = PersonFactory(site=site_a, phone="0100 000")
    Person.objects.filter(pk=person.pk).update(address="Somewhere else")
    person.phone = "0100 111"

    save_versioned(person, update_fields=["phone"])

    stored = Person.objects.get(pk=person.pk)
    assert (stored.version, stored.phone) == (2, "0100 111")
    # Not in update_fields, so another writer's change survives.
    assert stored.address == "Somewhere else"


def test_an_edit_starts_from_the_records_version_or_the_posted_one():
    assert VersionedEdit.start(4).version == 4
    assert VersionedEdit.start(4, {"version": "2"}).version == 2
    assert VersionedEdit.start(4, {}).version == -1


class _Form(forms.Form):
    words = forms.CharField(label="In their words")
    kind = forms.ChoiceField(label="Type", choices=[("a", "Apples"), ("b", "Bananas")])
    paid = forms.BooleanField(label="Paid", required=False)
    start = forms.DateField(label="Starts")
    cost = forms.DecimalField(label="Cost")
    note = forms.CharField(label="Note", required=False)


def test_the_differences_name_each_field_and_show_values_as_people_read_them():
    form = _Form(
        {
            "words": "Lunch out",
            "kind": "a",
            "start": "2025-03-01",
            "cost": "12.50",
            "note": "",
        }
    )
    assert form.is_valid()
    latest = SimpleNamespace(
        words="Lunch at home",
        kind="b",
        paid=True,
        start=date(2025, 3, 1),
        cost=Decimal("12.50"),
        note=None,
    )

    assert saved_differences(form, latest) == [
        ("In their words", "Lunch at home"),
        ("Type", "Bananas"),
        ("Paid", "Yes"),
    ]


def test_a_refusal_that_is_not_stale_keeps_the_version_and_shows_no_latest():
    form = _Form({"words": "x", "kind": "a", "start": "2025-03-01", "cost": "1"})
    assert form.is_valid()
    edit = VersionedEdit(version=2)

    edit.refused(
        ValidationError("Only a draft can be changed.", code="not_editable"),
        form=form,
        latest=lambda: pytest.fail("the latest is read only for a stale refusal"),
    )

    assert (edit.version, edit.stale, edit.latest) == (2, False, None)
    assert form.non_field_errors() == ["Only a draft can be changed."]


@pytest.mark.django_db
def test_text_kept_across_a_time_out_is_checked_against_the_version_it_was_typed_at(
    timed_out, site_a, officer, manager
):
    client = timed_out
    with scopes_disabled():
        person = PersonFactory(site=site_a, phone="")
    address = reverse("person_edit", args=["alpha", person.code])
    typed = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "phone": "0100 999",
        "version": "1",
    }
    # Signed out while typing: the post is kept, then someone else saves.
    client.post(address, typed)
    with scope(site=site_a):
        services.update_person(person, by=manager, expected_version=1, phone="0100 111")
    login = reverse("login") + f"?next={address}"
    client.post(login, {"username": officer.username, "password": TEST_PASSWORD})

    restored = client.get(address).content.decode()
    assert 'value="0100 999"' in restored
    # The restored form is still at the version it was typed at...
    assert 'name="version" value="1"' in restored
    refused = client.post(address, typed)

    # ...so saving it is refused and shows what the other person saved.
    html = refused.content.decode()
    assert "Someone else changed these details" in html
    assert "0100 111" in html
    with scopes_disabled():
        assert Person.objects.get(pk=person.pk).phone == "0100 111"


def _person_form(person, **changes):
    return {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "version": str(person.version),
        **changes,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("staff", [1, 4])
def test_a_refused_stale_edit_of_a_person_takes_a_fixed_number_of_queries(
    client, site_a, officer, manager, staff, django_assert_num_queries
):
    for i in range(staff):
        member(site_a, Role.ASSESSING_OFFICER, f"worker-{i}")
    with scopes_disabled():
        person = PersonFactory(site=site_a)
        services.update_person(person, by=manager, expected_version=1, phone="1")
    client.force_login(officer)
    address = reverse("person_edit", args=["alpha", person.code])

    # Session, user, memberships; the person; the service's savepoint, the person
    # locked and found stale, rolled back and released; the person as now saved with
    # their worker; the workers to choose from, to render the list (the session row
    # is not written on every request); the view recorded in the audit trail. None
    # of it grows with the number of staff.
    with django_assert_num_queries(11):
        refused = client.post(address, _person_form(person, phone="2", version="1"))

    assert "Saved meanwhile by someone else" in refused.content.decode()
