"""Every amount a person reads is written by the one formatter (sites/money.py):
thousands separators, pence, a true minus sign. Pages, PDFs, labels and comparisons."""

from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from careplans import services, versions
from careplans.models import DelegatedLimit, Response
from sites.permissions import Role
from tests.factories import StandardServiceFactory
from tests.helpers import page_text, pdf_text, url
from tests.plan_factories import plan_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def expensive(site_a, officer):
    """A draft plan: £1,234.50 a week, plus a one-off £2,500.00, by direct payment."""
    with scopes_disabled():
        plan = plan_with(site_a, officer, (("standard", "1234.50", 1),))
        services.save_response(
            plan,
            by=officer,
            outcomes=list(services.plan_outcomes(plan)),
            description="A wet room",
            kind=Response.Kind.EQUIPMENT,
            times=1,
            period=Response.Period.ONCE,
            unit_cost=Decimal("2500.00"),
            paid_by_direct_payment=True,
        )
    return plan


def test_the_plan_page_writes_each_responses_cost_with_separators(
    client, officer, expensive
):
    client.force_login(officer)

    text = page_text(client.get(url("plan_detail", expensive.code)))

    assert "£1,234.50 a week" in text
    assert "at £1,234.50" in text
    assert "£0.00 a week · £2,500.00 once" in text
    assert "once at £2,500.00" in text


def test_the_plan_pdf_writes_each_amount_with_separators(client, officer, expensive):
    client.force_login(officer)

    text = pdf_text(client.get(url("plan_pdf", expensive.code)))

    assert "£1,234.50 a week" in text
    assert "£2,500.00, once" in text
    assert (
        "Your personal budget is £1,234.50 a week (£64,194.00 a year), plus "
        "£2,500.00 once." in text
    )


def test_the_plan_list_writes_the_weekly_cost_with_separators(
    client, officer, expensive
):
    client.force_login(officer)

    # The weekly cost, then the difference from the standard services replaced.
    assert "£1,234.50 +£1,234.50" in page_text(client.get(url("plan_list")))


def test_the_limits_page_writes_limits_with_separators(client, senior, site_a):
    with scopes_disabled():
        services.set_delegated_limit(
            site=site_a,
            role=Role.SENIOR_MANAGER,
            weekly_limit=Decimal("35000"),
            effective_from=date(2025, 4, 1),
            by=senior,
            backdate_reason="Recorded for the test from that date.",
            confirm_backdate=True,
        )
    client.force_login(senior)

    assert "Senior manager £35,000.00" in page_text(client.get(url("limit_list")))


def test_labels_of_services_and_limits_use_the_formatter(site_a):
    with scopes_disabled():
        service = StandardServiceFactory(
            site=site_a, name="Residential respite", typical_weekly_cost="1038.5"
        )
    limit = DelegatedLimit(role=Role.TEAM_MANAGER, weekly_limit=Decimal("35000"))

    assert str(service) == "Residential respite (about £1,038.50 a week)"
    assert str(limit) == "Team manager: up to £35,000.00 a week"


def test_a_change_of_cost_between_versions_is_written_by_the_formatter(site_a, officer):
    before = Response(
        description="Home care", kind="standard", unit_cost=Decimal("1000"), times=1
    )
    after = Response(
        description="Home care", kind="standard", unit_cost=Decimal("1234.5"), times=1
    )
    after.lineage = before.lineage

    [change] = versions.compare_versions([before], [after])

    shown = {f["label"]: (f["before"], f["after"]) for f in change["fields"]}
    assert shown["Cost each time"] == ("£1,000.00", "£1,234.50")
    assert shown["Weekly cost"] == ("£1,000.00", "£1,234.50")
