"""Plan and review steps through the one workflow helper: the row is checked as it is
now (under lock), every step is audited, reviews have their own allowed and refused
steps, and a replaced or closed plan's reviews are cancelled as steps too."""

from decimal import Decimal

import pytest
from django.utils import timezone

from careplans import services
from careplans.models import CarePlan, Review
from sites.models import AuditEvent
from tests.helpers import refused, reload
from tests.plan_factories import approved_plan, limits, plan_in_status

S = CarePlan.Status
R = Review.Status

pytestmark = pytest.mark.usefixtures("unscoped")


@pytest.fixture
def site_limits(site_a, senior):
    limits(site_a, senior)


@pytest.fixture
def approved(site_a, officer, manager, site_limits):
    return approved_plan(site_a, officer, manager)


def events(obj):
    return list(
        AuditEvent.objects.filter(
            kind=AuditEvent.Kind.TRANSITION, object_code=str(obj.code)
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_review_cancelled_after_it_was_loaded_cannot_be_started(approved, officer):
    review = approved.reviews.get()  # loaded while still scheduled
    Review.objects.filter(pk=review.pk).update(status=R.CANCELLED)
    assert review.status == R.SCHEDULED  # the caller's copy is out of date

    refused("review_closed", services.start_review, review, by=officer)

    assert reload(approved).status == S.APPROVED
    assert "Review started" not in events(approved)


def test_a_plan_closed_after_it_was_loaded_cannot_be_signed_off(
    site_a, officer, manager, site_limits
):
    plan = plan_in_status(
        S.AWAITING_SIGN_OFF, site=site_a, officer=officer, manager=manager
    )
    CarePlan.objects.filter(pk=plan.pk).update(status=S.DRAFT)
    assert plan.status == S.AWAITING_SIGN_OFF

    refused("transition_not_allowed", services.sign_off_plan, plan, by=manager)

    assert reload(plan).approved_at is None


@pytest.mark.parametrize("status", R.values)
def test_a_review_is_recorded_only_while_it_is_scheduled(approved, officer, status):
    review = approved.reviews.get()
    services.start_review(review, by=officer)
    Review.objects.filter(pk=review.pk).update(status=status)
    served = services.plan_outcomes(approved).filter(responses__plan=approved)
    ratings = dict.fromkeys(served.distinct(), ("fully", ""))

    if status == R.SCHEDULED:
        done, _ = services.complete_review(
            review, by=officer, ratings=ratings, result=Review.Result.NO_CHANGE
        )
        assert (done.status, done.completed_by) == (R.COMPLETED, officer)
        assert events(done) == ["Review recorded"]
    else:
        refused(
            "review_closed",
            services.complete_review,
            review,
            by=officer,
            ratings=ratings,
            result=Review.Result.NO_CHANGE,
        )
        assert reload(review).status == status
        assert reload(approved).status == S.UNDER_REVIEW


def test_a_review_result_that_is_not_one_of_the_choices_is_refused(approved, officer):
    review = approved.reviews.get()
    services.start_review(review, by=officer)

    refused(
        "result",
        services.complete_review,
        review,
        by=officer,
        ratings={},
        result="whatever",
    )

    assert reload(review).status == R.SCHEDULED
    assert reload(approved).status == S.UNDER_REVIEW


def test_closing_a_plan_cancels_its_open_review_as_a_step_of_the_review(
    approved, officer
):
    review = approved.reviews.get()

    services.close_plan(approved, by=officer, reason="Moved to live with family.")

    assert reload(review).status == R.CANCELLED
    assert events(review) == ["Review cancelled"]


def test_approving_a_new_version_replaces_the_old_one_as_a_step_of_the_old_one(
    approved, officer, manager
):
    old_review = approved.reviews.get()
    revision = services.revise_plan(approved, by=officer)
    services.save_response(
        revision,
        by=officer,
        outcomes=list(services.plan_outcomes(revision)),
        description="Takeaway on Fridays",
        kind="flexible",
        times=1,
        period="week",
        unit_cost=Decimal("12.00"),
    )
    revision = services.submit_plan(revision, by=officer)
    services.approve_plan_by_panel(
        revision, by=manager, authorised_weekly=Decimal("32.00")
    )

    old = reload(approved)
    assert old.status == S.CLOSED
    assert old.closed_reason == "Replaced by version 2."
    assert old.closed_at is not None
    assert events(old)[-1] == "Plan replaced by a new version"
    assert reload(old_review).status == R.CANCELLED
    assert events(old_review) == ["Review cancelled"]


def test_an_unchanged_revision_keeps_the_approver_and_records_who_submitted_it(
    approved, officer, manager
):
    revision = services.revise_plan(approved, by=officer)
    before = timezone.now()

    revision = services.submit_plan(revision, by=officer)

    assert revision.status == S.APPROVED
    assert revision.route == CarePlan.Route.UNCHANGED
    assert (revision.approved_by, revision.submitted_by) == (manager, officer)
    assert before <= revision.submitted_at <= timezone.now()
    assert before <= revision.approved_at <= timezone.now()
    assert events(revision)[-1] == "Plan submitted: approved unchanged"
    assert reload(approved).status == S.CLOSED


@pytest.mark.parametrize("status", [S.DRAFT, S.AWAITING_SIGN_OFF, S.CLOSED])
def test_a_new_version_is_drafted_only_from_an_approved_plan(
    site_a, officer, manager, site_limits, status
):
    plan = plan_in_status(status, site=site_a, officer=officer, manager=manager)

    refused("transition_not_allowed", services.revise_plan, plan, by=officer)

    assert not plan.revisions.exists()
