"""A person's record: recording and changing them (validation, no lost typing,
stale edits), their page (audit, query count) and linking carers."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from assessments import services
from assessments.models import Assessment, CarerLink, Person
from sites.models import AuditEvent
from tests.factories import CarerLinkFactory, PersonFactory, valid_nhs_number
from tests.helpers import url

pytestmark = pytest.mark.django_db


def stored(person):
    with scopes_disabled():
        return Person.objects.get(pk=person.pk)


def person_post(**overrides):
    """A valid 'add a person' form, as the browser posts it."""
    data = {
        "given_name": "Grace",
        "family_name": "Hopper",
        "preferred_name": "",
        "date_of_birth": "1946-12-09",
        "nhs_number": "",
        "address": "1 Example Street",
        "postcode": "ns42ev",
        "phone": "",
        "communication_needs": "",
        "allocated_worker": "",
    }
    data.update(overrides)
    return data


def form_values(person, **overrides):
    """The edit form's fields for ``person`` (what the page would post back)."""
    data = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "nhs_number": person.nhs_number,
        "address": person.address,
        "postcode": person.postcode,
        "phone": person.phone,
        "communication_needs": person.communication_needs,
        "allocated_worker": person.allocated_worker_id or "",
        "version": person.version,
    }
    data.update(overrides)
    return data


def test_an_advisor_cannot_post_a_new_person_or_an_edit(client, advisor, person):
    client.force_login(advisor)
    assert client.post(url("person_create"), person_post()).status_code == 403
    edit = client.post(url("person_edit", person.code), form_values(person))
    assert edit.status_code == 403
    assert stored(person).version == 1
    with scopes_disabled():
        assert Person.objects.count() == 1


# Session, user, memberships; the person (with their equality record); their
# assessments; the carer links either way (one query, with both ends); the audit
# event; the care plans panel; the start form's choices; the programme panel (their
# programme cases, the programmes collecting data at the site); the documents (issue
# 12, item 8); and the whole legal record in one query (sites.together: contacts,
# consent, capacity, attorneys, advocacy, safeguarding and letters; it was one query
# a part, 20 queries in all, until issue 11 item 18).
DETAIL_QUERIES = 13


@pytest.mark.parametrize("rows", [1, 8])
def test_the_person_page_takes_a_fixed_number_of_queries(
    client, officer, manager, site_a, person, rows, django_assert_num_queries
):
    with scopes_disabled():
        for i in range(rows):
            carer = CarerLinkFactory(site=site_a, cared_for=person).carer
            CarerLinkFactory(site=site_a, carer=person)
            assessment = services.start_assessment(
                person=person, kind=Assessment.Kind.NEEDS, by=officer
            )
            if i % 2:
                Assessment.objects.filter(pk=assessment.pk).update(
                    status="completed",
                    completed_by=manager,
                    completed_at=timezone.now(),
                )
            services.start_assessment(
                person=carer,
                kind=Assessment.Kind.CARER,
                cared_for=person,
                by=officer,
            )
            services.start_assessment(
                person=person,
                kind=Assessment.Kind.CARER,
                cared_for=CarerLink.objects.filter(carer=person).last().cared_for,
                by=manager,
            )
    client.force_login(officer)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(url("person_detail", person.code))
    assert len(response.context["assessments"]) == 2 * rows
    assert len(response.context["carers"]) == rows
    assert len(response.context["cares_for"]) == rows
    assert response.content.decode().count("(caring for ") == rows


# --- Recording a person --------------------------------------------------------------


def test_recording_a_person_takes_them_to_their_page_and_is_audited(
    client, officer, site_a
):
    client.force_login(officer)
    number = valid_nhs_number(5)
    response = client.post(
        url("person_create"),
        person_post(
            nhs_number=f"{number[:3]} {number[3:6]} {number[6:]}",
            allocated_worker=officer.pk,
        ),
    )
    with scopes_disabled():
        person = Person.objects.get()
        event = AuditEvent.objects.get(object_code=str(person.code))
    assert response.status_code == 302
    assert response["Location"] == url("person_detail", person.code)
    assert person.site == site_a
    assert person.nhs_number == number
    assert person.postcode == "NS4 2EV"
    assert person.allocated_worker == officer
    assert (event.kind, event.user, event.site) == ("transition", officer, site_a)
    page = client.get(response["Location"])
    assert "Grace Hopper has been added." in page.content.decode()


