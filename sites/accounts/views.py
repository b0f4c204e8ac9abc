"""The account pages under /accounts/: signing in and out, passwords, "where you are
signed in"."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_POST

from . import passwords, sessions


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
