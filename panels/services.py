"""Running a panel: agendas, meetings, decisions with reasons, chair's action.

A decision acts on the plan only through the care plans services, so the plan's own
rules (states, reviews, history) stay in one place.
"""

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from careplans import services as plan_services
from careplans.models import CarePlan, plan_costs
from careplans.routing import conflict_of_interest
from sites.audit import record_event
from sites.models import AuditEvent, Notification
from sites.money import MAX_AMOUNT, format_gbp, too_much_message
from sites.notify import notify
from sites.text import shorten
from sites.workflow import apply, can_take, lock, transition

from .models import (
    Attendance,
    Decision,
    DecisionPresence,
    DeclaredInterest,
    Panel,
    PanelItem,
    PanelMeeting,
    ResponseDecision,
)

PLAN = CarePlan.WORKFLOW
MEETING = PanelMeeting.WORKFLOW

MIN_RATIONALE_WORDS = 4
MIN_URGENCY_WORDS = 4
# How far ahead a panel may ask for a review: reviews are at least yearly anyway.
REVIEW_BY_WINDOW = relativedelta(years=1)
# How far ahead a meeting may be scheduled or moved to.
MEETING_WINDOW = relativedelta(years=2)
VOTING = {Attendance.Role.CHAIR, Attendance.Role.MEMBER}


def _audit(obj, by, action, site=None):
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=site or obj.site,
        obj=obj,
        action=action,
    )


@transaction.atomic
def schedule_meeting(*, panel, starts_at, place, by):
    meeting = PanelMeeting.objects.create(
        site=panel.site, panel=panel, starts_at=starts_at, place=place
    )
    _audit(meeting, by, "Meeting scheduled")
    return meeting


def _open_item_for(plan):
    return (
        PanelItem.objects.filter(plan=plan)
        .undecided()
        .select_related("meeting")
        .first()
    )


@transaction.atomic
def add_item(*, meeting, plan, question, by):
    """Put a plan marked 'needs panel' on a meeting's agenda."""
    plan = lock(plan, PLAN.put_on_agenda)
    # Re-read the meeting too: it may have closed since the caller loaded it.
    meeting = lock(meeting, MEETING.take_items)
    existing = _open_item_for(plan)
    if existing is not None:
        raise ValidationError(
            "This plan is already on the agenda of the meeting of "
            f"{timezone.localtime(existing.meeting.starts_at):%d %B %Y}. Move it instead.",
            code="already_on_agenda",
        )
    if not question.strip():
        raise ValidationError("Write the question put to the panel.", code="question")
    position = meeting.items.count() + 1
    item = PanelItem.objects.create(
        site=meeting.site,
        meeting=meeting,
        panel_id=meeting.panel_id,
        plan=plan,
        question=question,
        position=position,
        added_by=by,
    )
    _audit(item, by, "Added to the agenda")
    return item


@transaction.atomic
def move_item(item, *, to, by):
    """Move an undecided item to a later meeting."""
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of an outer
    # join, and an item's meeting is nullable (chair's action).
    item = (
        PanelItem.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=item.pk)
    )
    to = lock(to)
    if hasattr(item, "decision"):
        raise ValidationError("A decided item cannot be moved.", code="decided")
    if not can_take(to, MEETING.take_items) or to.pk == item.meeting_id:
        raise ValidationError(
            "Choose another meeting that is not closed.", code="meeting"
        )
    if to.panel_id != item.meeting.panel_id:
        raise ValidationError("Choose a meeting of the same panel.", code="meeting")
    if to.starts_at <= item.meeting.starts_at:
        raise ValidationError("Choose a later meeting.", code="meeting")
    item.moved_from = item.meeting
    item.meeting = to
    item.panel_id = to.panel_id
    item.position = to.items.count() + 1
    item.save()
    _audit(item, by, "Moved to another meeting")
    return item


@transaction.atomic
def open_meeting(meeting, *, by, present):
    """Scheduled -> in session, recording who is present (a quorum must be)."""
    meeting = lock(meeting, MEETING.open)
    day = meeting_day(meeting)
    if day != timezone.localdate():
        raise ValidationError(
            f"This meeting is on {_date(day)}: it is opened on that day. To hold it "
            "on another day, move it first (the change is recorded).",
            code="not_today",
        )
    panel = meeting.panel
    members = {m.user_id: m for m in panel.members.all()}
    present_ids = {u.pk for u in present}
    voting_present = [
        uid for uid in present_ids if uid == panel.chair_id or uid in members
    ]
    if len(voting_present) < panel.quorum:
        raise ValidationError(
            f"The panel is not quorate: {len(voting_present)} voting member(s) present, "
            f"{panel.quorum} needed.",
            code="quorum",
        )
    for user_id in {panel.chair_id, *members, *present_ids}:
        role = (
            Attendance.Role.CHAIR
            if user_id == panel.chair_id
            else Attendance.Role.MEMBER
            if user_id in members
            else Attendance.Role.PRESENTING
        )
        Attendance.objects.update_or_create(
            meeting=meeting,
            user_id=user_id,
            defaults={
                "site": meeting.site,
                "role": role,
                "present": user_id in present_ids,
            },
        )
    return apply(meeting, MEETING.open, by=by)


