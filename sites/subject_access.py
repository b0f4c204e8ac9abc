"""Subject-access export: everything held about one person, as a readable PDF and a
machine-readable JSON file in one ZIP, prepared as a background job.

What is held lives in every app, and ``sites`` imports none of them, so each app
registers a provider from its ``AppConfig.ready()``::

    register_provider("plans", order=30, collect=collect_plans)

``collect(site, person_code)`` runs inside the site's scope and returns a list of
``Section``s, each a titled list of records made with ``as_record``. A record that
holds other people's personal data (a carer's own assessment, a contact's details)
is marked ``redaction_review`` with the reason, in both files: it is included for the
manager to review before sending, never silently. The audit events that name the
person come from ``sites.audit_subjects``: every record of theirs of every kind.
"""

import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.text import capfirst

from carehub.pdf import render_pdf

from . import audit_subjects
from .audit import record_event
from .jobs import JobFailed, job_task
from .models import AuditEvent, SubjectAccessRequest

FORMAT_VERSION = 1
# Never in an export: keys and housekeeping, not information about the person.
SKIPPED_FIELDS = {"id", "site", "version", "creation_token", "password", "position"}


@dataclass
class Record:
    type: str  # model label, e.g. "assessments.Assessment"
    id: str  # its public id
    title: str
    fields: list[dict]  # [{"name", "label", "value"}]
    redaction_review: str = ""  # why someone must review it before it is sent


@dataclass
class Section:
    key: str
    title: str
    records: list[Record] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class Provider:
    key: str
    order: int
    collect: Callable[[object, str], list[Section]]
    label: str  # what it collects, for the job's progress ("plans and reviews")


PROVIDERS: dict[str, Provider] = {}


def register_provider(key, *, order, collect, label=""):
    PROVIDERS[key] = Provider(key, order, collect, label or key)


def _value(obj, model_field):
    """A field's value in words, as the person would read it."""
    if model_field.choices:
        return getattr(obj, f"get_{model_field.name}_display")()
    value = getattr(obj, model_field.name)
    if value is None or value in ("", [], {}):
        return ""
    if isinstance(model_field, models.ForeignKey):
        return getattr(value, "display_name", None) or str(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, date):
        return formats.date_format(value, "j F Y")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def as_record(obj, *, title=None, redaction_review="", skip=()):
    """One stored record, every field but keys and housekeeping, in words."""
    fields = []
    for model_field in obj._meta.concrete_fields:
        if model_field.name in SKIPPED_FIELDS or model_field.name in skip:
            continue
        if model_field.name == "code":
            continue
        fields.append(
            {
                "name": model_field.name,
                "label": capfirst(str(model_field.verbose_name)),
                "value": _value(obj, model_field),
            }
        )
    return Record(
        type=obj._meta.label,
        id=str(getattr(obj, "code", None) or obj.pk),
        title=title or f"{capfirst(obj._meta.verbose_name)}",
        fields=fields,
        redaction_review=redaction_review,
    )


# --- the audit events that name the person ----------------------------------------------


def audit_section(site, person_code, request_code):
    """Every audit event about a record of the person's, oldest first."""
    found = audit_subjects.records_of_person(site, person_code)
    found.setdefault(SubjectAccessRequest._meta.label, []).append(str(request_code))
    which = Q()
    for label, codes in found.items():
        if codes:
            which |= Q(object_type=label, object_code__in=[str(c) for c in codes])
    events = (
        AuditEvent.objects.filter(site=site)
        .filter(which)
        .select_related("user")
        .order_by("created_at", "id")
    )
    section = Section(
        "audit",
        "Who did what with these records",
        note="Each time someone at the organisation opened, printed, changed or "
        "exported one of these records.",
    )
    for event in events:
        section.records.append(
            Record(
                type=AuditEvent._meta.label,
                id=str(event.code),
                title=event.get_kind_display(),
                fields=[
                    {
                        "name": "created_at",
                        "label": "When",
                        "value": _value(
                            event, AuditEvent._meta.get_field("created_at")
                        ),
                    },
                    {
                        "name": "user",
                        "label": "Who",
                        "value": event.user.display_name if event.user else "",
                    },
                    {"name": "action", "label": "What", "value": event.in_words},
                    {
                        "name": "object_type",
                        "label": "Record",
                        "value": audit_subjects.fallback(event.object_type).name,
                    },
                ],
            )
        )
    return section


