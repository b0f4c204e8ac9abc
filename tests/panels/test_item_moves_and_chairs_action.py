"""Moving an item and chair's action: later meetings only, chair's action reported to its own
panel, and who may learn that an item is already decided."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from panels import services
from panels.models import Decision
from sites.permissions import Role
from tests.factories import member

from .factories import (
    add_plan_item,
    make_meeting,
    make_panel,
    on_its_day,
    panel_members,
    plan_awaiting_panel,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(site_a, chair, officer):
    with scopes_disabled():
        members = panel_members(site_a)
        panel = make_panel(site_a, chair, members)
        yield panel, members


def test_an_item_moves_only_to_a_later_meeting(setup, chair, officer):
    panel, _ = setup
    with scopes_disabled():
        later = make_meeting(panel, chair, days=14)
        earlier = make_meeting(panel, chair, days=3)
        item = add_plan_item(later, officer, chair)
        with pytest.raises(ValidationError) as refused:
            services.move_item(item, to=earlier, by=chair)
        assert "later meeting" in refused.value.messages[0]


def test_chairs_action_is_reported_only_to_its_own_panels_meeting(
    setup, site_a, chair, officer
):
    panel, _ = setup
    with scopes_disabled():
        other_chair = member(site_a, Role.PANEL_CHAIR, "other-chair")
        other_panel = make_panel(
            site_a, other_chair, panel_members(site_a, prefix="o"), name="Other panel"
        )
        plan = plan_awaiting_panel(site_a, officer)
        decision = services.chairs_action(
            plan=plan,
            by=chair,
            question="Urgent: fund a taxi to hospital appointments?",
            outcome=Decision.Outcome.APPROVED,
            rationale="Urgent and clearly meets the eligible need for transport.",
            authorised_weekly=45,
            urgency="The appointments start on Monday, before the next meeting.",
        )
        other_meeting = make_meeting(other_panel, other_chair, days=1)
        with on_its_day(other_meeting):
            services.open_meeting(
                other_meeting,
                by=other_chair,
                present=[other_chair] + [m.user for m in other_panel.members.all()],
            )
            services.close_meeting(other_meeting, by=other_chair)
        decision.refresh_from_db()
        assert decision.reported_at is None

        own = make_meeting(panel, chair, days=2)
        with on_its_day(own):
            services.open_meeting(
                own, by=chair, present=[chair] + [m.user for m in panel.members.all()]
            )
            services.close_meeting(own, by=chair)
        decision.refresh_from_db()
        assert decision.reported_at == own
