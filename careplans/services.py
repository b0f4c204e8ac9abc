"""Everything that changes care plans: drafting, routing, sign-off, versions, reviews.

Views, the panels app, seeding and tests all call these functions.
"""

from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assessments.models import Assessment, DesiredOutcome
from assessments.parts import risks_of
from sites.audit import record_event
from sites.models import AuditEvent, Notification
from sites.money import as_data, check_total
from sites.notify import notify
from sites.permissions import Role, roles_allowed
from sites.text import shorten
from sites.versioning import check_version, save_versioned
from sites.workflow import apply, can_take, lock, refuse_unless_allowed, transition

from .carer_plans import kind_for
from .models import (
    CarePlan,
    DelegatedLimit,
    OutcomeReview,
    PlanContribution,
    PlanDecision,
    Response,
    ResponseOutcome,
    Review,
    ReviewPolicy,
    plan_costs,
)
from .programme_services import record_deliveries
from .routing import (
    may_return,
    may_sign_off,
    reason_in_words,
    route_for,
    unchanged_reason,
)
from .versions import nothing_material_changed

S = CarePlan.Status
STEP = CarePlan.WORKFLOW
MIN_REASON_LENGTH = 10
PLAN_STALE_MESSAGE = (
    "Someone else changed this plan while you were editing. Your text is shown "
    "below; check it against the latest and save again."
)
RESPONSE_STALE_MESSAGE = (
    "Someone else changed this response while you were editing it. Your changes have "
    "not been saved: they are still in the form below, and what the other person "
    "saved is shown above it."
)
RESPONSE_STALE_REMOVAL_MESSAGE = (
    "Someone else changed this response after you opened the plan, so it has not been "
    "removed. Check it, and remove it again if you still mean to."
)


# --- helpers ---------------------------------------------------------------------------


def _audit(plan, by, action):
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=plan.site,
        obj=plan,
        action=action,
    )


def _contributed(plan, by):
    """``by`` wrote or changed part of this version (see ``routing.contributors``)."""
    PlanContribution.objects.get_or_create(site=plan.site, plan=plan, user=by)


def _decide(plan, by, kind, reason=""):
    return PlanDecision.objects.create(
        site=plan.site, plan=plan, kind=kind, by=by, reason=reason
    )


def plan_link(plan):
    return reverse(
        "plan_detail", kwargs={"site_slug": plan.site.slug, "code": plan.code}
    )


def _tell_author(plan, kind, message):
    """The officer who wrote the plan hears about its decision or return."""
    notify(
        user=plan.written_by,
        site=plan.site,
        kind=kind,
        message=message,
        link=plan_link(plan),
        subject=f"careplans.CarePlan:{plan.code}",
    )


def _require_reason(reason):
    if len((reason or "").strip()) < MIN_REASON_LENGTH:
        raise ValidationError(
            "Give the reasons in a sentence or two, so the officer knows what to change.",
            code="reason_required",
        )


def plan_outcomes(plan):
    """The desired outcomes a plan may serve: from its assessment(s)."""
    ids = [plan.assessment_id]
    if plan.carer_assessment_id:
        ids.append(plan.carer_assessment_id)
    return DesiredOutcome.objects.filter(site=plan.site, assessment_id__in=ids)


# --- drafting ---------------------------------------------------------------------------


@transaction.atomic
def create_plan(*, person, assessment, by, carer_assessment=None):
    """Draft a plan from a completed assessment (and optionally a carer's one)."""
    if (
        assessment.person_id != person.pk
        or assessment.status != Assessment.Status.COMPLETED
    ):
        raise ValidationError(
            "A plan is drafted from one of the person's completed assessments.",
            code="assessment",
        )
    if carer_assessment is not None and (
        carer_assessment.kind != Assessment.Kind.CARER
        or carer_assessment.status != Assessment.Status.COMPLETED
        or carer_assessment.cared_for_id != person.pk
    ):
        raise ValidationError(
            "The carer's assessment must be completed and be about caring for this "
            "person.",
            code="carer_assessment",
        )
    kind = kind_for(assessment, carer_assessment)
    current = CarePlan.objects.filter(assessment=assessment).current().first()
    if current is not None:
        raise ValidationError(
            "This assessment already has a plan (version "
            f"{current.version_number}, {current.get_status_display().lower()}). "
            "Change that plan instead; an approved plan changes by a new version.",
            code="plan_exists",
        )
    plan = CarePlan.objects.create(
        site=person.site,
        person=person,
        assessment=assessment,
        carer_assessment=carer_assessment,
        kind=kind,
        written_by=by,
    )
    _contributed(plan, by)
    _audit(plan, by, "Plan drafted")
    return plan


