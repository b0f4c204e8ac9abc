"""Dates move by the calendar: a year back from 29 February, a month on from 31 January,
half a year on from 31 December. Time is frozen in every test here."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from careplans import services
from careplans.forms import PlanForm
from careplans.models import CarePlan, Review, ReviewPolicy
from tests.helpers import reload, url
from tests.plan_factories import approved_plan, draft_plan, limits

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
STALE_START = "The start date is more than a year ago."


def at(day, hour=10):
    """A moment on ``day`` in the site's time zone, for time_machine."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


# --- A plan's start: at most a calendar year ago --------------------------------------


@pytest.fixture
def draft(site_a, officer):
    with scopes_disabled():
        return draft_plan(site_a, officer)


def post_start(client, plan, start):
    return client.post(
        url("plan_edit", plan.code),
        {
            "version": str(reload(plan).version),
            "start_date": start.isoformat(),
            "person_views": "We want lunch out together.",
        },
    )


@pytest.mark.time_machine(at(date(2028, 2, 29)))
def test_on_29_february_a_plan_may_start_on_28_february_last_year(
    client, officer, draft
):
    client.force_login(officer)

    response = post_start(client, draft, date(2027, 2, 28))

    assert response.status_code == 302
    assert reload(draft).start_date == date(2027, 2, 28)


@pytest.mark.time_machine(at(date(2028, 2, 29)))
def test_on_29_february_an_older_start_is_refused_and_the_typing_kept(
    client, officer, draft
):
    client.force_login(officer)

    response = post_start(client, draft, date(2027, 2, 27))

    assert response.status_code == 200
    assert response.context["form"].errors["start_date"] == [STALE_START]
    assert "We want lunch out together." in response.content.decode()
    assert reload(draft).person_views == ""


@pytest.mark.parametrize(
    ("today", "earliest"),
    [
        (date(2028, 2, 29), date(2027, 2, 28)),  # leap day: no 29 February last year
        (date(2028, 3, 1), date(2027, 3, 1)),
        (date(2027, 12, 31), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2026, 1, 1)),
        (date(2029, 2, 28), date(2028, 2, 28)),
    ],
)
def test_the_earliest_start_is_the_same_day_a_calendar_year_ago(
    time_machine, today, earliest
):
    time_machine.move_to(at(today))

    on_time = PlanForm({"start_date": earliest.isoformat()}, instance=CarePlan())
    too_early = PlanForm(
        {"start_date": (earliest - timedelta(days=1)).isoformat()},
        instance=CarePlan(),
    )

    assert "start_date" not in on_time.errors
    assert too_early.errors["start_date"] == [STALE_START]


# --- Later reviews: calendar months after the last one --------------------------------


@pytest.fixture
def under_review(site_a, officer, manager, senior):
    with scopes_disabled():
        limits(site_a, senior)
        plan = approved_plan(site_a, officer, manager)
        review = plan.reviews.get()
        services.start_review(review, by=officer)
    return plan, review


@pytest.mark.parametrize(
    ("months", "completed_on", "next_due"),
    [
        (1, date(2027, 1, 31), date(2027, 2, 28)),  # no 31 February: its last day
        (1, date(2028, 1, 31), date(2028, 2, 29)),  # ... in a leap year, the 29th
        (6, date(2026, 12, 31), date(2027, 6, 30)),
        (12, date(2027, 3, 10), date(2028, 3, 10)),  # across a 29 February
        (12, date(2028, 2, 29), date(2029, 2, 28)),
        (3, date(2027, 8, 31), date(2027, 11, 30)),
    ],
)
def test_the_next_review_is_due_calendar_months_after_a_review(
    time_machine, under_review, officer, months, completed_on, next_due
):
    plan, review = under_review
    with scopes_disabled():
        ReviewPolicy.objects.update_or_create(
            site=plan.site, defaults={"later_review_months": months}
        )
        ratings = dict.fromkeys(services.plan_outcomes(plan), ("fully", ""))
    time_machine.move_to(at(completed_on))

    with scopes_disabled():
        services.complete_review(
            review, by=officer, ratings=ratings, result=Review.Result.NO_CHANGE
        )
        following = plan.reviews.get(status=Review.Status.SCHEDULED)

    assert timezone.localdate() == completed_on
    assert following.kind == Review.Kind.ANNUAL
    assert following.due_date == next_due
