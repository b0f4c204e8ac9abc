"""The navigation counts the member's unread notifications on every site page, with
no query of its own (the membership query the middleware makes anyway counts them)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from sites.models import Notification
from sites.notify import notify
from sites.permissions import Role
from tests.factories import MembershipFactory, member

pytestmark = pytest.mark.django_db


def _notify(user, site, n=1):
    with scopes_disabled():
        return [
            notify(
                user=user,
                site=site,
                kind=Notification.Kind.PLAN_RETURNED,
                message="A plan you wrote has been returned.",
            )
            for _ in range(n)
        ]


def _badge(response):
    body = response.content.decode()
    nav = body.split('<ul class="navbar-nav me-auto">')[1].split("</ul>")[0]
    if "unread-count" not in nav:
        return None
    return nav.split('unread-count">')[1].split("<")[0]


def test_the_navigation_counts_unread_notifications_on_every_page(
    client, officer, site_a
):
    _notify(officer, site_a, 3)
    client.force_login(officer)
    for name in ("site_home", "person_list", "plan_list", "notification_list"):
        response = client.get(reverse(name, args=["alpha"]))
        assert _badge(response) == "3", name
    assert '3<span class="visually-hidden"> unread</span>' in response.content.decode()


def test_read_notifications_and_other_peoples_and_other_sites_are_not_counted(
    client, officer, site_a, site_b
):
    mine = _notify(officer, site_a, 2)
    with scopes_disabled():
        Notification.objects.filter(pk=mine[0].pk).update(read_at=timezone.now())
    _notify(member(site_a, Role.TEAM_MANAGER), site_a, 4)
    MembershipFactory(user=officer, site=site_b, role=Role.ASSESSING_OFFICER)
    _notify(officer, site_b, 5)
    client.force_login(officer)

    assert _badge(client.get(reverse("site_home", args=["alpha"]))) == "1"
    assert _badge(client.get(reverse("site_home", args=["bravo"]))) == "5"


def test_no_badge_when_nothing_is_unread(client, officer):
    client.force_login(officer)
    assert _badge(client.get(reverse("person_list", args=["alpha"]))) is None


@pytest.mark.parametrize("unread", [1, 7])
def test_the_count_costs_no_query(
    client, site_a, officer, unread, django_assert_num_queries
):
    _notify(officer, site_a, unread)
    client.force_login(officer)
    # session, user, memberships (with the count), the page's count and its rows:
    # neither the navigation nor "Mark all as read" counts again.
    with django_assert_num_queries(5):
        response = client.get(reverse("notification_list", args=["alpha"]))
    assert response.status_code == 200


def test_choosing_a_site_shows_each_sites_unread_count(client, officer, site_a, site_b):
    MembershipFactory(user=officer, site=site_b, role=Role.ASSESSING_OFFICER)
    _notify(officer, site_b, 2)
    client.force_login(officer)

    page = client.get(reverse("home")).content.decode()

    bravo = page.split("Bravo Trust")[1].split("</li>")[0]
    alpha = page.split("Alpha Council")[1].split("</li>")[0]
    assert "2 unread notifications" in bravo
    assert "unread" not in alpha
