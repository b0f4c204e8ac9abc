"""The cast's panel and its records for the panel pages' tests: members, a panel, a
meeting with a plan on its agenda, the meeting in session, and the records the
pages are opened with."""

import pytest
from django_scopes import scopes_disabled

from panels import services
from tests.panels.factories import (
    add_plan_item,
    decide,
    make_meeting,
    make_panel,
    panel_members,
    plan_awaiting_panel,
)
from tests.panels.pages.panel_pages import panel_ids

# --- The cast and their records -----------------------------------------------------


@pytest.fixture
def members(site_a):
    return panel_members(site_a, 2)


@pytest.fixture
def panel(site_a, chair, members):
    with scopes_disabled():
        return make_panel(site_a, chair, members)


@pytest.fixture
def meeting(panel, chair):
    with scopes_disabled():
        return make_meeting(panel, chair)


@pytest.fixture
def item(meeting, officer, chair):
    with scopes_disabled():
        return add_plan_item(meeting, officer, chair)


@pytest.fixture
def in_session(meeting, item, chair, members, officer):
    """Open: the chair, the first member and the officer present; second absent."""
    with scopes_disabled():
        return services.open_meeting(
            meeting, by=chair, present=[chair, members[0], officer]
        )


@pytest.fixture
def records(site_a, panel, meeting, item, officer, chair):
    """One record for each kind of URL, at site A."""
    with scopes_disabled():
        decided_meeting = make_meeting(panel, chair, minutes=30)
        decided_item = add_plan_item(decided_meeting, officer, chair)
        services.open_meeting(
            decided_meeting, by=chair, present=[chair, *panel_ids(panel)]
        )
        decision = decide(decided_item, chair)
        later = make_meeting(panel, chair, days=21)
        waiting = plan_awaiting_panel(site_a, officer)
    return {
        "meeting": meeting,
        "item": item,
        "decision": decision,
        "later": later,
        "waiting": waiting,
    }