@transaction.atomic
def update_plan(plan, *, by, expected_version, **fields):
    """Change a draft plan's own details (not its responses), refusing a stale save."""
    locked = lock(plan, STEP.edit)
    check_version(locked, expected_version, message=PLAN_STALE_MESSAGE)
    for name, value in fields.items():
        setattr(locked, name, value)
    _contributed(locked, by)
    return save_versioned(locked)


def _check_outcomes(plan, outcomes):
    outcomes = list(outcomes)
    if not outcomes:
        raise ValidationError(
            "Every response must answer at least one of the outcomes the person named.",
            code="no_outcome",
        )
    allowed = set(plan_outcomes(plan).values_list("pk", flat=True))
    if any(o.pk not in allowed for o in outcomes):
        raise ValidationError(
            "A response can only serve this plan's desired outcomes.", code="outcome"
        )
    return outcomes


def _lock_response(locked_plan, response, expected_version, message):
    """The response re-read under lock, still on this plan and at ``expected_version``."""
    current = Response.objects.select_for_update().filter(pk=response.pk).first()
    if current is None:
        raise ValidationError(
            "Someone else removed this response while you were working on it.",
            code="removed",
        )
    if current.plan_id != locked_plan.pk:
        raise ValidationError("That response belongs to another plan.", code="plan")
    check_version(current, expected_version, message=message)
    return current


@transaction.atomic
def save_response(
    plan, *, by, outcomes, response=None, expected_version=None, **fields
):
    """Add a response to a draft plan, or change one (``response``, at the
    ``expected_version`` its form was loaded at). It must serve an outcome."""
    locked = lock(plan, STEP.edit)
    outcomes = _check_outcomes(locked, outcomes)
    if response is None:
        response = Response(site=locked.site, plan=locked)
        response.position = locked.responses.count() + 1
    else:
        # Without the version its form was loaded at, a change counts as stale.
        response = _lock_response(
            locked, response, expected_version, RESPONSE_STALE_MESSAGE
        )
    for name, value in fields.items():
        setattr(response, name, value)
    response.full_clean(exclude=["site", "plan", "outcomes"])
    # What the plan adds up to stays within the cap too (sites.money).
    others = (
        locked.responses.exclude(pk=response.pk)
        if response.pk
        else (locked.responses.all())
    )
    check_total(
        sum((r.weekly_cost for r in others), response.weekly_cost),
        what="The plan's cost a week",
        field="unit_cost",
    )
    if response.pk is None:
        response.save()
    else:
        save_versioned(response)
    response.outcomes.set(outcomes, through_defaults={"site": locked.site})
    _contributed(locked, by)
    return response


@transaction.atomic
def remove_response(plan, response, *, by, expected_version):
    """Take a response out of a draft plan, unless it changed since it was shown."""
    locked = lock(plan, STEP.edit)
    current = _lock_response(
        locked, response, expected_version, RESPONSE_STALE_REMOVAL_MESSAGE
    )
    ResponseOutcome.objects.filter(response=current).delete()
    current.delete()
    _contributed(locked, by)


# --- submitting ---------------------------------------------------------------------------


# The latest a plan may start: a year ahead (a start in year 9999 has no review date).
PLAN_START_AHEAD = relativedelta(years=1)


def submission_problems(plan, responses):
    problems = []
    if not responses:
        problems.append("Add at least one response.")
    if not plan.start_date:
        problems.append("Set the date the plan starts.")
    elif plan.start_date > timezone.localdate() + PLAN_START_AHEAD:
        problems.append(
            "The plan starts more than a year ahead: correct its start date."
        )
    if not plan.contingency_plan.strip():
        # Issue 12: the contingency answers the risks named in the assessment.
        named = len(risks_of([plan.assessment_id, plan.carer_assessment_id]))
        problems.append(
            "Say what happens if things go wrong (the contingency plan)"
            + (
                f", answering the {named} risk{'s' if named != 1 else ''} named in "
                "the assessment."
                if named
                else "."
            )
        )
    ids = set(
        ResponseOutcome.objects.filter(response__plan=plan).values_list(
            "response_id", flat=True
        )
    )
    for response in responses:
        if response.pk not in ids:
            problems.append(
                f"“{shorten(response.description, 60)}” does not serve an outcome yet."
            )
    return problems