# --- the export -------------------------------------------------------------------------


def collect(site, person_code, request_code, report=None):
    """Every provider's sections, then the audit trail's, in order."""
    providers = sorted(PROVIDERS.values(), key=lambda p: p.order)
    sections = []
    for number, provider in enumerate(providers):
        if report:
            report(number, len(providers) + 2, f"Collecting {provider.label}")
        sections += provider.collect(site, str(person_code))
    if report:
        report(len(providers), len(providers) + 2, "Collecting the audit trail")
    sections.append(audit_section(site, str(person_code), request_code))
    return sections


def as_json(request, sections) -> dict:
    flagged = sum(1 for s in sections for r in s.records if r.redaction_review)
    return {
        "format": "carehub-subject-access",
        "format_version": FORMAT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "organisation": request.site.name,
        "request": {
            "id": str(request.code),
            "person_id": str(request.person_code),
            "received_on": request.received_on.isoformat(),
            "answer_by": request.due_on.isoformat(),
            "requested_by": request.requested_by,
            "received_how": request.get_received_how_display(),
        },
        "records_for_redaction_review": flagged,
        "sections": [asdict(section) for section in sections],
    }


def export_filename(request) -> str:
    """No name in it: the date received and the request's short reference."""
    return f"subject-access-{request.received_on:%Y-%m-%d}-{request.code.hex[:8]}.zip"


@job_task
def prepare_export(job, *, request_code):
    """Build the ZIP (PDF + JSON) for one subject-access request."""
    request = (
        SubjectAccessRequest.objects.filter(site=job.site, code=request_code)
        .select_related("site")
        .first()
    )
    if request is None:
        raise JobFailed("The request this export was for no longer exists.")
    sections = collect(job.site, request.person_code, request.code, report=job.report)
    if not any(s.records for s in sections if s.key == "person"):
        raise JobFailed("The person this request is about is no longer on record.")
    steps = len(PROVIDERS) + 2
    job.report(steps - 1, steps, "Writing the PDF and the JSON file")
    data = as_json(request, sections)
    person = next(s for s in sections if s.key == "person").records[0].title
    pdf = render_pdf(
        "pdf/subject_access.html",
        {
            "request": request,
            "person_name": person,
            "sections": sections,
            "flagged": data["records_for_redaction_review"],
        },
    )
    stem = export_filename(request).removesuffix(".zip")
    # Written to a temporary file, not held in memory, then stored through the
    # storage API in chunks.
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{stem}.pdf", pdf)
            entry = zipfile.ZipInfo(
                f"{stem}.json", timezone.localtime().timetuple()[:6]
            )
            entry.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(entry, "w") as handle:
                text = io.TextIOWrapper(handle, encoding="utf-8")
                json.dump(data, text, ensure_ascii=False, indent=2)
                text.flush()
                text.detach()
            archive.writestr("README.txt", README)
        spool.seek(0)
        job.write_result(export_filename(request), spool, "application/zip")
    SubjectAccessRequest.objects.filter(pk=request.pk).update(job=job)
    record_event(
        kind=AuditEvent.Kind.EXPORT,
        user=job.user,
        site=job.site,
        object_type="assessments.Person",
        object_code=str(request.person_code),
        action="Subject-access export prepared",
    )
    job.report(steps, steps, "Done")


README = """This archive answers a subject-access request.

- The PDF is the readable copy: every record held about the person, section by section.
- The JSON file holds the same records for a computer to read (format
  "carehub-subject-access", version 1): sections -> records -> fields (name, label, value).

Records marked "for redaction review" hold other people's personal data (for example
a carer's own assessment, or a contact's details). Review them, and remove what the
person is not entitled to, before sending.
"""
