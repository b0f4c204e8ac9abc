"""What an audit event is about, in words: "Care and support plan v2 · Ann Test"
with a link to it, not "careplans.CarePlan f43f…".

An event keeps only a model label and a public id (``AuditEvent.object_type`` and
``object_code``). Putting them into words needs the records, which live in higher
apps that ``sites`` never imports, so each app registers, per model label, how to
describe its records (``describe``) and which of them are a given person's
(``of_person``), from its ``AppConfig.ready()``. Each callable makes one query for
any number of records, so a page of the trail costs one query per kind of record on
it, and "everything about this person" one query per registered kind.

A link is given only when the reader may follow it (the app asks the named rules).
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.utils.text import capfirst

PERSON_LABEL = "assessments.Person"


@dataclass(frozen=True)
class Subject:
    """A record as the trail shows it."""

    name: str
    url: str = ""
    # The public id of the person whose record it is, if any ("events about them").
    person: str = ""


@dataclass(frozen=True)
class SubjectKind:
    label: str
    # describe(request, codes) -> {code: Subject}
    describe: Callable[[object, list[str]], dict[str, Subject]]
    # of_person(site, person_code) -> the codes of this kind that are the person's
    of_person: Callable[[object, str], Iterable[str]] | None = None
    # Whether object codes are UUIDs (``code``) or primary keys.
    uuid_codes: bool = True


SUBJECT_KINDS: dict[str, SubjectKind] = {}
# find_people(site, text) -> [(code, name, detail)], registered by the people app.
PEOPLE_FINDERS: list[Callable[[object, str], list[tuple[str, str, str]]]] = []


def register_subject(label, *, describe, of_person=None, uuid_codes=True):
    SUBJECT_KINDS[label] = SubjectKind(label, describe, of_person, uuid_codes)


def _valid(codes, uuid_codes):
    """Only well-formed ids reach a query (a stray value must not raise)."""
    good = []
    for code in codes:
        try:
            good.append(str(uuid.UUID(code)) if uuid_codes else str(int(code)))
        except (ValueError, TypeError):
            continue
    return good


def fallback(label) -> Subject:
    """A record of a kind nobody describes: its kind in words, never its label."""
    try:
        return Subject(capfirst(apps.get_model(label)._meta.verbose_name))
    except (LookupError, ValueError):
        return Subject(capfirst(label.rpartition(".")[2]))


def describe_events(request, events):
    """Set ``event.subject`` (a ``Subject`` or None) on each event, one query per kind."""
    events = list(events)
    wanted = {}
    for event in events:
        if event.object_type:
            wanted.setdefault(event.object_type, set()).add(event.object_code)
    described = {}
    for label, codes in wanted.items():
        kind = SUBJECT_KINDS.get(label)
        if kind is None:
            continue
        codes = _valid(codes, kind.uuid_codes)
        if codes:
            described[label] = kind.describe(request, codes)
    for event in events:
        if not event.object_type:
            event.subject = None
            continue
        found = described.get(event.object_type, {}).get(event.object_code)
        event.subject = found or fallback(event.object_type)
    return events


def person_subject(request, code) -> Subject | None:
    """The person with this public id at the request's site, as the trail names them."""
    kind = SUBJECT_KINDS.get(PERSON_LABEL)
    codes = _valid([code], True)
    if kind is None or not codes:
        return None
    return kind.describe(request, codes).get(codes[0])


def records_of_person(site, code) -> dict[str, list[str]]:
    """{label: codes} of every registered kind of record that is this person's."""
    codes = _valid([code], True)
    if not codes:
        return {}
    found = {}
    for label, kind in SUBJECT_KINDS.items():
        if kind.of_person is not None:
            found[label] = [str(c) for c in kind.of_person(site, codes[0])]
    return found


def find_people(site, text):
    """People at the site matching a name, NHS number or postcode typed by the
    auditor: [(code, name, detail)]."""
    found = []
    for finder in PEOPLE_FINDERS:
        found += finder(site, text)
    return found
