"""Acting on the programme's figures, meetings and evaluation: re-basing a measure's
control limits, choosing the case studies brought to a meeting, and answering the
evaluation questions. Each step is audited."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sites.audit import record_event
from sites.models import AuditEvent
from sites.programmes import CollaborativeMeeting, EvaluationAnswer, Programme
from sites.shortcuts import lock_row
from sites.versioning import check_version, save_versioned
from sites.workflow import lock

from .figures import MEASURES
from .programme import MeetingCaseStudy, PublishedCaseStudy, Rebase


@transaction.atomic
def rebase_measure(programme, *, measure, from_period, reason, by, request=None):
    """Start new control limits for a measure from a month: deliberate, with a
    reason, recorded and audited."""
    lock(programme, Programme.WORKFLOW.change)
    if measure not in MEASURES:
        raise ValidationError("Choose a measure.", code="unknown_measure")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            "Say why the limits are being re-based: it is part of the record.",
            code="no_reason",
        )
    from_period = from_period.replace(day=1)
    if from_period <= programme.start_date.replace(day=1):
        raise ValidationError(
            "A re-base starts after the first month of data collection.",
            code="too_early",
        )
    if Rebase.objects.filter(
        programme=programme, measure=measure, from_period=from_period
    ).exists():
        raise ValidationError(
            "This measure is already re-based from that month.", code="duplicate"
        )
    try:
        with transaction.atomic():
            rebase = Rebase.objects.create(
                programme=programme,
                measure=measure,
                from_period=from_period,
                reason=reason,
                by=by,
            )
    except IntegrityError as error:  # a simultaneous identical re-base
        raise ValidationError(
            "This measure is already re-based from that month.", code="duplicate"
        ) from error
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        programme=programme,
        obj=rebase,
        action="Control limits re-based",
        details={"measure": measure, "from": from_period.isoformat()},
        request=request,
    )
    return rebase


@transaction.atomic
def choose_case_studies(meeting, case_studies, *, by, request=None):
    """The approved case studies brought to a collaborative meeting, in order."""
    meeting = lock(meeting, CollaborativeMeeting.WORKFLOW.change)
    chosen = list(case_studies)
    for study in chosen:
        if (
            study.programme_id != meeting.programme_id
            or study.status == PublishedCaseStudy.Status.WITHDRAWN
        ):
            raise ValidationError(
                "Only case studies approved for sharing in this programme can be "
                "brought to its meetings.",
                code="not_shared",
            )
    MeetingCaseStudy.objects.filter(meeting=meeting).delete()
    MeetingCaseStudy.objects.bulk_create(
        MeetingCaseStudy(meeting=meeting, case_study=study, position=position)
        for position, study in enumerate(chosen, start=1)
    )
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        programme=meeting.programme,
        obj=meeting,
        action="Case studies chosen for the meeting",
        request=request,
    )
    return meeting


@transaction.atomic
def save_evaluation(programme, *, site, answers, versions, by, request=None):
    """The four evaluation questions for the programme (``site`` None) or a site.

    ``answers`` maps each question to its text, ``versions`` to the version its
    form was loaded at (0 for an answer not yet written): someone else's save
    since is refused as stale, and nothing is saved.
    """
    lock(programme, Programme.WORKFLOW.change)
    existing = {
        a.question: a
        # Ordered by question alone: the model's ordering joins the (nullable) site,
        # which PostgreSQL cannot lock.
        for a in EvaluationAnswer.objects.select_for_update()
        .filter(programme=programme, site=site)
        .order_by("question")
    }
    for question in answers:
        current = existing.get(question)
        expected = versions.get(question, -1)
        if current is None:
            if expected != 0:
                raise ValidationError(
                    "Someone else saved these answers while you were editing them.",
                    code="stale",
                )
        else:
            check_version(current, expected)
    changed = []
    for question, text in answers.items():
        current = existing.get(question)
        if current is None:
            if text.strip():
                EvaluationAnswer.objects.create(
                    programme=programme,
                    site=site,
                    question=question,
                    answer=text,
                    answered_by=by,
                )
                changed.append(question)
        elif current.answer != text:
            current = lock_row(current)
            current.answer = text
            current.answered_by = by
            save_versioned(current, update_fields=["answer", "answered_by"])
            changed.append(question)
    if changed:
        record_event(
            kind=AuditEvent.Kind.TRANSITION,
            user=by,
            programme=programme,
            site=site,
            obj=programme,
            action="Evaluation answered",
            details={"questions": changed},
            request=request,
        )
    return changed
