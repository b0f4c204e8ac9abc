"""'Whose idea' feeds the programme's figures, so nothing is preselected (issue 9)."""

import pytest
from django_scopes import scopes_disabled

from careplans import services
from careplans.models import Response
from tests.careplans.test_response_form import field_errors, response_post
from tests.helpers import url
from tests.plan_factories import add_response, draft_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_plan(site_a, officer):
    with scopes_disabled():
        plan = draft_plan(site_a, officer, outcomes=2)
        outcomes = list(services.plan_outcomes(plan))
    return plan, outcomes


def test_a_new_response_starts_with_whose_idea_unanswered(client, officer, empty_plan):
    plan, _ = empty_plan
    client.force_login(officer)
    response = client.get(url("response_create", plan.code))
    html = response.content.decode()
    assert 'name="origin"' in html
    assert 'name="origin" value="asked_for" checked' not in html
    assert "checked" not in html.split('name="origin"')[1].split(">")[0]
    assert response.context["form"]["origin"].value() is None


def test_a_response_without_whose_idea_is_refused_and_keeps_what_was_typed(
    client, officer, empty_plan
):
    plan, outcomes = empty_plan
    client.force_login(officer)
    response = client.post(
        url("response_create", plan.code), response_post(outcomes, origin=None)
    )
    assert response.status_code == 200
    assert field_errors(response, "origin") == [
        "Say whose idea this was: what the person asked for, or a service-led offer."
    ]
    assert "Dial-a-ride to lunch at a café of their choice" in response.content.decode()
    with scopes_disabled():
        assert not plan.responses.exists()


def test_changing_a_response_shows_its_saved_answer(client, officer, empty_plan):
    plan, _ = empty_plan
    with scopes_disabled():
        saved = add_response(plan, officer, origin=Response.Origin.SERVICE_LED)
    client.force_login(officer)
    response = client.get(url("response_edit", plan.code, saved.code))
    assert response.context["form"]["origin"].value() == "service_led"
