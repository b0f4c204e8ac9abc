"""Linking a carer: the question names both people, nothing is chosen in advance,
and the relationship is recorded and shown on both people's pages (issue 10, item 10)."""

import pytest
from django_scopes import scopes_disabled

from assessments.models import CarerLink
from tests.factories import PersonFactory
from tests.helpers import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(site_a):
    with scopes_disabled():
        harry = PersonFactory(
            site=site_a,
            given_name="Harold",
            family_name="Testwell",
            preferred_name="Harry",
        )
        karen = PersonFactory(site=site_a, given_name="Karen", family_name="Testwell")
    return harry, karen


def test_the_question_names_both_people_and_nothing_is_chosen(client, officer, pair):
    harry, karen = pair
    client.force_login(officer)
    html = client.get(
        url("carer_link_create", harry.code), {"other": karen.code}
    ).content.decode()
    assert "Who is the carer: Harry Testwell or Karen Testwell?" in html
    assert "Harry Testwell cares for Karen Testwell" in html
    assert "Karen Testwell cares for Harry Testwell" in html
    assert "checked" not in html.split("Who is the carer")[1].split("</fieldset>")[0]


def test_without_an_answer_no_link_is_made_and_the_typing_is_kept(
    client, officer, pair
):
    harry, karen = pair
    client.force_login(officer)
    response = client.post(
        url("carer_link_create", harry.code),
        {
            "other": karen.code,
            "relationship": "daughter",
            "willing_to_continue": "yes",
            "able_to_continue": "yes",
            "notes": "Visits every morning",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Say which of the two is the carer." in html
    assert "Visits every morning" in html
    with scopes_disabled():
        assert not CarerLink.objects.exists()


def test_the_relationship_is_required_in_plain_words(client, officer, pair):
    harry, karen = pair
    client.force_login(officer)
    response = client.post(
        url("carer_link_create", harry.code),
        {
            "other": karen.code,
            "direction": "cared_for_by",
            "willing_to_continue": "yes",
            "able_to_continue": "yes",
        },
    )
    assert "Say what the carer is to the person they care for" in (
        response.content.decode()
    )
    with scopes_disabled():
        assert not CarerLink.objects.exists()


def test_the_carer_chosen_is_recorded_and_both_pages_show_the_relationship(
    client, officer, pair
):
    harry, karen = pair
    client.force_login(officer)
    response = client.post(
        url("carer_link_create", harry.code),
        {
            "other": karen.code,
            "direction": "cared_for_by",
            "relationship": "daughter",
            "willing_to_continue": "yes",
            "able_to_continue": "partly",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        link = CarerLink.objects.get()
    assert (link.carer, link.cared_for) == (karen, harry)
    assert link.relationship == "daughter"
    for someone in (harry, karen):
        html = client.get(url("person_detail", someone.code)).content.decode()
        assert "Karen Testwell is Harry Testwell&#x27;s daughter" in html
