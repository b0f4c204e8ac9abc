"""What the panel services' tests share: short names for the plan's statuses and the
decision's outcomes, a refusal's codes, a record's audit event."""

from careplans.models import CarePlan
from panels.models import Decision
from sites.models import AuditEvent

S = CarePlan.Status
O = Decision.Outcome  # noqa: E741


def codes(error):
    return {e.code for e in error.value.error_list}


def audited(obj, action):
    return AuditEvent.objects.filter(
        kind=AuditEvent.Kind.TRANSITION,
        object_type=obj._meta.label,
        object_code=str(obj.code),
        action__startswith=action,
    ).exists()
