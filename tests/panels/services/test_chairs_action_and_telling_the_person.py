"""Chair's action between meetings (who may take it, on which plans, reported to the
next meeting) and recording when the person was told of a decision."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from panels import services
from panels.models import Decision, PanelItem
from sites.permissions import Role
from tests.factories import member
from tests.helpers import reload
from tests.panels.factories import (
    RATIONALE,
    add_plan_item,
    decide,
    make_meeting,
    on_its_day,
    plan_awaiting_panel,
)
from tests.panels.services.panel_calls import O, S, audited, codes
from tests.plan_factories import plan_with

# --- Chair's action ----------------------------------------------------------------


def chairs_action(plan, by, **fields):
    defaults = {
        "question": "Will the panel fund an urgent taxi this week?",
        "outcome": O.APPROVED,
        "rationale": RATIONALE,
        "authorised_weekly": Decimal("45.00"),
        "urgency": "Discharge from hospital is tomorrow and the taxi is needed then.",
    }
    return services.chairs_action(plan=plan, by=by, **{**defaults, **fields})


def test_the_chair_may_decide_between_meetings(panel, waiting, chair):
    decision = chairs_action(waiting, chair)

    assert decision.chairs_action is True
    assert decision.item.meeting is None
    assert decision.item.added_by == chair
    assert decision.reported_at is None
    assert reload(waiting).status == S.APPROVED
    assert audited(decision, "Chair's action: Approved")
    assert not decision.present.exists()


@pytest.mark.parametrize("who", ["member", "manager", "stranger_chair"])
def test_only_the_panels_chair_takes_chairs_action(
    panel, waiting, members, manager, site_a, who
):
    user = {
        "member": members[0],
        "manager": manager,
        # Holds the chair role at the site but chairs no panel.
        "stranger_chair": member(site_a, Role.PANEL_CHAIR, "another-chair"),
    }[who]

    with pytest.raises(ValidationError) as error:
        chairs_action(waiting, user)

    assert codes(error) == {"not_chair"}
    assert not PanelItem.objects.exists()
    assert reload(waiting).status == S.AWAITING_PANEL


def test_the_chair_of_an_inactive_panel_takes_no_chairs_action(panel, waiting, chair):
    panel.is_active = False
    panel.save(update_fields=["is_active"])

    with pytest.raises(ValidationError) as error:
        chairs_action(waiting, chair)

    assert codes(error) == {"not_chair"}


def test_no_chairs_action_on_a_plan_on_an_agenda(item, waiting, chair):
    with pytest.raises(ValidationError) as error:
        chairs_action(waiting, chair)

    assert codes(error) == {"already_on_agenda"}
    assert not Decision.objects.exists()


def test_no_chairs_action_on_a_plan_the_chair_wrote(panel, site_a, chair):
    own = plan_awaiting_panel(site_a, chair)

    with pytest.raises(ValidationError) as error:
        chairs_action(own, chair)

    assert codes(error) == {"not_allowed"}


def test_no_chairs_action_on_a_plan_not_waiting_for_panel(
    panel, site_a, officer, chair
):
    draft = plan_with(site_a, officer, (("flexible", "45.00", 1),))

    with pytest.raises(ValidationError) as error:
        chairs_action(draft, chair)

    assert codes(error) == {"not_waiting"}
    assert not PanelItem.objects.exists()


def test_chairs_action_needs_reasons_like_any_decision(panel, waiting, chair):
    with pytest.raises(ValidationError) as error:
        chairs_action(waiting, chair, rationale="Urgent.", authorised_weekly=-1)

    assert set(error.value.message_dict) == {"rationale", "authorised_weekly"}
    assert not PanelItem.objects.exists()


def test_chairs_action_is_reported_to_the_next_meeting_when_it_closes(
    panel, meeting, waiting, chair, members, site_a, officer
):
    decision = chairs_action(waiting, chair)
    add_plan_item(meeting, officer, chair)
    services.open_meeting(meeting, by=chair, present=[chair, members[0]])
    # Named at once: the next meeting's page and pack list it before it is held.
    assert reload(decision).reported_at == meeting

    services.close_meeting(meeting, by=chair)

    assert reload(decision).reported_at == meeting
    # Reported once: closing a later meeting does not claim it again.
    later = make_meeting(panel, chair, days=14)
    with on_its_day(later):
        services.open_meeting(later, by=chair, present=[chair, members[0]])
        services.close_meeting(later, by=chair)
    assert reload(decision).reported_at == meeting


def test_a_decision_at_a_meeting_is_not_reported_as_chairs_action(
    in_session, item, chair
):
    decision = decide(item, chair)

    services.close_meeting(in_session, by=chair)

    assert reload(decision).reported_at is None


# --- Telling the person ------------------------------------------------------------


@pytest.fixture
def decision(in_session, item, chair):
    return decide(item, chair)


def test_the_date_the_person_was_told_is_recorded(decision, officer):
    today = timezone.localdate()

    services.record_person_told(decision, by=officer, told_on=today)

    assert reload(decision).person_told_on == today
    assert audited(decision, "Person told of the decision")


def test_the_person_cannot_be_told_in_the_future(decision, officer):
    with pytest.raises(ValidationError) as error:
        services.record_person_told(
            decision, by=officer, told_on=timezone.localdate() + timedelta(days=1)
        )

    assert set(error.value.message_dict) == {"person_told_on"}
    assert reload(decision).person_told_on is None


def test_the_person_cannot_be_told_before_the_decision(decision, officer):
    made = timezone.localtime(decision.created_at).date()

    with pytest.raises(ValidationError) as error:
        services.record_person_told(
            decision, by=officer, told_on=made - timedelta(days=1)
        )

    assert set(error.value.message_dict) == {"person_told_on"}
    assert reload(decision).person_told_on is None
