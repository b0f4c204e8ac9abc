"""The legal record on the person page: every form with good and bad input, the pages
that add and change its parts, the safeguarding flag, audit and query counts."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
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
from sites.phones import format_phone
from tests.assessments.people.test_person_record import DETAIL_QUERIES
from tests.factories import PersonFactory, member

pytestmark = pytest.mark.django_db

TODAY = date.today()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()


@pytest.fixture
def person(site_a, officer):
    with scopes_disabled():
        return PersonFactory(site=site_a, allocated_worker=officer)


def url(name, person, *args, site="alpha"):
    return reverse(name, args=[site, person.code, *args])


def _errors(form):
    assert not form.is_valid()
    return form.errors


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
    errors = _errors(f.ContactForm(contact_post(**overrides)))
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
    errors = _errors(f.ConsentForm(consent_post(**overrides)))
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
    assert words in " ".join(_errors(form)["withdrawn_on"])


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
    errors = _errors(f.CapacityForm(capacity_post(**overrides)))
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
    errors = _errors(f.AttorneyForm(attorney_post(**overrides)))
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
    errors = _errors(f.AdvocacyForm(advocacy_post(**overrides)))
    assert words in " ".join(errors[field])


def test_the_person_page_shows_the_advocate_not_just_a_tick(client, officer, person):
    client.force_login(officer)
    client.post(url("record_add", person, "advocacy"), advocacy_post())
    page = client.get(url("person_detail", person)).content.decode()
    assert "Test Advocate" in page
    assert "0113 496 0004" in page
    assert "Example Advocacy Service" in page


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
    errors = _errors(f.SafeguardingRaiseForm(concern_post(**overrides)))
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
    errors = _errors(f.SafeguardingForm(data))
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
    errors = _errors(f.EqualityForm(equality_post(**overrides)))
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
