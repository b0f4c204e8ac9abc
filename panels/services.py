"""Running a panel: agendas, meetings, decisions with reasons, chair's action.

A decision acts on the plan only through the care plans services, so the plan's own
rules (states, reviews, history) stay in one place.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from careplans import services as plan_services
from careplans.models import CarePlan, plan_costs
from sites.audit import record_event
from sites.models import AuditEvent, Notification
from sites.notify import notify
from sites.workflow import apply, can_take, lock, transition

from .models import Attendance, Decision, DecisionPresence, PanelItem, PanelMeeting

PLAN = CarePlan.WORKFLOW
MEETING = PanelMeeting.WORKFLOW

MIN_RATIONALE_WORDS = 4
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


@transaction.atomic
def close_meeting(meeting, *, by):
    """In session -> closed; chair's actions since the last meeting count as reported."""
    meeting = transition(meeting, MEETING.close, by=by)
    Decision.objects.filter(
        site=meeting.site,
        item__panel=meeting.panel_id,
        chairs_action=True,
        reported_at__isnull=True,
    ).update(reported_at=meeting)
    return meeting


def may_decide(item, user):
    """(allowed, reason): the chair, or a member present at the meeting; never the
    plan's author."""
    plan = item.plan
    if user.pk in {plan.written_by_id, plan.submitted_by_id}:
        return False, "Nobody decides on a plan they wrote."
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


def _validate(outcome, rationale, conditions, authorised_weekly, review_by):
    errors = decision_problems(
        outcome, rationale, conditions, authorised_weekly, review_by
    )
    if errors:
        raise ValidationError(errors)


def decision_problems(outcome, rationale, conditions, authorised_weekly, review_by):
    """{field: message} for a decision that breaks the panel's rules (empty if none)."""
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
    if review_by is not None and review_by < timezone.localdate():
        errors["review_by"] = "The review date cannot be in the past."
    return errors


def _apply(decision, plan, by):
    """What the decision does to the plan, through the care plans services."""
    outcome = decision.outcome
    words = f"{decision.get_outcome_display()}: {decision.rationale}"
    if decision.conditions:
        words += f" Conditions: {decision.conditions}"
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
        f"{decision.get_outcome_display().lower()}.",
        link=reverse(
            "decision_detail",
            kwargs={"site_slug": plan.site.slug, "code": decision.code},
        ),
        subject=f"panels.Decision:{decision.code}",
    )


def _snapshot(plan):
    costs = plan_costs(plan.responses.all())
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
):
    """Record the panel's decision on an item and act on the plan. One per item: of
    two people deciding at once, the second is refused and told who decided."""
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
        raise ValidationError(
            f"{existing.decided_by.display_name} recorded a decision on this item at "
            f"{timezone.localtime(existing.created_at):%H:%M}: "
            f"{existing.get_outcome_display().lower()}. Yours was not saved; it is shown "
            "below.",
            code="already_decided",
        )
    _validate(outcome, rationale, conditions, authorised_weekly, review_by)
    return _create_decision(
        item,
        by=by,
        outcome=outcome,
        rationale=rationale,
        conditions=conditions,
        authorised_weekly=authorised_weekly,
        review_by=review_by,
        chairs_action=False,
    )


def _create_decision(item, *, by, chairs_action, **fields):
    # Re-read under lock: the plan may have been decided or returned since.
    plan = lock(item.plan, PLAN.decide_at_panel)
    if fields["outcome"] not in Decision.APPROVALS:
        fields["authorised_weekly"] = None
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                site=item.site,
                item=item,
                decided_by=by,
                chairs_action=chairs_action,
                **fields,
                **_snapshot(plan),
            )
    except IntegrityError as error:
        raise ValidationError(
            "Someone else recorded a decision on this item at the same moment. Yours "
            "was not saved; it is shown below.",
            code="already_decided",
        ) from error
    if item.meeting_id:
        present = Attendance.objects.filter(
            meeting_id=item.meeting_id, present=True
        ).values_list("user_id", flat=True)
        DecisionPresence.objects.bulk_create(
            DecisionPresence(site=item.site, decision=decision, user_id=u)
            for u in present
        )
    _apply(decision, plan, by)
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
):
    """An urgent decision by the chair between meetings, reported to the next one."""
    from .models import Panel

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
    if by.pk in {plan.written_by_id, plan.submitted_by_id}:
        raise ValidationError(
            "Nobody decides on a plan they wrote.", code="not_allowed"
        )
    if _open_item_for(plan) is not None:
        raise ValidationError(
            "This plan is on a meeting's agenda; decide it there, or move it first.",
            code="already_on_agenda",
        )
    if not question.strip():
        raise ValidationError({"question": "Write the question decided."})
    _validate(outcome, rationale, conditions, authorised_weekly, review_by)
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
        chairs_action=True,
    )


@transaction.atomic
def record_person_told(decision, *, by, told_on):
    """The date the person was told of the decision."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if told_on > timezone.localdate():
        raise ValidationError({"person_told_on": "That date is in the future."})
    if told_on < timezone.localtime(decision.created_at).date():
        raise ValidationError(
            {"person_told_on": "That date is before the decision was made."}
        )
    decision.person_told_on = told_on
    decision.save(update_fields=["person_told_on", "updated_at"])
    _audit(decision, by, "Person told of the decision")
    return decision
