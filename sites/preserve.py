"""Nothing typed is lost when a session times out mid-form, and only the person who
typed it gets it back.

An officer who was signed out while writing posts the form anyway. Instead of losing
the text, ``PreserveInputMiddleware`` keeps the posted fields in the (new, anonymous)
session and lets the sign-in redirect happen; Django keeps session data across sign-in,
so after signing in the officer returns to the same address and the view puts the text
back into the form with ``restore_input``. Only views marked ``@preserves_input`` take
part, and only the form's own fields are kept (never the CSRF token).

Whose text it is: while someone is signed in, the browser holds a signed "owner" cookie
naming them (an HMAC of their id, not the id). Text posted after a time-out is kept
with that owner and given back only to the same person; anyone else signing in on that
browser never sees it (it is dropped when they sign in). A browser that nobody signed
in on has no owner cookie, so its posts keep nothing and create no session: an
anonymous client cannot grow the session table. A browser keeps at most one form, of
at most ``MAX_BYTES``.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.dispatch import receiver
from django.http import HttpResponse, QueryDict
from django.utils.crypto import salted_hmac

SESSION_KEY = "carehub_unsaved_input"
OWNER_COOKIE = "carehub_owner"
_OWNER_SALT = "carehub.preserve.owner"
# The largest form people fill in (ten outcome notes) is well under this.
MAX_BYTES = 100_000


def preserves_input(view):
    view.preserves_input = True
    return view


def owner_token(user) -> str:
    """Who typed it, without saying who: a keyed hash of the user's id."""
    return salted_hmac(_OWNER_SALT, str(user.pk), algorithm="sha256").hexdigest()


def _browser_owner(request):
    """The owner this browser was last signed in as, if the cookie is ours."""
    value = request.COOKIES.get(OWNER_COOKIE)
    if not value:
        return None
    try:
        return signing.Signer(salt=_OWNER_SALT).unsign(value)
    except signing.BadSignature:
        return None


class PreserveInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            token = owner_token(user)
            if _browser_owner(request) != token:
                response.set_cookie(
                    OWNER_COOKIE,
                    signing.Signer(salt=_OWNER_SALT).sign(token),
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.user.is_authenticated:
            return None
        if not getattr(view_func, "preserves_input", False):
            return None
        owner = _browser_owner(request)
        data = request.POST.copy()
        data.pop("csrfmiddlewaretoken", None)
        encoded = data.urlencode()
        if owner and data and len(encoded) <= MAX_BYTES:
            # One form per browser: a later one replaces it.
            request.session[SESSION_KEY] = {
                "path": request.path,
                "data": encoded,
                "owner": owner,
            }
        if request.headers.get("HX-Request"):
            # htmx would swap the sign-in page into the section; send the whole
            # window to sign in instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = redirect_to_login(
                request.path, settings.LOGIN_URL
            )["Location"]
            return response
        return None  # LoginRequiredMiddleware sends them to sign in


@receiver(user_logged_in, dispatch_uid="carehub_preserve_owner_only")
def _drop_someone_elses_input(sender, request, user, **kwargs):
    kept = request.session.get(SESSION_KEY)
    if kept and kept.get("owner") != owner_token(user):
        del request.session[SESSION_KEY]


def restore_input(request):
    """The input kept for this address when the session ended, once, or None."""
    kept = request.session.get(SESSION_KEY)
    if not kept:
        return None
    if kept.get("owner") != owner_token(request.user):
        del request.session[SESSION_KEY]
        return None
    if kept.get("path") != request.path:
        return None
    del request.session[SESSION_KEY]
    messages.warning(
        request,
        "You were signed out before this was saved. What you typed is back in the "
        "form below: check it and save.",
    )
    return QueryDict(kept["data"])
