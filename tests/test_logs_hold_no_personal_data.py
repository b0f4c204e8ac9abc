"""No name, NHS number or postcode of a person reaches a log (issue 11, item 6).

The casework an officer does in a day is run through the test client with every
logger captured at DEBUG: adding a person (and trying to add them twice), searching by
name, NHS number and postcode, opening and editing the record with mistakes, asking
for records that do not exist or belong elsewhere, and a page that fails. Whatever
the code or Django logs on the way (request warnings, errors with their tracebacks,
our own loggers) must not contain the person's identifiers.
"""

import logging

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments.models import Person
from tests.factories import valid_nhs_number

# Made-up identifiers, distinctive enough that a hit cannot be a coincidence.
GIVEN, FAMILY = "Quillon", "Zebrafeather"
POSTCODE = "ZZ99 3WZ"  # the NHS's pseudo-postcode: never a real address


def _url(name, *args):
    return reverse(name, args=["alpha", *args])


@pytest.fixture
def nhs_number():
    return valid_nhs_number(9041)


def _person_form(nhs_number, **changes):
    return {
        "given_name": GIVEN,
        "family_name": FAMILY,
        "date_of_birth": "1938-05-04",
        "nhs_number": nhs_number,
        "address": "1 Nowhere Lane",
        "postcode": POSTCODE,
        **changes,
    }


def test_a_days_casework_logs_no_name_nhs_number_or_postcode(
    records, caplog, nhs_number
):
    caplog.set_level(logging.DEBUG)
    client = Client(raise_request_exception=False)
    client.force_login(records["officer"])

    created = client.post(_url("person_create"), _person_form(nhs_number))
    assert created.status_code == 302
    with scopes_disabled():
        person = Person.objects.get(nhs_number=nhs_number)
    # The same person again: refused with a message, not an error.
    again = client.post(_url("person_create"), _person_form(nhs_number))
    assert again.status_code == 200
    for text in [FAMILY, nhs_number, POSTCODE, f"{GIVEN} {FAMILY}"]:
        found = client.post(_url("person_list"), {"q": text})
        assert found.status_code == 302
        assert client.get(found["Location"]).status_code == 200
    assert client.get(_url("person_detail", person.code)).status_code == 200
    bad_edit = client.post(
        _url("person_edit", person.code),
        _person_form(nhs_number, date_of_birth="31/02/1938", postcode="not a code"),
    )
    assert bad_edit.status_code == 200
    # Records that do not exist, malformed codes, and the other kind of miss.
    missing = "00000000-0000-4000-8000-000000000000"
    assert client.get(_url("person_detail", missing)).status_code == 404
    assert (
        client.get(_url("carer_link_create", person.code), {"other": "x"}).status_code
        == 404
    )
    client.logout()
    assert client.get(_url("person_detail", person.code)).status_code == 302

    logged = caplog.text + "".join(
        str(record.args) + str(record.msg) for record in caplog.records
    )
    for identifier in [GIVEN, FAMILY, nhs_number, POSTCODE, POSTCODE.replace(" ", "")]:
        assert identifier not in logged, identifier
    # And the capture did capture: the 404s were logged as warnings.
    assert any(r.name == "django.request" for r in caplog.records)
