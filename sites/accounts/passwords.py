"""After a password changes, the old one opens nothing: every other session ends.

Django's own views and forms do the changing (validators in ``AUTH_PASSWORD_VALIDATORS``:
at least 12 characters, not a common password, not like the user name, not all
digits; no forced rotation). These services run after them.
"""

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..audit import record_event
from ..models import AuditEvent
from .sessions import end_sessions, register_session

RESET_SUBJECT = "accounts/password_reset_subject.txt"
RESET_EMAIL = "accounts/password_reset_email.txt"


def _sessions(count):
    return f"{count} other session{'' if count == 1 else 's'} ended"


def own_password_changed(request, user):
    """The signed-in user changed their password: keep this session (under a new key),
    end all the others; audited."""
    update_session_auth_hash(request, user)  # also gives this session a new key
    register_session(request, user)
    ended = end_sessions(user, keep=request.session.session_key)
    record_event(
        kind=AuditEvent.Kind.PASSWORD_CHANGED,
        user=user,
        request=request,
        action=_sessions(ended),
    )


def password_reset(user, *, by=None, request=None, how):
    """``user``'s password was set by a reset link or an administrator: every session
    of theirs ends (but an administrator resetting their own keeps this one); audited."""
    keep = None
    if by is not None and by.pk == user.pk and request is not None:
        keep = request.session.session_key
    ended = end_sessions(user, keep=keep)
    if keep:
        register_session(request, user)
    record_event(
        kind=AuditEvent.Kind.PASSWORD_RESET,
        user=by,
        obj=user,
        request=request,
        action=f"{how}; {_sessions(ended).replace('other ', '')}",
    )


def reset_email_context():
    """What the reset e-mail may say besides the link: where CareHub is, nothing else."""
    return {
        "base_url": settings.CAREHUB_BASE_URL.rstrip("/"),
        "valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
    }


def send_reset_link(user, *, by, request=None) -> bool:
    """E-mail ``user`` a link to choose a new password (an administrator's action)."""
    if not user.email or not user.is_active:
        return False
    context = {
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "user": user,
        **reset_email_context(),
    }
    PasswordResetForm().send_mail(RESET_SUBJECT, RESET_EMAIL, context, None, user.email)
    record_event(
        kind=AuditEvent.Kind.PASSWORD_RESET,
        user=by,
        obj=user,
        request=request,
        action="Reset link sent by an administrator",
    )
    return True
