"""Overdue reviews on the home page (issue 10, item 14): an officer sees their own
people's, a manager the team's; in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from careplans.models import Review
from sites.permissions import Role
from tests.factories import member
from tests.plan_factories import approved_plan, limits
from tests.sites.test_worklist_home import HOME_QUERIES_NOTHING_TO_SIGN

pytestmark = pytest.mark.django_db

HOME = reverse("site_home", args=["alpha"])


def overdue_plans(site, officer, manager, senior, count, days=3):
    with scopes_disabled():
        limits(site, senior)
        plans = []
        for _ in range(count):
            plan = approved_plan(site, officer, manager)
            plan.reviews.update(due_date=timezone.localdate() - timedelta(days=days))
            plan.person.allocated_worker = officer
            plan.person.save(update_fields=["allocated_worker"])
            plans.append(plan)
        return plans


def test_an_officer_sees_their_peoples_overdue_reviews(
    client, site_a, officer, manager, senior
):
    [plan] = overdue_plans(site_a, officer, manager, senior, 1)
    client.force_login(officer)
    html = client.get(HOME).content.decode()
    assert ">1 overdue<" in html
    assert reverse("plan_detail", args=["alpha", plan.code]) in html
    assert plan.person.display_name in html


def test_another_officer_does_not_see_them_but_the_manager_does(
    client, site_a, officer, manager, senior
):
    overdue_plans(site_a, officer, manager, senior, 2)
    client.force_login(member(site_a, Role.ASSESSING_OFFICER, "officer-a2"))
    assert " overdue<" not in client.get(HOME).content.decode()
    client.force_login(manager)
    assert ">2 overdue<" in client.get(HOME).content.decode()


def test_a_review_due_today_is_not_overdue(client, site_a, officer, manager, senior):
    overdue_plans(site_a, officer, manager, senior, 1, days=0)
    client.force_login(officer)
    html = client.get(HOME).content.decode()
    assert " overdue<" not in html
    assert ">Overdue<" not in html


@pytest.mark.parametrize("rows", [1, 7])
def test_the_home_page_with_overdue_reviews_takes_fixed_queries(
    client, site_a, officer, manager, senior, rows, django_assert_num_queries
):
    """The same count for one overdue review or many (the worklist's reviews section
    reads its rows and its counts in two queries)."""
    overdue_plans(site_a, officer, manager, senior, rows)
    client.force_login(manager)
    with django_assert_num_queries(HOME_QUERIES_NOTHING_TO_SIGN[Role.TEAM_MANAGER]):
        html = client.get(HOME).content.decode()
    assert f">{rows} overdue<" in html
    with scopes_disabled():
        assert Review.objects.overdue(timezone.localdate()).count() == rows