@transaction.atomic
def submit_plan(plan, *, by):
    """Draft -> awaiting sign-off, awaiting panel, or (an unchanged revision) approved."""
    locked = lock(
        plan, STEP.submit_for_sign_off, STEP.submit_to_panel, STEP.approve_unchanged
    )
    responses = list(locked.responses.all())
    problems = submission_problems(locked, responses)
    if problems:
        raise ValidationError(
            "The plan cannot be submitted yet: " + " ".join(problems), code="incomplete"
        )
    previous = locked.previous
    if previous is not None and can_take(previous, STEP.supersede):
        before = list(previous.responses.all())
        if nothing_material_changed(previous, before, locked, responses):
            reason = unchanged_reason(previous)
            _decide(locked, by, PlanDecision.Kind.APPROVED_UNCHANGED)
            # The approval is the previous version's, carried over and said to be:
            # its approver and date stand, and the note names them.
            return _activate(
                locked,
                STEP.approve_unchanged,
                by=by,
                note=reason_in_words(reason),
                route=CarePlan.Route.UNCHANGED,
                routing_reasons=[reason],
                authorised_weekly=previous.authorised_weekly,
                approved_by=previous.approved_by or by,
                approved_at=timezone.now(),
            )
    routing = route_for(locked, responses)
    if routing.route == CarePlan.Route.PANEL:
        step, extra = STEP.submit_to_panel, {"needs_panel_since": timezone.now()}
    else:
        step, extra = STEP.submit_for_sign_off, {}
    apply(
        locked,
        step,
        by=by,
        route=routing.route,
        routing_reasons=routing.reasons,
        **extra,
    )
    _decide(locked, by, PlanDecision.Kind.SUBMITTED)
    return locked


def _schedule_review(plan, *, kind, due):
    return Review.objects.create(site=plan.site, plan=plan, kind=kind, due_date=due)


def _first_review_due(plan):
    policy = ReviewPolicy.objects.filter(site=plan.site).first()
    weeks = policy.first_review_weeks if policy else 8
    start = plan.start_date or timezone.localdate()
    return start + timedelta(weeks=weeks)


def _cancel_open_reviews(plan, *, by):
    for review in plan.reviews.open():
        transition(review, Review.WORKFLOW.cancel, by=by)


def _activate(locked, step, *, by, note="", **changes):
    """Approve a plan by ``step``: it becomes the active one, its previous version is
    closed as replaced, and its first review is scheduled."""
    if locked.authorised_weekly is None and "authorised_weekly" not in changes:
        changes["authorised_weekly"] = plan_costs(locked.responses.all())["weekly"]
    apply(locked, step, by=by, approval_note=note, **changes)
    if locked.previous_id is not None:
        previous = lock(locked.previous)
        if can_take(previous, STEP.supersede):
            apply(
                previous,
                STEP.supersede,
                by=by,
                closed_reason=f"Replaced by version {locked.version_number}.",
            )
            _cancel_open_reviews(previous, by=by)
    _schedule_review(locked, kind=Review.Kind.FIRST, due=_first_review_due(locked))
    return locked


def already_decided(plan):
    """Who acted on a plan that is no longer awaiting sign-off, and when, in words
    (empty if it still awaits it). A second manager is told, not just refused."""
    if plan.status == S.AWAITING_SIGN_OFF:
        return ""
    # The last thing done to the plan, if it was a sign-off or a return.
    last = PlanDecision.objects.filter(plan=plan).select_related("by").first()
    if last is None or last.kind not in {
        PlanDecision.Kind.SIGNED_OFF,
        PlanDecision.Kind.RETURNED,
    }:
        return ""
    when = timezone.localtime(last.created_at)
    did = "signed off" if last.kind == PlanDecision.Kind.SIGNED_OFF else "returned"
    return (
        f"{last.by.display_name} {did} this plan on {when.day} {when:%B %Y} at "
        f"{when:%H:%M}. Yours was not saved; your note is shown below."
    )


def _lock_awaiting_sign_off(plan, step):
    """The plan under lock, refused with who acted first if it no longer awaits
    sign-off."""
    locked = lock(plan)
    first = already_decided(locked)
    if first:
        raise ValidationError(first, code=step.code)
    refuse_unless_allowed(locked, step)
    return locked


