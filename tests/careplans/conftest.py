"""Plans at site A, shared by the plan page modules, and the programme's casework
fixtures (tests/careplans/programme_fixtures)."""

import pytest

from tests.careplans.programme_fixtures import case, cast, in_focus  # noqa: F401
from tests.plan_factories import approved_plan, limits, plan_with


@pytest.fixture
def site_limits(site_a, senior):
    """Team manager up to £350 a week, senior manager up to £700."""
    limits(site_a, senior)


@pytest.fixture
def draft(site_a, officer, site_limits):
    return plan_with(site_a, officer, (("standard", "20.50", 3),))


@pytest.fixture
def approved(site_a, officer, manager, site_limits):
    return approved_plan(site_a, officer, manager)
