"""Where a plan goes, by rule: a manager's sign-off within a dated delegated limit,
otherwise the panel. And how those limits are set: dated, never edited, with history."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from careplans import routing, services
from careplans.forms import DelegatedLimitForm
from careplans.models import CarePlan, DelegatedLimit, Response
from careplans.routing import reasons_in_words as routing_words
from sites.models import AuditEvent
from sites.permissions import Role
from tests.plan_factories import add_response, draft_plan, limits

# Dated limits are compared with "today": a fixed day, so no run depends on the clock.
pytestmark = [
    pytest.mark.usefixtures("unscoped"),
    pytest.mark.time_machine(
        datetime(2027, 2, 28, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    ),
]

TEAM = Role.TEAM_MANAGER
SENIOR = Role.SENIOR_MANAGER
SIGN_OFF = CarePlan.Route.SIGN_OFF
PANEL = CarePlan.Route.PANEL


@pytest.fixture
def plan(site_a, officer, unscoped):
    return draft_plan(site_a, officer)


@pytest.fixture
def site_limits(site_a, senior, unscoped):
    """Team manager up to £350 a week, senior manager up to £700, since 2020."""
    limits(site_a, senior, team_manager="350.00", senior_manager="700.00")


def route(plan, **kwargs):
    return routing.route_for(plan, list(plan.responses.all()), **kwargs)


def words(routing):
    return routing_words(routing.reasons)


def set_limit(site, by, role, amount, start):
    return services.set_delegated_limit(
        site=site,
        role=role,
        weekly_limit=Decimal(amount),
        effective_from=start,
        by=by,
        backdate_reason="Recorded for the test from that date.",
        confirm_backdate=True,
    )


# --- Routing --------------------------------------------------------------------------


@pytest.mark.usefixtures("site_limits")
def test_all_standard_within_the_team_managers_limit_goes_to_a_team_managers_sign_off(
    plan, officer
):
    add_response(plan, officer, cost="20.50", times=3)

    routing = route(plan)

    assert routing.route == SIGN_OFF
    assert routing.approver_roles == [TEAM, SENIOR]
    assert routing.reasons == [
        {
            "code": "within_limit",
            "weekly": "61.50",
            "limit": "350.00",
            "role": "team_manager",
        }
    ]
    assert words(routing) == [
        "All responses are standard services and the weekly cost, £61.50, is within "
        "the team manager's delegated limit of £350.00."
    ]


@pytest.mark.usefixtures("site_limits")
def test_over_the_team_managers_limit_but_within_the_senior_managers_goes_to_the_senior(
    plan, officer
):
    add_response(plan, officer, cost="100.00", times=4)

    routing = route(plan)

    assert routing.route == SIGN_OFF
    assert routing.approver_roles == [SENIOR]
    assert "£400.00" in words(routing)[0]
    assert "senior manager's delegated limit of £700.00" in words(routing)[0]


@pytest.mark.usefixtures("site_limits")
def test_a_cost_exactly_at_the_limit_is_within_it(plan, officer):
    add_response(plan, officer, cost="350.00")

    assert route(plan).approver_roles == [TEAM, SENIOR]


@pytest.mark.usefixtures("site_limits")
def test_over_every_limit_goes_to_panel_naming_the_cost_and_the_highest_limit(
    plan, officer
):
    add_response(plan, officer, cost="100.00", times=7)
    add_response(plan, officer, cost="100.50", times=1, description="Night sitting")

    routing = route(plan)

    assert routing.route == PANEL
    assert routing.approver_roles == []
    assert routing.reasons == [
        {
            "code": "over_every_limit",
            "weekly": "800.50",
            "highest": "700.00",
            "role": "senior_manager",
        }
    ]
    assert words(routing) == [
        "Its weekly cost, £800.50, is over every delegated limit (the highest is "
        "£700.00 for a senior manager)."
    ]


@pytest.mark.usefixtures("site_limits")
@pytest.mark.parametrize(
    "kind",
    [
        Response.Kind.COMMUNITY,
        Response.Kind.INFORMAL,
        Response.Kind.EQUIPMENT,
        Response.Kind.FLEXIBLE,
        Response.Kind.ONE_OFF,
    ],
)
def test_any_funded_non_standard_response_goes_to_panel_naming_it(plan, officer, kind):
    add_response(plan, officer, cost="10.00")
    add_response(
        plan,
        officer,
        kind=kind,
        cost="12.50",
        description="Dial-a-ride to lunch at a café of their choice",
    )

    routing = route(plan)

    assert routing.route == PANEL
    assert len(routing.reasons) == 1
    assert "“Dial-a-ride to lunch at a café of their choice”" in words(routing)[0]
    assert "is not a standard service" in words(routing)[0]


@pytest.mark.usefixtures("site_limits")
def test_a_one_off_funded_purchase_goes_to_panel_although_it_adds_nothing_weekly(
    plan, officer
):
    add_response(
        plan,
        officer,
        kind=Response.Kind.EQUIPMENT,
        cost="300.00",
        period=Response.Period.ONCE,
        description="A perching stool for the kitchen",
    )

    routing = route(plan)

    assert routing.route == PANEL
    assert "A perching stool for the kitchen" in words(routing)[0]


@pytest.mark.usefixtures("site_limits")
def test_unpaid_family_help_does_not_send_a_plan_to_panel(plan, officer):
    add_response(plan, officer, cost="40.00")
    add_response(
        plan,
        officer,
        kind=Response.Kind.INFORMAL,
        cost="0.00",
        times=7,
        description="Their daughter cooks Sunday lunch",
    )

    routing = route(plan)

    assert routing.route == SIGN_OFF
    assert not any("daughter" in reason for reason in words(routing))


def test_with_no_limits_at_all_every_plan_goes_to_panel(plan, officer):
    add_response(plan, officer, cost="5.00")

    routing = route(plan)

    assert routing.route == PANEL
    assert routing.reasons == [{"code": "no_limit"}]
    assert words(routing) == ["No delegated limit is set for this site."]


def test_another_sites_limits_are_not_used(plan, officer, site_b, outsider):
    limits(site_b, outsider)
    add_response(plan, officer, cost="5.00")

    assert route(plan).route == PANEL


# --- Dated limits ---------------------------------------------------------------------


def test_a_limit_that_starts_in_the_future_is_not_used_today(
    plan, officer, site_a, senior
):
    tomorrow = timezone.localdate() + timedelta(days=1)
    set_limit(site_a, senior, TEAM, "350.00", tomorrow)
    add_response(plan, officer, cost="20.00")

    assert route(plan).route == PANEL
    assert route(plan, day=tomorrow).route == SIGN_OFF


def test_a_raised_limit_applies_only_from_its_start_date(plan, officer, site_a, senior):
    set_limit(site_a, senior, TEAM, "100.00", date(2020, 1, 1))
    set_limit(site_a, senior, SENIOR, "700.00", date(2020, 1, 1))
    next_month = timezone.localdate() + timedelta(days=30)
    set_limit(site_a, senior, TEAM, "500.00", next_month)
    add_response(plan, officer, cost="150.00")

    assert route(plan).approver_roles == [SENIOR]
    assert route(plan, day=next_month - timedelta(days=1)).approver_roles == [SENIOR]
    assert route(plan, day=next_month).approver_roles == [TEAM, SENIOR]


def test_a_limit_that_has_ended_is_not_used(plan, officer, site_a):
    yesterday = timezone.localdate() - timedelta(days=1)
    DelegatedLimit.objects.create(
        site=site_a,
        role=TEAM,
        weekly_limit=Decimal("350.00"),
        effective_from=date(2020, 1, 1),
        effective_to=yesterday,
    )
    add_response(plan, officer, cost="20.00")

    assert route(plan).route == PANEL
    assert route(plan, day=yesterday).route == SIGN_OFF


def test_a_new_limit_ends_the_open_ended_one_the_day_before_and_keeps_history(
    site_a, senior
):
    old = set_limit(site_a, senior, TEAM, "350.00", date(2024, 1, 1))
    assert old.history.count() == 1

    new = set_limit(site_a, senior, TEAM, "490.00", date(2025, 4, 1))

    old.refresh_from_db()
    assert old.effective_to == date(2025, 3, 31)
    assert old.weekly_limit == Decimal("350.00")
    assert new.effective_to is None
    assert old.history.count() == 2
    assert old.history.earliest().effective_to is None
    assert new.history.count() == 1
    in_force = routing.limits_in_force(site_a, date(2025, 3, 31))
    assert in_force[TEAM] == old
    assert routing.limits_in_force(site_a, date(2025, 4, 1))[TEAM] == new


def test_a_new_limit_for_one_role_leaves_the_other_roles_limit_open(site_a, senior):
    team = set_limit(site_a, senior, TEAM, "350.00", date(2024, 1, 1))
    senior_limit = set_limit(site_a, senior, SENIOR, "700.00", date(2024, 1, 1))

    set_limit(site_a, senior, TEAM, "400.00", date(2025, 1, 1))

    senior_limit.refresh_from_db()
    team.refresh_from_db()
    assert senior_limit.effective_to is None
    assert team.effective_to == date(2024, 12, 31)


def test_setting_a_limit_is_audited_with_who_set_it(site_a, senior):
    limit = set_limit(site_a, senior, TEAM, "350.00", date(2024, 1, 1))

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.TRANSITION, site=site_a)
    assert event.user == senior
    assert event.object_type == "careplans.DelegatedLimit"
    assert event.object_code == str(limit.code)
    assert event.details == {
        "role": "team_manager",
        "weekly": "350.00",
        "from": "2024-01-01",
        "backdated": True,
        "reason": "Recorded for the test from that date.",
    }
    assert event.in_words == (
        "Delegated limit set: Team manager, £350.00 a week, from 1 January 2024, "
        "backdated, reason: Recorded for the test from that date."
    )


@pytest.mark.parametrize("start", [date(2025, 4, 1), date(2025, 3, 31)])
def test_a_limit_starting_on_or_before_an_existing_one_is_refused(
    site_a, senior, start
):
    set_limit(site_a, senior, TEAM, "350.00", date(2025, 4, 1))

    with pytest.raises(ValidationError) as caught:
        set_limit(site_a, senior, TEAM, "400.00", start)

    assert caught.value.code == "order"
    assert DelegatedLimit.objects.filter(site=site_a).count() == 1
    assert DelegatedLimit.objects.get(site=site_a).effective_to is None


def test_a_negative_limit_is_refused(site_a, senior):
    with pytest.raises(ValidationError) as caught:
        set_limit(site_a, senior, TEAM, "-0.01", date(2025, 4, 1))

    assert caught.value.code == "amount"
    assert not DelegatedLimit.objects.filter(site=site_a).exists()


@pytest.mark.parametrize(
    "role",
    [
        Role.ASSESSING_OFFICER,
        Role.PANEL_MEMBER,
        Role.PANEL_CHAIR,
        Role.ADVISOR,
        Role.SITE_COORDINATOR,
    ],
)
def test_only_team_and_senior_managers_have_delegated_limits(site_a, senior, role):
    with pytest.raises(ValidationError) as caught:
        set_limit(site_a, senior, role, "350.00", date(2025, 4, 1))

    assert caught.value.code == "role"
    assert caught.value.messages == [
        "Delegated limits are for team managers and senior managers."
    ]
    assert not DelegatedLimit.objects.filter(site=site_a).exists()


def test_the_limits_form_offers_the_roles_that_sign_plans_off():
    choices = DelegatedLimitForm().fields["role"].choices

    assert [value for value, _ in choices] == [Role.TEAM_MANAGER, Role.SENIOR_MANAGER]


def test_a_zero_limit_is_allowed_and_covers_only_unpaid_plans(
    plan, officer, site_a, senior
):
    set_limit(site_a, senior, TEAM, "0.00", date(2020, 1, 1))
    add_response(plan, officer, cost="0.00", description="Neighbour checks in")

    assert route(plan).route == SIGN_OFF
