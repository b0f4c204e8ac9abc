from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from careplans.models import Response
from tests.factories import StandardServiceFactory
from tests.plan_factories import plan_with

pytestmark = pytest.mark.django_db


def test_a_senior_manager_sees_the_whole_teams_reviews_due(client, senior):
    client.force_login(senior)
    response = client.get(reverse("reviews_due", args=["alpha"]))
    assert response.status_code == 200
    assert response.context["team"] is True


def test_an_advisor_has_no_reviews_due_page(client, advisor):
    client.force_login(advisor)
    assert client.get(reverse("reviews_due", args=["alpha"])).status_code == 403


def test_limits_are_shown_to_those_who_sign_off(client, manager, officer):
    client.force_login(manager)
    assert client.get(reverse("limit_list", args=["alpha"])).status_code == 200
    client.force_login(officer)
    assert client.get(reverse("limit_list", args=["alpha"])).status_code == 403


def test_a_new_response_takes_the_catalogue_cost_of_what_it_replaces(
    client, officer, site_a
):
    with scopes_disabled():
        plan = plan_with(site_a, officer, responses=())
        meals = StandardServiceFactory(site=site_a, typical_weekly_cost="38.50")
        outcome = plan.assessment.desired_outcomes.first()
    client.force_login(officer)
    url = reverse("response_create", args=["alpha", plan.code])
    form = client.get(url).content.decode()
    assert 'name="replaced_weekly_cost"' in form
    assert 'name="replaced_weekly_cost" value="0.00"' not in form
    response = client.post(
        url,
        {
            "description": "Lunch out with a friend",
            "kind": "flexible",
            "origin": "asked_for",
            "outcomes": [outcome.pk],
            "replaces": meals.pk,
            "replaced_weekly_cost": "",
            "times": "1",
            "period": "week",
            "unit_cost": "12.00",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        saved = Response.objects.get(plan=plan)
    assert saved.replaced_weekly_cost == Decimal("38.50")