def test_a_new_person_is_allocated_to_whoever_records_them_by_default(client, officer):
    client.force_login(officer)
    response = client.get(url("person_create"))
    assert response.context["form"]["allocated_worker"].value() == officer.pk


def _refused(response, field, message, typed):
    """The form came back with the message beside the field and the typing kept."""
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    html = response.content.decode()
    assert message.replace("'", "&#x27;") in html
    assert f'id="id_{field}"' in html
    assert re.search(rf'class="[^"]*is-invalid[^"]*"[^>]*id="id_{field}"', html) or (
        re.search(rf'id="id_{field}"[^>]*class="[^"]*is-invalid', html)
    ), f"{field} is not marked invalid"
    assert typed in html
    assert "Nothing you typed has been lost." in html
    with scopes_disabled():
        assert not Person.objects.filter(family_name="Hopper").exists()


def test_a_date_of_birth_in_the_future_is_refused_beside_the_field(client, officer):
    client.force_login(officer)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        url("person_create"), person_post(date_of_birth=tomorrow, phone="0100 1")
    )
    _refused(
        response, "date_of_birth", "cannot be in the future", f'value="{tomorrow}"'
    )
    assert 'value="0100 1"' in response.content.decode()


def test_a_date_of_birth_over_125_years_ago_is_refused(client, officer):
    client.force_login(officer)
    response = client.post(
        url("person_create"), person_post(date_of_birth="1850-01-01")
    )
    _refused(response, "date_of_birth", "over 125", 'value="1850-01-01"')


def test_an_nhs_number_with_a_wrong_check_digit_is_refused_beside_the_field(
    client, officer
):
    client.force_login(officer)
    response = client.post(url("person_create"), person_post(nhs_number="999 000 4111"))
    _refused(response, "nhs_number", "check digit does not match", "999 000 4111")


def test_an_nhs_number_already_recorded_at_this_site_is_refused(
    client, officer, person
):
    client.force_login(officer)
    response = client.post(
        url("person_create"), person_post(nhs_number=person.nhs_number)
    )
    _refused(
        response,
        "nhs_number",
        "already recorded at this site",
        f'value="{person.nhs_number}"',
    )


def test_the_same_nhs_number_may_be_recorded_at_another_site(client, outsider, person):
    client.force_login(outsider)
    response = client.post(
        url("person_create", site="bravo"), person_post(nhs_number=person.nhs_number)
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Person.objects.filter(nhs_number=person.nhs_number).count() == 2


def test_over_long_communication_needs_are_refused_and_kept(client, officer):
    client.force_login(officer)
    text = "Needs an interpreter. " + "x" * 10_000
    response = client.post(url("person_create"), person_post(communication_needs=text))
    _refused(response, "communication_needs", "at most 10000 characters", text)


def test_communication_needs_of_exactly_ten_thousand_characters_are_fine(
    client, officer
):
    client.force_login(officer)
    response = client.post(
        url("person_create"), person_post(communication_needs="x" * 10_000)
    )
    assert response.status_code == 302


def test_an_over_long_first_name_is_refused_and_kept(client, officer):
    client.force_login(officer)
    name = "G" * 101
    response = client.post(url("person_create"), person_post(given_name=name))
    _refused(response, "given_name", "at most 100 characters", f'value="{name}"')


def test_a_missing_name_is_refused_beside_the_field(client, officer):
    client.force_login(officer)
    response = client.post(url("person_create"), person_post(given_name=""))
    _refused(response, "given_name", "This field is required.", 'value="Hopper"')


def test_a_garbled_postcode_is_refused(client, officer):
    client.force_login(officer)
    response = client.post(url("person_create"), person_post(postcode="hello!"))
    _refused(response, "postcode", "Enter a UK postcode", 'value="hello!"')


@pytest.mark.parametrize(
    ("field", "garbage", "message"),
    [
        ("allocated_worker", "999999", "Select a valid choice"),
        ("allocated_worker", "not-a-number", "Select a valid choice"),
        ("date_of_birth", "31/02/2020", "Enter a valid date"),
        ("date_of_birth", "2020-02-31", "Enter a valid date"),
        ("date_of_birth", "yesterday", "Enter a valid date"),
        ("nhs_number", "nine nine", "exactly ten digits"),
        ("nhs_number", "9" * 13, "at most 12 characters"),
    ],
)
def test_garbage_gets_a_message_not_a_server_error(
    client, officer, field, garbage, message
):
    client.force_login(officer)
    response = client.post(url("person_create"), person_post(**{field: garbage}))
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])


