"""Sessions: an idle time-out that costs one write a minute, an absolute lifetime, and
the list of browsers an account is signed in on.

Sessions live in the database and end after ``SESSION_IDLE_MINUTES`` without a request.
Instead of saving the session on every request (``SESSION_SAVE_EVERY_REQUEST``: one
database write per page), ``SessionActivityMiddleware`` refreshes it only when the last
refresh is ``REFRESH_SECONDS`` old, which pushes the expiry forward; so a session ends
between ``SESSION_IDLE_MINUTES`` minus one minute and ``SESSION_IDLE_MINUTES`` after
the last request. A session also ends ``SESSION_MAX_HOURS`` after signing in, however
busy. Each signed-in browser has a ``UserSession`` row (address, browser, signed in at,
last seen), deleted with its session.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from ..audit import record_event
from ..models import AuditEvent, UserSession
from .client_ip import client_ip

SIGNED_IN_AT = "carehub_signed_in_at"
SEEN = "carehub_seen"  # [session key, timestamp] of the last refresh
REFRESH_SECONDS = 60


def _user_agent(request):
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def register_session(request, user):
    """Record this browser's session for ``user`` (or refresh it), and mark it seen."""
    session = request.session
    if session.session_key is None:
        session.save()
    now = timezone.now()
    signed_in_at = datetime.fromtimestamp(
        session.setdefault(SIGNED_IN_AT, now.timestamp()), tz=UTC
    )
    seen = {
        "last_seen_at": now,
        "ip_address": client_ip(request),
        "user_agent": _user_agent(request),
    }
    key = session.session_key
    if not UserSession.objects.filter(session_id=key, user=user).update(**seen):
        UserSession.objects.update_or_create(
            session_id=key,
            defaults={"user": user, "signed_in_at": signed_in_at, **seen},
        )
    session[SEEN] = [key, now.timestamp()]


def rotate_session_key(request):
    """A new session key for the same sign-in (after a password change or a second
    factor), so a key seen before the change is worth nothing after it."""
    request.session.cycle_key()
    register_session(request, request.user)


@receiver(user_logged_in, dispatch_uid="carehub_session_signed_in")
def _on_sign_in(sender, request, user, **kwargs):
    request.session[SIGNED_IN_AT] = timezone.now().timestamp()
    register_session(request, user)


class SessionActivityMiddleware:
    """Ends a session past its absolute lifetime; refreshes it at most once a minute.

    Runs after authentication and before ``PreserveInputMiddleware``, so a post from a
    session that has just reached its lifetime is kept like any timed-out post.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request):
        session = request.session
        now = timezone.now().timestamp()
        signed_in_at = session.get(SIGNED_IN_AT)
        if signed_in_at is None:  # a session from before this middleware
            session[SIGNED_IN_AT] = signed_in_at = now
        if now - signed_in_at >= settings.SESSION_MAX_HOURS * 3600:
            request.carehub_sign_out_reason = (
                f"Signed out {settings.SESSION_MAX_HOURS} hours after signing in"
            )
            logout(request)
            return
        seen_key, seen_at = session.get(SEEN) or (None, 0)
        if seen_key != session.session_key or now - seen_at >= REFRESH_SECONDS:
            register_session(request, request.user)


def signed_in_sessions(user):
    """The browsers ``user`` is signed in on now, most recently used first."""
    now = timezone.now()
    return UserSession.objects.filter(
        user=user,
        session__expire_date__gt=now,
        signed_in_at__gt=now - timezone.timedelta(hours=settings.SESSION_MAX_HOURS),
    ).order_by("-last_seen_at", "-id")


def end_sessions(user, *, keep=None) -> int:
    """Sign ``user`` out everywhere, except the session whose key is ``keep``."""
    sessions = Session.objects.filter(
        pk__in=UserSession.objects.filter(user=user).values("session_id")
    )
    if keep:
        sessions = sessions.exclude(pk=keep)
    _total, per_model = sessions.delete()
    return per_model.get(Session._meta.label, 0)


def sign_out_other_sessions(request) -> int:
    """The signed-in user ends every other session of theirs; audited."""
    ended = end_sessions(request.user, keep=request.session.session_key)
    record_event(
        kind=AuditEvent.Kind.SESSIONS_ENDED,
        user=request.user,
        request=request,
        action=f"Signed out of {ended} other session{'' if ended == 1 else 's'}",
    )
    return ended


@transaction.atomic
def deactivate_account(user, *, by=None, request=None):
    """Stop ``user`` signing in, and end every session they have now; audited."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    ended = end_sessions(user)
    record_event(
        kind=AuditEvent.Kind.DEACTIVATED,
        user=by,
        obj=user,
        request=request,
        action=f"Account deactivated; {ended} session{'' if ended == 1 else 's'} ended",
    )


# Browser and system names for the "where you are signed in" page, most specific first
# (Edge and Opera also say "Chrome"; iPhones also say "Mac OS X").
_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
]


def describe_browser(user_agent: str) -> str:
    """ "Firefox on Windows" from a User-Agent header, or "An unknown browser"."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or (f"A browser on {system}" if system else "An unknown browser")
