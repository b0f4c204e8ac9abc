"""People: the caseload and search, recording and changing a person, their page,
and linking carers. Permissions, validation, no lost typing, audit, query counts."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from assessments import services
from assessments.models import Assessment, CarerLink, Person
from assessments.views import PAGE_SIZE
from sites.models import AuditEvent
from sites.permissions import Role
from tests.factories import (
    CarerLinkFactory,
    MembershipFactory,
    PersonFactory,
    member,
    valid_nhs_number,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(site_a):
    """A member of site A with no access to people."""
    return member(site_a, Role.SITE_COORDINATOR, "coordinator-a")


@pytest.fixture
def person(site_a, officer):
    with scopes_disabled():
        return PersonFactory(
            site=site_a,
            given_name="Ada",
            family_name="Lovelace",
            allocated_worker=officer,
            nhs_number=valid_nhs_number(1),
            postcode="NS4 2EV",
        )


def url(name, *args, site="alpha"):
    return reverse(name, args=[site, *args])


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


def search(client, text, site="alpha"):
    """Search as a person does: post the text, follow to the results page (whose
    address carries a token, never the text)."""
    posted = client.post(url("person_list", site=site), {"q": text})
    if posted.status_code != 302:
        return posted
    assert posted["Location"].startswith(url("person_list", site=site) + "?search=")
    assert len(text.strip()) < 3 or text not in posted["Location"]
    return client.get(posted["Location"])


def names_listed(response):
    """The people in the caseload table, as 'Family, Given'."""
    body = response.content.decode()
    table = body.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in body else ""
    return re.findall(r'/people/[0-9a-f-]+/">([^<]+)</a>', table)


# --- Permissions ---------------------------------------------------------------------

# Every role x every page (403, or served) is generated in tests/test_permissions.py;
# these are the cases it cannot see: searching, and posting a real form.


def test_a_coordinator_cannot_search_people_either(client, coordinator, person):
    client.force_login(coordinator)
    assert search(client, "Lovelace").status_code == 403


def test_an_advisor_cannot_post_a_new_person_or_an_edit(client, advisor, person):
    client.force_login(advisor)
    assert client.post(url("person_create"), person_post()).status_code == 403
    edit = client.post(url("person_edit", person.code), form_values(person))
    assert edit.status_code == 403
    assert stored(person).version == 1
    with scopes_disabled():
        assert Person.objects.count() == 1


# --- The caseload --------------------------------------------------------------------


@pytest.fixture
def caseloads(site_a, site_b, officer, manager):
    with scopes_disabled():
        mine = [
            PersonFactory(site=site_a, family_name=f"Mine{i}", allocated_worker=officer)
            for i in range(2)
        ]
        theirs = PersonFactory(
            site=site_a, family_name="Theirs", allocated_worker=manager
        )
        nobody = PersonFactory(site=site_a, family_name="Unallocated")
        elsewhere = PersonFactory(site=site_b, family_name="Elsewhere")
    return {"mine": mine, "theirs": theirs, "nobody": nobody, "elsewhere": elsewhere}


def families(response):
    return sorted(name.split(",")[0] for name in names_listed(response))


def test_my_people_lists_only_those_allocated_to_me(client, officer, caseloads):
    client.force_login(officer)
    response = client.get(url("person_list"))
    assert response.status_code == 200
    assert families(response) == ["Mine0", "Mine1"]
    assert "My people" in response.content.decode()


def test_an_officer_asking_for_everyone_gets_their_own_list(client, officer, caseloads):
    client.force_login(officer)
    response = client.get(url("person_list"), {"scope": "all"})
    assert families(response) == ["Mine0", "Mine1"]
    assert response.context["scope"] == "mine"
    assert "?scope=all" not in response.content.decode()


@pytest.mark.parametrize("asked", ["x", "everyone", "ALL", "search", "all "])
def test_an_unknown_scope_shows_an_officer_only_their_own_people(
    client, officer, caseloads, asked
):
    client.force_login(officer)
    response = client.get(url("person_list"), {"scope": asked})
    assert families(response) == ["Mine0", "Mine1"]
    assert response.context["scope"] == "mine"


def test_an_unknown_scope_shows_a_manager_their_own_caseload_not_everyone(
    client, manager, caseloads
):
    client.force_login(manager)
    response = client.get(url("person_list"), {"scope": "team"})
    assert families(response) == ["Theirs"]
    assert response.context["scope"] == "mine"


def test_an_advisor_without_a_caseload_gets_nobody_for_any_scope(
    client, advisor, caseloads
):
    """The narrowest view for someone with no caseload and no "everyone" is empty;
    they find people by searching."""
    client.force_login(advisor)
    for asked in ["", "all", "x"]:
        response = client.get(url("person_list"), {"scope": asked})
        assert families(response) == [], asked
    found = search(client, "Theirs")
    assert families(found) == ["Theirs"]


def test_a_manager_sees_everyone_at_the_site_and_nobody_elsewhere(
    client, manager, caseloads
):
    client.force_login(manager)
    response = client.get(url("person_list"), {"scope": "all"})
    assert families(response) == ["Mine0", "Mine1", "Theirs", "Unallocated"]
    assert "Everyone at Alpha Council" in response.content.decode()
    # Their own caseload is the default.
    assert families(client.get(url("person_list"))) == ["Theirs"]


def test_a_senior_manager_without_a_caseload_sees_everyone_by_default(
    client, senior, caseloads
):
    client.force_login(senior)
    response = client.get(url("person_list"))
    assert families(response) == ["Mine0", "Mine1", "Theirs", "Unallocated"]


@pytest.fixture
def searchable(site_a, site_b):
    with scopes_disabled():
        return {
            "ada": PersonFactory(
                site=site_a,
                given_name="Ada",
                family_name="Lovelace",
                nhs_number=valid_nhs_number(1),
                postcode="NS4 2EV",
            ),
            "alan": PersonFactory(
                site=site_a,
                given_name="Alan",
                family_name="Turing",
                preferred_name="Al",
                nhs_number=valid_nhs_number(2),
                postcode="NE1 4ST",
            ),
            "other_site_ada": PersonFactory(
                site=site_b,
                given_name="Ada",
                family_name="Lovelace",
                nhs_number=valid_nhs_number(1),
                postcode="NS4 2EV",
            ),
        }


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Love", ["Lovelace, Ada"]),
        ("love", ["Lovelace, Ada"]),
        ("ada", ["Lovelace, Ada"]),
        ("a", ["Lovelace, Ada", "Turing, Alan"]),
        ("Al Tur", ["Turing, Alan"]),
        ("ada turing", []),
        ("velace", []),  # from the start of a name, not anywhere in it
    ],
)
def test_search_finds_people_by_the_start_of_any_name(
    client, officer, searchable, text, found
):
    client.force_login(officer)
    response = search(client, text)
    assert response.status_code == 200
    assert response.context["scope"] == "search"
    assert names_listed(response) == found


def test_search_finds_someone_by_nhs_number_typed_with_spaces(
    client, officer, searchable
):
    number = searchable["alan"].nhs_number
    typed = f"{number[:3]} {number[3:6]} {number[6:]}"
    client.force_login(officer)
    response = search(client, typed)
    assert names_listed(response) == ["Turing, Alan"]


@pytest.mark.parametrize("typed", ["NE1 4ST", "ne14st", "NE1"])
def test_search_finds_someone_by_postcode(client, officer, searchable, typed):
    client.force_login(officer)
    response = search(client, typed)
    assert names_listed(response) == ["Turing, Alan"]


def test_search_covers_everyone_at_the_site_even_for_an_officer(
    client, officer, searchable
):
    # Nobody here is allocated to the officer, yet search finds them.
    client.force_login(officer)
    response = search(client, searchable["ada"].nhs_number)
    assert names_listed(response) == ["Lovelace, Ada"]
    assert response.context["page"].paginator.count == 1


def test_search_says_so_when_nobody_matches(client, officer, searchable):
    client.force_login(officer)
    response = search(client, "Nobody")
    assert "Nobody matches “Nobody”" in response.content.decode()


def test_an_over_long_search_is_refused_politely(client, officer, searchable):
    client.force_login(officer)
    response = search(client, "x" * 101)
    assert response.status_code == 200
    assert "at most 100 characters" in response.content.decode()


def test_the_caseload_is_paged_twenty_five_at_a_time(client, officer, site_a):
    assert PAGE_SIZE == 25
    with scopes_disabled():
        for i in range(30):
            PersonFactory(
                site=site_a, family_name=f"P{i:02d}", allocated_worker=officer
            )
    client.force_login(officer)
    first = client.get(url("person_list"))
    assert len(names_listed(first)) == 25
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(url("person_list"), {"page": 2})
    assert len(names_listed(second)) == 5
    assert set(names_listed(first)).isdisjoint(names_listed(second))
    assert "Page 2 of 2" in second.content.decode()
    # A page out of range or garbled shows a real page, not an error.
    assert client.get(url("person_list"), {"page": 99}).status_code == 200
    assert client.get(url("person_list"), {"page": "x"}).status_code == 200


def test_paging_links_keep_the_search(client, officer, site_a):
    with scopes_disabled():
        for i in range(30):
            PersonFactory(site=site_a, family_name=f"Smith{i:02d}")
    client.force_login(officer)
    response = search(client, "Smith")
    html = response.content.decode()
    assert re.search(r"\?search=[\w-]+&amp;page=2", html)
    assert "Smith&amp;page" not in html
    assert "q=Smith" not in html


# --- Searches stay out of addresses (issue 11 item 6) --------------------------------


def test_a_search_puts_no_name_or_nhs_number_in_any_address(
    client, officer, searchable
):
    number = searchable["ada"].nhs_number
    client.force_login(officer)
    for text in ["Lovelace", number]:
        posted = client.post(url("person_list"), {"q": text})
        assert posted.status_code == 302
        assert text not in posted["Location"]
        assert "search=" in posted["Location"]
        followed = client.get(posted["Location"])
        assert names_listed(followed) == ["Lovelace, Ada"]


def test_a_search_address_finds_nothing_in_another_browser(client, officer, searchable):
    client.force_login(officer)
    address = client.post(url("person_list"), {"q": "Lovelace"})["Location"]
    other = Client()
    other.force_login(officer)  # the same account, another session
    response = other.get(address)
    assert response.context["scope"] != "search"
    assert "That search has expired" in response.content.decode()
    assert "Lovelace" not in response.content.decode()


def test_a_search_token_does_not_carry_over_to_another_site(
    client, officer, searchable, site_b
):
    MembershipFactory(user=officer, site=site_b, role=Role.ASSESSING_OFFICER)
    client.force_login(officer)
    address = client.post(url("person_list"), {"q": "Lovelace"})["Location"]
    token = address.split("search=")[1]
    response = client.get(url("person_list", site="bravo"), {"search": token})
    assert response.context["scope"] != "search"


def test_a_name_in_the_address_is_not_searched(client, officer, searchable):
    """Old bookmarks with ?q= show the caseload, not a search: the form posts."""
    client.force_login(officer)
    response = client.get(url("person_list"), {"q": "Lovelace"})
    assert response.status_code == 200
    assert response.context["scope"] != "search"


def test_an_over_long_search_keeps_the_text_typed(client, officer, searchable):
    client.force_login(officer)
    response = client.post(url("person_list"), {"q": "y" * 101})
    assert response.status_code == 200
    assert "y" * 101 in response.content.decode()


# --- Query counts --------------------------------------------------------------------

# Session, user and memberships; a count and a page of people (with their workers).
# (The session is not written: at most once a minute, see sites/accounts/sessions.py.)
LIST_QUERIES = 5
# A search also records who was shown (one audit event each, in one query).
SEARCH_QUERIES = 6
# Session, user, memberships; the person (with their equality record); their
# assessments; the carer links either way (one query, with both ends); the audit
# event; the care plans panel; the start form's choices; the programme panel (their
# programme cases, the programmes collecting data at the site); the documents (issue
# 12, item 8); and the whole legal record in one query (sites.together: contacts,
# consent, capacity, attorneys, advocacy, safeguarding and letters; it was one query
# a part, 20 queries in all, until issue 11 item 18).
DETAIL_QUERIES = 13


def _people(site, worker, count, **kwargs):
    with scopes_disabled():
        return [
            PersonFactory(
                site=site,
                family_name=f"Smith{i}",
                allocated_worker=worker,
                nhs_number=valid_nhs_number(100 + i),
                **kwargs,
            )
            for i in range(count)
        ]


@pytest.mark.parametrize("rows", [1, 8])
def test_the_caseload_takes_a_fixed_number_of_queries(
    client, officer, site_a, rows, django_assert_num_queries
):
    _people(site_a, officer, rows)
    client.force_login(officer)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url("person_list"))
    assert len(names_listed(response)) == rows


@pytest.mark.parametrize("rows", [1, 8])
def test_everyone_takes_a_fixed_number_of_queries(
    client, manager, officer, site_a, rows, django_assert_num_queries
):
    _people(site_a, officer, rows)
    client.force_login(manager)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url("person_list"), {"scope": "all"})
    assert len(names_listed(response)) == rows


@pytest.mark.parametrize("rows", [1, 8])
def test_search_takes_a_fixed_number_of_queries(
    client, officer, manager, site_a, rows, django_assert_num_queries
):
    _people(site_a, manager, rows)
    client.force_login(officer)
    results = client.post(url("person_list"), {"q": "smith"})["Location"]
    with django_assert_num_queries(SEARCH_QUERIES):
        response = client.get(results)
    assert len(names_listed(response)) == rows


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
