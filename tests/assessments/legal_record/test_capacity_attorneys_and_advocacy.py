"""The legal record's capacity assessments (the two-stage test, best interests),
attorneys and deputies, and advocacy (when the Care Act needs an advocate): forms
and pages."""

import pytest

from assessments import legal_forms as f
from tests.assessments.legal_record.legal_pages import (
    TOMORROW,
    YESTERDAY,
    form_errors,
    url,
)

pytestmark = pytest.mark.django_db


# --- capacity ----------------------------------------------------------------------------


def capacity_post(**overrides):
    return {
        "decision": "Whether to accept carers at home for meals",
        "assessed_on": YESTERDAY,
        "practicable_steps": "Morning visit, his daughter present, pictures used.",
        "impairment": "yes",
        "impairment_detail": "Dementia (Alzheimer's type), moderate",
        "understands": "yes",
        "retains": "no",
        "uses_or_weighs": "no",
        "communicates": "yes",
        "because_of_impairment": "yes",
        "evidence": "Could not recall the options after five minutes.",
        "wishes": "",
        "consulted": "",
        "options": "",
        "best_interests_decision": "",
        "best_interests_on": "",
    } | overrides


def test_the_two_stage_test_finds_a_lack_of_capacity():
    form = f.CapacityForm(capacity_post())
    assert form.is_valid(), form.errors
    record = form.save(commit=False)
    assert record.lacks_capacity
    assert record.unable_to == ["retain it", "use or weigh it"]
    assert record.best_interests_missing


def test_no_impairment_means_capacity_and_stage_two_is_cleared():
    form = f.CapacityForm(capacity_post(impairment="no", impairment_detail=""))
    assert form.is_valid(), form.errors
    record = form.save(commit=False)
    assert not record.lacks_capacity
    assert record.retains == ""
    assert record.outcome == "Has capacity for this decision"


def test_an_inability_not_caused_by_the_impairment_is_not_a_lack_of_capacity():
    form = f.CapacityForm(capacity_post(because_of_impairment="no"))
    assert form.is_valid()
    assert not form.save(commit=False).lacks_capacity


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"retains": ""}, "retains", "Answer each question"),
        ({"impairment_detail": ""}, "impairment_detail", "what the impairment is"),
        ({"because_of_impairment": ""}, "because_of_impairment", "because of"),
        ({"decision": ""}, "decision", "required"),
        ({"practicable_steps": ""}, "practicable_steps", "required"),
        ({"assessed_on": TOMORROW}, "assessed_on", "future"),
        (
            {"best_interests_decision": "Carers at lunch", "best_interests_on": ""},
            "consulted",
            "who was consulted",
        ),
        (
            {"best_interests_decision": "Carers at lunch", "consulted": "Daughter"},
            "best_interests_on",
            "date",
        ),
        (
            {
                "retains": "yes",
                "uses_or_weighs": "yes",
                "best_interests_decision": "Carers",
                "consulted": "Daughter",
                "best_interests_on": YESTERDAY,
            },
            "best_interests_decision",
            "the decision is theirs",
        ),
    ],
)
def test_a_capacity_form_refuses_bad_input(overrides, field, words):
    errors = form_errors(f.CapacityForm(capacity_post(**overrides)))
    assert words in " ".join(errors[field])


def test_a_best_interests_decision_is_recorded_and_shown(client, officer, person):
    client.force_login(officer)
    response = client.post(
        url("record_add", person, "capacity"),
        capacity_post(
            wishes="Has always valued his independence.",
            consulted="His daughter (lasting power of attorney, health and welfare).",
            options="Carers at lunch; meals delivered; nothing.",
            best_interests_decision="A carer at lunchtime: the least restrictive.",
            best_interests_on=YESTERDAY,
        ),
    )
    assert response.status_code == 302
    page = client.get(url("person_detail", person)).content.decode()
    assert "Lacks capacity for this decision" in page
    assert "A carer at lunchtime: the least restrictive." in page
    assert "retain it, use or weigh it" in page


