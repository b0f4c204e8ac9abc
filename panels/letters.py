"""The panel decision letter (issue 12, item 9): why the panel decided as it did, the
conditions and the amount authorised, in plain English, to the person whose plan it
was. Made from the site's wording; kept on the person's record and audited through the
letter machinery of ``assessments`` (``legal_services.send_letter``). Sending it
records the day the person was told of the decision, when no day is recorded yet."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments.legal_services import send_letter
from assessments.letters import (
    COMMON_PLACEHOLDERS,
    DEFAULTS,
    PLACEHOLDERS,
    Letter,
    LetterKind,
)
from sites.audit import record_event
from sites.decorators import require_rule
from sites.forms import error_text
from sites.models import AuditEvent
from sites.money import format_gbp
from sites.shortcuts import get_for_site, lock_row

from .models import Decision

KIND = LetterKind.PANEL_DECISION

# What the panel decided, said to the person.
IN_WORDS = {
    Decision.Outcome.APPROVED: "The panel agreed your care and support plan as it "
    "was written.",
    Decision.Outcome.APPROVED_WITH_CONDITIONS: "The panel agreed your care and "
    "support plan, with some conditions. The conditions are set out below.",
    Decision.Outcome.APPROVED_IN_PART: "The panel agreed part of your care and "
    "support plan, or agreed it at a lower amount. What is different is explained "
    "below.",
    Decision.Outcome.DEFERRED: "The panel has not decided yet: it needs more "
    "information first. We will tell you what is needed, and when the panel will "
    "look at your plan again.",
    Decision.Outcome.REFERRED_BACK: "The panel has asked us to look at your plan "
    "again with you before it decides.",
    Decision.Outcome.DECLINED: "The panel did not agree your plan. The reasons are "
    "below. We will talk with you about what happens next.",
}

PLACEHOLDERS[KIND] = {
    "decided_on": "The date the panel decided",
    "decision": "What the panel decided, in one or two sentences",
    "reasons": "The panel's reasons, as recorded",
    "conditions": "The conditions, one to a line (left out when there are none)",
    "amount": "The amount authorised a week, and how it differs from the plan",
    "review_by": "When the support will be reviewed (left out when not set)",
    **COMMON_PLACEHOLDERS,
}
DEFAULTS[KIND] = (
    "The funding panel's decision about your support",
    "{greeting}\n\n"
    "Our funding panel looked at your care and support plan on {decided_on}. This "
    "letter tells you what the panel decided and why.\n\n"
    "{decision}\n\n"
    "Why the panel decided this:\n{reasons}\n\n"
    "{conditions}\n\n"
    "{amount}\n\n"
    "{review_by}\n\n"
    "{review_and_complaints}\n\n"
    "{closing}\n\n{contact}",
)


def _amount(decision, declined):
    if decision.authorised_weekly is None:
        return ""
    words = (
        f"The council will pay up to {format_gbp(decision.authorised_weekly)} a week "
        "towards your support."
    )
    difference = decision.difference_weekly
    if difference < 0:
        words += (
            f" This is {format_gbp(-difference)} a week less than your plan costs "
            f"({format_gbp(decision.plan_weekly)} a week)."
        )
    if declined:
        words += " The panel did not agree: " + "; ".join(
            f"“{r.description}”" for r in declined
        )
        words += "."
    if decision.difference_reason:
        words += f"\n{decision.difference_reason}"
    return words


@transaction.atomic
def send_decision_letter(decision, *, by):
    """The letter telling the person what the panel decided and why."""
    locked = lock_row(decision)
    plan = locked.item.plan
    conditions = [line.strip() for line in locked.conditions.splitlines()]
    conditions = [line for line in conditions if line]
    declined = [
        rd.response
        for rd in locked.responses.select_related("response")
        if not rd.approved
    ]
    decided_on = locked.decided_on or timezone.localtime(locked.created_at).date()
    values = {
        "decided_on": f"{decided_on:%-d %B %Y}",
        "decision": IN_WORDS[locked.outcome],
        "reasons": locked.rationale,
        "conditions": "The conditions:\n" + "\n".join(f"• {c}" for c in conditions)
        if conditions
        else "",
        "amount": _amount(locked, declined),
        "review_by": f"We will review your support by {locked.review_by:%-d %B %Y}."
        if locked.review_by
        else "",
    }
    letter = send_letter(
        person=plan.person, kind=KIND, values=values, by=by, about=locked
    )
    if locked.person_told_on is None:
        # The letter tells them: the day it is made is the day they were told, unless
        # an earlier day was recorded (they may have been rung first).
        locked.person_told_on = timezone.localdate()
        locked.save(update_fields=["person_told_on", "updated_at"])
        record_event(
            kind=AuditEvent.Kind.TRANSITION,
            user=by,
            site=locked.site,
            obj=locked,
            action="Person told of the decision, by letter",
        )
    return letter


def letters_about(decision):
    """The letters sent about this decision, newest first."""

    return list(
        Letter.objects.filter(
            site_id=decision.site_id, kind=KIND, about_code=decision.code
        ).select_related("sent_by")
    )


@require_POST
@require_rule("change_plans")
def decision_letter_send(request, site_slug, code):
    """Make and record the decision letter (and, if not yet recorded, that the person
    was told today); it is printed from the person's page."""
    decision = get_for_site(
        Decision.objects.select_related("item__plan__person"), request.site, code=code
    )
    told_before = decision.person_told_on
    try:
        send_decision_letter(decision, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("decision_detail", site_slug=site_slug, code=code)
    told = (
        ""
        if told_before
        else f" Today, {timezone.localdate():%-d %B %Y}, is recorded as the day the "
        "person was told of the decision."
    )
    messages.success(
        request,
        "The letter is recorded on the person's record. Print it from here." + told,
    )
    return redirect(reverse("decision_detail", args=[site_slug, code]) + "#letters")
