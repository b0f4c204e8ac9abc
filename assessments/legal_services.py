"""Everything that changes a person's legal record. Views, seeding and tests call these.

Each change is audited with the record's model and public id, never its content.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from sites.audit import record_event
from sites.letter_templates import filled_blocks
from sites.models import AuditEvent
from sites.shortcuts import lock_row
from sites.versioning import STALE, check_version, save_versioned

from .legal import Consent, EqualityRecord, SafeguardingConcern
from .letters import DEFAULTS, Letter, LetterKind, LetterTemplate, fill
from .models import Assessment
from .parts import equality_of
from .services import compute_eligibility

STALE_MESSAGE = (
    "Someone else changed this record while you were editing it. Your changes are "
    "shown below; check them against the latest and save again."
)


def _audit(record, by, action):
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=record.site,
        obj=record,
        action=action,
    )


@transaction.atomic
def add_record(model, *, person, by, noun, **fields):
    """Add a row (a consent, a contact...) to the person's legal record."""
    record = model(site=person.site, person=person, recorded_by=by, **fields)
    if isinstance(record, Consent) and record.withdrawn_on:
        record.withdrawal_recorded_by = by
    record.full_clean(exclude=["site", "person", "recorded_by"])
    record.save()
    _audit(record, by, f"{noun.capitalize()} recorded")
    return record


@transaction.atomic
def change_record(record, *, by, expected_version, noun, **fields):
    """Change a row of the legal record, refusing a stale save."""
    locked = lock_row(record)
    check_version(locked, expected_version, message=STALE_MESSAGE)
    action = f"{noun.capitalize()} changed"
    if isinstance(locked, Consent):
        newly_withdrawn = fields.get("withdrawn_on") and not locked.withdrawn_on
        if newly_withdrawn:
            locked.withdrawal_recorded_by = by
            action = "Consent withdrawn"
        elif not fields.get("withdrawn_on"):
            locked.withdrawal_recorded_by = None
    closing = fields.get("closed_on") and getattr(locked, "is_open", False)
    if isinstance(locked, SafeguardingConcern) and closing:
        action = "Safeguarding concern closed"
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["site", "person", "recorded_by"])
    save_versioned(locked)
    _audit(locked, by, action)
    return locked


@transaction.atomic
def raise_safeguarding_concern(*, person, by, **fields):
    """A concern raised from the person page: shown to everyone who can open the
    record until it is closed."""
    concern = SafeguardingConcern(
        site=person.site, person=person, recorded_by=by, **fields
    )
    concern.full_clean(exclude=["site", "person", "recorded_by"])
    concern.save()
    _audit(concern, by, "Safeguarding concern raised")
    return concern


@transaction.atomic
def save_equality(*, person, by, expected_version, **fields):
    """Record or change equality and communication details (one record a person)."""
    # The person's row is locked so that two first saves cannot both create one.
    lock_row(person)
    current = EqualityRecord.objects.filter(person=person).first()
    if current is None:
        if expected_version != 0:  # a form for a record nobody has saved carries 0
            raise ValidationError(STALE_MESSAGE, code=STALE)
        record = EqualityRecord(site=person.site, person=person, updated_by=by)
        action = "Equality and communication recorded"
    else:
        record = lock_row(current)
        check_version(record, expected_version, message=STALE_MESSAGE)
        record.updated_by = by
        action = "Equality and communication changed"
    for name, value in fields.items():
        setattr(record, name, value)
    record.full_clean(exclude=["site", "person", "updated_by"])
    if record.pk:
        save_versioned(record)
    else:
        record.save()
    _audit(record, by, action)
    return record


# --- letters -----------------------------------------------------------------------------


@transaction.atomic
def save_letter_template(*, site, kind, by, expected_version, subject, body):
    """Word a kind of letter the site's own way (versioned, audited)."""
    current = LetterTemplate.objects.filter(site=site, kind=kind).first()
    if current is None:
        if expected_version != 0:
            raise ValidationError(STALE_MESSAGE, code=STALE)
        template = LetterTemplate(site=site, kind=kind, updated_by=by)
    else:
        template = lock_row(current)
        check_version(template, expected_version, message=STALE_MESSAGE)
        template.updated_by = by
    template.subject, template.body = subject, body
    if template.pk:
        save_versioned(template)
    else:
        template.save()
    _audit(template, by, "Letter template changed")
    return template


def letter_wording(site, kind):
    """(subject, body) the site sends for ``kind``: its own, or the default."""
    template = LetterTemplate.objects.filter(site=site, kind=kind).first()
    if template is not None:
        return template.subject, template.body
    return DEFAULTS[kind]


def _lines(items):
    return "\n".join(f"• {item}" for item in items) or "• None recorded."


@transaction.atomic
def send_eligibility_letter(assessment, *, by):
    """The written record of the eligibility determination and its reasons (Care Act
    s13), to the person assessed (the carer, for a carer's assessment); kept word for
    word on their record and audited."""

    locked = lock_row(assessment)
    if locked.eligibility_confirmed_at is None:
        raise ValidationError(
            "Confirm the eligibility decision before sending the letter.",
            code="not_confirmed",
        )
    person = locked.person
    result = compute_eligibility(locked)
    if locked.eligibility_result:
        decision = (
            "We have decided that you have eligible needs: needs the council must "
            "meet under the Care Act 2014. We will now agree a plan with you."
        )
    else:
        decision = (
            "We have decided that your needs are not eligible needs under the Care "
            "Act 2014. We can still give you information and advice about help in "
            "your area."
        )
    values = {
        "assessment_kind": "carer's assessment"
        if locked.kind == Assessment.Kind.CARER
        else "needs assessment",
        "assessment_date": f"{locked.assessment_date:%-d %B %Y}",
        "decision": decision,
        "reasons": _lines(result.to_reader),
        "needs": _lines(need.description for need in locked.needs.all()),
    }
    return send_letter(
        person=person,
        kind=LetterKind.ELIGIBILITY,
        values=values,
        by=by,
        assessment=locked,
    )


def send_letter(*, person, kind, values, by, assessment=None, about=None):
    """Compose a letter of ``kind`` to ``person`` from the site's wording (the body
    of that kind, the blocks every letter shares) and ``values``; keep it word for
    word on their record, in large print where they prefer it, and audit it.
    ``about`` is the record of a higher app the letter is about (its code is kept)."""

    site = person.site
    worker = person.allocated_worker
    common = {
        "name": person.full_name,
        "worker": worker.get_full_name() if worker else "our team",
        "site": site.name,
        "duty_phone": site.duty_phone or "the number on our website",
    }
    blocks = filled_blocks(site, name=common["name"], worker=common["worker"])
    values = common | blocks | values
    subject, body = letter_wording(site, kind)
    equality = equality_of(person)
    letter = Letter.objects.create(
        site=site,
        person=person,
        assessment=assessment,
        about_code=getattr(about, "code", None),
        kind=kind,
        subject=fill(subject, values),
        body=fill(body, values),
        large_print=bool(equality and equality.large_print),
        sent_by=by,
    )
    _audit(letter, by, f"Letter sent: {LetterKind(kind).label.lower()}")
    return letter
