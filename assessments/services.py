"""Everything that changes people and assessments. Views, seeding and tests call these."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sites.audit import record_event
from sites.models import AuditEvent
from sites.shortcuts import lock_row
from sites.versioning import check_version, save_versioned
from sites.workflow import apply, lock

from . import eligibility
from .domains import AdultOutcome, CarerOutcome, WellbeingArea
from .models import (
    Addendum,
    Assessment,
    AssessmentSection,
    CarerLink,
    OutcomeRating,
    Person,
    WellbeingImpact,
)

STALE_MESSAGE = (
    "Someone else saved this section while you were editing it. Your text has not been "
    "saved: it is shown below so you can copy it, and the latest saved version is above."
)
PERSON_STALE_MESSAGE = (
    "Someone else changed these details while you were editing. Your changes are "
    "shown below; check them against the latest and save again."
)


STEP = Assessment.WORKFLOW


DUPLICATE_MESSAGE = (
    "Someone with these details is already recorded at this site. Check the "
    "records below before adding anyone."
)


@transaction.atomic
def create_person(*, site, by, creation_token=None, **fields):
    """Record a new person at the site.

    ``creation_token`` is the form's one-time token: a second post of the same form
    (a double click) gets the record the first made, not a second one. A record that
    clashes with one saved meanwhile (same NHS number, or same name and date of birth
    not confirmed as a different person) is refused with ``code="duplicate"``.
    """
    if creation_token is not None:
        made = Person.objects.filter(site=site, creation_token=creation_token).first()
        if made is not None:
            return made
    person = Person(site=site, creation_token=creation_token, **fields)
    person.full_clean(exclude=["site", "creation_token"])
    try:
        # A savepoint: the same record saved by a request running at the same
        # moment is only found by the database's unique constraints.
        with transaction.atomic():
            person.save()
    except IntegrityError:
        if creation_token is not None:
            made = Person.objects.filter(
                site=site, creation_token=creation_token
            ).first()
            if made is not None:
                return made
        raise ValidationError(DUPLICATE_MESSAGE, code="duplicate") from None
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=site,
        obj=person,
        action="Person recorded",
    )
    return person


@transaction.atomic
def update_person(person, *, by, expected_version, **fields):
    """Change a person's details, refusing a stale save."""
    locked = lock_row(person)
    check_version(locked, expected_version, message=PERSON_STALE_MESSAGE)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["site"])
    save_versioned(locked)
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=locked.site,
        obj=locked,
        action="Person's details changed",
    )
    return locked


@transaction.atomic
def link_carer(*, carer, cared_for, by, **fields):
    """Record that ``carer`` cares for ``cared_for`` (both at the same site)."""
    if carer.site_id != cared_for.site_id:
        raise ValidationError("Both people must be at the same site.", code="site")
    if carer.pk == cared_for.pk:
        raise ValidationError("A person cannot be their own carer.", code="self")
    if CarerLink.objects.filter(carer=carer, cared_for=cared_for).exists():
        raise ValidationError(
            "This caring relationship is already recorded.", code="duplicate"
        )
    link = CarerLink.objects.create(
        site=carer.site, carer=carer, cared_for=cared_for, **fields
    )
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=carer.site,
        obj=link,
        action="Carer linked",
    )
    return link


@transaction.atomic
def start_assessment(*, person, kind, by, cared_for=None, assessment_date=None):
    """Open a draft assessment with a blank outcomes grid and wellbeing areas."""
    if kind == Assessment.Kind.CARER:
        if cared_for is None:
            raise ValidationError(
                "Say who the carer looks after.", code="cared_for_required"
            )
        if not CarerLink.objects.filter(carer=person, cared_for=cared_for).exists():
            raise ValidationError(
                "Record the caring relationship first.", code="no_carer_link"
            )
    else:
        cared_for = None
    assessment = Assessment.objects.create(
        site=person.site,
        person=person,
        kind=kind,
        cared_for=cared_for,
        started_by=by,
        assessment_date=assessment_date or timezone.localdate(),
    )
    domains = CarerOutcome if kind == Assessment.Kind.CARER else AdultOutcome
    OutcomeRating.objects.bulk_create(
        OutcomeRating(site=person.site, assessment=assessment, domain=d, position=i)
        for i, d in enumerate(domains)
    )
    WellbeingImpact.objects.bulk_create(
        WellbeingImpact(site=person.site, assessment=assessment, area=a, position=i)
        for i, a in enumerate(WellbeingArea)
    )
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=person.site,
        obj=assessment,
        action=f"{assessment.get_kind_display()} started",
    )
    return assessment


