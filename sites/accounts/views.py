"""The account pages under /accounts/: signing in and out, passwords, "where you are
signed in"."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from . import passwords, sessions, two_factor
from .forms import CodeForm


class SignInView(auth_views.LoginView):
    """Django's sign-in page; django-axes turns a locked account into the same page
    saying so (``throttling.lockout_response``)."""

    redirect_authenticated_user = True


@require_GET
def account_home(request):
    return render(request, "accounts/account_home.html")


@require_GET
def session_list(request):
    """Where you are signed in: browser, address, signed in at, last seen."""
    current = request.session.session_key
    entries = [
        {
            "browser": sessions.describe_browser(entry.user_agent),
            "ip_address": entry.ip_address,
            "signed_in_at": entry.signed_in_at,
            "last_seen_at": entry.last_seen_at,
            "current": entry.session_id == current,
        }
        for entry in sessions.signed_in_sessions(request.user)
    ]
    return render(
        request,
        "accounts/session_list.html",
        {"entries": entries, "others": sum(not e["current"] for e in entries)},
    )


@require_POST
def sign_out_others(request):
    ended = sessions.sign_out_other_sessions(request)
    if ended:
        messages.success(
            request,
            f"You are signed out everywhere else ({ended} other "
            f"session{'' if ended == 1 else 's'}).",
        )
    else:
        messages.info(request, "You were not signed in anywhere else.")
    return redirect("session_list")


class ChangePasswordView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account_home")

    def form_valid(self, form):
        user = form.save()
        passwords.own_password_changed(self.request, user)
        messages.success(
            self.request,
            "Your password is changed. Anywhere else you were signed in, you are "
            "now signed out.",
        )
        return HttpResponseRedirect(self.get_success_url())


class ResetPasswordView(auth_views.PasswordResetView):
    """Ask for a link by e-mail. The page says the same whether or not the address
    belongs to an account."""

    template_name = "accounts/password_reset_form.html"
    subject_template_name = passwords.RESET_SUBJECT
    email_template_name = passwords.RESET_EMAIL

    def get_extra_email_context(self):
        return passwords.reset_email_context()

    def form_valid(self, form):
        self.extra_email_context = self.get_extra_email_context()
        return super().form_valid(form)


class ResetPasswordConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        passwords.password_reset(
            form.user, request=self.request, how="Reset by e-mail link"
        )
        return response


def _next_url(request, default="home"):
    """Where to go after a two-factor step: ``next`` if it is ours, else home."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


@require_GET
def two_factor_home(request):
    user = request.user
    return render(
        request,
        "accounts/two_factor_home.html",
        {
            "device": two_factor.app_device(user),
            "required": two_factor.is_required(user),
            "codes_left": two_factor.recovery_codes_left(user),
            "verified": user.is_verified(),
        },
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up an authenticator app: scan the QR code, type the first code."""
    user = request.user
    next_url = _next_url(request)
    if two_factor.app_device(user) and not user.is_verified():
        # Replacing an app needs a code from the current one (or a recovery code).
        return redirect(
            f"{reverse('two_factor_verify')}?{urlencode({'next': request.get_full_path()})}"
        )
    device = two_factor.pending_app_device(user)
    form = CodeForm(request.POST or None, recovery=False)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_app(request, device, form.cleaned_data["code"])
        if codes is not None:
            request.session[two_factor.NEW_CODES] = codes
            messages.success(request, "Two-factor sign-in is set up.")
            return redirect(
                f"{reverse('two_factor_recovery_codes')}?{urlencode({'next': next_url})}"
            )
        form.add_error(
            "code",
            "That code did not match. Check that the app shows CareHub, type the "
            "code it shows now, and check the time on your phone is right.",
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "secret": two_factor.secret_for_typing(device),
            "required": two_factor.is_required(user),
            "next": next_url,
        },
    )


@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not two_factor.app_device(user) and not two_factor.recovery_codes_left(user):
        return redirect(
            f"{reverse('two_factor_setup')}?{urlencode({'next': next_url})}"
        )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        wait = two_factor.wait_seconds(user, code)
        if wait:
            form.add_error(
                "code",
                f"Too many wrong codes: wait {wait} second{'' if wait == 1 else 's'} "
                "and try again.",
            )
        elif two_factor.verify_code(request, code):
            return redirect(next_url)
        else:
            form.add_error(
                "code",
                "That code did not work. Type the code your app shows now (it "
                "changes every 30 seconds), or a recovery code you have not used.",
            )
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": next_url}
    )


@require_http_methods(["GET", "POST"])
def two_factor_recovery_codes(request):
    """New recovery codes, shown once (GET after making them); POST makes new ones."""
    if request.method == "POST":
        if not request.user.is_verified():
            raise PermissionDenied
        request.session[two_factor.NEW_CODES] = two_factor.make_new_recovery_codes(
            request
        )
        return redirect("two_factor_recovery_codes")
    codes = request.session.pop(two_factor.NEW_CODES, None)
    return render(
        request,
        "accounts/two_factor_recovery_codes.html",
        {
            "codes": [f"{c[:4]}-{c[4:]}" for c in codes or []],
            "codes_left": two_factor.recovery_codes_left(request.user),
            "verified": request.user.is_verified(),
            "next": _next_url(request, default="two_factor_home"),
        },
    )
