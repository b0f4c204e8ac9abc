"""Safeguarding concerns (who may raise them, the flag, closing with its audit),
equality and communication, and the legal record on the person page: its query
count, and nothing of it for outsiders."""

from datetime import timedelta

import pytest
from django_scopes import scope, scopes_disabled

from assessments import legal_forms as f
from assessments import legal_services
from assessments.legal import (
    Advocacy,
    Attorney,
    CapacityAssessment,
    Consent,
    Contact,
    EqualityRecord,
    SafeguardingConcern,
)
from sites.models import AuditEvent
from sites.permissions import Role
from tests.assessments.legal_record.legal_pages import (
    TODAY,
    TOMORROW,
    YESTERDAY,
    form_errors,
    url,
)
from tests.assessments.people.test_person_record import DETAIL_QUERIES
from tests.factories import member

pytestmark = pytest.mark.django_db


# --- safeguarding -------------------------------------------------------------------------


def concern_post(**overrides):
    return {
        "raised_by": "A neighbour, by phone",
        "raised_on": YESTERDAY,
        "concern": "Found outside at night, confused, in his slippers.",
        "referred_to": "",
    } | overrides


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"concern": ""}, "concern", "required"),
        ({"raised_by": ""}, "raised_by", "required"),
        ({"raised_on": TOMORROW}, "raised_on", "future"),
        ({"raised_on": "31/02/2024"}, "raised_on", "valid date"),
    ],
)
def test_a_concern_form_refuses_bad_input(overrides, field, words):
    errors = form_errors(f.SafeguardingRaiseForm(concern_post(**overrides)))
    assert words in " ".join(errors[field])


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.ADVISOR, Role.SENIOR_MANAGER])
def test_anyone_who_can_open_the_record_can_raise_a_concern(
    client, site_a, person, role
):
    client.force_login(member(site_a, role))
    response = client.post(url("safeguarding_raise", person), concern_post())
    assert response.status_code == 302
    with scopes_disabled():
        concern = SafeguardingConcern.objects.get(person=person)
        assert AuditEvent.objects.filter(
            object_code=str(concern.code), action="Safeguarding concern raised"
        ).exists()


def test_a_member_who_cannot_open_the_record_cannot_raise_one(client, site_a, person):
    client.force_login(member(site_a, Role.SITE_COORDINATOR))
    assert (
        client.post(url("safeguarding_raise", person), concern_post()).status_code
        == 403
    )
    with scopes_disabled():
        assert not SafeguardingConcern.objects.exists()


def test_an_open_concern_is_flagged_to_everyone_who_opens_the_record(
    client, site_a, officer, person
):
    with scopes_disabled():
        legal_services.raise_safeguarding_concern(
            person=person,
            by=officer,
            raised_by="District nurse",
            raised_on=TODAY,
            concern="Bruising on both arms.",
        )
    for role in (Role.ADVISOR, Role.PANEL_MEMBER, Role.TEAM_MANAGER):
        client.force_login(member(site_a, role))
        page = client.get(url("person_detail", person)).content.decode()
        assert 'id="safeguarding-flag"' in page, role
        assert "1 open concern" in page


def test_a_closed_concern_is_no_longer_flagged_and_closing_is_audited(
    client, officer, person
):
    with scopes_disabled():
        concern = legal_services.raise_safeguarding_concern(
            person=person,
            by=officer,
            raised_by="District nurse",
            raised_on=TODAY - timedelta(days=3),
            concern="Bruising on both arms.",
        )
    client.force_login(officer)
    data = concern_post(
        raised_on=(TODAY - timedelta(days=3)).isoformat(),
        concern="Bruising on both arms.",
        referred_to="Safeguarding adults team",
        enquiry="enquiry",
        outcome="Enquiry found a fall; a falls assessment arranged.",
        closed_on=TODAY.isoformat(),
        version="1",
    )
    response = client.post(
        url("record_edit", person, "safeguarding", concern.code), data
    )
    assert response.status_code == 302
    page = client.get(url("person_detail", person)).content.decode()
    assert 'id="safeguarding-flag"' not in page
    assert "Enquiry found a fall" in page
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            object_code=str(concern.code), action="Safeguarding concern closed"
        ).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"outcome": ""}, "outcome", "outcome before closing"),
        ({"enquiry": "undecided"}, "enquiry", "decision on an enquiry"),
        ({"closed_on": "2000-01-01"}, "closed_on", "before it was raised"),
    ],
)
def test_a_concern_cannot_close_without_its_decision_and_outcome(
    overrides, field, words
):
    data = (
        concern_post(enquiry="other", outcome="Resolved.", closed_on=TODAY.isoformat())
        | overrides
    )
    errors = form_errors(f.SafeguardingForm(data))
    assert words in " ".join(errors[field])


# --- equality and communication ---------------------------------------------------------