@transaction.atomic
def sign_off_plan(plan, *, by, note=""):
    """Awaiting sign-off -> approved, by a manager within their delegated limit."""
    locked = _lock_awaiting_sign_off(plan, STEP.sign_off)
    weekly = plan_costs(locked.responses.all())["weekly"]
    allowed, why = may_sign_off(locked, by, weekly=weekly)
    if not allowed:
        raise ValidationError(why, code="not_allowed")
    _decide(locked, by, PlanDecision.Kind.SIGNED_OFF, note)
    _activate(locked, STEP.sign_off, by=by, note=note)
    _tell_author(
        locked,
        Notification.Kind.PLAN_DECIDED,
        f"{by.display_name} signed off the plan for {locked.person.display_name}.",
    )
    return locked


@transaction.atomic
def return_plan(plan, *, by, reason):
    """Awaiting sign-off -> draft, with the reasons shown to the officer."""
    locked = _lock_awaiting_sign_off(plan, STEP.return_from_sign_off)
    allowed, why = may_return(locked, by)
    if not allowed:
        raise ValidationError(why, code="not_allowed")
    _require_reason(reason)
    apply(locked, STEP.return_from_sign_off, by=by)
    _decide(locked, by, PlanDecision.Kind.RETURNED, reason)
    _tell_author(
        locked,
        Notification.Kind.PLAN_RETURNED,
        f"{by.display_name} returned the plan for {locked.person.display_name}: "
        f"{reason}",
    )
    return locked


@transaction.atomic
def approve_plan_by_panel(
    plan, *, by, authorised_weekly: Decimal, note="", review_by=None
):
    """Awaiting panel -> approved. Called by the panels app when a panel decides.

    ``review_by`` (a panel condition) brings the first review forward to that date.
    The panels app tells the officer, with the panel's full decision.
    """
    locked = lock(plan, STEP.approve_by_panel)
    if authorised_weekly is None or authorised_weekly < 0:
        raise ValidationError(
            "The authorised amount cannot be negative.", code="amount"
        )
    _decide(locked, by, PlanDecision.Kind.APPROVED_BY_PANEL, note)
    _activate(
        locked,
        STEP.approve_by_panel,
        by=by,
        note=note,
        authorised_weekly=authorised_weekly,
    )
    if review_by is not None:
        locked.reviews.open().filter(kind=Review.Kind.FIRST).update(due_date=review_by)
    return locked


@transaction.atomic
def return_plan_from_panel(plan, *, by, reason):
    """Awaiting panel -> draft (deferred or referred back), with the panel's reasons."""
    locked = lock(plan, STEP.return_from_panel)
    _require_reason(reason)
    apply(locked, STEP.return_from_panel, by=by, needs_panel_since=None)
    _decide(locked, by, PlanDecision.Kind.RETURNED_BY_PANEL, reason)
    return locked


@transaction.atomic
def close_plan(plan, *, by, reason):
    """Close a plan (abandoned draft, declined by panel, or no longer needed)."""
    locked = lock(plan, STEP.close)
    _require_reason(reason)
    apply(locked, STEP.close, by=by, closed_reason=reason)
    _cancel_open_reviews(locked, by=by)
    _decide(locked, by, PlanDecision.Kind.CLOSED, reason)
    return locked


# --- versions -------------------------------------------------------------------------------


@transaction.atomic
def revise_plan(plan, *, by):
    """An approved plan is never edited: copy it into a new draft version."""
    locked = lock(plan, STEP.revise)
    pending = locked.revisions.exclude(status=S.CLOSED).first()
    if pending is not None:
        raise ValidationError(
            f"Version {pending.version_number} of this plan is already being drafted. "
            "Carry on with it, or close it first.",
            code="already_revised",
        )
    copy_fields = [
        "person_id",
        "assessment_id",
        "carer_assessment_id",
        "kind",
        "start_date",
        "person_views",
        "officer_recommendation",
        "prevention_advice",
        "contingency_plan",
        "direct_payment_notes",
        "direct_payment_agreed_on",
    ]
    revision = CarePlan.objects.create(
        site=locked.site,
        previous=locked,
        version_number=locked.version_number + 1,
        written_by=by,
        **{name: getattr(locked, name) for name in copy_fields},
    )
    _contributed(revision, by)
    links = {}
    for link in ResponseOutcome.objects.filter(response__plan=locked):
        links.setdefault(link.response_id, []).append(link.desired_outcome_id)
    for old in locked.responses.all():
        new = Response.objects.create(
            site=locked.site,
            plan=revision,
            lineage=old.lineage,
            **{
                f.attname: getattr(old, f.attname)
                for f in Response._meta.concrete_fields
                if f.name
                not in {
                    "id",
                    "code",
                    "lineage",
                    "version",
                    "plan",
                    "site",
                    "created_at",
                    "updated_at",
                }
            },
        )
        ResponseOutcome.objects.bulk_create(
            ResponseOutcome(site=locked.site, response=new, desired_outcome_id=o)
            for o in links.get(old.pk, [])
        )
    _audit(revision, by, f"Version {revision.version_number} drafted")
    return revision


