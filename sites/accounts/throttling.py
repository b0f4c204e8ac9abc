"""Sign-in throttling with django-axes: the lock-out page, its audit event, unlocking.

Failed sign-ins are counted in the database (``AccessAttempt``) per account *and*
address together (``AXES_LOCKOUT_PARAMETERS``), so every app server sees one count and
a shared office address is not locked out by one person. After
``SIGN_IN_FAILURE_LIMIT`` failures that account cannot sign in from that address for
``SIGN_IN_LOCKOUT_MINUTES``, even with the right password; an administrator can lift
the lock sooner (``unlock_sign_in``: the user admin's action or
``manage.py unlock_sign_in``).
"""

import math

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

from ..audit import record_event
from ..models import AuditEvent


def minutes_left(username, ip_address) -> int:
    """Whole minutes until this account can sign in again from this address (>= 1)."""
    latest = AccessAttempt.objects.filter(
        username=username, ip_address=ip_address
    ).aggregate(latest=Max("attempt_time"))["latest"]
    cool_off = get_cool_off()
    if latest is None:
        return math.ceil(cool_off.total_seconds() / 60)
    left = (latest + cool_off - timezone.now()).total_seconds()
    return max(1, math.ceil(left / 60))


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page again, saying the account is locked, for how long, and what to do.

    Status 429 (too many requests) for monitoring; the person sees an ordinary page with
    the user name they typed kept in the form. The wording is the same whether or not
    the account exists.
    """
    username = get_client_username(request, credentials) or ""
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "locked_minutes": minutes_left(username, request.axes_ip_address),
            "next": request.POST.get("next", request.GET.get("next", "")),
        },
        status=429,
    )


@receiver(user_locked_out, dispatch_uid="carehub_audit_locked_out")
def _on_locked_out(sender, request, username, ip_address, **kwargs):
    # axes also signals each attempt refused during a lock; only the attempt that
    # started it was counted (axes_failures_since_start is set), so a lock-out is
    # recorded once.
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    user = get_user_model().objects.filter(username=username).first()
    record_event(
        kind=AuditEvent.Kind.LOCKED_OUT,
        user=user,
        request=request,
        action=(
            f"{settings.SIGN_IN_FAILURE_LIMIT} failed sign-ins from this address; "
            f"locked for {settings.SIGN_IN_LOCKOUT_MINUTES} minutes"
        ),
    )


def unlock_sign_in(user, *, by=None, request=None) -> int:
    """Lift every sign-in lock on ``user``'s account (from any address); audited."""
    removed = AxesProxyHandler.reset_attempts(username=user.get_username())
    record_event(
        kind=AuditEvent.Kind.UNLOCKED,
        user=by,
        obj=user,
        request=request,
        action="Sign-in unlocked by an administrator",
    )
    return removed
