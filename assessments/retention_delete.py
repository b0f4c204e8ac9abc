"""Deleting a person's records after their retention period (issue 13, item 5).

What lies under a person is found from the models themselves, as merging does
(``services.merge_people``): every row that points at the person, every row that
points at those, and so on, across every installed app, through ``_meta`` — so this
app imports nothing above it, and a model added later is covered without a change
here. Change-history rows of every deleted row go too (the law wants the personal
data gone), and so do notifications about the deleted records (their messages can
name the person). Audit events stay: they name records by public id only, and the
deletion's own event (who, when, why, how many of each kind) is the evidence.

Some records are joined across people: a carer's assessment is part of the plan of
the person they care for. Such people are deleted **together**, in one step, and only
when every one of them is past retention and on no legal hold (docs/retention.md).

Care records are ``PROTECT``ed from deletion by cascade on purpose; this is the one
place they are deleted, row sets at a time with ``_raw_delete`` (no signals, no
cascade), inside one transaction. The database's foreign keys are checked before the
transaction ends, so a row this walk missed makes the whole deletion fail and
change nothing.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sites.audit import record_event
from sites.models import AuditEvent, Notification

from .models import Person
from .retention_services import holds_in_force, past_retention

CHUNK = 500
WHY_REFUSED = {
    "not_due": "{who} not yet past the retention period.",
    "held": "{who} on a legal hold.",
    "merged": "This record was merged into another: delete that one instead.",
}


def _is_history(model) -> bool:
    return hasattr(model, "instance_type")  # simple_history's Historical<Model>


@cache
def _pointing_at(model):
    """(model, foreign key) for every key in any app that points at ``model``."""
    found = []
    for other in apps.get_models(include_auto_created=True):
        if _is_history(other):
            continue
        for key in other._meta.concrete_fields:
            if (key.many_to_one or key.one_to_one) and key.related_model is model:
                found.append((other, key))
    return tuple(found)


def _person_keys(model):
    return [
        f
        for f in model._meta.concrete_fields
        if f.name == "person" and f.is_relation and f.related_model is Person
    ]


def _rows(model, site):
    rows = model._base_manager.all()
    if any(f.name == "site" for f in model._meta.concrete_fields):
        rows = rows.filter(site=site)
    return rows


@dataclass
class Deletion:
    """Everything that goes when these people's records are deleted."""

    site: object
    people: list  # Person rows: the group, merged duplicates included
    rows: dict = field(default_factory=dict)  # model -> set of primary keys

    @property
    def counts(self) -> dict[str, int]:
        """Rows per kind of record, by the model's plural name."""
        return {
            str(model._meta.verbose_name_plural): len(pks)
            for model, pks in sorted(
                self.rows.items(), key=lambda item: item[0]._meta.label
            )
            if pks
        }

    @property
    def in_words(self) -> list[str]:
        """ "2 assessments", "1 care plan"...: for the review page."""
        return [
            f"{len(pks)} "
            + str(
                model._meta.verbose_name
                if len(pks) == 1
                else model._meta.verbose_name_plural
            )
            for model, pks in sorted(
                self.rows.items(), key=lambda item: item[0]._meta.label
            )
            if pks
        ]

    @property
    def current_people(self):
        return [p for p in self.people if p.merged_into_id is None]


def _walk(site, start):
    found = defaultdict(set)
    queue = []
    for model, pks in start.items():
        found[model] |= pks
        queue.append((model, set(pks)))
    while queue:
        model, pks = queue.pop()
        for other, key in _pointing_at(model):
            new = set()
            ids = list(pks)
            for i in range(0, len(ids), CHUNK):
                new |= set(
                    _rows(other, site)
                    .filter(**{f"{key.attname}__in": ids[i : i + CHUNK]})
                    .values_list("pk", flat=True)
                )
            new -= found[other]
            if new:
                found[other] |= new
                queue.append((other, new))
    return found