def meeting_day(meeting):
    """The day a meeting is held, in local time."""
    return timezone.localtime(meeting.starts_at).date()


def _date(day):
    return f"{day.day} {day:%B %Y}"


def meeting_date_problem(starts_at):
    """Why a meeting cannot be on ``starts_at`` (empty if it can): not before today,
    not more than two years ahead."""
    day = timezone.localtime(starts_at).date()
    today = timezone.localdate()
    if day < today:
        return "A meeting cannot be moved or set to a day in the past."
    if day > today + MEETING_WINDOW:
        return "Choose a date within the next two years."
    return ""


@transaction.atomic
def reschedule_meeting(meeting, *, starts_at, reason, by):
    """Move a scheduled meeting to another date or time: an explicit change, with
    the reason, recorded in the audit trail."""
    meeting = lock(meeting, MEETING.reschedule)
    errors = {}
    problem = meeting_date_problem(starts_at)
    if problem:
        errors["starts_at"] = problem
    elif starts_at == meeting.starts_at:
        errors["starts_at"] = "That is when the meeting already is."
    if len((reason or "").split()) < 3:
        errors["reason"] = "Say why the meeting is moved, in a few words."
    if errors:
        raise ValidationError(errors)
    before = meeting.starts_at
    meeting.starts_at = starts_at
    meeting.save(update_fields=["starts_at", "updated_at"])
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=meeting.site,
        obj=meeting,
        action="Meeting moved",
        details={
            "was": timezone.localtime(before).isoformat(),
            "now": timezone.localtime(starts_at).isoformat(),
            "reason": reason,
        },
    )
    return meeting


@transaction.atomic
def close_meeting(meeting, *, by):
    """In session -> closed; chair's actions not yet reported to a meeting are
    reported to this one."""
    meeting = transition(meeting, MEETING.close, by=by)
    Decision.objects.filter(
        site=meeting.site,
        item__panel=meeting.panel_id,
        chairs_action=True,
        reported_at__isnull=True,
    ).update(reported_at=meeting)
    return meeting


def may_decide(item, user):
    """(allowed, reason): the chair, or a member present at the meeting; never
    anyone who wrote or changed the plan, has the person on their caseload, or
    declared an interest in the item."""
    why = conflict_of_interest(item.plan, user, doing="decides on")
    if why:
        return False, why
    # item.interests.all(): prefetched by the agenda page, so no query per item.
    if any(i.user_id == user.pk for i in item.interests.all()):
        return False, (
            "You declared an interest in this item, so you take no part in its "
            "decision."
        )
    meeting = item.meeting
    if meeting is None:
        return False, "Use chair's action for a decision between meetings."
    if not can_take(meeting, MEETING.decide):
        return False, "Decisions are recorded while the meeting is in session."
    if user.pk == meeting.panel.chair_id:
        return True, ""
    # meeting.attendance.all(), not a filtered query: the agenda page prefetches the
    # attendance once, so checking each item costs no query.
    if any(
        a.user_id == user.pk and a.present and a.role in VOTING
        for a in meeting.attendance.all()
    ):
        return True, ""
    return False, "Only the chair or a panel member present at the meeting can decide."


def funded(responses):
    """The responses the panel can approve or decline (those that cost something)."""
    return [r for r in responses if r.is_funded]


