"""A review's outcome letter (issue 12, item 9): what the review found, outcome by
outcome in the person's words, what happens next; only once the review is recorded."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments.letters import Letter
from careplans import services
from careplans.models import Review
from careplans.review_letters import send_review_letter
from sites.models import AuditEvent
from tests.plan_factories import approved_plan, limits

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(
        datetime(2027, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    ),
]


@pytest.fixture
def reviewed(site_a, officer, manager, senior):
    with scopes_disabled():
        limits(site_a, senior)
        plan = approved_plan(site_a, officer, manager)
        review = plan.reviews.get()
        services.start_review(review, by=officer)
        [outcome] = services.plan_outcomes(plan)
        services.complete_review(
            review,
            by=officer,
            ratings={outcome: ("partially", "Better, not perfect.")},
            result=Review.Result.NO_CHANGE,
            person_view="The lunches out are the best part of my week.",
        )
        review.refresh_from_db()
    return plan, review, outcome


def test_the_officer_sends_the_review_letter_from_the_plan(client, officer, reviewed):
    plan, review, outcome = reviewed
    client.force_login(officer)
    page = client.get(reverse("plan_detail", args=["alpha", plan.code])).text
    send = reverse("review_letter_send", args=["alpha", review.code])
    assert send in page
    response = client.post(send)
    assert response.status_code == 302
    assert response["Location"].endswith("#letters")
    with scopes_disabled():
        letter = Letter.objects.get(about_code=review.code)
        assert AuditEvent.objects.filter(
            object_code=str(letter.code), action="Letter sent: review outcome"
        ).exists()
        following = plan.reviews.get(status=Review.Status.SCHEDULED)
    assert letter.person == plan.person
    assert f"• Partly met: “{outcome.in_own_words}”" in letter.body
    assert "The lunches out are the best part of my week." in letter.body
    assert "your plan stays as it is" in letter.body
    assert f"Your next review is due by {following.due_date:%-d %B %Y}." in letter.body
    assert "{" not in letter.body
    person_page = client.get(reverse("person_detail", args=["alpha", plan.person.code]))
    assert letter.subject in person_page.text


def test_no_letter_before_the_review_is_recorded(client, officer, site_a, manager):
    with scopes_disabled():
        limits(site_a, manager)
        plan = approved_plan(site_a, officer, manager)
        review = plan.reviews.get()
    client.force_login(officer)
    response = client.post(reverse("review_letter_send", args=["alpha", review.code]))
    assert response.status_code == 302
    with scopes_disabled():
        assert not Letter.objects.exists()
        with pytest.raises(ValidationError, match="Record the review"):
            send_review_letter(review, by=officer)