def _section(locked, key):
    """A section's version row; unsaved, at version 0, if nobody has saved it yet.
    The assessment is locked, so no other save can create it meanwhile."""
    return locked.saved_sections.filter(key=key).first() or AssessmentSection(
        site_id=locked.site_id, assessment=locked, key=key, version=0
    )


@transaction.atomic
def save_section(assessment, *, section, expected_version, by, write):
    """Save one section of a draft, refusing a stale save.

    ``write(locked_assessment)`` stores the section's validated input (a form's or
    formset's save). It runs only when the version the officer started from is still
    the latest, inside the same transaction as the version bump.
    """
    locked = lock(assessment, STEP.edit)
    row = _section(locked, section)
    check_version(row, expected_version, message=STALE_MESSAGE)
    write(locked)
    save_versioned(row)
    fields = ["updated_at"]
    if section in AssessmentSection.ELIGIBILITY_INPUTS:
        # The result worked out from these answers may have changed: a confirmation
        # from a page showing the old one is stale, and a given one no longer holds.
        save_versioned(_section(locked, AssessmentSection.Key.ELIGIBILITY))
        if locked.eligibility_confirmed_at:
            locked.eligibility_confirmed_at = None
            locked.eligibility_confirmed_by = None
            locked.eligibility_result = None
            fields += [
                "eligibility_confirmed_at",
                "eligibility_confirmed_by",
                "eligibility_result",
            ]
    locked.save(update_fields=fields)
    return locked


def compute_eligibility(assessment):
    """The eligibility result, from the assessment's current answers."""
    return eligibility.for_assessment(
        assessment,
        list(assessment.outcome_ratings.all()),
        list(assessment.wellbeing_impacts.all()),
    )


@transaction.atomic
def confirm_eligibility(assessment, *, by, expected_version, note=""):
    """The officer confirms the computed eligibility; the result is recorded."""
    locked = lock(assessment, STEP.edit)
    row = _section(locked, AssessmentSection.Key.ELIGIBILITY)
    check_version(row, expected_version, message=STALE_MESSAGE)
    result = compute_eligibility(locked)
    if result.eligible is None:
        raise ValidationError(
            "Eligibility cannot be confirmed yet: " + " ".join(result.missing),
            code="incomplete",
        )
    locked.eligibility_result = result.eligible
    locked.eligibility_confirmed_by = by
    locked.eligibility_confirmed_at = timezone.now()
    locked.eligibility_note = note
    locked.save(
        update_fields=[
            "eligibility_result",
            "eligibility_confirmed_by",
            "eligibility_confirmed_at",
            "eligibility_note",
            "updated_at",
        ]
    )
    save_versioned(row)
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=locked.site,
        obj=locked,
        action="Eligibility confirmed: "
        + ("eligible" if result.eligible else "not eligible"),
    )
    return locked


def completion_problems(assessment):
    """What still stops a draft from being completed, in plain words."""
    problems = []
    if not assessment.eligibility_confirmed_at:
        problems.append("Confirm the eligibility decision.")
    if not assessment.what_matters.strip():
        problems.append("Record what matters to the person.")
    if not assessment.desired_outcomes.exists():
        problems.append("Record at least one desired outcome in their own words.")
    if assessment.eligibility_result and not assessment.needs.exists():
        problems.append("Record the eligible needs.")
    return problems


@transaction.atomic
def complete_assessment(assessment, *, by):
    """Draft -> completed. Afterwards it is read-only; corrections are addenda."""
    locked = lock(assessment, STEP.complete)
    problems = completion_problems(locked)
    if problems:
        raise ValidationError(
            "This assessment cannot be completed yet: " + " ".join(problems),
            code="incomplete",
        )
    return apply(locked, STEP.complete, by=by)


@transaction.atomic
def add_addendum(assessment, *, by, reason, text):
    """A dated, signed correction to a completed assessment."""
    locked = lock(assessment, STEP.add_addendum)
    addendum = Addendum.objects.create(
        site=locked.site, assessment=locked, reason=reason, text=text, added_by=by
    )
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=locked.site,
        obj=locked,
        action="Addendum added",
    )
    return addendum
