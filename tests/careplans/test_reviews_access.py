import pytest
from django.urls import reverse

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
