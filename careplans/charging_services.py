"""Recording what a person pays (issue 12 item 7). Views, seeding and tests call this."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sites.audit import record_event
from sites.models import AuditEvent
from sites.money import format_gbp

from .charging import (
    EARLIEST_ASSESSMENT,
    LARGEST_WEEKLY_CONTRIBUTION,
    FinancialAssessment,
)

Outcome = FinancialAssessment.Outcome
AMOUNT_TOO_LARGE = (
    "A weekly contribution cannot be more than "
    f"{format_gbp(LARGEST_WEEKLY_CONTRIBUTION)}: check the amount."
)


def contribution_problems(outcome, weekly, assessed_on, *, budget=None) -> dict:
    """{field: message} for a financial assessment's outcome (empty if it may be
    recorded). ``budget`` is the weekly personal budget of the plan it is recorded
    from: a contribution above it is refused (nobody pays more than their budget)."""
    problems = {}
    if outcome == Outcome.CONTRIBUTES:
        if weekly is not None and weekly < 0:
            problems["weekly_contribution"] = "A contribution cannot be below zero."
        elif weekly is None or weekly == 0:
            problems["weekly_contribution"] = (
                "Enter the weekly contribution the financial assessment found, or "
                "choose “Pays nothing”."
            )
        elif weekly > LARGEST_WEEKLY_CONTRIBUTION:
            problems["weekly_contribution"] = AMOUNT_TOO_LARGE
        elif budget is not None and weekly > budget:
            problems["weekly_contribution"] = (
                f"{format_gbp(weekly)} a week is more than the personal budget of "
                f"{format_gbp(budget)} a week, and nobody pays more than their "
                "budget. Correct the amount, or choose “Pays the full cost”."
            )
    if assessed_on is not None:
        if assessed_on > timezone.localdate():
            problems["assessed_on"] = (
                "The financial assessment cannot be dated in the future."
            )
        elif assessed_on < EARLIEST_ASSESSMENT:
            problems["assessed_on"] = (
                "A financial assessment cannot be dated before 1 January 2000."
            )
    return problems


@transaction.atomic
def record_financial_assessment(
    *, person, by, outcome, assessed_on, weekly_contribution=None, budget=None
):
    """Record the outcome of a person's financial assessment: a new row, the latest
    in force. Audited by its public id, never its amount."""
    problems = contribution_problems(
        outcome, weekly_contribution, assessed_on, budget=budget
    )
    if problems:
        raise ValidationError(problems)
    record = FinancialAssessment(
        site=person.site,
        person=person,
        outcome=outcome,
        weekly_contribution=(
            weekly_contribution if outcome == Outcome.CONTRIBUTES else None
        ),
        assessed_on=assessed_on,
        recorded_by=by,
    )
    record.full_clean(exclude=["site", "person", "recorded_by"])
    record.save()
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=person.site,
        obj=record,
        action="Financial assessment recorded",
    )
    return record
