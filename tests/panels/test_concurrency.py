"""Two members recording a decision on the same item at the same moment: exactly one
decision is kept, the other is told who decided."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scopes_disabled

from careplans.models import CarePlan
from panels import services
from panels.models import Decision, PanelItem
from sites.models import Notification

from .factories import (
    RATIONALE,
    decide,
    make_meeting,
    make_panel,
    panel_members,
    plan_awaiting_panel,
)

O = Decision.Outcome  # noqa: E741


def item_in_session(site, chair, officer):
    """An item at a meeting in session: the chair and one member present."""
    first, absent = panel_members(site, 2)
    meeting = make_meeting(make_panel(site, chair, [first, absent]), chair)
    plan = plan_awaiting_panel(site, officer)
    item = services.add_item(meeting=meeting, plan=plan, question="Fund?", by=chair)
    services.open_meeting(meeting, by=chair, present=[chair, first])
    return item, first


@pytest.mark.django_db
def test_the_second_of_two_decisions_is_refused_and_told_who_decided(
    site_a, chair, officer
):
    with scopes_disabled():
        item, present_member = item_in_session(site_a, chair, officer)
        decide(item, chair, outcome=O.APPROVED)

        with pytest.raises(ValidationError) as error:
            decide(item, present_member, outcome=O.DECLINED)

        assert error.value.code == "already_decided"
        assert chair.display_name in error.value.messages[0]
        assert "approved" in error.value.messages[0]
        assert Decision.objects.filter(item=item).count() == 1
        decision = Decision.objects.get(item=item)
        assert decision.decided_by == chair
        assert decision.outcome == O.APPROVED
        # The refused decision did nothing to the plan or the officer's inbox.
        assert CarePlan.objects.get(pk=item.plan_id).status == CarePlan.Status.APPROVED
        assert Notification.objects.filter(user=officer).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_members_deciding_at_the_same_moment_keep_exactly_one_decision(
    site_a, chair, officer
):
    if connection.vendor == "sqlite":
        pytest.skip("row locks need PostgreSQL; see the deterministic test")
    with scopes_disabled():
        item, present_member = item_in_session(site_a, chair, officer)
    barrier = threading.Barrier(2, timeout=10)
    results = {}

    def decide_in_thread(who, user, outcome):
        # Each thread has its own database connection, and its own django-scopes
        # state (a ContextVar), so it disables scoping for itself.
        try:
            with scopes_disabled():
                mine = PanelItem.objects.get(pk=item.pk)
                barrier.wait()
                services.record_decision(
                    mine,
                    by=user,
                    outcome=outcome,
                    rationale=RATIONALE,
                    authorised_weekly=45 if outcome in Decision.APPROVALS else None,
                )
            results[who] = "decided"
        except Exception as error:  # any other error fails the assertions below
            results[who] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide_in_thread, args=("chair", chair, O.APPROVED)),
        threading.Thread(
            target=decide_in_thread, args=("member", present_member, O.DEFERRED)
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not any(thread.is_alive() for thread in threads)
    assert sorted(results) == ["chair", "member"]
    refused = [r for r in results.values() if isinstance(r, ValidationError)]
    assert list(results.values()).count("decided") == 1, results
    assert len(refused) == 1, results
    assert refused[0].code == "already_decided"
    with scopes_disabled():
        assert Decision.objects.filter(item=item).count() == 1
        decision = Decision.objects.get(item=item)
        winner = "chair" if decision.decided_by == chair else "member"
        assert results[winner] == "decided"
        plan = CarePlan.objects.get(pk=item.plan_id)
        expected = {O.APPROVED: CarePlan.Status.APPROVED, O.DEFERRED: "draft"}
        assert plan.status == expected[decision.outcome]
        assert Notification.objects.filter(user=officer).count() == 1
