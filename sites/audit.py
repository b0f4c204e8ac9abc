"""Recording audit events: sign-in and sign-out, record views, prints, exports, steps.

Events carry the record's model label and public id, never a person's details.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver
from django_scopes import scopes_disabled

from .accounts.client_ip import client_ip
from .models import AuditEvent
from .text import shorten


def record_event(
    *,
    kind,
    user=None,
    site=None,
    programme=None,
    obj=None,
    action="",
    details=None,
    request=None,
    object_type="",
    object_code="",
):
    """Write one audit event; ``obj`` is the record concerned (its id is kept).

    ``details`` holds facts such as amounts as data (see ``AuditEvent.details``),
    so ``action`` stays a plain phrase with nothing formatted into it. Events on a
    collaborative programme's pages name the ``programme``. A record that is not
    loaded may be named by ``object_type`` (its model label) and ``object_code``.
    """
    if obj is not None:
        object_type = obj._meta.label
        object_code = str(getattr(obj, "code", None) or obj.pk)
    if user is not None and not user.is_authenticated:
        user = None
    return AuditEvent.objects.create(
        kind=kind,
        user=user,
        site=site,
        programme=programme,
        object_type=object_type,
        object_code=object_code,
        action=shorten(action, 200),
        details=details or {},
        ip_address=client_ip(request),
    )


def record_access(request, obj, *, kind=AuditEvent.Kind.VIEW, action=""):
    """A view, print or export of a record by the signed-in user at the current site
    (or on the current programme's pages)."""
    return record_event(
        kind=kind,
        user=request.user,
        site=getattr(request, "site", None),
        programme=getattr(request, "programme", None),
        obj=obj,
        action=action,
        request=request,
    )


def record_view(request, *records, kind=AuditEvent.Kind.VIEW, action=""):
    """The signed-in member was shown these records (a person, an assessment, a
    plan...): one event each, written in one query. Every page that shows a person's
    record calls this (or ``record_access``) before it renders, so the audit trail
    answers "who looked at this person's record, and when?"."""
    records = [r for r in records if r is not None]
    if not records:
        return []
    user = request.user if request.user.is_authenticated else None
    site = getattr(request, "site", None)
    programme = getattr(request, "programme", None)
    address = client_ip(request)
    action = shorten(action, 200)
    return AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                kind=kind,
                user=user,
                site=site,
                programme=programme,
                object_type=record._meta.label,
                object_code=str(getattr(record, "code", None) or record.pk),
                action=action,
                ip_address=address,
            )
            for record in dict.fromkeys(records)
        ]
    )


@receiver(user_logged_in, dispatch_uid="carehub_audit_sign_in")
def _on_sign_in(sender, request, user, **kwargs):
    record_event(kind=AuditEvent.Kind.SIGN_IN, user=user, request=request)


@receiver(user_logged_out, dispatch_uid="carehub_audit_sign_out")
def _on_sign_out(sender, request, user, **kwargs):
    if user is not None:
        # Why, when it was not the person's own choice (e.g. the session's lifetime).
        reason = getattr(request, "carehub_sign_out_reason", "")
        record_event(
            kind=AuditEvent.Kind.SIGN_OUT, user=user, request=request, action=reason
        )


@receiver(user_login_failed, dispatch_uid="carehub_audit_sign_in_failed")
def _on_sign_in_failed(sender, credentials, request=None, **kwargs):
    # Link the event to the account only when it exists; an unknown name is not kept,
    # because people sometimes type a password into the user-name box.
    username = credentials.get("username", "")
    with scopes_disabled():
        user = get_user_model().objects.filter(username=username).first()
    record_event(kind=AuditEvent.Kind.SIGN_IN_FAILED, user=user, request=request)
