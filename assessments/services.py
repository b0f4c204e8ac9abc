"""Everything that changes people and assessments. Views, seeding and tests call these."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
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
    if locked.merged_into_id:
        raise ValidationError(
            "This record has been merged into another; change the details there.",
            code="merged",
        )
    check_version(locked, expected_version, message=PERSON_STALE_MESSAGE)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["site"])
    try:
        with transaction.atomic():
            save_versioned(locked)
    except IntegrityError:
        # The same name and date of birth, or NHS number, as another record.
        raise ValidationError(
            "Someone else at this site is recorded with this name and date of birth "
            "or NHS number. If they are the same person, a team manager can merge "
            "the two records.",
            code="duplicate",
        ) from None
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


# --- Merging two records of one person -------------------------------------------------

# Details the kept record takes from the other when it has none of its own.
MERGED_DETAILS = (
    "preferred_name",
    "nhs_number",
    "address",
    "postcode",
    "phone",
    "communication_needs",
    "allocated_worker",
)


def _person_references():
    """Every foreign key to ``Person`` in every installed app (care plans, reviews,
    programme cases …), found from the models so that no app above this one is
    imported (records merged earlier into the merged one follow it too). Change-history
    tables are left out: history keeps what was true then."""
    for field in Person._meta.get_fields(include_hidden=True):
        if not (field.is_relation and field.auto_created and not field.concrete):
            continue
        model = field.related_model
        if getattr(model, "instance_type", None) is not None or field.many_to_many:
            continue  # a simple-history table
        yield model, field.field.name


@transaction.atomic
def merge_people(keep, other, *, by):
    """Merge ``other`` into ``keep``: two records of one person become one.

    Everything recorded against ``other`` (assessments, carer links, plans, reviews,
    programme cases …) moves to ``keep``, one row at a time so each move has its
    change history; details ``keep`` lacks are taken from ``other``. ``other`` is kept,
    marked as merged into ``keep``, so its history and old links still lead somewhere.
    """
    if keep.pk == other.pk:
        raise ValidationError("Choose two different records.", code="same")
    if keep.site_id != other.site_id:
        raise ValidationError("Both records must be at this site.", code="site")
    first, second = sorted([keep, other], key=lambda p: p.pk)
    locked = {p.pk: lock_row(p) for p in (first, second)}
    keep, other = locked[keep.pk], locked[other.pk]
    if keep.merged_into_id or other.merged_into_id:
        raise ValidationError(
            "One of these records has already been merged into another.",
            code="merged",
        )
    if keep.nhs_number and other.nhs_number and keep.nhs_number != other.nhs_number:
        raise ValidationError(
            "The two records have different NHS numbers, so they are not the same "
            "person. Correct the wrong number first if one is a mistake.",
            code="nhs_number",
        )
    links = CarerLink.objects.filter(
        Q(carer__in=[keep, other]) | Q(cared_for__in=[keep, other])
    )
    ends = [
        (link.carer_id, link.cared_for_id)
        for link in links
        if {link.carer_id, link.cared_for_id} != {keep.pk, other.pk}
    ]
    if len(ends) != len(links):
        raise ValidationError(
            "These two records are linked as carer and cared-for, so they are two "
            "people.",
            code="linked",
        )
    as_one = [
        tuple(keep.pk if end == other.pk else end for end in pair) for pair in ends
    ]
    if len(set(as_one)) != len(as_one):
        raise ValidationError(
            "Both records are linked to the same carer or cared-for person. Merging "
            "them would record that link twice; ask your system administrator.",
            code="links",
        )
    moved = {}
    try:
        with transaction.atomic():
            for model, name in _person_references():
                rows = list(model._default_manager.filter(**{name: other}))
                for row in rows:
                    setattr(row, name, keep)
                    row.save(update_fields=[name])
                if rows:
                    label = str(model._meta.verbose_name_plural)
                    moved[label] = moved.get(label, 0) + len(rows)
    except IntegrityError:
        raise ValidationError(
            "Both records hold something that can only be recorded once for a person "
            "(for example the same programme), so they cannot be merged here; ask "
            "your system administrator.",
            code="clash",
        ) from None
    taken = []
    if other.nhs_number and not keep.nhs_number:
        number, other.nhs_number = other.nhs_number, ""
        other.save(update_fields=["nhs_number"])  # free it for the kept record
        keep.nhs_number = number
        taken.append("nhs_number")
    for name in MERGED_DETAILS:
        if name != "nhs_number" and not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
            taken.append(name)
    if taken:
        save_versioned(keep, update_fields=taken)
    other.merged_into = keep
    other.merged_at = timezone.now()
    other.merged_by = by
    save_versioned(other, update_fields=["merged_into", "merged_at", "merged_by"])
    details = {
        "merged_record": str(other.code),
        "kept_record": str(keep.code),
        "moved": moved,
        "details_taken": taken,
    }
    for record in (keep, other):
        record_event(
            kind=AuditEvent.Kind.TRANSITION,
            user=by,
            site=keep.site,
            obj=record,
            action="Records of one person merged",
            details=details,
        )
    return keep
