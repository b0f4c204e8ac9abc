"""The site's delegated limits for the plan workflow's tests, with no site scope
entered: the services are called as commands and seeding call them."""

import pytest

from tests.plan_factories import limits


@pytest.fixture
def site_limits(site_a, senior, unscoped):
    """Team manager up to £350 a week, senior manager up to £700."""
    limits(site_a, senior)