def decision_problems(
    outcome,
    rationale,
    conditions,
    authorised_weekly,
    review_by,
    *,
    responses=None,
    declined=(),
    difference_reason="",
):
    """{field: message} for a decision that breaks the panel's rules (empty if none).

    With the plan's ``responses``, the amount is checked against the plan: less than
    it costs (or any response ``declined``) is not an approval of the plan as
    written, and is recorded as "approved in part or at a lower amount" with the
    difference named; more than it costs needs a reason.
    """
    errors = {}
    if outcome not in Decision.Outcome.values:
        # Any other value would fall through to "declined" in _apply.
        errors["outcome"] = "Choose one of the panel's decisions."
    if len(rationale.split()) < MIN_RATIONALE_WORDS:
        errors["rationale"] = (
            "Write the reasons for the decision in a sentence or more: the person and "
            "the officer are entitled to know why."
        )
    if outcome == Decision.Outcome.APPROVED_WITH_CONDITIONS and not conditions.strip():
        errors["conditions"] = "Write the conditions of the approval."
    if outcome in Decision.APPROVALS:
        if authorised_weekly is None:
            errors["authorised_weekly"] = (
                "Enter the weekly amount the panel authorises."
            )
        elif authorised_weekly < 0:
            errors["authorised_weekly"] = "The authorised amount cannot be below zero."
        elif authorised_weekly > MAX_AMOUNT:
            errors["authorised_weekly"] = too_much_message("The authorised amount")
    if review_by is not None and review_by < timezone.localdate():
        errors["review_by"] = "The review date cannot be in the past."
    elif review_by is not None and review_by > timezone.localdate() + REVIEW_BY_WINDOW:
        errors["review_by"] = (
            "Choose a review date within a year: plans are reviewed at least yearly."
        )
    if (
        responses is not None
        and outcome in Decision.APPROVALS
        and "authorised_weekly" not in errors
    ):
        errors.update(
            _amount_problems(
                outcome, authorised_weekly, responses, declined, difference_reason
            )
        )
    return errors


def _amount_problems(outcome, authorised, responses, declined, difference_reason):
    """The authorised amount and any declined responses against the plan's cost."""
    errors = {}
    responses = funded(responses)
    declined = {str(code) for code in declined}
    plan_weekly = plan_costs(responses)["weekly"]
    approved = [r for r in responses if str(r.code) not in declined]
    covered = plan_costs(approved)["weekly"]
    explained = bool((difference_reason or "").strip())
    if responses and not approved:
        errors["outcome"] = (
            "Every response is declined: record the decision as declined, with the "
            "reasons."
        )
        return errors
    if outcome == Decision.Outcome.APPROVED_IN_PART:
        if not declined and authorised >= plan_weekly:
            errors["outcome"] = (
                "Nothing is declined and the plan's full cost is authorised: choose "
                "“Approved” or “Approved with conditions”."
            )
        elif authorised > covered:
            errors["authorised_weekly"] = (
                f"The responses approved cost {format_gbp(covered)} a week: the panel "
                "cannot authorise more than that for them."
            )
        if not explained:
            errors["difference_reason"] = (
                "Say what differs from the plan and why, so the officer can revise "
                "the plan to fit and the person knows what was agreed."
            )
        return errors
    if declined:
        errors["outcome"] = (
            "Some responses are declined, so the plan is not approved as written: "
            "choose “Approved in part or at a lower amount”."
        )
    elif authorised < plan_weekly:
        errors["authorised_weekly"] = (
            f"The plan costs {format_gbp(plan_weekly)} a week; "
            f"{format_gbp(authorised)} is less, which does not approve it as written. "
            "Choose “Approved in part or at a lower amount” and say what differs, or "
            "refer it back to be revised to fit."
        )
    elif authorised > plan_weekly and not explained:
        errors["difference_reason"] = (
            f"The panel authorises {format_gbp(authorised)} a week, more than the "
            f"plan's cost of {format_gbp(plan_weekly)}: say why."
        )
    return errors


def amount_in_words(decision, declined_responses=()):
    """What the panel authorised against what the plan costs, in a sentence (empty
    for a decision that authorised nothing)."""
    if decision.authorised_weekly is None:
        return ""
    words = f"Authorised {format_gbp(decision.authorised_weekly)} a week"
    difference = decision.difference_weekly
    if difference < 0:
        words += (
            f", {format_gbp(-difference)} less than the plan's cost of "
            f"{format_gbp(decision.plan_weekly)}"
        )
    elif difference > 0:
        words += (
            f", {format_gbp(difference)} more than the plan's cost of "
            f"{format_gbp(decision.plan_weekly)}"
        )
    words += "."
    if declined_responses:
        names = "; ".join(f"“{shorten(r.description, 80)}”" for r in declined_responses)
        words += f" Declined: {names}."
    if decision.difference_reason:
        words += f" {decision.difference_reason}"
    return words


