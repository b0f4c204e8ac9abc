"""Retention (issue 13, item 5): last contact, the list of people past retention,
legal holds and the periods. Deleting is in ``retention_delete.py``.

**Last contact** is the latest of these dates about the person (docs/retention.md):
the record being made; any assessment of them (its assessment date, or its
completion); a part of their legal record being recorded (consent, capacity,
attorney, advocacy, safeguarding, contacts); and, registered by ``careplans`` from its
``ready()`` (this app never imports it), any plan of theirs being written, submitted,
approved or closed, and any review of it completed. Views, prints and exports are
not contact: reading a record does not extend its life.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from sites.audit import record_event
from sites.models import AuditEvent, Membership, Notification
from sites.notify import notify
from sites.permissions import roles_allowed
from sites.shortcuts import lock_row

from .legal import (
    Advocacy,
    Attorney,
    CapacityAssessment,
    Consent,
    Contact,
    SafeguardingConcern,
)
from .models import Assessment, CarerLink, Person
from .retention import (
    DEFAULT_YEARS,
    LegalHold,
    RecordType,
    RetentionCandidate,
    RetentionPeriod,
    RetentionRun,
)

# kind -> words on the list ("Last contact: a review completed on 3 March 2017").
CONTACT_WORDS: dict[str, str] = {"recorded": "their record being made"}
# (kind, source): ``source(site, person_ids)`` answers (person id, latest date or
# datetime) pairs for those people (all the site's people when ``person_ids`` is
# None), in one query.
CONTACT_SOURCES: list[tuple[str, Callable]] = []


def register_contact_source(kind: str, words: str, source: Callable) -> None:
    """Count ``source``'s dates as contact with a person (called from ``ready()``)."""
    if kind not in CONTACT_WORDS:
        CONTACT_SOURCES.append((kind, source))
    CONTACT_WORDS[kind] = words


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value


@dataclass(frozen=True, slots=True)
class PastRetention:
    person_id: int
    record_type: str
    years: int
    last_contact: date
    last_contact_kind: str
    due_on: date


def periods_for(site) -> dict[str, int]:
    """Years kept after last contact, per record type (8 where none is set)."""
    years = dict.fromkeys(RecordType.values, DEFAULT_YEARS)
    years.update(
        RetentionPeriod.objects.filter(site=site).values_list("record_type", "years")
    )
    return years


def due_on(last_contact: date, years: int) -> date:
    """The day the period ends (29 February + a year that has none: 28 February)."""
    return last_contact + relativedelta(years=years)


def last_contacts(site, person_ids=None) -> dict[int, tuple[date, str]]:
    """Each person's last contact and what it was: one query per source."""

    people = Person.objects.filter(site=site).current()
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    latest = {
        pk: (_day(made), "recorded")
        for pk, made in people.values_list("pk", "created_at")
    }
    for kind, source in CONTACT_SOURCES:
        for pk, when in source(site, person_ids):
            day = _day(when)
            # On the same day, the more telling kind (a later source) is named.
            if pk in latest and day is not None and day >= latest[pk][0]:
                latest[pk] = (day, kind)
    return latest


def record_types(site, person_ids) -> dict[int, str]:
    """Carer (known only as a carer: no needs assessment of their own) or person."""

    assessed = set(
        Assessment.objects.filter(
            site=site, person_id__in=person_ids, kind=Assessment.Kind.NEEDS
        ).values_list("person_id", flat=True)
    )
    carers = set(
        CarerLink.objects.filter(site=site, carer_id__in=person_ids).values_list(
            "carer_id", flat=True
        )
    ) | set(
        Assessment.objects.filter(
            site=site, person_id__in=person_ids, kind=Assessment.Kind.CARER
        ).values_list("person_id", flat=True)
    )
    return {
        pk: RecordType.CARER
        if pk in carers and pk not in assessed
        else RecordType.PERSON
        for pk in person_ids
    }


def past_retention(site, today: date, person_ids=None) -> list[PastRetention]:
    """The people whose retention period has ended by ``today``, oldest first."""
    contacts = last_contacts(site, person_ids)
    years = periods_for(site)
    types = record_types(site, list(contacts))
    found = []
    for pk, (day, kind) in contacts.items():
        record_type = types[pk]
        ends = due_on(day, years[record_type])
        if ends <= today:
            found.append(
                PastRetention(pk, record_type, years[record_type], day, kind, ends)
            )
    return sorted(found, key=lambda p: (p.due_on, p.person_id))


def holds_in_force(site, today, person_ids) -> dict[int, LegalHold]:
    """The hold in force on each of these people, if any (the latest placed)."""
    holds = {}
    for hold in (
        LegalHold.objects.filter(site=site, person_id__in=person_ids)
        .in_force(today)
        .select_related("placed_by")
        .order_by("placed_at")
    ):
        holds[hold.person_id] = hold
    return holds


# --- the monthly run ------------------------------------------------------------------


