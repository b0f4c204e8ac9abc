"""Workflow steps, written once.

A model with a workflow declares its steps (``WORKFLOW = Workflow(Status, Step(...),
...)``): each names the statuses it may be taken from, the status it leads to, the
timestamp and actor fields it stamps and the words the audit trail records.
``TRANSITIONS`` ({status: {statuses it may become}}) is derived from them.

Services take a step with ``transition``, or — when they must check something on the
locked row first — with ``lock`` then ``apply``:

    locked = workflow.lock(plan, CarePlan.WORKFLOW.sign_off)  # re-read, check status
    ...checks that need the locked row...
    workflow.apply(locked, CarePlan.WORKFLOW.sign_off, by=user, approval_note=note)

``apply`` sets the status, the stamps and any other changes, saves only those fields
and records the audit event. No other code sets a status (a test walks the source to
keep it so). A step without a target status (e.g. "edit": only a draft) is a check
that consults the same map without changing the status.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from .audit import record_event
from .models import AuditEvent
from .shortcuts import lock_row

REFUSED = "transition_not_allowed"


@dataclass(frozen=True)
class Step:
    """One named step of a workflow."""

    name: str
    sources: frozenset  # the statuses it may be taken from
    target: str | None  # the status it leads to; None leaves the status as it is
    action: str = ""  # what the audit trail records
    stamp_at: str = ""  # field set to the time of the step
    stamp_by: str = ""  # field set to who took it
    # Shown when the step is not allowed from the record's status; "{status}" is
    # replaced by that status in words.
    refusal: str = "This cannot be done while it is {status}."
    code: str = REFUSED

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))

    def allows(self, status) -> bool:
        return status in self.sources


class Workflow:
    """A model's steps, each an attribute by its name (``WORKFLOW.sign_off``)."""

    def __init__(self, statuses, *steps):
        self.statuses = statuses
        self.steps = steps
        for step in steps:
            named = set(step.sources) | ({step.target} - {None})
            if not named <= set(statuses.values):
                raise ValueError(f"Step {step.name!r} names an unknown status.")
            if hasattr(self, step.name):
                raise ValueError(f"Step {step.name!r} is declared twice.")
            setattr(self, step.name, step)

    def __iter__(self):
        return iter(self.steps)

    @property
    def transitions(self) -> dict:
        """{status: {statuses it may become}}, every status listed."""
        made = {status: set() for status in self.statuses}
        for step in self.steps:
            if step.target is not None:
                for source in step.sources:
                    made[self.statuses(source)].add(self.statuses(step.target))
        return made


def can_take(record, step) -> bool:
    """Whether ``step`` may be taken from ``record``'s status (as read)."""
    return step.allows(record.status)


def allowed_steps(record) -> set:
    """The names of the steps ``record``'s workflow allows from its status now: what
    a page may offer (it still checks who may take them)."""
    return {step.name for step in type(record).WORKFLOW if step.allows(record.status)}


def refuse_unless_allowed(record, *steps):
    """Raise the first step's refusal unless one of ``steps`` is allowed now."""
    if not any(step.allows(record.status) for step in steps):
        step = steps[0]
        raise ValidationError(
            step.refusal.format(status=record.get_status_display().lower()),
            code=step.code,
        )


def lock(record, *steps):
    """``record`` re-read under lock; refused unless one of ``steps`` (if any are
    given) is allowed from its status now. Call inside ``transaction.atomic``."""
    locked = lock_row(record)
    if steps:
        refuse_unless_allowed(locked, *steps)
    return locked


def apply(locked, step, *, by, action=None, details=None, **changes):
    """Take ``step`` on a row read by ``lock``: status, stamps and ``changes`` set and
    saved (those fields only), and the audit event recorded. Returns the row."""
    refuse_unless_allowed(locked, step)
    fields = dict(changes)
    if step.target is not None:
        fields["status"] = step.target
    if step.stamp_at:
        fields.setdefault(step.stamp_at, timezone.now())
    if step.stamp_by:
        fields.setdefault(step.stamp_by, by)
    for name, value in fields.items():
        setattr(locked, name, value)
    update = set(fields) | {"updated_at"}
    locked.save(update_fields=sorted(update))
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=getattr(locked, "site", None),
        programme=_programme_of(locked),
        obj=locked,
        action=action or step.action,
        details=details,
    )
    return locked


def _programme_of(record):
    """The collaborative programme a record belongs to (or is), for the audit trail."""
    # Looked up by name: sites.programmes imports this module.
    if isinstance(record, apps.get_model("sites", "Programme")):
        return record
    return getattr(record, "programme", None)


def transition(record, step, *, by, action=None, **changes):
    """Lock ``record`` and take ``step`` (``lock`` then ``apply``)."""
    return apply(lock(record, step), step, by=by, action=action, **changes)
