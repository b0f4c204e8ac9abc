"""Browsers are told not to fill in or remember people's details: the forms are about
someone else, not the signed-in officer (issue 11, item 7)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PERSONAL = [
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "nhs_number",
    "address",
    "postcode",
    "phone",
]


def _field_tag(html, name):
    match = re.search(rf'<(input|textarea)[^>]*name="{name}"[^>]*>', html)
    assert match, f"no field {name}"
    return match.group(0)


@pytest.mark.parametrize("page", ["person_create", "person_edit"])
def test_the_person_form_turns_autofill_off_for_personal_details(client, records, page):
    client.force_login(records["officer"])
    kwargs = {"site_slug": "alpha"}
    if page == "person_edit":
        kwargs["code"] = records["person"].code
    html = client.get(reverse(page, kwargs=kwargs)).content.decode()
    for name in PERSONAL:
        assert 'autocomplete="off"' in _field_tag(html, name), name


def test_the_people_search_is_not_remembered_by_the_browser(client, officer):
    client.force_login(officer)
    html = client.get(reverse("person_list", args=["alpha"])).content.decode()
    assert 'autocomplete="off"' in _field_tag(html, "q")