def test_allocated_worker_choices_are_only_assessing_staff_of_this_site(
    client, officer, manager, advisor, senior, outsider, person
):
    client.force_login(officer)
    for page in (url("person_create"), url("person_edit", person.code)):
        response = client.get(page)
        with scope(site=response.wsgi_request.site):
            choices = set(response.context["form"].fields["allocated_worker"].queryset)
        assert choices == {officer, manager}
        html = response.content.decode()
        assert outsider.display_name not in html
        assert advisor.display_name not in html
    response = client.post(
        url("person_create"), person_post(allocated_worker=outsider.pk)
    )
    assert response.status_code == 200
    assert "allocated_worker" in response.context["form"].errors


# --- Changing a person's details -----------------------------------------------------


def test_changing_details_with_the_current_version_saves_them(client, officer, person):
    client.force_login(officer)
    page = client.get(url("person_edit", person.code))
    assert 'name="version" value="1"' in page.content.decode()
    response = client.post(
        url("person_edit", person.code), form_values(person, phone="0100 222")
    )
    assert response.status_code == 302
    assert response["Location"] == url("person_detail", person.code)
    saved = stored(person)
    assert (saved.phone, saved.version) == ("0100 222", 2)


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(
    client, officer, manager, person
):
    # Both open the form at version 1; the manager saves first.
    client.force_login(manager)
    assert (
        client.post(
            url("person_edit", person.code), form_values(person, phone="0100 111")
        ).status_code
        == 302
    )

    client.force_login(officer)
    typed = form_values(
        person,
        phone="0100 999",
        communication_needs="Uses British Sign Language.",
        version=1,
    )
    response = client.post(url("person_edit", person.code), typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed these details while you were editing" in html
    assert 'value="0100 999"' in html
    assert "Uses British Sign Language." in html
    saved = stored(person)
    assert (saved.phone, saved.version) == ("0100 111", 2)
    assert saved.communication_needs == ""


def test_after_a_stale_edit_the_kept_input_can_be_saved_on_purpose(
    client, officer, manager, person
):
    client.force_login(manager)
    client.post(url("person_edit", person.code), form_values(person, phone="0100 111"))
    client.force_login(officer)
    response = client.post(
        url("person_edit", person.code), form_values(person, phone="0100 999")
    )
    # The form now carries the latest version, so saving again (having checked)
    # goes through instead of being refused for ever.
    assert 'name="version" value="2"' in response.content.decode()
    again = client.post(
        url("person_edit", person.code),
        form_values(person, phone="0100 999", version=2),
    )
    assert again.status_code == 302
    assert stored(person).phone == "0100 999"


@pytest.mark.parametrize("version", ["abc", "", "-5", "99"])
def test_a_garbled_version_is_treated_as_stale(client, officer, person, version):
    client.force_login(officer)
    response = client.post(
        url("person_edit", person.code),
        form_values(person, phone="0100 333", version=version),
    )
    assert response.status_code == 200
    assert "Someone else changed these details" in response.content.decode()
    assert stored(person).phone == ""


def test_an_invalid_edit_is_refused_beside_the_field_and_kept(client, officer, person):
    client.force_login(officer)
    response = client.post(
        url("person_edit", person.code),
        form_values(person, nhs_number="999 000 4111", phone="0100 444"),
    )
    assert response.status_code == 200
    assert "nhs_number" in response.context["form"].errors
    assert 'value="0100 444"' in response.content.decode()
    assert stored(person).version == 1


def test_a_person_keeps_their_own_nhs_number_when_edited(client, officer, person):
    client.force_login(officer)
    response = client.post(
        url("person_edit", person.code), form_values(person, given_name="Augusta")
    )
    assert response.status_code == 302
    assert stored(person).given_name == "Augusta"


# --- The person's page ---------------------------------------------------------------


def test_the_person_page_records_a_view_by_code_never_by_name(
    client, advisor, person, site_a
):
    client.force_login(advisor)
    response = client.get(url("person_detail", person.code))
    assert response.status_code == 200
    assert "Ada Lovelace" in response.content.decode()
    with scopes_disabled():
        [event] = AuditEvent.objects.filter(kind=AuditEvent.Kind.VIEW)
    assert event.object_code == str(person.code)
    assert event.object_type == "assessments.Person"
    assert (event.user, event.site) == (advisor, site_a)
    for value in (event.action, event.object_code, event.object_type):
        assert "Ada" not in value
        assert "Lovelace" not in value


def test_a_reader_sees_no_buttons_to_change_or_assess(client, advisor, person):
    client.force_login(advisor)
    html = client.get(url("person_detail", person.code)).content.decode()
    assert "Change details" not in html
    assert "Start an assessment" not in html


def test_a_person_of_another_site_is_not_found_through_this_site(
    client, officer, site_b
):
    with scopes_disabled():
        there = PersonFactory(site=site_b)
    client.force_login(officer)
    assert client.get(url("person_detail", there.code)).status_code == 404
    assert client.get(url("person_edit", there.code)).status_code == 404


# --- Linking carers ------------------------------------------------------------------


def test_a_carer_is_found_and_linked(client, officer, person, site_a):
    with scopes_disabled():
        carer = PersonFactory(site=site_a, given_name="Charles", family_name="Babbage")
    client.force_login(officer)
    page = url("carer_link_create", person.code)
    posted = client.post(page, {"q": "Babb"})
    assert posted.status_code == 302
    assert "Babb" not in posted["Location"]
    found = client.get(posted["Location"])
    assert "Charles Babbage" in found.content.decode()
    response = client.post(
        page,
        {
            "other": carer.code,
            "direction": "cared_for_by",
            "relationship": "daughter",
            "willing_to_continue": "yes",
            "able_to_continue": "partly",
            "lives_with": "on",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        link = CarerLink.objects.get()
    assert (link.carer, link.cared_for) == (carer, person)
    assert link.lives_with


def test_linking_the_same_carer_twice_says_so(client, officer, person, site_a):
    with scopes_disabled():
        link = CarerLinkFactory(site=site_a, cared_for=person)
    client.force_login(officer)
    response = client.post(
        url("carer_link_create", person.code),
        {
            "other": link.carer.code,
            "direction": "cared_for_by",
            "relationship": "daughter",
            "willing_to_continue": "yes",
            "able_to_continue": "yes",
        },
    )
    assert response.status_code == 200
    assert "already recorded" in response.content.decode()
    with scopes_disabled():
        assert CarerLink.objects.count() == 1


def test_a_person_of_another_site_cannot_be_linked(client, officer, person, site_b):
    with scopes_disabled():
        there = PersonFactory(site=site_b)
    client.force_login(officer)
    response = client.post(
        url("carer_link_create", person.code),
        {
            "other": there.code,
            "direction": "carer_of",
            "relationship": "daughter",
            "willing_to_continue": "yes",
            "able_to_continue": "yes",
        },
    )
    assert response.status_code == 404
    with scopes_disabled():
        assert not CarerLink.objects.exists()


def test_a_stale_edit_shows_what_the_other_person_saved(
    client, officer, manager, person
):
    client.force_login(manager)
    client.post(url("person_edit", person.code), form_values(person, phone="0100 111"))

    client.force_login(officer)
    response = client.post(
        url("person_edit", person.code),
        form_values(person, phone="0100 999", version=1),
    )
    html = response.content.decode()
    assert "Saved meanwhile by someone else" in html
    latest = html.split("Saved meanwhile by someone else")[1].split("</dl>")[0]
    assert "0100 111" in latest
    assert "0100 999" not in latest