def plan_deletion(person) -> Deletion:
    """The people deleted with ``person`` and every row under them (no writes)."""

    site = person.site
    group = {person.pk}
    while True:
        rows = _walk(site, {Person: set(group)})
        owners = set()
        for model, pks in rows.items():
            for key in _person_keys(model):
                owners |= set(
                    model._base_manager.filter(pk__in=pks).values_list(
                        key.attname, flat=True
                    )
                )
        owners.discard(None)
        # Merged duplicates are found as Person rows pointing at the person.
        everyone = owners | rows[Person]
        if everyone <= group:
            break
        group |= everyone
    people = list(
        Person._base_manager.filter(pk__in=rows[Person]).order_by("family_name", "pk")
    )
    return Deletion(site=site, people=people, rows=dict(rows))


def refusals(deletion, today) -> list[str]:
    """Why these records may not be deleted today (an empty list: they may)."""
    current = deletion.current_people
    if not current:
        return [WHY_REFUSED["merged"]]
    ids = [p.pk for p in current]
    due = {p.person_id for p in past_retention(deletion.site, today, person_ids=ids)}
    held = holds_in_force(deletion.site, today, [p.pk for p in deletion.people])
    problems = []
    not_due = [p for p in current if p.pk not in due]
    if not_due:
        problems.append(WHY_REFUSED["not_due"].format(who=_who(not_due, deletion)))
    on_hold = [p for p in deletion.people if p.pk in held]
    if on_hold:
        problems.append(WHY_REFUSED["held"].format(who=_who(on_hold, deletion)))
    return problems


def _who(people, deletion):
    if len(deletion.current_people) == 1:
        return "This person is"
    names = ", ".join(p.display_name for p in people)
    return f"{names} {'is' if len(people) == 1 else 'are'}"


def delete_records(person, *, by, reason, today=None) -> Deletion:
    """Delete ``person`` (and anyone whose records are joined with theirs) with
    everything under them, after checking again, under lock, that it is allowed.
    Leaves one audit event per person: public id, counts, reason, who."""

    today = today or timezone.localdate()
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why these records are being deleted.", code="reason")
    with transaction.atomic():
        # Lock the people first: a hold placed meanwhile waits, then is seen.
        deletion = plan_deletion(person)
        list(
            Person._base_manager.select_for_update()
            .filter(pk__in=[p.pk for p in deletion.people])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        problems = refusals(deletion, today)
        if problems:
            raise ValidationError(" ".join(problems), code="not_allowed")
        history_rows = _delete(deletion)
        counts = deletion.counts
        codes = [str(p.code) for p in deletion.current_people]
        for p in deletion.current_people:
            record_event(
                kind=AuditEvent.Kind.DELETE,
                user=by,
                site=deletion.site,
                object_type=Person._meta.label,
                object_code=str(p.code),
                action="Records deleted after the retention period",
                details={
                    "deleted": counts,
                    "history_rows": history_rows,
                    "together_with": [c for c in codes if c != str(p.code)],
                    "reason": reason,
                },
            )
    return deletion


def _delete(deletion) -> int:
    """Delete the rows, their change history and notifications about them; check
    every foreign key that could point at them. Returns the history rows deleted."""
    using = connection.alias
    subjects = []
    for model, pks in deletion.rows.items():
        if any(f.name == "code" for f in model._meta.concrete_fields):
            codes = model._base_manager.filter(pk__in=pks).values_list(
                "code", flat=True
            )
            subjects += [f"{model._meta.label}:{code}" for code in codes]
    for i in range(0, len(subjects), CHUNK):
        Notification.objects.filter(
            site=deletion.site, subject__in=subjects[i : i + CHUNK]
        ).delete()
    history_rows = 0
    referrers = set()
    for model, pks in deletion.rows.items():
        ids = list(pks)
        history = getattr(model._meta, "simple_history_manager_attribute", None)
        past = getattr(model, history).model if history else None
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            model._base_manager.filter(pk__in=chunk)._raw_delete(using)
            if past is not None:
                history_rows += past._base_manager.filter(
                    **{f"{model._meta.pk.attname}__in": chunk}
                )._raw_delete(using)
        referrers |= {other._meta.db_table for other, _ in _pointing_at(model)}
    try:
        # Keys are checked at commit; check them now for a clear refusal.
        connection.check_constraints(table_names=sorted(referrers))
    except IntegrityError as exc:
        raise ValidationError(
            "These records could not be deleted: something else still refers to "
            "them. Nothing has been deleted.",
            code="still_referred_to",
        ) from exc
    return history_rows
