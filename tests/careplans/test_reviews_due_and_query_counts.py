"""Reviews due (whose people each role sees, overdue marked), the fixed query counts
of the plan pages, and what the plan and limits pages offer."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from assessments.models import Person
from careplans import services
from careplans.models import CarePlan, Review
from sites.permissions import Role
from tests.factories import StandardServiceFactory, member
from tests.helpers import links, page_text, page_text_of, reload, url
from tests.plan_factories import (
    add_response,
    approved_plan,
    draft_plan,
    plan_in_status,
    plan_with,
)

pytestmark = pytest.mark.django_db

S = CarePlan.Status
REASON = "Please record what Mrs Evans said about the café."


@pytest.fixture
def awaiting(site_a, officer, site_limits):
    with scopes_disabled():
        return plan_in_status(
            S.AWAITING_SIGN_OFF, site=site_a, officer=officer, manager=None
        )


# --- Reviews due ----------------------------------------------------------------------


@pytest.fixture
def colleague(site_a):
    return member(site_a, Role.ASSESSING_OFFICER, "officer-a2")


def review_due(site, officer, approver, *, worker, days):
    """An approved plan whose first review is due in ``days`` (negative: overdue),
    for a person allocated to ``worker``."""
    with scopes_disabled():
        plan = approved_plan(site, officer, approver)
        Person.objects.filter(pk=plan.person_id).update(allocated_worker=worker)
        review = plan.reviews.get()
        Review.objects.filter(pk=review.pk).update(
            due_date=timezone.localdate() + timedelta(days=days)
        )
        return Person.objects.get(pk=plan.person_id)


def people_listed(response):
    return [review.plan.person for review in response.context["page"].object_list]


@pytest.fixture
def due(site_a, officer, manager, colleague, site_limits):
    return {
        "mine_overdue": review_due(site_a, officer, manager, worker=officer, days=-3),
        "mine_soon": review_due(site_a, officer, manager, worker=officer, days=10),
        "theirs": review_due(site_a, officer, manager, worker=colleague, days=-1),
        "mine_later": review_due(site_a, officer, manager, worker=officer, days=60),
    }


def test_the_officer_sees_only_reviews_of_their_own_people(client, officer, due):
    client.force_login(officer)

    response = client.get(url("reviews_due"))

    assert people_listed(response) == [due["mine_overdue"], due["mine_soon"]]
    # asking for the team's list without the capability shows their own
    assert people_listed(client.get(url("reviews_due"), {"scope": "team"})) == [
        due["mine_overdue"],
        due["mine_soon"],
    ]


def test_a_team_manager_sees_the_whole_teams_reviews(client, manager, due):
    client.force_login(manager)

    response = client.get(url("reviews_due"), {"scope": "team"})

    assert people_listed(response) == [
        due["mine_overdue"],
        due["theirs"],
        due["mine_soon"],
    ]
    assert "Reviews due: whole team" in page_text(response)


def test_an_unknown_scope_shows_a_team_manager_their_own_peoples_reviews(
    client, manager, due
):
    client.force_login(manager)

    response = client.get(url("reviews_due"), {"scope": "everyone"})

    assert response.context["team"] is False
    assert people_listed(response) == []


def test_overdue_reviews_are_marked(client, manager, due):
    client.force_login(manager)

    response = client.get(url("reviews_due"), {"scope": "team"})

    rows = re.findall(r"<tr>(.*?)</tr>", response.content.decode(), re.S)
    marked = [due["mine_overdue"], due["theirs"]]
    for person in people_listed(response):
        [row] = [r for r in rows if person.display_name in r]
        assert ("Overdue" in row) == (person in marked)


def test_completed_and_cancelled_reviews_are_not_due(client, officer, due):
    with scopes_disabled():
        Review.objects.filter(plan__person=due["mine_overdue"]).update(
            status=Review.Status.COMPLETED
        )
        Review.objects.filter(plan__person=due["mine_soon"]).update(
            status=Review.Status.CANCELLED
        )
    client.force_login(officer)

    assert people_listed(client.get(url("reviews_due"))) == []


# --- Query counts ---------------------------------------------------------------------

# Session, user, memberships; the plan with its people and authors; its responses, their
# outcomes, decisions and reviews (one query each); the view's audit event; the
# assessment's outcomes and needs; the limits for the routing preview; what was wanted
# but not arranged; the assessment's risks, beside the contingency plan (issue 12);
# the documents attached to the plan, with who attached them (one query, issue 12).
# (The session is not written: at most once a minute, see sites/accounts/sessions.py.)
DETAIL_QUERIES = 15
# Approved and reviewed: no routing preview, but the reviews' ratings and the outcomes
# they rate (one query each).
REVIEWED_QUERIES = DETAIL_QUERIES - 1 + 2
# A new version's page also reads the previous version's responses.
REVISION_QUERIES = DETAIL_QUERIES + 1
# Session, user, memberships; the count and the page of plans; their responses in one
# query.
LIST_QUERIES = 6
# Session, user, memberships; the count, then the page of reviews joined to their plans,
# people and workers.
REVIEWS_QUERIES = 5


@pytest.mark.parametrize("rows", [1, 5])
def test_the_plan_page_takes_a_fixed_number_of_queries(
    client, officer, site_a, site_limits, rows, django_assert_num_queries
):
    with scopes_disabled():
        plan = draft_plan(site_a, officer, outcomes=rows)
        outcomes = list(services.plan_outcomes(plan))
        for i in range(rows):
            add_response(
                plan,
                officer,
                description=f"Response {i}",
                outcomes=outcomes[: i + 1],
                replaces=StandardServiceFactory(site=site_a),
                replaced_weekly_cost=Decimal("10.00"),
            )
    client.force_login(officer)

    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(url("plan_detail", plan.code))

    assert len(response.context["responses"]) == rows


@pytest.fixture
def reviewed(site_a, officer, manager, site_limits):
    """Build a reviewed plan and the version its review asked for, for ``rows``
    responses and outcomes, each rated at the review."""

    def build(rows):
        with scopes_disabled():
            plan = draft_plan(site_a, officer, outcomes=rows)
            outcomes = list(services.plan_outcomes(plan))
            for i, outcome in enumerate(outcomes):
                add_response(
                    plan, officer, description=f"Response {i}", outcomes=[outcome]
                )
            plan = services.sign_off_plan(
                services.submit_plan(plan, by=officer), by=manager
            )
            review = plan.reviews.get()
            services.start_review(review, by=officer)
            _, revision = services.complete_review(
                review,
                by=officer,
                ratings=dict.fromkeys(outcomes, ("partially", "")),
                result=Review.Result.PLAN_CHANGED,
            )
            for response in revision.responses.all():
                add_response(
                    revision,
                    officer,
                    response=response,
                    cost="12.00",
                    description=response.description,
                    outcomes=list(response.outcomes.all()),
                )
        return plan, revision

    return build


@pytest.mark.parametrize("rows", [1, 5])
def test_a_reviewed_plans_page_takes_a_fixed_number_of_queries(
    client, manager, reviewed, rows, django_assert_num_queries
):
    plan, _ = reviewed(rows)
    client.force_login(manager)

    with django_assert_num_queries(REVIEWED_QUERIES):
        response = client.get(url("plan_detail", plan.code))

    assert page_text(response).count(": partially met") == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_a_new_versions_page_takes_a_fixed_number_of_queries(
    client, officer, reviewed, rows, django_assert_num_queries
):
    _, revision = reviewed(rows)
    client.force_login(officer)

    with django_assert_num_queries(REVISION_QUERIES):
        response = client.get(url("plan_detail", revision.code))

    assert [c["kind"] for c in response.context["changes"]] == ["changed"] * rows


@pytest.mark.parametrize("rows", [1, 5])
def test_the_plan_list_takes_a_fixed_number_of_queries(
    client, officer, site_a, site_limits, rows, django_assert_num_queries
):
    with scopes_disabled():
        for _ in range(rows):
            plan_with(site_a, officer, (("standard", "10.00", 1), ("informal", "0", 1)))
    client.force_login(officer)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url("plan_list"))

    assert len(response.context["page"].object_list) == rows
    assert page_text(response).count("£10.00 +£10.00") == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_the_reviews_due_list_takes_a_fixed_number_of_queries(
    client, officer, manager, site_a, site_limits, rows, django_assert_num_queries
):
    for i in range(rows):
        review_due(site_a, officer, manager, worker=officer, days=i - 2)
    client.force_login(officer)

    with django_assert_num_queries(REVIEWS_QUERIES):
        response = client.get(url("reviews_due"))

    assert len(people_listed(response)) == rows


# --- What the plan page offers --------------------------------------------------------


@pytest.mark.parametrize("status", S.values)
def test_the_plan_page_offers_to_close_a_plan_only_when_it_can_be_closed(
    client, officer, manager, site_a, site_limits, status
):
    with scopes_disabled():
        plan = plan_in_status(status, site=site_a, officer=officer, manager=manager)
    closable = S.CLOSED in CarePlan.TRANSITIONS[S(status)]
    client.force_login(officer)

    page = client.get(url("plan_detail", plan.code))

    assert (url("plan_close", plan.code) in links(page)) == closable
    if closable:
        closed = client.post(url("plan_close", plan.code), {"reason": "Moved away."})
        assert closed.status_code == 302
        assert reload(plan).status == S.CLOSED


def test_the_limits_page_marks_the_limits_in_force(client, senior, site_a, site_limits):
    yesterday = timezone.localdate() - timedelta(days=1)
    with scopes_disabled():
        services.set_delegated_limit(
            site=site_a,
            role=Role.TEAM_MANAGER,
            weekly_limit=Decimal("420.00"),
            effective_from=yesterday,
            by=senior,
            backdate_reason="Recorded for the test from that date.",
            confirm_backdate=True,
        )
    client.force_login(senior)

    response = client.get(url("limit_list"))

    rows = re.findall(r"<tr>(.*?)</tr>", response.content.decode(), re.S)
    in_force = [page_text_of(row) for row in rows if "In force" in row]
    assert len(in_force) == 2
    assert any(row.startswith("Team manager £420.00") for row in in_force)
    assert any(row.startswith("Senior manager £700.00") for row in in_force)
    assert len(rows) == 4  # the header and three limits, the ended one kept
