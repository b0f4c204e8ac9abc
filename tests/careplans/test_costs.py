"""What a plan costs: each response's weekly cost, and the plan against the standard
services it replaces. Money is Decimal, two places, rounded half up; never float."""

from decimal import Decimal

import pytest
from django_scopes import scopes_disabled
from hypothesis import given
from hypothesis import strategies as st

from careplans.models import Response, plan_costs
from tests.plan_factories import add_response, draft_plan

WEEK = Response.Period.WEEK
MONTH = Response.Period.MONTH
YEAR = Response.Period.YEAR
ONCE = Response.Period.ONCE


def response(cost, times=1, period=WEEK, *, replaced="0.00", direct=False):
    """An unsaved response: cost arithmetic needs no database."""
    return Response(
        kind=Response.Kind.STANDARD,
        unit_cost=Decimal(cost),
        times=times,
        period=period,
        replaced_weekly_cost=Decimal(replaced),
        paid_by_direct_payment=direct,
    )


def has_two_places(value):
    return isinstance(value, Decimal) and value.as_tuple().exponent == -2


# --- One response ---------------------------------------------------------------------


def test_three_visits_a_week_at_twenty_pounds_fifty_cost_sixty_one_fifty_a_week():
    cost = response("20.50", 3, WEEK).weekly_cost

    assert cost == Decimal("61.50")
    assert has_two_places(cost)


def test_a_hundred_pounds_a_month_is_twenty_three_pounds_eight_a_week():
    # 100 x 12 / 52 = 23.0769...
    assert response("100.00", 1, MONTH).weekly_cost == Decimal("23.08")


def test_twice_a_month_counts_both_times():
    # 2 x 30 x 12 / 52 = 13.846...
    assert response("30.00", 2, MONTH).weekly_cost == Decimal("13.85")


def test_a_yearly_cost_is_spread_over_fifty_two_weeks():
    assert response("520.00", 1, YEAR).weekly_cost == Decimal("10.00")
    # 1000 / 52 = 19.2307...
    assert response("1000.00", 1, YEAR).weekly_cost == Decimal("19.23")


def test_half_a_penny_rounds_up_not_to_even():
    # 0.26 / 52 = 0.005 exactly: banker's rounding would give 0.00.
    assert response("0.26", 1, YEAR).weekly_cost == Decimal("0.01")


def test_a_one_off_cost_adds_nothing_weekly_and_counts_as_one_off():
    grab_rail = response("125.00", 2, ONCE)

    assert grab_rail.weekly_cost == Decimal("0.00")
    assert grab_rail.one_off_cost == Decimal("250.00")
    assert has_two_places(grab_rail.weekly_cost)
    assert has_two_places(grab_rail.one_off_cost)


def test_a_regular_cost_has_no_one_off_part():
    assert response("20.00", 1, WEEK).one_off_cost == Decimal("0.00")


def test_unpaid_help_costs_nothing_and_is_not_funded():
    family = response("0.00", 7, WEEK)

    assert family.weekly_cost == Decimal("0.00")
    assert not family.is_funded


# --- A whole plan ---------------------------------------------------------------------


def evans_plan():
    """Mr and Mrs Evans: instead of community meals (7 x 7.50 = 52.50 a week)."""
    return [
        response("12.50", 2, WEEK, replaced="52.50"),  # dial-a-ride to a café: 25.00
        response("15.00", 3, WEEK, direct=True),  # help with shopping, cooking: 45.00
        response("22.00", 1, WEEK),  # a Chinese takeaway once a week: 22.00
    ]


def test_plan_costs_add_up_the_weekly_cost_and_a_year_of_fifty_two_weeks():
    costs = plan_costs(evans_plan())

    assert costs["weekly"] == Decimal("92.00")
    assert costs["annual"] == Decimal("4784.00")


def test_plan_costs_compare_against_the_standard_services_replaced():
    costs = plan_costs(evans_plan())

    assert costs["standard_weekly"] == Decimal("52.50")
    assert costs["standard_annual"] == Decimal("2730.00")
    assert costs["difference_weekly"] == Decimal("39.50")
    assert costs["difference_annual"] == Decimal("2054.00")


def test_a_plan_cheaper_than_the_standard_service_has_a_negative_difference():
    costs = plan_costs([response("30.00", 1, WEEK, replaced="60.00")])

    assert costs["difference_weekly"] == Decimal("-30.00")
    assert costs["difference_annual"] == Decimal("-1560.00")


def test_plan_costs_show_the_part_paid_by_direct_payment():
    costs = plan_costs(evans_plan())

    assert costs["direct_payment_weekly"] == Decimal("45.00")
    assert costs["direct_payment_annual"] == Decimal("2340.00")


def test_one_off_costs_are_totalled_apart_from_the_weekly_budget():
    costs = plan_costs([response("20.00", 1, WEEK), response("300.00", 1, ONCE)])

    assert costs["weekly"] == Decimal("20.00")
    assert costs["one_off"] == Decimal("300.00")


def test_a_monthly_cost_is_rounded_before_the_year_is_worked_out():
    # The budget a person is told is 52 x the weekly figure they see.
    costs = plan_costs([response("100.00", 1, MONTH)])

    assert costs["weekly"] == Decimal("23.08")
    assert costs["annual"] == Decimal("1200.16")


def test_a_plan_with_no_responses_costs_nothing():
    costs = plan_costs([])

    assert set(costs.values()) == {Decimal("0.00")}


def test_every_plan_cost_is_a_decimal_in_pounds_and_pence_never_a_float():
    costs = plan_costs([*evans_plan(), response("100.00", 1, MONTH)])

    for name, value in costs.items():
        assert not isinstance(value, float), name
        assert has_two_places(value), name


@pytest.mark.django_db
def test_costs_of_saved_responses_are_decimals_after_a_round_trip(site_a, officer):
    with scopes_disabled():
        plan = draft_plan(site_a, officer)
        add_response(plan, officer, cost="20.50", times=3)
        saved = list(Response.objects.filter(plan=plan))

    assert type(saved[0].unit_cost) is Decimal
    assert saved[0].weekly_cost == Decimal("61.50")
    assert type(plan_costs(saved)["weekly"]) is Decimal


# --- Properties ----------------------------------------------------------------------

money = st.decimals(
    min_value=0,
    max_value=Decimal("99999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
responses = st.lists(
    st.builds(
        response,
        cost=money,
        times=st.integers(min_value=1, max_value=500),
        period=st.sampled_from(Response.Period.values),
        replaced=st.decimals(
            min_value=0, max_value=Decimal("99999.99"), places=2, allow_nan=False
        ),
        direct=st.booleans(),
    ),
    max_size=8,
)


@given(responses)
def test_weekly_cost_is_never_negative_and_difference_is_weekly_less_standard(items):
    for item in items:
        assert item.weekly_cost >= 0
        assert item.one_off_cost >= 0
        assert has_two_places(item.weekly_cost)

    costs = plan_costs(items)

    assert costs["weekly"] >= 0
    assert costs["difference_weekly"] == costs["weekly"] - costs["standard_weekly"]
    assert costs["annual"] == costs["weekly"] * 52
    assert 0 <= costs["direct_payment_weekly"] <= costs["weekly"]
    for value in costs.values():
        assert has_two_places(value)


@given(
    cost=money,
    times=st.integers(min_value=1, max_value=500),
)
def test_a_weekly_response_costs_exactly_its_unit_cost_times_how_often(cost, times):
    assert response(cost, times, WEEK).weekly_cost == cost * times
