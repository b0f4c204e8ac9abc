"""The navigation and the home page offer a member exactly the pages their rules open:
both ask the same named rules, so they cannot disagree."""

import re

import pytest
from django.urls import resolve, reverse

from sites.permissions import ROLE_CAPABILITIES, Role, guard_of
from tests.factories import member
from tests.sites.test_worklist_home import HOME_QUERIES_NOTHING_TO_SIGN

pytestmark = pytest.mark.django_db

# Pages the navigation can offer, and those the home page also has a card for.
NAV_PAGES = {
    "person_list",
    "plan_list",
    "reviews_due",
    "limit_list",
    "panel_home",
    "notification_list",
    "audit_list",
}
# Records management (subject access, retention) is a senior manager's occasional
# work: a card on the home page, not a place in an already full navigation bar.
CARD_PAGES = {
    "person_list",
    "plan_list",
    "reviews_due",
    "panel_home",
    "audit_list",
    "subject_access_list",
    "retention_list",
}


def _pages_linked(fragment):
    names = set()
    for href in re.findall(r'href="(/s/[^"?#]+)', fragment):
        names.add(resolve(href).url_name)
    return names


def nav_and_cards(response):
    body = response.content.decode()
    nav = body.split('<ul class="navbar-nav me-auto">')[1].split("</ul>")[0]
    main = body.split('<main id="main"')[1].split("</main>")[0]
    return _pages_linked(nav) & (NAV_PAGES | CARD_PAGES), _pages_linked(
        main
    ) & CARD_PAGES


def may_open(role, name):
    view = resolve(reverse(name, args=["alpha"])).func
    return guard_of(view).allows("GET", ROLE_CAPABILITIES[role])


@pytest.mark.parametrize("role", list(Role))
def test_navigation_and_home_cards_offer_exactly_the_pages_the_member_may_open(
    client, site_a, role
):
    client.force_login(member(site_a, role))

    nav, cards = nav_and_cards(client.get(reverse("site_home", args=["alpha"])))

    allowed = {name for name in NAV_PAGES | CARD_PAGES if may_open(role, name)}
    assert nav == allowed & NAV_PAGES
    assert cards == allowed & CARD_PAGES
    for name in nav | cards:
        assert client.get(reverse(name, args=["alpha"])).status_code == 200


def test_a_senior_manager_has_reviews_due_in_the_navigation_and_on_the_home_page(
    client, senior
):
    client.force_login(senior)

    nav, cards = nav_and_cards(client.get(reverse("site_home", args=["alpha"])))

    assert "reviews_due" in nav
    assert "reviews_due" in cards


@pytest.mark.parametrize("role", [Role.ASSESSING_OFFICER, Role.SENIOR_MANAGER])
def test_the_home_page_takes_a_fixed_number_of_queries(
    client, site_a, role, django_assert_num_queries
):
    client.force_login(member(site_a, role))
    # session, user, memberships (the site switcher reuses them, and they carry the
    # unread count), then the worklist's sections for the role; the session row is
    # not written on every request, and the rules ask no queries.
    with django_assert_num_queries(HOME_QUERIES_NOTHING_TO_SIGN[role]):
        response = client.get(reverse("site_home", args=["alpha"]))
    assert response.status_code == 200
