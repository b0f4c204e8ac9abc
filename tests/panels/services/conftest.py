"""The panel the services' tests work with: its members, a meeting, a plan waiting
for panel on its agenda, and the meeting in session. Services are called outside a
request here, as by commands and seeding (no site scope is entered)."""

import pytest

from panels import services
from tests.panels.factories import (
    make_meeting,
    make_panel,
    panel_members,
    plan_awaiting_panel,
)


@pytest.fixture(autouse=True)
def _everything_unscoped(unscoped):
    """Services are called outside a request here, as by commands and seeding (no site scope is entered)."""


@pytest.fixture
def members(site_a):
    return panel_members(site_a, 2)


@pytest.fixture
def panel(site_a, chair, members):
    return make_panel(site_a, chair, members, quorum=2)


@pytest.fixture
def meeting(panel, chair):
    return make_meeting(panel, chair)


@pytest.fixture
def waiting(site_a, officer):
    return plan_awaiting_panel(site_a, officer)


@pytest.fixture
def item(meeting, waiting, chair):
    return services.add_item(
        meeting=meeting, plan=waiting, question="Will the panel fund it?", by=chair
    )


@pytest.fixture
def in_session(meeting, item, chair, members, officer):
    """The meeting open: the chair, the first member and the presenting officer
    present; the second member absent."""
    return services.open_meeting(
        meeting, by=chair, present=[chair, members[0], officer]
    )
