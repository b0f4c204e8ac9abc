"""Care-plan services after approval: new versions (what they copy, how they are
compared and routed again), reviews (started, rated, recorded once) and closing."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from careplans import services, versions
from careplans.models import (
    CarePlan,
    OutcomeReview,
    PlanDecision,
    Response,
    Review,
)
from tests.helpers import refused, reload, transitions
from tests.plan_factories import (
    add_response,
    approved_plan,
    draft_plan,
    limits,
)

S = CarePlan.Status


@pytest.fixture
def site_limits(site_a, senior, unscoped):
    """Team manager up to £350 a week, senior manager up to £700."""
    limits(site_a, senior)


# --- Versions -------------------------------------------------------------------------


@pytest.fixture
def approved(site_a, officer, manager, site_limits):
    """An approved plan with two responses, one serving each of two outcomes."""
    plan = draft_plan(site_a, officer, outcomes=2)
    first, second = services.plan_outcomes(plan)
    add_response(plan, officer, cost="20.00", outcomes=[first], description="Meals")
    add_response(
        plan, officer, cost="15.00", outcomes=[first, second], description="Shopping"
    )
    services.update_plan(
        plan,
        by=officer,
        expected_version=reload(plan).version,
        person_views="We want to eat together.",
    )
    plan = services.submit_plan(plan, by=officer)
    return services.sign_off_plan(plan, by=manager)


def outcome_links(plan):
    return {(r.lineage, o.pk) for r in plan.responses.all() for o in r.outcomes.all()}


def test_a_new_version_copies_the_responses_and_what_they_serve_as_a_draft(
    approved, officer
):
    revision = services.revise_plan(approved, by=officer)

    assert revision.status == S.DRAFT
    assert revision.version_number == 2
    assert revision.previous == approved
    assert revision.person == approved.person
    assert revision.start_date == approved.start_date
    assert revision.person_views == "We want to eat together."
    old = list(approved.responses.all())
    new = list(revision.responses.all())
    assert [r.lineage for r in new] == [r.lineage for r in old]
    assert [r.description for r in new] == ["Meals", "Shopping"]
    assert [r.unit_cost for r in new] == [r.unit_cost for r in old]
    assert {r.code for r in new}.isdisjoint({r.code for r in old})
    assert outcome_links(revision) == outcome_links(approved)
    assert len(outcome_links(revision)) == 3
    assert reload(approved).status == S.APPROVED
    assert transitions(revision)[-1].action == "Version 2 drafted"


def test_a_plan_has_only_one_next_version(approved, officer):
    services.revise_plan(approved, by=officer)

    refused("already_revised", services.revise_plan, approved, by=officer)


def test_an_abandoned_new_version_does_not_block_the_next_one(approved, officer):
    abandoned = services.revise_plan(approved, by=officer)
    services.close_plan(abandoned, by=officer, reason="Started by mistake; not needed.")

    again = services.revise_plan(reload(approved), by=officer)

    assert again.version_number == 2
    assert again.previous == approved
    assert reload(approved).status == S.APPROVED


def test_approving_a_new_version_closes_the_previous_and_cancels_its_reviews(
    approved, officer, senior
):
    revision = services.revise_plan(approved, by=officer)
    add_response(revision, officer, cost="5.00", description="Taxi to the café")
    revision = services.submit_plan(revision, by=officer)
    assert reload(approved).status == S.APPROVED

    services.sign_off_plan(revision, by=senior)

    previous = reload(approved)
    assert previous.status == S.CLOSED
    assert previous.closed_at is not None
    assert previous.closed_reason == "Replaced by version 2."
    assert set(previous.reviews.values_list("status", flat=True)) == {
        Review.Status.CANCELLED
    }
    assert reload(revision).reviews.get().status == Review.Status.SCHEDULED


def test_comparing_versions_reports_added_removed_and_changed_responses(
    approved, officer
):
    revision = services.revise_plan(approved, by=officer)
    meals, shopping = revision.responses.all()
    services.remove_response(
        revision, meals, by=officer, expected_version=meals.version
    )
    add_response(
        revision,
        officer,
        response=shopping,
        cost="18.00",
        outcomes=list(shopping.outcomes.all()),
        description="Shopping",
    )
    add_response(revision, officer, cost="22.00", description="Takeaway on Fridays")

    changes = versions.compare_versions(
        list(approved.responses.all()), list(reload(revision).responses.all())
    )

    summary = {(c["kind"], c["response"].description) for c in changes}
    assert summary == {
        ("removed", "Meals"),
        ("changed", "Shopping"),
        ("added", "Takeaway on Fridays"),
    }
    [changed] = [c for c in changes if c["kind"] == "changed"]
    assert {(f["label"], f["before"], f["after"]) for f in changed["fields"]} == {
        ("Cost each time", "£15.00", "£18.00"),
        ("Weekly cost", "£15.00", "£18.00"),
    }


def test_comparing_a_version_with_itself_finds_no_change(approved, officer):
    revision = services.revise_plan(approved, by=officer)

    assert (
        versions.compare_versions(
            list(approved.responses.all()), list(revision.responses.all())
        )
        == []
    )


def test_a_version_with_the_same_cost_and_kinds_but_another_provision_is_routed_again(
    approved, officer
):
    """Issue 10 item 7: what is provided changed, so the approval does not carry
    over, even though the weekly cost and the kinds of response are the same."""
    revision = services.revise_plan(approved, by=officer)
    meals = revision.responses.first()
    add_response(
        revision,
        officer,
        response=meals,
        outcomes=list(meals.outcomes.all()),
        cost="20.00",
        description="Meals with a different provider",
    )

    revision = services.submit_plan(revision, by=officer)

    assert revision.status == S.AWAITING_SIGN_OFF
    assert revision.route == CarePlan.Route.SIGN_OFF
    assert reload(approved).status == S.APPROVED


def test_a_version_with_nothing_material_changed_is_approved_unchanged(
    approved, officer
):
    revision = services.revise_plan(approved, by=officer)

    revision = services.submit_plan(revision, by=officer)

    assert revision.status == S.APPROVED
    assert revision.route == CarePlan.Route.UNCHANGED
    assert revision.authorised_weekly == approved.authorised_weekly
    assert revision.decisions.first().kind == PlanDecision.Kind.APPROVED_UNCHANGED
    assert revision.reviews.get().kind == Review.Kind.FIRST
    assert reload(approved).status == S.CLOSED
    assert transitions(revision)[-1].action == "Plan submitted: approved unchanged"


def test_a_version_that_costs_more_is_routed_again(approved, officer):
    revision = services.revise_plan(approved, by=officer)
    add_response(revision, officer, cost="5.00", description="Taxi to the café")

    revision = services.submit_plan(revision, by=officer)

    assert revision.status == S.AWAITING_SIGN_OFF
    assert revision.route == CarePlan.Route.SIGN_OFF
    assert reload(approved).status == S.APPROVED


def test_a_version_with_the_same_cost_but_a_new_kind_is_routed_again(approved, officer):
    revision = services.revise_plan(approved, by=officer)
    meals = revision.responses.first()
    add_response(
        revision,
        officer,
        response=meals,
        outcomes=list(meals.outcomes.all()),
        kind=Response.Kind.FLEXIBLE,
        cost="20.00",
    )

    revision = services.submit_plan(revision, by=officer)

    assert revision.status == S.AWAITING_PANEL


# --- Reviews --------------------------------------------------------------------------


def test_starting_a_review_puts_the_plan_under_review(approved, officer):
    services.start_review(approved.reviews.get(), by=officer)

    assert reload(approved).status == S.UNDER_REVIEW
    assert transitions(approved)[-1].action == "Review started"
    assert transitions(approved)[-1].user == officer


def test_a_review_that_is_not_open_cannot_be_started(approved, officer):
    review = approved.reviews.get()
    Review.objects.filter(pk=review.pk).update(status=Review.Status.CANCELLED)

    refused("review_closed", services.start_review, reload(review), by=officer)
    assert reload(approved).status == S.APPROVED


def ratings_for(plan, *ratings):
    outcomes = list(services.plan_outcomes(plan).order_by("priority", "position", "pk"))
    return {
        o: (r, f"About outcome {i}")
        for i, (o, r) in enumerate(zip(outcomes, ratings, strict=False))
    }


R = OutcomeReview.Rating


def test_a_review_needs_a_rating_for_every_outcome_the_plan_serves(approved, officer):
    review = approved.reviews.get()
    services.start_review(review, by=officer)

    refused(
        "ratings_incomplete",
        services.complete_review,
        review,
        by=officer,
        ratings=ratings_for(approved, R.FULLY),
        result=Review.Result.NO_CHANGE,
    )

    assert not OutcomeReview.objects.filter(review=review).exists()
    assert reload(review).status == Review.Status.SCHEDULED
    assert reload(approved).status == S.UNDER_REVIEW


def test_a_rating_for_an_outcome_the_plan_does_not_serve_is_refused(
    approved, officer, site_a
):
    review = approved.reviews.get()
    services.start_review(review, by=officer)
    elsewhere = services.plan_outcomes(draft_plan(site_a, officer)).get()
    ratings = ratings_for(approved, R.FULLY, R.FULLY)
    ratings[elsewhere] = (R.NOT_MET, "Someone else's words")

    refused(
        "outcome",
        services.complete_review,
        review,
        by=officer,
        ratings=ratings,
        result=Review.Result.NO_CHANGE,
    )

    assert not OutcomeReview.objects.filter(desired_outcome=elsewhere).exists()
    assert reload(review).status == Review.Status.SCHEDULED


def test_a_rating_must_be_fully_partially_or_not_met(approved, officer):
    review = approved.reviews.get()
    services.start_review(review, by=officer)

    refused(
        "rating",
        services.complete_review,
        review,
        by=officer,
        ratings=ratings_for(approved, R.FULLY, "mostly"),
        result=Review.Result.NO_CHANGE,
    )
    assert not OutcomeReview.objects.filter(review=review).exists()


# A year on from 10 March 2027 crosses 29 February 2028: 366 days, one calendar year.
@pytest.mark.time_machine(
    datetime(2027, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/London"))
)
def test_a_completed_review_records_each_outcome_and_schedules_the_next(
    approved, officer
):
    review = approved.reviews.get()
    services.start_review(review, by=officer)
    ratings = ratings_for(approved, R.FULLY, R.PARTIALLY)
    before = timezone.now()

    done, revision = services.complete_review(
        review,
        by=officer,
        ratings=ratings,
        result=Review.Result.NO_CHANGE,
        person_view="Lunch out is the best part of the week.",
        notes="Keep as it is.",
    )

    assert revision is None
    done = reload(done)
    assert done.status == Review.Status.COMPLETED
    assert done.result == Review.Result.NO_CHANGE
    assert done.completed_by == officer
    assert before <= done.completed_at <= timezone.now()
    assert done.person_view == "Lunch out is the best part of the week."
    stored = {
        (r.desired_outcome_id, r.rating, r.person_view) for r in done.ratings.all()
    }
    assert stored == {(o.pk, r, view) for o, (r, view) in ratings.items()}
    assert reload(approved).status == S.APPROVED
    following = approved.reviews.get(status=Review.Status.SCHEDULED)
    assert following.kind == Review.Kind.ANNUAL
    assert following.due_date == date(2028, 3, 10)
    assert transitions(approved)[-1].action == "Review recorded: no change to the plan"


def test_an_outcome_can_be_recorded_as_not_met(approved, officer):
    review = approved.reviews.get()
    services.start_review(review, by=officer)

    services.complete_review(
        review,
        by=officer,
        ratings=ratings_for(approved, R.NOT_MET, R.PARTIALLY),
        result=Review.Result.REASSESSMENT,
    )

    assert sorted(review.ratings.values_list("rating", flat=True)) == [
        R.NOT_MET,
        R.PARTIALLY,
    ]


def test_a_review_that_changes_the_plan_drafts_the_next_version(approved, officer):
    review = approved.reviews.get()
    services.start_review(review, by=officer)

    _, revision = services.complete_review(
        review,
        by=officer,
        ratings=ratings_for(approved, R.PARTIALLY, R.NOT_MET),
        result=Review.Result.PLAN_CHANGED,
    )

    assert revision.status == S.DRAFT
    assert revision.previous == approved
    assert revision.version_number == 2
    assert reload(approved).status == S.APPROVED


def test_a_review_cannot_be_recorded_before_it_is_started(approved, officer):
    refused(
        "transition_not_allowed",
        services.complete_review,
        approved.reviews.get(),
        by=officer,
        ratings=ratings_for(approved, R.FULLY, R.FULLY),
        result=Review.Result.NO_CHANGE,
    )


def test_a_review_is_recorded_only_once(approved, officer):
    review = approved.reviews.get()
    services.start_review(review, by=officer)
    ratings = ratings_for(approved, R.FULLY, R.FULLY)
    services.complete_review(
        review, by=officer, ratings=ratings, result=Review.Result.NO_CHANGE
    )

    refused(
        "review_closed",
        services.complete_review,
        review,
        by=officer,
        ratings=ratings,
        result=Review.Result.NO_CHANGE,
    )
    assert review.ratings.count() == 2


# --- Closing --------------------------------------------------------------------------


def test_closing_a_plan_needs_a_reason(approved, officer):
    refused("reason_required", services.close_plan, approved, by=officer, reason=" ")

    assert reload(approved).status == S.APPROVED


def test_closing_a_plan_records_why_and_cancels_its_open_reviews(approved, officer):
    before = timezone.now()

    services.close_plan(approved, by=officer, reason="Moved to live with family.")

    plan = reload(approved)
    assert plan.status == S.CLOSED
    assert before <= plan.closed_at <= timezone.now()
    assert plan.closed_reason == "Moved to live with family."
    assert plan.reviews.get().status == Review.Status.CANCELLED
    decision = plan.decisions.first()
    assert (decision.kind, decision.by) == (PlanDecision.Kind.CLOSED, officer)
    assert transitions(plan)[-1].action == "Plan closed"


@pytest.mark.usefixtures("site_limits")
def test_an_approved_plan_helper_goes_through_panel_when_it_must(
    site_a, officer, chair
):
    plan = approved_plan(site_a, officer, chair, (("flexible", "30.00", 1),))

    assert plan.status == S.APPROVED
    assert plan.approved_by == chair