@transaction.atomic
def run_retention_review(site, *, today=None, by=None) -> RetentionRun:
    """Compute the site's list of people past retention, replacing the last one, and
    tell its senior managers when anyone is on it."""
    today = today or timezone.localdate()
    RetentionRun.objects.filter(site=site).delete()
    run = RetentionRun.objects.create(site=site, run_on=today, ran_by=by)
    found = past_retention(site, today)
    RetentionCandidate.objects.bulk_create(
        RetentionCandidate(
            site=site,
            run=run,
            person_id=p.person_id,
            record_type=p.record_type,
            years=p.years,
            last_contact=p.last_contact,
            last_contact_kind=p.last_contact_kind,
            due_on=p.due_on,
        )
        for p in found
    )
    held = holds_in_force(site, today, [p.person_id for p in found])
    waiting = len(found) - len(held)
    if waiting:
        _tell_managers(site, waiting)
    return run


def _tell_managers(site, waiting):
    link = reverse("retention_list", args=[site.slug])
    message = (
        f"{waiting} {'person is' if waiting == 1 else 'people are'} past the retention "
        "period and not on a legal hold: review and delete their records."
    )
    user_ids = (
        Membership.objects.filter(
            site=site, is_active=True, role__in=roles_allowed("delete_past_retention")
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    subject = f"retention:{timezone.localdate():%Y-%m}"
    # Once a month each: working the list out again does not repeat the message.
    told = Notification.objects.filter(
        site=site, kind=Notification.Kind.RETENTION_DUE, subject=subject
    ).values_list("user_id", flat=True)
    for user in (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .exclude(pk__in=told)
    ):
        notify(
            user=user,
            site=site,
            kind=Notification.Kind.RETENTION_DUE,
            message=message,
            link=link,
            subject=subject,
        )


# --- periods and holds ----------------------------------------------------------------


@transaction.atomic
def set_retention_periods(site, years_by_type: dict[str, int], *, by) -> list[str]:
    """Save the periods that changed; audited. Returns the record types changed."""
    current = periods_for(site)
    changed = []
    for record_type, years in years_by_type.items():
        if current[record_type] == years:
            continue
        RetentionPeriod.objects.update_or_create(
            site=site,
            record_type=record_type,
            defaults={"years": years, "set_by": by},
        )
        record_event(
            kind=AuditEvent.Kind.RETENTION,
            user=by,
            site=site,
            object_type=RetentionPeriod._meta.label,
            object_code=record_type,
            action="Retention period set",
            details={"years": years},
        )
        changed.append(record_type)
    return changed


@transaction.atomic
def place_legal_hold(person, *, by, reason, until=None) -> LegalHold:
    """Keep the person's records off the deletion path; audited."""
    hold = LegalHold.objects.create(
        site=person.site,
        person=person,
        reason=reason,
        until=until,
        placed_by=by,
        placed_at=timezone.now(),
    )
    record_event(
        kind=AuditEvent.Kind.RETENTION,
        user=by,
        site=person.site,
        obj=person,
        action="Legal hold placed",
    )
    return hold


@transaction.atomic
def release_legal_hold(hold, *, by, note="") -> LegalHold:
    """End a hold in force (the record of it stays); audited."""
    hold = lock_row(hold)
    if hold.released_at is not None:
        raise ValidationError(
            "This hold has already been released.", code="already_released"
        )
    hold.released_at = timezone.now()
    hold.released_by = by
    hold.release_note = note
    hold.save(
        update_fields=["released_at", "released_by", "release_note", "updated_at"]
    )
    record_event(
        kind=AuditEvent.Kind.RETENTION,
        user=by,
        site=hold.site,
        object_type="assessments.Person",
        object_code=str(hold.person.code),
        action="Legal hold released",
    )
    return hold


# --- this app's own contact dates -----------------------------------------------------


def _of(queryset, person_ids, key="person_id"):
    if person_ids is not None:
        queryset = queryset.filter(**{f"{key}__in": person_ids})
    return queryset


def _assessments(site, person_ids):
    rows = (
        _of(Assessment.objects.filter(site=site), person_ids)
        .values("person_id")
        .annotate(held=Max("assessment_date"), done=Max("completed_at"))
    )
    for row in rows:
        yield row["person_id"], row["held"]
        if row["done"]:
            yield row["person_id"], row["done"]


def _legal_records(site, person_ids):
    parts = [
        _of(model.objects.filter(site=site), person_ids)
        .order_by()
        .values("person_id")
        .annotate(last=Max("created_at"))
        .values_list("person_id", "last")
        for model in (
            Consent,
            CapacityAssessment,
            Attorney,
            Advocacy,
            SafeguardingConcern,
            Contact,
        )
    ]
    # One query for the six kinds of record.
    return parts[0].union(*parts[1:], all=True).order_by()


def register_own_sources():
    """This app's contact dates (called from ``AssessmentsConfig.ready``)."""
    register_contact_source("assessment", "an assessment", _assessments)
    register_contact_source(
        "legal", "a part of their legal record recorded", _legal_records
    )
