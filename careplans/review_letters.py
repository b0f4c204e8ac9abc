"""A review's outcome letter (issue 12, item 9): what the review found, outcome by
outcome in the person's own words, what happens next and when the next review is due.
Made from the site's wording; kept on the person's record and audited through the
letter machinery of ``assessments`` (``legal_services.send_letter``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments.legal_services import send_letter
from assessments.letters import COMMON_PLACEHOLDERS, DEFAULTS, PLACEHOLDERS, LetterKind
from sites.decorators import require_rule
from sites.forms import error_text
from sites.shortcuts import get_for_site, lock_row

from .models import OutcomeReview, Review

KIND = LetterKind.REVIEW_OUTCOME

RATING_TO_READER = {
    OutcomeReview.Rating.FULLY: "Fully met",
    OutcomeReview.Rating.PARTIALLY: "Partly met",
    OutcomeReview.Rating.NOT_MET: "Not met yet",
}
RESULT_TO_READER = {
    Review.Result.NO_CHANGE: "We agreed that your plan stays as it is.",
    Review.Result.PLAN_CHANGED: "We agreed that your plan needs to change. We will "
    "change it with you, and send you a copy of the new plan.",
    Review.Result.REASSESSMENT: "Your needs have changed, so we will arrange a new "
    "assessment with you.",
}

PLACEHOLDERS[KIND] = {
    "review_kind": "“first review”, “yearly review” or “early review”",
    "review_date": "The date the review was recorded",
    "outcomes": "Each outcome in the person's words and whether it was met, one to "
    "a line",
    "person_view": "What the person told us, as recorded",
    "result": "What happens now, in a sentence",
    "next_review": "When the next review is due (left out when none is scheduled)",
    **COMMON_PLACEHOLDERS,
}
DEFAULTS[KIND] = (
    "Your review: what we found and what happens next",
    "{greeting}\n\n"
    "Thank you for talking with us at your {review_kind} on {review_date}. This "
    "letter sets out what we found together.\n\n"
    "What you wanted, and how it is going:\n{outcomes}\n\n"
    "What you told us:\n{person_view}\n\n"
    "{result}\n\n"
    "{next_review}\n\n"
    "{review_and_complaints}\n\n"
    "{closing}\n\n{contact}",
)


@transaction.atomic
def send_review_letter(review, *, by):
    """The letter telling the person what their review found."""
    locked = lock_row(review)
    if locked.status != Review.Status.COMPLETED:
        raise ValidationError(
            "Record the review before sending its letter.", code="review_not_recorded"
        )
    plan = locked.plan
    ratings = locked.ratings.select_related("desired_outcome")
    outcomes = "\n".join(
        f"• {RATING_TO_READER[r.rating]}: “{r.desired_outcome.in_own_words}”"
        for r in ratings
    )
    following = (
        Review.objects.filter(site=locked.site, plan=plan)
        .open()
        .order_by("due_date")
        .first()
    )
    values = {
        "review_kind": locked.get_kind_display().lower(),
        "review_date": f"{timezone.localtime(locked.completed_at):%-d %B %Y}",
        "outcomes": outcomes or "• None recorded.",
        "person_view": locked.person_view or "Nothing recorded.",
        "result": RESULT_TO_READER.get(locked.result, ""),
        "next_review": f"Your next review is due by {following.due_date:%-d %B %Y}."
        if following
        else "",
    }
    return send_letter(
        person=plan.person, kind=KIND, values=values, by=by, about=locked
    )


@require_POST
@require_rule("record_reviews")
def review_letter_send(request, site_slug, code):
    """Make and record the review's outcome letter; it is printed from the person's
    page."""
    review = get_for_site(
        Review.objects.select_related("plan__person"), request.site, code=code
    )
    try:
        send_review_letter(review, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("plan_detail", site_slug=site_slug, code=review.plan.code)
    messages.success(
        request,
        "The letter is recorded on the person's record. Print it from their page.",
    )
    url = reverse("person_detail", args=[site_slug, review.plan.person.code])
    return redirect(f"{url}#letters")
