"""Reviews set the next review (issue 10, item 14): the reviewer chooses when, by
default as the site's policy says, "again in 3 months" included, never later than
the policy allows."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from careplans import services
from careplans.models import Review
from tests.helpers import url
from tests.plan_factories import approved_plan, limits

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(
        datetime(2027, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    ),
]


@pytest.fixture
def under_review(site_a, officer, manager, senior):
    with scopes_disabled():
        limits(site_a, senior)
        plan = approved_plan(site_a, officer, manager)
        review = plan.reviews.get()
        services.start_review(review, by=officer)
        [outcome] = services.plan_outcomes(plan)
    return plan, review, outcome


def posted(outcome, **review):
    data = {
        f"outcome-{outcome.pk}-rating": "partially",
        f"outcome-{outcome.pk}-person_view": "Better, not perfect.",
        "review-result": Review.Result.NO_CHANGE,
        "review-person_view": "Typed words to keep.",
    }
    data.update({f"review-{k}": v for k, v in review.items()})
    return data


def next_review(plan):
    with scopes_disabled():
        return plan.reviews.get(status=Review.Status.SCHEDULED)


def test_the_form_offers_the_policy_date_first_and_three_months(
    client, officer, under_review
):
    _, review, _ = under_review
    client.force_login(officer)
    html = client.get(url("review_record", review.code)).content.decode()
    assert "When is the next review?" in html
    assert "As the policy says: 10 March 2028" in html
    assert "Again in 3 months" in html


def test_review_again_in_three_months(client, officer, under_review):
    plan, review, outcome = under_review
    client.force_login(officer)
    response = client.post(
        url("review_record", review.code), posted(outcome, next_review="3")
    )
    assert response.status_code == 302
    following = next_review(plan)
    assert following.due_date == date(2027, 6, 10)
    assert following.kind == Review.Kind.EARLIER


def test_by_default_the_next_review_is_the_policys(client, officer, under_review):
    plan, review, outcome = under_review
    client.force_login(officer)
    client.post(
        url("review_record", review.code), posted(outcome, next_review="policy")
    )
    following = next_review(plan)
    assert (following.due_date, following.kind) == (date(2028, 3, 10), "annual")


def test_a_chosen_date_is_used(client, officer, under_review):
    plan, review, outcome = under_review
    client.force_login(officer)
    client.post(
        url("review_record", review.code),
        posted(outcome, next_review="date", next_review_date="2027-09-01"),
    )
    assert next_review(plan).due_date == date(2027, 9, 1)


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ("2029-01-01", "no later than 10 March 2028"),
        ("2027-03-10", "after today"),
        ("", "Enter the date you chose."),
        ("99999-01-01", "Enter a real date"),
    ],
)
def test_a_date_outside_the_policy_is_refused_and_the_typing_kept(
    client, officer, under_review, chosen, message
):
    plan, review, outcome = under_review
    client.force_login(officer)
    response = client.post(
        url("review_record", review.code),
        posted(outcome, next_review="date", next_review_date=chosen),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Typed words to keep." in html
    with scopes_disabled():
        assert plan.reviews.get(pk=review.pk).status == Review.Status.SCHEDULED


def test_the_service_never_schedules_later_than_the_policy(under_review, officer):
    _, review, outcome = under_review
    with scopes_disabled(), pytest.raises(ValidationError) as refused:
        services.complete_review(
            review,
            by=officer,
            ratings={outcome: ("fully", "")},
            result=Review.Result.NO_CHANGE,
            next_review_due=date(2030, 1, 1),
        )
    assert refused.value.code == "next_review"
