"""The legal record's contacts (phone numbers as people dial them) and consent: each
form with good and bad input, the pages that add and change them, stale edits, and
consent withdrawn with its audit."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from assessments import legal_forms as f
from assessments import legal_services
from assessments.legal import Consent, Contact
from sites.models import AuditEvent
from sites.phones import format_phone
from tests.assessments.legal_record.legal_pages import (
    TODAY,
    TOMORROW,
    YESTERDAY,
    form_errors,
    url,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


# --- phone numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("01134960000", "0113 496 0000"),
        ("+44 20 7946 0018", "020 7946 0018"),
        ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),
        ("", ""),
    ],
)
def test_phone_numbers_are_formatted_as_people_dial_them(typed, shown):
    assert format_phone(typed) == shown


@pytest.mark.parametrize("typed", ["123", "not a number", "0113 496", "999"])
def test_a_number_nobody_can_dial_is_refused(typed):
    with pytest.raises(ValidationError, match="not a phone number we can dial"):
        format_phone(typed)


# --- contacts ------------------------------------------------------------------------


def contact_post(**overrides):
    return {
        "kind": "gp",
        "name": "Riverside Surgery",
        "role": "Dr Example",
        "phone": "01134960001",
        "email": "",
        "address": "",
        "notes": "",
    } | overrides


def test_a_contact_form_formats_the_phone_number():
    form = f.ContactForm(contact_post())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "0113 496 0001"


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"phone": "12"}, "phone", "not a phone number"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"phone": ""}, "phone", "at least one way to reach them"),
        ({"name": ""}, "name", "required"),
        ({"kind": "cousin"}, "kind", "valid choice"),
    ],
)
def test_a_contact_form_refuses_bad_input(overrides, field, words):
    errors = form_errors(f.ContactForm(contact_post(**overrides)))
    assert words in " ".join(errors[field])


def test_an_officer_adds_a_gp_and_the_person_page_shows_how_to_reach_them(
    client, officer, person
):
    client.force_login(officer)
    response = client.post(url("record_add", person, "contact"), contact_post())
    assert response.status_code == 302
    with scopes_disabled():
        contact = Contact.objects.get(person=person)
        assert contact.phone == "0113 496 0001"
        assert contact.recorded_by == officer
        assert AuditEvent.objects.filter(
            object_code=str(contact.code), action="Contact recorded"
        ).exists()
    page = client.get(url("person_detail", person)).content.decode()
    assert "Riverside Surgery" in page
    assert "0113 496 0001" in page
    assert "GP practice" in page


def test_bad_contact_input_keeps_what_was_typed(client, officer, person):
    client.force_login(officer)
    response = client.post(
        url("record_add", person, "contact"),
        contact_post(phone="12345", name="Typed name kept"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Typed name kept" in page
    assert "not a phone number we can dial" in page
    with scopes_disabled():
        assert not Contact.objects.exists()


def test_an_unknown_part_of_the_record_is_not_found(client, officer, person):
    client.force_login(officer)
    assert client.get(url("record_add", person, "nonsense")).status_code == 404
    # Safeguarding concerns are raised through their own page.
    assert client.get(url("record_add", person, "safeguarding")).status_code == 404


def test_a_record_of_another_person_is_not_found_through_this_one(
    client, officer, person, site_a
):
    with scopes_disabled():
        other = PersonFactory(site=site_a)
        contact = Contact.objects.create(
            site=site_a,
            person=other,
            kind="gp",
            name="Elsewhere",
            phone="0113 496 0002",
            recorded_by=officer,
        )
    client.force_login(officer)
    assert (
        client.get(url("record_edit", person, "contact", contact.code)).status_code
        == 404
    )


def test_a_stale_contact_edit_is_refused_and_keeps_the_typing(
    client, officer, manager, person, site_a
):
    with scopes_disabled():
        contact = legal_services.add_record(
            Contact,
            person=person,
            by=officer,
            noun="contact",
            kind="gp",
            name="Riverside Surgery",
            phone="0113 496 0001",
        )
        legal_services.change_record(
            contact,
            by=manager,
            expected_version=1,
            noun="contact",
            name="Changed meanwhile",
        )
    client.force_login(officer)
    response = client.post(
        url("record_edit", person, "contact", contact.code),
        contact_post(name="My own typing", version="1"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "My own typing" in page
    assert "Changed meanwhile" in page
    with scopes_disabled():
        assert Contact.objects.get(pk=contact.pk).name == "Changed meanwhile"


# --- consent ---------------------------------------------------------------------------


def consent_post(**overrides):
    return {
        "purpose": "sharing",
        "agreed": "yes",
        "shared_with": "His GP and the memory clinic",
        "given_by": "person",
        "decided_on": YESTERDAY,
        "notes": "",
    } | overrides


def test_a_good_consent_form_is_valid():
    assert f.ConsentForm(consent_post()).is_valid()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"shared_with": ""}, "shared_with", "with whom"),
        ({"decided_on": TOMORROW}, "decided_on", "future"),
        ({"agreed": "maybe"}, "agreed", "valid choice"),
        ({"given_by": ""}, "given_by", "required"),
    ],
)
def test_a_consent_form_refuses_bad_input(overrides, field, words):
    errors = form_errors(f.ConsentForm(consent_post(**overrides)))
    assert words in " ".join(errors[field])


def test_consent_to_the_assessment_needs_no_list_of_recipients():
    assert f.ConsentForm(consent_post(purpose="assessment", shared_with="")).is_valid()


def test_consent_can_be_withdrawn_and_the_withdrawal_is_audited(
    client, officer, person
):
    client.force_login(officer)
    client.post(url("record_add", person, "consent"), consent_post())
    with scopes_disabled():
        consent = Consent.objects.get(person=person)
        assert consent.in_force
    response = client.post(
        url("record_edit", person, "consent", consent.code),
        consent_post(
            version="1",
            withdrawn_on=TODAY.isoformat(),
            withdrawal_note="She no longer wants the clinic told.",
        ),
    )
    assert response.status_code == 302
    with scopes_disabled():
        consent.refresh_from_db()
        assert not consent.in_force
        assert consent.withdrawal_recorded_by == officer
        assert AuditEvent.objects.filter(
            object_code=str(consent.code), action="Consent withdrawn"
        ).exists()
    page = client.get(url("person_detail", person)).content.decode()
    assert "Withdrawn" in page


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"agreed": "no", "withdrawn_on": YESTERDAY}, "Only consent that was given"),
        (
            {"decided_on": YESTERDAY, "withdrawn_on": "2000-01-01"},
            "before the date it was given",
        ),
        ({"withdrawal_note": "Said no"}, "Give the date"),
        ({"withdrawn_on": TOMORROW}, "future"),
    ],
)
def test_a_withdrawal_that_cannot_be_is_refused(overrides, words):
    consent = Consent(pk=1)  # an existing consent: the form offers withdrawal
    form = f.ConsentForm(consent_post(**overrides), instance=consent)
    assert words in " ".join(form_errors(form)["withdrawn_on"])
