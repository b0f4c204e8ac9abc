"""The response form through the browser: saving, the catalogue cost, messages beside
the fields with the typing kept, changing and removing a response."""

from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from careplans import services
from careplans.models import CarePlan, Response
from tests.factories import StandardServiceFactory
from tests.helpers import page_text, reload, url
from tests.plan_factories import (
    draft_plan,
    plan_in_status,
)

pytestmark = pytest.mark.django_db

S = CarePlan.Status
REASON = "Please record what Mrs Evans said about the café."


@pytest.fixture
def awaiting(site_a, officer, site_limits):
    with scopes_disabled():
        return plan_in_status(
            S.AWAITING_SIGN_OFF, site=site_a, officer=officer, manager=None
        )


# --- The response form ----------------------------------------------------------------


@pytest.fixture
def empty_plan(site_a, officer, site_limits):
    with scopes_disabled():
        plan = draft_plan(site_a, officer, outcomes=2)
        outcomes = list(services.plan_outcomes(plan))
    return plan, outcomes


def response_post(ticked, **changes):
    """What the browser posts for a response; a change of None leaves a field out."""
    data = {
        "description": "Dial-a-ride to lunch at a café of their choice",
        "kind": Response.Kind.COMMUNITY,
        "origin": Response.Origin.ASKED_FOR,
        "outcomes": [str(o.pk) for o in ticked],
        "replaces": "",
        "replaced_weekly_cost": "",
        "provider": "Dial-a-ride",
        "times": "2",
        "period": Response.Period.WEEK,
        "unit_cost": "12.50",
        "start_date": "",
        "end_date": "",
    }
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def field_block(response, name):
    """The HTML crispy renders for one field: label, input, help and errors."""
    markup = response.content.decode()
    start = markup.index(f'id="div_id_{name}"')
    end = markup.find('id="div_id_', start + 1)
    return markup[start : end if end != -1 else None]


def field_errors(response, name):
    return response.context["form"].errors.get(name, [])


def test_a_valid_response_is_saved_and_the_officer_returns_to_the_plan(
    client, officer, empty_plan
):
    plan, outcomes = empty_plan
    client.force_login(officer)

    response = client.post(url("response_create", plan.code), response_post(outcomes))

    assert response.status_code == 302
    assert response["Location"] == url("plan_detail", plan.code) + "#responses"
    with scopes_disabled():
        saved = plan.responses.get()
        assert set(saved.outcomes.all()) == set(outcomes)
    assert saved.weekly_cost == Decimal("25.00")
    assert saved.replaced_weekly_cost == Decimal("0.00")


def test_a_replaced_service_fills_in_its_catalogue_cost(
    client, officer, site_a, empty_plan
):
    plan, outcomes = empty_plan
    with scopes_disabled():
        meals = StandardServiceFactory(
            site=site_a, name="Community meals", typical_weekly_cost="52.50"
        )
    client.force_login(officer)

    client.post(
        url("response_create", plan.code),
        response_post(outcomes, replaces=str(meals.pk)),
    )

    with scopes_disabled():
        saved = plan.responses.get()
    assert saved.replaces == meals
    assert saved.replaced_weekly_cost == Decimal("52.50")


def test_a_standard_service_of_another_site_cannot_be_chosen(
    client, officer, site_b, empty_plan
):
    plan, outcomes = empty_plan
    with scopes_disabled():
        theirs = StandardServiceFactory(site=site_b)
    client.force_login(officer)

    response = client.post(
        url("response_create", plan.code),
        response_post(outcomes, replaces=str(theirs.pk)),
    )

    assert response.status_code == 200
    assert field_errors(response, "replaces")
    with scopes_disabled():
        assert not plan.responses.exists()


def test_a_negative_cost_is_explained_beside_the_field_and_the_typing_is_kept(
    client, officer, empty_plan
):
    plan, outcomes = empty_plan
    client.force_login(officer)

    response = client.post(
        url("response_create", plan.code), response_post(outcomes, unit_cost="-5.00")
    )

    assert response.status_code == 200
    [error] = field_errors(response, "unit_cost")
    assert "cannot be below zero" in error
    # The message sits in the field's own block, tied to its input for screen readers.
    block = field_block(response, "unit_cost")
    assert 'aria-invalid="true"' in block
    assert 'id="id_unit_cost_error"' in block
    assert "A cost cannot be below zero." in " ".join(block.split())
    markup = response.content.decode()
    assert "Dial-a-ride to lunch at a café of their choice</textarea>" in markup
    assert "Nothing you typed has been lost." in page_text(response)
    with scopes_disabled():
        assert not plan.responses.exists()


