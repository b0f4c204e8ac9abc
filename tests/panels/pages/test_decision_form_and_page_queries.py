"""The decision form's messages beside each field (nothing typed lost, garbage
answered), a decision viewed and audited, and the query counts of the panel pages."""

import html
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from careplans.models import CarePlan
from panels import services
from panels.models import Decision
from sites.models import AuditEvent
from tests.helpers import page_text, reload, url
from tests.panels.factories import (
    RATIONALE,
    add_plan_item,
    decide,
    make_meeting,
    make_panel,
    panel_members,
    plan_awaiting_panel,
)
from tests.panels.pages.panel_pages import (
    CONDITIONS,
    REASONS,
    O,
    field_block,
    panel_ids,
    view_url,
)

pytestmark = pytest.mark.django_db


# --- The decision form: messages beside the field, nothing lost ---------------------


GOOD = {
    "outcome": O.APPROVED_WITH_CONDITIONS,
    "rationale": REASONS,
    "conditions": CONDITIONS,
    "authorised_weekly": "45.00",
    "review_by": "",
}
PAST = (timezone.localdate() - timedelta(days=3)).isoformat()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rationale": ""}, "rationale", "This field is required."),
        ({"rationale": "Approved."}, "rationale", "in a sentence or more"),
        ({"rationale": "Too costly really"}, "rationale", "in a sentence or more"),
        (
            {"authorised_weekly": "-5"},
            "authorised_weekly",
            "cannot be below zero",
        ),
        (
            {"authorised_weekly": ""},
            "authorised_weekly",
            "Enter the weekly amount the panel authorises.",
        ),
        ({"conditions": ""}, "conditions", "Write the conditions of the approval."),
        ({"review_by": PAST}, "review_by", "cannot be in the past"),
        ({"authorised_weekly": "abc"}, "authorised_weekly", "Enter a number."),
        ({"outcome": "nonsense"}, "outcome", "Select a valid choice."),
        ({"review_by": "31/02/2026"}, "review_by", "Enter a valid date."),
    ],
)
def test_a_problem_with_the_decision_is_shown_beside_its_field_and_nothing_is_lost(
    client, records, in_session, chair, changes, field, message
):
    client.force_login(chair)
    data = {**GOOD, **changes}

    response = client.post(view_url("item_decide", records), data)

    assert response.status_code == 200
    assert message in field_block(response, field)
    assert "is-invalid" in field_block(response, field)
    assert "Please correct the problems below" in page_text(response)
    page = html.unescape(response.content.decode())
    for name, typed in data.items():
        if typed and name != "outcome":
            assert typed in page, name
    if data["outcome"] in O.values:
        assert f'value="{data["outcome"]}"' in field_block(response, "outcome")
        assert "checked" in field_block(response, "outcome")
    with scopes_disabled():
        assert not Decision.objects.filter(item=records["item"]).exists()
    assert reload(records["item"].plan).status == CarePlan.Status.AWAITING_PANEL


def test_garbage_in_every_field_is_answered_with_messages(
    client, records, in_session, chair
):
    client.force_login(chair)

    response = client.post(
        view_url("item_decide", records),
        {
            "outcome": "nonsense",
            "rationale": REASONS,
            "authorised_weekly": "abc",
            "review_by": "31/02/2026",
        },
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "outcome",
        "authorised_weekly",
        "review_by",
    }
    assert "31/02/2026" in field_block(response, "review_by")
    assert 'value="abc"' in field_block(response, "authorised_weekly")


def test_a_decision_already_recorded_is_shown_not_recorded_again(
    client, records, in_session, chair, members
):
    with scopes_disabled():
        decide(records["item"], chair, outcome=O.APPROVED)
    client.force_login(members[0])

    response = client.post(
        view_url("item_decide", records),
        {"outcome": O.DECLINED, "rationale": RATIONALE},
    )

    decision = reload(records["item"]).decision
    # Told who decided, when and what; their own text stays on the page.
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{chair.display_name} recorded a decision on this item" in page
    assert "approved. Yours was not saved" in page
    assert RATIONALE in page
    assert response.context["form"]["outcome"].value() == O.DECLINED
    assert decision.outcome == O.APPROVED
    with scopes_disabled():
        assert Decision.objects.filter(item=records["item"]).count() == 1


def test_viewing_a_decision_is_audited(client, records, officer):
    client.force_login(officer)

    client.get(view_url("decision_detail", records))

    with scopes_disabled():
        assert AuditEvent.objects.filter(
            kind=AuditEvent.Kind.VIEW,
            user=officer,
            object_code=str(records["decision"].code),
        ).exists()


# --- Query counts -------------------------------------------------------------------


