"""Nothing typed is lost when a session times out mid-form.

An officer who was signed out while writing posts the form anyway. Instead of losing
the text, ``PreserveInputMiddleware`` keeps the posted fields in the (new, anonymous)
session and lets the sign-in redirect happen; Django keeps session data across sign-in,
so after signing in the officer returns to the same address and the view puts the text
back into the form with ``restore_input``. Only views marked ``@preserves_input`` take
part, and only the form's own fields are kept (never the CSRF token).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, QueryDict

SESSION_KEY = "carehub_unsaved_input"
MAX_BYTES = 200_000


def preserves_input(view):
    view.preserves_input = True
    return view


class PreserveInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.user.is_authenticated:
            return None
        if not getattr(view_func, "preserves_input", False):
            return None
        data = request.POST.copy()
        data.pop("csrfmiddlewaretoken", None)
        encoded = data.urlencode()
        if len(encoded) <= MAX_BYTES:
            request.session[SESSION_KEY] = {
                "path": request.path,
                "data": encoded,
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


def restore_input(request):
    """The input kept for this address when the session ended, once, or None."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[SESSION_KEY]
    messages.warning(
        request,
        "You were signed out before this was saved. What you typed is back in the "
        "form below: check it and save.",
    )
    return QueryDict(kept["data"])
