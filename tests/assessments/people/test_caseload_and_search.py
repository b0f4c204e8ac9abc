"""The caseload and search: who sees whom, searching by name, NHS number and
postcode, paging, searches kept out of addresses, and the query counts of both."""

import re

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from assessments.views import PAGE_SIZE
from sites.permissions import Role
from tests.factories import MembershipFactory, PersonFactory, member, valid_nhs_number
from tests.helpers import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(site_a):
    """A member of site A with no access to people."""
    return member(site_a, Role.SITE_COORDINATOR, "coordinator-a")


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