def _apply(decision, plan, by, declined_responses=()):
    """What the decision does to the plan, through the care plans services."""
    outcome = decision.outcome
    words = f"{decision.get_outcome_display()}: {decision.rationale}"
    if decision.conditions:
        words += f" Conditions: {decision.conditions}"
    if decision.is_approval and (
        decision.outcome == Decision.Outcome.APPROVED_IN_PART
        or decision.difference_weekly
    ):
        words += " " + amount_in_words(decision, declined_responses)
    if decision.is_approval:
        plan_services.approve_plan_by_panel(
            plan,
            by=by,
            authorised_weekly=decision.authorised_weekly,
            note=words,
            review_by=decision.review_by,
        )
        kind = Notification.Kind.PLAN_DECIDED
    elif outcome in {Decision.Outcome.DEFERRED, Decision.Outcome.REFERRED_BACK}:
        plan_services.return_plan_from_panel(plan, by=by, reason=words)
        kind = Notification.Kind.PLAN_RETURNED
    else:
        plan_services.close_plan(
            plan, by=by, reason=f"Declined by panel. {decision.rationale}"
        )
        kind = Notification.Kind.PLAN_DECIDED
    notify(
        user=plan.written_by,
        site=plan.site,
        kind=kind,
        message=f"Panel decision on the plan for {plan.person.display_name}: "
        f"{decision.get_outcome_display().lower()}."
        + (
            f" {format_gbp(decision.authorised_weekly)} a week authorised of "
            f"{format_gbp(decision.plan_weekly)}."
            if decision.is_approval and decision.difference_weekly
            else ""
        ),
        link=reverse(
            "decision_detail",
            kwargs={"site_slug": plan.site.slug, "code": decision.code},
        ),
        subject=f"panels.Decision:{decision.code}",
    )


def _snapshot(plan, responses):
    costs = plan_costs(responses)
    waited = timezone.now() - (
        plan.needs_panel_since or plan.submitted_at or timezone.now()
    )
    return {
        "plan_weekly": costs["weekly"],
        "standard_weekly": costs["standard_weekly"],
        "days_waiting": max(waited.days, 0),
    }


@transaction.atomic
def record_decision(
    item,
    *,
    by,
    outcome,
    rationale,
    conditions="",
    authorised_weekly=None,
    review_by=None,
    difference_reason="",
    declined=(),
):
    """Record the panel's decision on an item and act on the plan. One per item: of
    two people deciding at once, the second is refused and told who decided.

    ``declined`` holds the codes of the responses the panel declines (a decision
    per response); the rest of the funded responses are approved."""
    # Lock the item row only (see move_item); the lock serialises two deciders.
    item = (
        PanelItem.objects.select_for_update(of=("self",))
        .select_related(
            "meeting__panel", "plan__person", "plan__written_by", "plan__site"
        )
        .get(pk=item.pk)
    )
    # Permission first: only someone who may decide learns what was decided.
    allowed, why = may_decide(item, by)
    if not allowed:
        raise ValidationError(why, code="not_allowed")
    existing = Decision.objects.filter(item=item).select_related("decided_by").first()
    if existing is not None:
        raise ValidationError(already_decided(existing), code="already_decided")
    return _create_decision(
        item,
        by=by,
        outcome=outcome,
        rationale=rationale,
        conditions=conditions,
        authorised_weekly=authorised_weekly,
        review_by=review_by,
        difference_reason=difference_reason,
        declined=declined,
        chairs_action=False,
    )


def already_decided(decision):
    """What a second decider is told: who decided, when, and what."""
    when = timezone.localtime(decision.created_at)
    return (
        f"{decision.decided_by.display_name} recorded a decision on this item on "
        f"{_date(when.date())} at {when:%H:%M}: "
        f"{decision.get_outcome_display().lower()}. Yours was not saved; it is shown "
        "below."
    )


