"""Subject-access requests: recording one, preparing its export, answering it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import audit_subjects, workflow
from .audit import record_event
from .jobs import start_job
from .models import AuditEvent, SubjectAccessRequest
from .subject_access import prepare_export as task
from .subject_access_models import statutory_deadline

LABEL = SubjectAccessRequest._meta.label


def record_request(*, site, person_code, by, **details) -> SubjectAccessRequest:
    """Record a request received about the person (their public id)."""
    with transaction.atomic():
        request = SubjectAccessRequest.objects.create(
            site=site,
            person_code=person_code,
            recorded_by=by,
            due_on=statutory_deadline(details["received_on"]),
            **details,
        )
        record_event(
            kind=AuditEvent.Kind.TRANSITION,
            user=by,
            site=site,
            obj=request,
            action="Subject-access request recorded",
        )
    return request


def prepare_export(request, *, by):
    """Start the job that builds the export (PDF + JSON in one ZIP)."""

    workflow.refuse_unless_allowed(request, SubjectAccessRequest.WORKFLOW.answer)
    return start_job(
        site=request.site,
        user=by,
        kind="subject_access",
        title="Subject-access export",
        task=task,
        request_code=str(request.code),
    )


def answer_request(request, *, by, sent_how):
    """Mark the request answered: the copy was sent (how, in the manager's words)."""
    if not sent_how.strip():
        raise ValidationError("Say how the copy was sent.", code="required")
    with transaction.atomic():
        return workflow.transition(
            request,
            SubjectAccessRequest.WORKFLOW.answer,
            by=by,
            sent_how=sent_how.strip()[:200],
        )


def days_left_in_words(days: int) -> str:
    if days > 1:
        return f"{days} days left"
    if days == 1:
        return "1 day left"
    if days == 0:
        return "Due today"
    return f"Overdue by {-days} day{'s' if days < -1 else ''}"


def with_names(request, rows):
    """Set ``row.person`` (the trail's ``Subject``: name and link) on each request,
    one query for all of them."""
    rows = list(rows)
    kind = audit_subjects.SUBJECT_KINDS.get(audit_subjects.PERSON_LABEL)
    codes = [str(r.person_code) for r in rows]
    named = kind.describe(request, codes) if kind and codes else {}
    today = timezone.localdate()
    for row in rows:
        row.person = named.get(str(row.person_code))
        row.days = row.days_left(today)
        row.days_words = days_left_in_words(row.days)
    return rows


def describe_requests(request, codes):
    """How the audit trail names a request: "Subject-access request · Ann Test"."""
    rows = with_names(
        request, SubjectAccessRequest.objects.filter(site=request.site, code__in=codes)
    )
    return {
        str(row.code): audit_subjects.Subject(
            "Subject-access request" + (f" · {row.person.name}" if row.person else ""),
            "",
            str(row.person_code),
        )
        for row in rows
    }


def register():
    audit_subjects.register_subject(
        LABEL,
        describe=describe_requests,
        of_person=lambda site, code: SubjectAccessRequest.objects.filter(
            site=site, person_code=code
        ).values_list("code", flat=True),
    )
