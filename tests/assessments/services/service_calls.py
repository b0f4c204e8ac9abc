"""What the assessment services' tests share: the kinds, a refusal caught, the audit
events about a record, a fresh copy of it, a section's changes."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from assessments.models import Assessment
from sites.models import AuditEvent

NEEDS = Assessment.Kind.NEEDS
CARER = Assessment.Kind.CARER


def refused(call, *args, **kwargs):
    """Run ``call`` expecting a ValidationError; return the error."""
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value


def events_for(obj):
    with scopes_disabled():
        return list(AuditEvent.objects.filter(object_code=str(obj.code)).order_by("id"))


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def set_what_matters(text):
    def write(locked):
        locked.what_matters = text
        locked.save(update_fields=["what_matters"])

    return write