def _create_decision(item, *, by, chairs_action, declined=(), problems=None, **fields):
    # Re-read under lock: the plan may have been decided or returned since.
    plan = lock(item.plan, PLAN.decide_at_panel)
    responses = list(plan.responses.all())
    errors = dict(problems or {})
    errors.update(
        decision_problems(
            fields["outcome"],
            fields["rationale"],
            fields.get("conditions", ""),
            fields.get("authorised_weekly"),
            fields.get("review_by"),
            responses=responses,
            declined=declined,
            difference_reason=fields.get("difference_reason", ""),
        )
    )
    if errors:
        raise ValidationError(errors)
    if fields["outcome"] not in Decision.APPROVALS:
        fields["authorised_weekly"] = None
        fields["difference_reason"] = ""
        declined = ()
    declined = {str(code) for code in declined}
    if item.meeting_id:
        fields["decided_on"] = meeting_day(item.meeting)
    else:
        fields["decided_on"] = timezone.localdate()
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                site=item.site,
                item=item,
                decided_by=by,
                chairs_action=chairs_action,
                **fields,
                **_snapshot(plan, responses),
            )
    except IntegrityError as error:
        raise ValidationError(
            "Someone else recorded a decision on this item at the same moment. Yours "
            "was not saved; it is shown below.",
            code="already_decided",
        ) from error
    if item.meeting_id:
        # Whoever declared an interest took no part: not counted as present.
        present = (
            Attendance.objects.filter(meeting_id=item.meeting_id, present=True)
            .exclude(user_id__in=item.interests.values("user_id"))
            .values_list("user_id", flat=True)
        )
        DecisionPresence.objects.bulk_create(
            DecisionPresence(site=item.site, decision=decision, user_id=u)
            for u in present
        )
    declined_responses = []
    if decision.is_approval:
        ResponseDecision.objects.bulk_create(
            ResponseDecision(
                site=item.site,
                decision=decision,
                response=r,
                approved=str(r.code) not in declined,
            )
            for r in funded(responses)
        )
        declined_responses = [r for r in responses if str(r.code) in declined]
    _apply(decision, plan, by, declined_responses)
    _audit(
        decision,
        by,
        f"{"Chair's action" if chairs_action else 'Panel decision'}: "
        f"{decision.get_outcome_display()}",
    )
    return decision


@transaction.atomic
def chairs_action(
    *,
    plan,
    by,
    question,
    outcome,
    rationale,
    conditions="",
    authorised_weekly=None,
    review_by=None,
    difference_reason="",
    declined=(),
    urgency="",
):
    """An urgent decision by the chair between meetings, with why it could not wait,
    reported to the panel's next meeting (named now, listed on its page and pack)."""

    plan = (
        CarePlan.objects.select_for_update()
        .select_related("person", "written_by")
        .get(pk=plan.pk)
    )
    panel = Panel.objects.filter(site=plan.site, chair=by, is_active=True).first()
    if panel is None:
        raise ValidationError(
            "Only a panel's chair can take chair's action.", code="not_chair"
        )
    why = conflict_of_interest(plan, by, doing="decides on")
    if why:
        raise ValidationError(why, code="not_allowed")
    problems = {}
    if len((urgency or "").split()) < MIN_URGENCY_WORDS:
        problems["urgency"] = (
            "Say why this could not wait for the next meeting, in a sentence or more."
        )
    if _open_item_for(plan) is not None:
        raise ValidationError(
            "This plan is on a meeting's agenda; decide it there, or move it first.",
            code="already_on_agenda",
        )
    if not question.strip():
        raise ValidationError({"question": "Write the question decided."})
    item = PanelItem.objects.create(
        site=plan.site,
        meeting=None,
        panel=panel,
        plan=plan,
        question=question,
        added_by=by,
    )
    return _create_decision(
        item,
        by=by,
        outcome=outcome,
        rationale=rationale,
        conditions=conditions,
        authorised_weekly=authorised_weekly,
        review_by=review_by,
        difference_reason=difference_reason,
        declined=declined,
        urgency=urgency,
        reported_at=next_meeting(panel),
        chairs_action=True,
        problems=problems,
    )


def next_meeting(panel):
    """The panel's next meeting not yet closed, today's included (None if none is
    scheduled)."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        PanelMeeting.objects.filter(site=panel.site, panel=panel, starts_at__gte=today)
        .exclude(status=PanelMeeting.Status.CLOSED)
        .order_by("starts_at", "id")
        .first()
    )


@transaction.atomic
def record_person_told(decision, *, by, told_on):
    """The date the person was told of the decision."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if told_on > timezone.localdate():
        raise ValidationError({"person_told_on": "That date is in the future."})
    decided = decision.decided_on or timezone.localtime(decision.created_at).date()
    if told_on < decided:
        raise ValidationError(
            {"person_told_on": "That date is before the decision was made."}
        )
    decision.person_told_on = told_on
    decision.save(update_fields=["person_told_on", "updated_at"])
    _audit(decision, by, "Person told of the decision")
    return decision


@transaction.atomic
def declare_interest(item, *, by, reason):
    """``by`` declares an interest in an item: recorded, and they take no part in
    its decision."""
    item = PanelItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if hasattr(item, "decision"):
        raise ValidationError("This item has been decided.", code="decided")
    if len((reason or "").split()) < 2:
        raise ValidationError({"reason": "Say what the interest is, in a few words."})
    interest, created = DeclaredInterest.objects.get_or_create(
        site=item.site, item=item, user=by, defaults={"reason": reason}
    )
    if not created:
        raise ValidationError(
            "You have already declared an interest in this item.", code="declared"
        )
    _audit(item, by, "Interest declared")
    return interest
