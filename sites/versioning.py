"""One optimistic lock for every record people edit together.

Such a record inherits ``sites.models.Versioned``: its ``version`` goes up by one at
each save. The edit form carries the version it was loaded at in a hidden field named
``version``. The service re-reads the row under lock (``sites.shortcuts.lock_row``),
calls ``check_version`` — which refuses with ``ValidationError(code="stale")`` when
someone else saved since — and saves with ``save_versioned``. The view keeps its state
in a ``VersionedEdit``: on a stale refusal the user's input stays in the form, the page
shows what the other person saved, and the hidden field moves to the latest version so
that saving again, having checked, goes through.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats

from .forms import add_service_errors

STALE = "stale"
STALE_MESSAGE = (
    "Someone else saved this while you were editing it. What you typed has not been "
    "saved: it is still in the form below, and what they saved is shown above it."
)
EMPTY = "—"


def posted_version(data, default=-1):
    """The version a form was loaded at. Missing, garbled or tampered means stale (-1):
    every edit form carries it, so a post without it cannot be trusted to be current."""
    if data is None:
        return default
    try:
        return int(data.get("version", default))
    except (TypeError, ValueError):
        return -1


def check_version(record, expected, *, message=STALE_MESSAGE):
    """Refuse unless ``record`` (freshly locked) is still at the version the editor
    started from."""
    if record.version != expected:
        raise ValidationError(message, code=STALE)


def save_versioned(record, *, update_fields=None):
    """Save ``record`` (locked, checked) as its next version."""
    record.version += 1
    if update_fields is not None:
        update_fields = {*update_fields, "version"}
        if any(f.name == "updated_at" for f in record._meta.concrete_fields):
            update_fields.add("updated_at")
    record.save(update_fields=update_fields)
    return record


@dataclass(slots=True)
class VersionedEdit:
    """The optimistic-lock state of one edit form, for its template.

    ``version`` goes into the hidden field. After a stale refusal, ``latest`` is the
    record as saved now and ``changes`` lists, as (label, saved value), what differs
    from what the user typed.
    """

    version: int
    stale: bool = False
    latest: object = None
    changes: list = field(default_factory=list)

    @classmethod
    def start(cls, current_version, data=None):
        """The version the form is at: the one posted (or kept across a time-out) if
        there is input, else the record's current one."""
        if data is None:
            return cls(version=current_version)
        return cls(version=posted_version(data))

    def refused(self, error, *, form=None, latest, version=None):
        """A service refused the save: put its message on the form; when the refusal
        is stale, show ``latest`` (a record, or a function that reads it) and carry its
        version (or ``version``) from now on."""
        if form is not None:
            add_service_errors(form, error)
        if getattr(error, "code", None) != STALE:
            return
        self.stale = True
        self.latest = latest() if callable(latest) else latest
        self.version = self.latest.version if version is None else version
        if form is not None:
            self.changes = saved_differences(form, self.latest)


def saved_differences(form, latest):
    """The saved values that differ from what was typed in ``form``, as (label,
    value shown as people read it)."""
    changes = []
    for name, form_field in form.fields.items():
        if name not in form.cleaned_data or not hasattr(latest, name):
            continue
        typed, saved = form.cleaned_data[name], getattr(latest, name)
        if hasattr(saved, "all"):  # many-to-many: compare the chosen records
            saved = list(saved.all())
            if {o.pk for o in saved} == {o.pk for o in typed}:
                continue
            shown = "; ".join(_shown(form_field, o) for o in saved) or EMPTY
        else:
            if saved == typed or (saved in ("", None) and typed in ("", None)):
                continue
            shown = _shown(form_field, saved)
        changes.append((form_field.label, shown))
    return changes


def _shown(form_field, value):
    if value in ("", None):
        return EMPTY
    if isinstance(form_field, forms.ModelChoiceField):
        return form_field.label_from_instance(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    choices = getattr(form_field, "choices", None)
    if choices is not None:
        labels = {str(key): label for key, label in choices}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(value, datetime.date | Decimal):
        return formats.localize(value)
    return str(value)
