"""Two-factor sign-in: a code from an authenticator app (TOTP) after the password.

A site can require it (``Site.require_two_factor``) of the roles that approve money
and see across caseloads: team and senior managers, panel members and chairs, and
site coordinators. Anyone holding such a role at any site that requires it must set up
an app and enter a code before reaching any page but these two-factor pages; so must
anyone who set one up by choice. Set-up shows a QR code drawn on our server (segno,
inline SVG: no outside service, nothing for the Content-Security-Policy to allow) and
gives ten one-time recovery codes, shown once. An administrator can reset it
(``reset_two_factor``). Enrolment, each code accepted or refused, new recovery codes
and resets are audited.
"""

import math
from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..audit import record_event
from ..models import AuditEvent, Membership
from ..permissions import Role
from .sessions import end_sessions, rotate_session_key

# The roles a site's requirement applies to.
TWO_FACTOR_ROLES = frozenset(
    {
        Role.TEAM_MANAGER,
        Role.SENIOR_MANAGER,
        Role.PANEL_MEMBER,
        Role.PANEL_CHAIR,
        Role.SITE_COORDINATOR,
    }
)
RECOVERY_CODE_COUNT = 10
APP_NAME = "Authenticator app"
CODES_NAME = "Recovery codes"

HAS_DEVICE = "carehub_2fa_device"  # session: had an app set up when signing in
NEW_CODES = "carehub_new_recovery_codes"  # session: codes to show once
EXEMPT_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/")


# --- Who needs it ----------------------------------------------------------------


def required_by(memberships) -> bool:
    """Whether any of these (active) memberships is at a site requiring two-factor."""
    return any(
        m.role in TWO_FACTOR_ROLES and m.site.require_two_factor for m in memberships
    )


def is_required(user) -> bool:
    """Whether a site requires two-factor sign-in of ``user`` (one query)."""
    return (
        Membership.objects.active()
        .for_user(user)
        .filter(role__in=TWO_FACTOR_ROLES, site__require_two_factor=True)
        .exists()
    )


def app_device(user):
    """The user's confirmed authenticator app, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@receiver(user_logged_in, dispatch_uid="carehub_two_factor_signed_in")
def _on_sign_in(sender, request, user, **kwargs):
    # Someone who set up an app by choice is asked for a code too.
    request.session[HAS_DEVICE] = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).exists()


class TwoFactorMiddleware:
    """Sends a signed-in user who needs a second factor, and has not given one in this
    session, to set it up or to enter a code, whatever page they asked for.

    On site pages the memberships ``SiteScopeMiddleware`` loaded answer without a query;
    elsewhere one query does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path_info.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
            and self._needed(request)
        ):
            return _send_to_two_factor(request)
        return self.get_response(request)

    @staticmethod
    def _needed(request):
        if request.session.get(HAS_DEVICE):
            return True
        memberships = getattr(request, "all_memberships", None)
        if memberships is not None:
            return required_by(memberships)
        return is_required(request.user)


def _send_to_two_factor(request):
    name = "two_factor_verify" if app_device(request.user) else "two_factor_setup"
    back = request.get_full_path() if request.method == "GET" else request.path
    url = f"{reverse(name)}?{urlencode({'next': back})}"
    if request.headers.get("HX-Request"):
        # htmx would swap the page into a fragment: move the whole window instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


# --- Setting it up ---------------------------------------------------------------


def pending_app_device(user):
    """The app being set up (not yet confirmed): the same key until it is confirmed,
    so reloading the page does not invalidate a QR code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    device.user = user  # the QR code's label needs it: no second query
    return device


def qr_code_svg(device) -> str:
    """The app's set-up address as an inline SVG QR code (drawn here, no service)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=2, title="QR code to scan with your authenticator app"
    )
    return mark_safe(svg)  # noqa: S308 - generated by segno from our own data


def secret_for_typing(device) -> str:
    """The key in the groups of four an app asks for when it cannot scan."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _new_recovery_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=CODES_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=code) for code in codes]
    )
    return codes


def confirm_app(request, device, code):
    """Check the first code from the app being set up; on success it replaces any
    earlier app, this session counts as verified, and new recovery codes are made
    (returned, to show once). None when the code does not match."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(
            pk=device.pk, user=user, confirmed=False
        )
        if not device.verify_token(code):
            record_event(
                kind=AuditEvent.Kind.TWO_FACTOR_FAILED,
                user=user,
                request=request,
                action="The first code from a new app did not match",
            )
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        record_event(
            kind=AuditEvent.Kind.TWO_FACTOR_ENROLLED,
            user=user,
            request=request,
            action="Authenticator app set up; new recovery codes made",
        )
    otp_login(request, device)
    rotate_session_key(request)
    request.session[HAS_DEVICE] = True
    return codes


def make_new_recovery_codes(request) -> list[str]:
    """Replace the signed-in (verified) user's recovery codes; audited."""
    with transaction.atomic():
        codes = _new_recovery_codes(request.user)
        record_event(
            kind=AuditEvent.Kind.RECOVERY_CODES,
            user=request.user,
            request=request,
            action="The old recovery codes stop working",
        )
    return codes


# --- Giving a code when signing in -----------------------------------------------


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _model_for(code):
    """App codes are digits; recovery codes are letters and digits."""
    return TOTPDevice if code.isdigit() else StaticDevice


def verify_code(request, code):
    """Check a code from the app, or a recovery code (used up once accepted). On
    success this session counts as verified; the device is returned. Audited."""
    user = request.user
    code = _normalise(code)
    model = _model_for(code)
    with transaction.atomic():
        devices = model.objects.select_for_update().filter(user=user, confirmed=True)
        device = next((d for d in devices if d.verify_token(code)), None)
    if device is None:
        record_event(
            kind=AuditEvent.Kind.TWO_FACTOR_FAILED,
            user=user,
            request=request,
            action="A wrong code"
            if model is TOTPDevice
            else "A recovery code that does not exist or was used",
        )
        return None
    otp_login(request, device)
    rotate_session_key(request)
    record_event(
        kind=AuditEvent.Kind.TWO_FACTOR_VERIFIED,
        user=user,
        request=request,
        action="Authenticator app"
        if model is TOTPDevice
        else f"Recovery code ({recovery_codes_left(user)} left)",
    )
    return device


def wait_seconds(user, code) -> int:
    """Seconds before a code of this kind can be tried, after wrong ones (0: now)."""
    waits = [0.0]
    for device in _model_for(_normalise(code)).objects.filter(
        user=user, confirmed=True
    ):
        allowed, detail = device.verify_is_allowed()
        if not allowed and detail and detail.get("locked_until"):
            waits.append((detail["locked_until"] - timezone.now()).total_seconds())
    return math.ceil(max(waits))


# --- An administrator's reset ----------------------------------------------------


@transaction.atomic
def reset_two_factor(user, *, by=None, request=None) -> int:
    """Remove ``user``'s app and recovery codes and sign them out everywhere; at their
    next sign-in they set up an app again if a site requires it. Audited."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user).count()
        model.objects.filter(user=user).delete()
    ended = end_sessions(user)
    record_event(
        kind=AuditEvent.Kind.TWO_FACTOR_RESET,
        user=by,
        obj=user,
        request=request,
        action=f"App and recovery codes removed; {ended} session"
        f"{'' if ended == 1 else 's'} ended",
    )
    return removed