def equality_post(**overrides):
    return {
        "ethnicity": "A",
        "religion": "not_say",
        "sex": "1",
        "disability": "yes",
        "first_language": "pl",
        "first_language_other": "",
        "interpreter_needed": "yes",
        "interpreter_language": "pl",
        "preferred_format": "large_print",
    } | overrides


def test_every_equality_question_is_optional():
    assert f.EqualityForm(dict.fromkeys(equality_post(), "")).is_valid()


def test_prefers_not_to_say_is_an_answer_to_each_question():
    form = f.EqualityForm(
        {
            "ethnicity": "Z",
            "religion": "not_say",
            "sex": "not_say",
            "disability": "not_say",
            "first_language": "not_say",
            "preferred_format": "not_say",
        }
    )
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"interpreter_language": ""}, "interpreter_language", "which language"),
        ({"interpreter_needed": "no"}, "interpreter_needed", "say that they need"),
        ({"first_language": "other"}, "first_language_other", "which language"),
        ({"ethnicity": "Q"}, "ethnicity", "valid choice"),
        ({"interpreter_language": "en"}, "interpreter_language", "valid choice"),
    ],
)
def test_an_equality_form_refuses_bad_input(overrides, field, words):
    errors = form_errors(f.EqualityForm(equality_post(**overrides)))
    assert words in " ".join(errors[field])


def test_equality_is_recorded_once_and_changed_after(client, officer, person):
    client.force_login(officer)
    response = client.post(url("equality_edit", person), equality_post(version="0"))
    assert response.status_code == 302
    page = client.get(url("person_detail", person)).content.decode()
    assert "White: British" in page
    assert "Needed: Polish" in page
    assert "Large print" in page
    response = client.post(
        url("equality_edit", person), equality_post(version="1", religion="christian")
    )
    assert response.status_code == 302
    with scopes_disabled():
        record = EqualityRecord.objects.get(person=person)
        assert record.religion == "christian"
        assert record.version == 2
        actions = set(
            AuditEvent.objects.filter(
                object_type="assessments.EqualityRecord"
            ).values_list("action", flat=True)
        )
    assert actions == {
        "Equality and communication recorded",
        "Equality and communication changed",
    }


def test_a_second_first_save_of_equality_is_stale(client, officer, manager, person):
    with scopes_disabled():
        legal_services.save_equality(
            person=person, by=manager, expected_version=0, ethnicity="B"
        )
    client.force_login(officer)
    response = client.post(url("equality_edit", person), equality_post(version="0"))
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    with scopes_disabled():
        assert EqualityRecord.objects.get(person=person).ethnicity == "B"


# --- the person page ------------------------------------------------------------------


def _legal_rows(person, by, count):
    with scope(site=person.site):
        for i in range(count):
            legal_services.add_record(
                Contact,
                person=person,
                by=by,
                noun="contact",
                kind="professional",
                name=f"Professional {i}",
                phone="0113 496 0005",
            )
            legal_services.add_record(
                Consent,
                person=person,
                by=by,
                noun="consent",
                purpose="assessment",
                agreed="yes",
                given_by="person",
                decided_on=TODAY,
            )
            legal_services.add_record(
                CapacityAssessment,
                person=person,
                by=by,
                noun="capacity assessment",
                decision=f"Decision {i}",
                assessed_on=TODAY,
                practicable_steps="Plain words.",
                impairment="no",
            )
            legal_services.add_record(
                Attorney,
                person=person,
                by=by,
                noun="attorney",
                kind="lpa_property",
                name=f"Attorney {i}",
                phone="0113 496 0006",
                scope="Money",
            )
            legal_services.add_record(
                Advocacy,
                person=person,
                by=by,
                noun="advocacy decision",
                process="review",
                considered_on=TODAY,
                appropriate_person="no",
                difficulty_communicating=True,
                advocate_name=f"Advocate {i}",
            )
            legal_services.raise_safeguarding_concern(
                person=person,
                by=by,
                raised_by="Nurse",
                raised_on=TODAY,
                concern=f"Concern {i}",
            )
        legal_services.save_equality(
            person=person, by=by, expected_version=0, ethnicity="A"
        )


@pytest.mark.parametrize("rows", [1, 5])
def test_the_person_page_reads_the_legal_record_in_a_fixed_number_of_queries(
    client, officer, person, rows, django_assert_num_queries
):
    _legal_rows(person, officer, rows)
    client.force_login(officer)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(url("person_detail", person))
    page = response.content.decode()
    assert page.count("<strong>Professional ") == rows
    assert f"{rows} open concern" in page


def test_outsiders_never_see_the_legal_record(client, outsider, person):
    client.force_login(outsider)
    for name in ("safeguarding_raise", "equality_edit"):
        assert client.get(url(name, person, site="bravo")).status_code == 404