# --- reviews --------------------------------------------------------------------------------


def next_review_by_policy(site, *, after=None):
    """When the next review after one recorded on ``after`` (today) falls due by the
    site's policy: at least yearly."""
    policy = ReviewPolicy.objects.filter(site=site).first()
    months = policy.later_review_months if policy else 12
    # Calendar months: 31 January + 1 month is 28 (or 29) February.
    return (after or timezone.localdate()) + relativedelta(months=months)


@transaction.atomic
def start_review(review, *, by):
    """Approved -> under review, for a review that is still open."""
    review = lock(review, Review.WORKFLOW.complete)
    return transition(review.plan, STEP.start_review, by=by)


@transaction.atomic
def complete_review(
    review,
    *,
    by,
    ratings,
    result,
    person_view="",
    notes="",
    deliveries=None,
    next_review_due=None,
):
    """Record each outcome as fully / partially / not met and the plan-level result.

    ``ratings`` maps each of the plan's desired outcomes to ``(rating, their view)``.
    Under review -> approved; the next review is scheduled on ``next_review_due``
    (the reviewer's choice, e.g. "again in 3 months"), by default as the site's policy
    says, never later. A "plan changed" result also drafts the next version of the
    plan. ``deliveries`` (optional) maps each response to ``(delivered, barrier,
    note)``: delivered against planned.
    """
    review = lock(review, Review.WORKFLOW.complete)
    locked = lock(review.plan, STEP.finish_review)
    if result not in Review.Result.values:
        raise ValidationError("Say what happens to the plan now.", code="result")
    served = set(
        ResponseOutcome.objects.filter(response__plan=locked).values_list(
            "desired_outcome_id", flat=True
        )
    )
    missing = served - {o.pk for o in ratings}
    if missing:
        raise ValidationError(
            "Rate every outcome the plan serves.", code="ratings_incomplete"
        )
    if {o.pk for o in ratings} - served:
        raise ValidationError(
            "Only the outcomes this plan serves are rated at its review.",
            code="outcome",
        )
    if any(rating not in OutcomeReview.Rating.values for rating, _ in ratings.values()):
        raise ValidationError(
            "Rate each outcome fully met, partially met or not met.", code="rating"
        )
    for outcome, (rating, view) in ratings.items():
        OutcomeReview.objects.create(
            site=locked.site,
            review=review,
            desired_outcome=outcome,
            rating=rating,
            person_view=view,
        )
    if deliveries:
        record_deliveries(review, deliveries)
    apply(
        review,
        Review.WORKFLOW.complete,
        by=by,
        result=result,
        person_view=person_view,
        notes=notes,
    )
    apply(
        locked,
        STEP.finish_review,
        by=by,
        action=f"Review recorded: {Review.Result(result).label.lower()}",
    )
    default_due = next_review_by_policy(locked.site)
    due = next_review_due or default_due
    today = timezone.localdate()
    if not today < due <= default_due:
        raise ValidationError(
            "Choose a next review date after today and no later than "
            f"{date_format(default_due, 'j F Y')} (the site's policy).",
            code="next_review",
        )
    _schedule_review(
        locked,
        kind=Review.Kind.ANNUAL if due == default_due else Review.Kind.EARLIER,
        due=due,
    )
    revision = None
    if result == Review.Result.PLAN_CHANGED:
        revision = revise_plan(locked, by=by)
    return review, revision