# --- attorneys and deputies ----------------------------------------------------------


def attorney_post(**overrides):
    return {
        "kind": "lpa_health",
        "name": "Test Daughter",
        "relationship": "Daughter",
        "phone": "0113 496 0003",
        "email": "daughter@example.org",
        "address": "",
        "scope": "Health and welfare decisions, including where he lives.",
        "registered_on": "2023-05-01",
        "seen_document": "on",
    } | overrides


def test_a_good_attorney_form_is_valid():
    assert f.AttorneyForm(attorney_post()).is_valid()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"kind": "power"}, "kind", "valid choice"),
        ({"scope": ""}, "scope", "required"),
        ({"phone": "", "email": ""}, "phone", "at least one way"),
        ({"email": "nope"}, "email", "valid email"),
        ({"phone": "0000"}, "phone", "not a phone number"),
        ({"registered_on": TOMORROW}, "registered_on", "future"),
    ],
)
def test_an_attorney_form_refuses_bad_input(overrides, field, words):
    errors = form_errors(f.AttorneyForm(attorney_post(**overrides)))
    assert words in " ".join(errors[field])


def test_an_attorney_is_shown_with_what_it_covers(client, officer, person):
    client.force_login(officer)
    assert (
        client.post(url("record_add", person, "attorney"), attorney_post()).status_code
        == 302
    )
    page = client.get(url("person_detail", person)).content.decode()
    assert "Lasting power of attorney: health and welfare" in page
    assert "including where he lives" in page


# --- advocacy -------------------------------------------------------------------------------


def advocacy_post(**overrides):
    return {
        "process": "assessment",
        "considered_on": YESTERDAY,
        "difficulty_retaining": "on",
        "difficulty_weighing": "on",
        "appropriate_person": "no",
        "appropriate_person_name": "",
        "referred_on": YESTERDAY,
        "referred_to": "Example Advocacy Service",
        "advocate_name": "Test Advocate",
        "advocate_phone": "0113 496 0004",
        "advocate_email": "",
    } | overrides


def test_the_care_act_test_says_when_an_advocate_is_needed():
    form = f.AdvocacyForm(advocacy_post())
    assert form.is_valid(), form.errors
    record = form.save(commit=False)
    assert record.advocate_needed
    assert "must be arranged" in record.answer


def test_an_appropriate_person_means_no_advocate_is_needed():
    form = f.AdvocacyForm(
        advocacy_post(appropriate_person="yes", appropriate_person_name="His sister")
    )
    assert form.is_valid(), form.errors
    record = form.save(commit=False)
    assert not record.advocate_needed
    assert "His sister can support them" in record.answer


def test_no_difficulty_means_no_advocate_is_needed():
    data = advocacy_post()
    del data["difficulty_retaining"], data["difficulty_weighing"]
    record = f.AdvocacyForm(data).save(commit=False)
    assert not record.advocate_needed
    assert "no substantial difficulty" in record.answer


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"appropriate_person": "yes"}, "appropriate_person_name", "Name the"),
        ({"referred_to": ""}, "referred_to", "which advocacy service"),
        ({"advocate_name": ""}, "advocate_name", "advocate's name"),
        ({"advocate_phone": "1"}, "advocate_phone", "not a phone number"),
        ({"advocate_email": "x@"}, "advocate_email", "valid email"),
        ({"appropriate_person": ""}, "appropriate_person", "required"),
    ],
)
def test_an_advocacy_form_refuses_bad_input(overrides, field, words):
    errors = form_errors(f.AdvocacyForm(advocacy_post(**overrides)))
    assert words in " ".join(errors[field])


def test_the_person_page_shows_the_advocate_not_just_a_tick(client, officer, person):
    client.force_login(officer)
    client.post(url("record_add", person, "advocacy"), advocacy_post())
    page = client.get(url("person_detail", person)).content.decode()
    assert "Test Advocate" in page
    assert "0113 496 0004" in page
    assert "Example Advocacy Service" in page