def test_a_response_with_no_outcome_ticked_is_explained(client, officer, empty_plan):
    plan, outcomes = empty_plan
    client.force_login(officer)

    response = client.post(
        url("response_create", plan.code), response_post(outcomes, outcomes=None)
    )

    assert response.status_code == 200
    [error] = field_errors(response, "outcomes")
    assert "every response must answer an outcome" in error
    assert "every response must answer an outcome" in page_text(response)


def test_an_end_date_before_the_start_is_explained(client, officer, empty_plan):
    plan, outcomes = empty_plan
    client.force_login(officer)

    response = client.post(
        url("response_create", plan.code),
        response_post(outcomes, start_date="2026-05-10", end_date="2026-05-01"),
    )

    assert response.status_code == 200
    assert field_errors(response, "end_date") == [
        "The end date is before the start date."
    ]
    assert "The end date is before the start date." in page_text(response)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"times": "0"}, "times"),
        ({"times": "abc"}, "times"),
        ({"times": "99999999999999999999"}, "times"),
        ({"unit_cost": "1e9999"}, "unit_cost"),
        ({"unit_cost": "NaN"}, "unit_cost"),
        ({"unit_cost": "Infinity"}, "unit_cost"),
        ({"unit_cost": "0.001"}, "unit_cost"),
        ({"unit_cost": ""}, "unit_cost"),
        ({"replaced_weekly_cost": "-1"}, "replaced_weekly_cost"),
        ({"replaces": "999999"}, "replaces"),
        ({"replaces": "abc"}, "replaces"),
        ({"outcomes": ["999999"]}, "outcomes"),
        ({"outcomes": ["abc"]}, "outcomes"),
        ({"period": "fortnight"}, "period"),
        ({"kind": "luxury"}, "kind"),
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"description": ""}, "description"),
        ({"description": "x" * 100_000}, "description"),
    ],
)
def test_garbage_in_the_response_form_gets_messages_never_a_server_error(
    client, officer, empty_plan, changes, field
):
    plan, outcomes = empty_plan
    client.force_login(officer)

    response = client.post(
        url("response_create", plan.code), response_post(outcomes, **changes)
    )

    assert response.status_code == 200
    assert field_errors(response, field)
    assert "Please correct the problems below." in page_text(response)
    with scopes_disabled():
        assert not plan.responses.exists()


def test_another_plans_outcome_cannot_be_ticked(client, officer, site_a, empty_plan):
    plan, _ = empty_plan
    with scopes_disabled():
        elsewhere = list(services.plan_outcomes(draft_plan(site_a, officer)))
    client.force_login(officer)

    response = client.post(url("response_create", plan.code), response_post(elsewhere))

    assert response.status_code == 200
    assert field_errors(response, "outcomes")


def test_a_response_is_changed_through_its_form(client, officer, draft):
    with scopes_disabled():
        existing = draft.responses.get()
        outcomes = list(existing.outcomes.all())
    client.force_login(officer)

    page = client.get(url("response_edit", draft.code, existing.code))
    assert page.status_code == 200
    assert page.context["form"].initial["outcomes"] == [o.pk for o in outcomes]
    response = client.post(
        url("response_edit", draft.code, existing.code),
        response_post(
            outcomes, unit_cost="30.00", times="1", version=str(existing.version)
        ),
    )

    assert response.status_code == 302
    assert reload(existing).weekly_cost == Decimal("30.00")


def test_a_response_is_removed_from_a_draft(client, officer, draft):
    with scopes_disabled():
        existing = draft.responses.get()
    client.force_login(officer)

    response = client.post(
        url("response_delete", draft.code, existing.code),
        {"version": str(existing.version)},
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert not draft.responses.exists()


def test_the_response_form_of_an_approved_plan_sends_the_officer_back(
    client, officer, approved
):
    client.force_login(officer)

    response = client.post(url("response_create", approved.code), {"unit_cost": "1"})

    assert response.status_code == 302
    assert response["Location"] == url("plan_detail", approved.code)
    with scopes_disabled():
        assert approved.responses.count() == 1