# How far ahead a delegated limit may start: a year. Further (9999-12-31) would
# block every later limit for ever. Backwards, a limit may record history (with a
# reason and a confirmation), but not before this century's records.
LIMIT_AHEAD = relativedelta(years=1)
EARLIEST_LIMIT = date(2000, 1, 1)


def limit_date_problems(effective_from, *, backdate_reason="", confirm_backdate=False):
    """{field: message} for a limit's start date (empty if it may be used)."""
    today = timezone.localdate()
    if effective_from > today + LIMIT_AHEAD:
        return {"effective_from": "A limit can start at most a year from today."}
    if effective_from < EARLIEST_LIMIT:
        return {"effective_from": "A limit cannot start before 1 January 2000."}
    errors = {}
    if effective_from < today:
        if not (backdate_reason or "").strip():
            errors["backdate_reason"] = (
                "This limit starts in the past, so it changes who could sign off plans "
                "already decided: say why it is backdated."
            )
        if not confirm_backdate:
            errors["confirm_backdate"] = "Confirm that the limit is backdated."
    return errors


@transaction.atomic
def set_delegated_limit(
    *,
    site,
    role,
    weekly_limit,
    effective_from,
    by,
    notes="",
    backdate_reason="",
    confirm_backdate=False,
):
    """A new limit for a role from a date; the one it replaces ends the day before.

    A limit dated in the past needs a reason and a confirmation, and its audit event
    says it was backdated and what it replaced."""
    if weekly_limit < 0:
        raise ValidationError("A limit cannot be negative.", code="amount")
    check_total(weekly_limit, what="A limit")
    signers = roles_allowed("sign_off_plans")
    if role not in signers:
        names = " and ".join(f"{Role(r).label.lower()}s" for r in signers)
        raise ValidationError(f"Delegated limits are for {names}.", code="role")
    problems = limit_date_problems(
        effective_from,
        backdate_reason=backdate_reason,
        confirm_backdate=confirm_backdate,
    )
    if problems:
        raise ValidationError(problems)
    if DelegatedLimit.objects.filter(
        site=site, role=role, effective_from__gte=effective_from
    ).exists():
        raise ValidationError(
            "A limit for this role already starts on or after that date.", code="order"
        )
    replaced = []
    # Saved one by one (not update()) so the change history records each.
    for open_ended in DelegatedLimit.objects.filter(
        site=site, role=role, effective_to__isnull=True
    ):
        replaced.append(
            {
                "limit": str(open_ended.code),
                "weekly": as_data(open_ended.weekly_limit),
                "from": open_ended.effective_from.isoformat(),
                "to_was": None,
            }
        )
        open_ended.effective_to = effective_from - timedelta(days=1)
        open_ended.save()
    limit = DelegatedLimit.objects.create(
        site=site,
        role=role,
        weekly_limit=weekly_limit,
        effective_from=effective_from,
        notes=notes,
    )
    backdated = effective_from < timezone.localdate()
    details = {
        "role": limit.role,
        "weekly": as_data(limit.weekly_limit),
        "from": limit.effective_from.isoformat(),
    }
    if replaced:
        details["replaced"] = replaced
    if backdated:
        details["backdated"] = True
        details["reason"] = backdate_reason
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=site,
        obj=limit,
        action="Delegated limit set",
        details=details,
    )
    return limit


@transaction.atomic
def withdraw_delegated_limit(limit, *, by, reason):
    """Withdraw a limit before it takes effect: the limit it would have replaced runs
    on as before. A limit in force, or past, stays in the history."""
    limit = DelegatedLimit.objects.select_for_update().get(pk=limit.pk)
    if limit.effective_from <= timezone.localdate():
        raise ValidationError(
            "Only a limit that has not yet taken effect can be withdrawn. Set a new "
            "limit instead.",
            code="in_force",
        )
    if len((reason or "").split()) < 2:
        raise ValidationError({"reason": "Say why the limit is withdrawn."})
    day_before = limit.effective_from - timedelta(days=1)
    for earlier in DelegatedLimit.objects.filter(
        site=limit.site_id, role=limit.role, effective_to=day_before
    ):
        earlier.effective_to = limit.effective_to
        earlier.save()
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=limit.site,
        obj=limit,
        action="Delegated limit withdrawn before it took effect",
        details={
            "role": limit.role,
            "weekly": as_data(limit.weekly_limit),
            "from": limit.effective_from.isoformat(),
            "reason": reason,
        },
    )
    limit.delete()
