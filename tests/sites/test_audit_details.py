"""Audit events keep the facts of a step (amounts, roles, dates) as data, apart from the
phrase that names the step, and the audit trail puts them into words when read."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from sites.audit import record_event
from sites.models import AuditEvent
from sites.permissions import Role

pytestmark = pytest.mark.django_db


def url(name):
    return reverse(name, args=["alpha"])


def test_setting_a_limit_keeps_the_amount_as_data_and_shows_it_in_words(
    client, senior, site_a
):
    client.force_login(senior)

    response = client.post(
        url("limit_list"),
        {
            "role": Role.TEAM_MANAGER,
            "weekly_limit": "1350.5",
            "effective_from": "2025-04-01",
            "notes": "",
            "backdate_reason": "The director's letter set it from April.",
            "confirm_backdate": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors

    with scopes_disabled():
        event = AuditEvent.objects.get(
            site=site_a, object_type="careplans.DelegatedLimit"
        )
    assert event.action == "Delegated limit set"
    assert event.details == {
        "role": "team_manager",
        "weekly": "1350.50",
        "from": "2025-04-01",
        "backdated": True,
        "reason": "The director's letter set it from April.",
    }
    page = client.get(url("audit_list")).content.decode()
    assert (
        "Delegated limit set: Team manager, £1,350.50 a week, from 1 April 2025, "
        "backdated, reason: The director&#x27;s letter set it from April." in page
    )


def test_an_event_without_details_reads_as_its_action(site_a, senior):
    with scopes_disabled():
        event = record_event(
            kind=AuditEvent.Kind.TRANSITION,
            user=senior,
            site=site_a,
            action="Plan closed",
        )

    assert event.details == {}
    assert event.in_words == "Plan closed"


def test_details_the_trail_does_not_know_are_not_shown(site_a, senior):
    with scopes_disabled():
        event = record_event(
            kind=AuditEvent.Kind.TRANSITION,
            user=senior,
            site=site_a,
            action="Limit withdrawn",
            details={"role": "no_such_role", "weekly": "5", "secret": "not shown"},
        )

    assert event.in_words == "Limit withdrawn: no_such_role, £5.00 a week"


def test_details_read_in_the_same_order_however_they_were_stored(site_a, senior):
    """PostgreSQL's jsonb sorts keys its own way; the words must not follow it."""
    with scopes_disabled():
        events = [
            record_event(
                kind=AuditEvent.Kind.TRANSITION,
                user=senior,
                site=site_a,
                action="Delegated limit set",
                details=dict(items),
            )
            for items in (
                [("role", "senior_manager"), ("weekly", "700"), ("from", "2025-04-01")],
                [("from", "2025-04-01"), ("weekly", "700"), ("role", "senior_manager")],
            )
        ]
        read_back = [AuditEvent.objects.get(pk=e.pk).in_words for e in events]

    assert (
        read_back
        == ["Delegated limit set: Senior manager, £700.00 a week, from 1 April 2025"]
        * 2
    )


def test_a_long_action_is_shortened_between_words_to_fit(site_a, senior):
    words = "Plan submitted " + "and routed " * 30

    with scopes_disabled():
        event = record_event(
            kind=AuditEvent.Kind.TRANSITION, user=senior, site=site_a, action=words
        )

    kept = event.action.removesuffix("…")
    assert len(event.action) <= 200
    assert event.action.endswith("and…")
    assert words.startswith(kept)
    assert words[len(kept)] == " "  # cut between words


@pytest.mark.parametrize("rows", [1, 20])
def test_the_trail_words_details_without_extra_queries(
    client, senior, site_a, rows, django_assert_num_queries
):
    with scopes_disabled():
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    kind="transition",
                    site=site_a,
                    user=senior,
                    action="Delegated limit set",
                    details={
                        "role": "team_manager",
                        "weekly": "35",
                        "from": "2025-04-01",
                    },
                )
                for _ in range(rows)
            ]
        )
    client.force_login(senior)
    # As the audit page's own test: session, user, memberships, count, the filter's
    # user list, the page of events (the session row is not written on every request).
    with django_assert_num_queries(6):
        response = client.get(url("audit_list"))

    assert response.content.decode().count("£35.00 a week, from 1 April 2025") == rows