def many_decisions(site, panel, chair, officer, rows):
    """``rows`` decided items (alternating outcomes) and ``rows`` plans waiting."""
    meeting = make_meeting(panel, chair, minutes=30)
    items = [add_plan_item(meeting, officer, chair) for _ in range(rows)]
    services.open_meeting(meeting, by=chair, present=[chair, *panel_ids(panel)])
    outcomes = [O.APPROVED, O.DEFERRED, O.APPROVED_WITH_CONDITIONS, O.DECLINED]
    decisions = [
        decide(item, chair, outcome=outcomes[i % 4]) for i, item in enumerate(items)
    ]
    for _ in range(rows):
        plan_awaiting_panel(site, officer)
    return decisions


PANEL_HOME_QUERIES = 9


@pytest.mark.parametrize("rows", [1, 4])
def test_the_panel_dashboard_takes_a_fixed_number_of_queries(
    client, site_a, panel, chair, officer, rows, django_assert_num_queries
):
    with scopes_disabled():
        many_decisions(site_a, panel, chair, officer, rows)
        # A chair's action waiting to be reported, and a meeting with a plan on it.
        services.chairs_action(
            plan=plan_awaiting_panel(site_a, officer),
            by=chair,
            question="Urgent?",
            outcome=O.DECLINED,
            rationale=RATIONALE,
            urgency="The carer goes into hospital tomorrow morning.",
        )
        upcoming = make_meeting(panel, chair, days=9)
        for _ in range(rows):
            add_plan_item(upcoming, officer, chair)
    client.force_login(chair)

    with django_assert_num_queries(PANEL_HOME_QUERIES):
        response = client.get(url("panel_home"))

    assert response.status_code == 200
    assert response.context["dashboard"]["decision_count"] == rows + 1
    assert len(response.context["dashboard"]["waiting"]) == 2 * rows


# ... and one view of each plan on the agenda recorded, in one query.
MEETING_QUERIES = 18


@pytest.mark.parametrize("rows", [1, 4])
def test_the_agenda_takes_a_fixed_number_of_queries(
    client, site_a, panel, chair, members, officer, rows, django_assert_num_queries
):
    """Seen by a member present at the meeting in session: each item moved from an
    earlier meeting, half of them decided."""
    with scopes_disabled():
        earlier = make_meeting(panel, chair)
        meeting = make_meeting(panel, chair, minutes=30)
        items = [add_plan_item(earlier, officer, chair) for _ in range(rows)]
        for item in items:
            services.move_item(item, to=meeting, by=chair)
        services.open_meeting(meeting, by=chair, present=[chair, members[0], officer])
        for item in items[::2]:
            decide(item, chair)
    client.force_login(members[0])

    with django_assert_num_queries(MEETING_QUERIES):
        response = client.get(url("meeting_detail", meeting.code))

    assert response.status_code == 200
    summaries = response.context["summaries"]
    assert len(summaries) == rows
    assert [s["decided"] for s in summaries] == [i % 2 == 0 for i in range(rows)]
    assert all(s["may_decide"] for s in summaries if not s["decided"])
    assert page_text(response).count("Moved from the meeting of") == rows


# ... and one view of each plan on the agenda recorded, in one query.
MEETING_MANAGER_QUERIES = 21


@pytest.mark.parametrize("rows", [1, 4])
def test_the_agenda_for_the_chair_takes_a_fixed_number_of_queries(
    client, site_a, panel, chair, officer, rows, django_assert_num_queries
):
    """Seen by the chair before the meeting: the open form, plans to add, moves."""
    with scopes_disabled():
        meeting = make_meeting(panel, chair, days=3)
        make_meeting(panel, chair, days=10)
        for _ in range(rows):
            add_plan_item(meeting, officer, chair)
            plan_awaiting_panel(site_a, officer)
    client.force_login(chair)

    with django_assert_num_queries(MEETING_MANAGER_QUERIES):
        response = client.get(url("meeting_detail", meeting.code))

    assert response.status_code == 200
    assert len(response.context["waiting"]) == rows
    assert "open_form" in response.context


DECISION_QUERIES = 9  # + the letters sent about it (issue 12, item 9)


@pytest.mark.parametrize("rows", [1, 4])
def test_the_decision_page_takes_a_fixed_number_of_queries(
    client, site_a, chair, officer, rows, django_assert_num_queries
):
    """``rows`` panel members present, and ``rows`` other decisions at the site."""
    with scopes_disabled():
        others = panel_members(site_a, rows, prefix=f"row{rows}")
        panel = make_panel(site_a, chair, others, quorum=1)
        decisions = many_decisions(site_a, panel, chair, officer, rows)
        decision = decisions[0]
        assert decision.present.count() == rows + 1
    client.force_login(officer)

    with django_assert_num_queries(DECISION_QUERIES):
        response = client.get(url("decision_detail", decision.code))

    assert response.status_code == 200
    text = page_text(response)
    assert all(u.display_name in text for u in others)
