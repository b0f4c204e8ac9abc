"""Actions an administrator takes on accounts from the user admin. Each is audited by
the service it calls."""

from django.contrib import admin, messages

from .passwords import password_reset, send_reset_link
from .sessions import deactivate_account
from .throttling import unlock_sign_in as _unlock
from .two_factor import reset_two_factor as _reset_two_factor


def _accounts(count):
    return f"{count} account{'' if count == 1 else 's'}"


@admin.action(description="Unlock sign-in (after too many wrong passwords)")
def unlock_sign_in(modeladmin, request, queryset):
    users = list(queryset)
    for user in users:
        _unlock(user, by=request.user, request=request)
    modeladmin.message_user(
        request, f"Sign-in unlocked for {_accounts(len(users))}.", messages.SUCCESS
    )


@admin.action(description="Reset two-factor sign-in (lost phone)")
def reset_two_factor(modeladmin, request, queryset):
    users = list(queryset)
    for user in users:
        _reset_two_factor(user, by=request.user, request=request)
    modeladmin.message_user(
        request,
        f"Two-factor sign-in reset for {_accounts(len(users))}: they are signed out "
        "and set up an app again at their next sign-in if a site requires it.",
        messages.SUCCESS,
    )


@admin.action(description="Deactivate and sign out everywhere")
def deactivate_accounts(modeladmin, request, queryset):
    users = [user for user in queryset if user.pk != request.user.pk]
    for user in users:
        deactivate_account(user, by=request.user, request=request)
    modeladmin.message_user(
        request,
        f"{_accounts(len(users)).capitalize()} deactivated and signed out.",
        messages.SUCCESS,
    )


def after_user_saved(request, user, form, change):
    """The user admin's save: turning "active" off ends every session of the account."""
    if change and "is_active" in form.changed_data and not user.is_active:
        deactivate_account(user, by=request.user, request=request)


@admin.action(description="E-mail a link to choose a new password")
def email_reset_links(modeladmin, request, queryset):
    sent = sum(
        send_reset_link(user, by=request.user, request=request) for user in queryset
    )
    skipped = queryset.count() - sent
    message = f"Reset link sent to {_accounts(sent)}."
    if skipped:
        message += (
            f" {_accounts(skipped).capitalize()} skipped: no e-mail address, or not "
            "active."
        )
    modeladmin.message_user(request, message, messages.SUCCESS)


def after_admin_password_change(request, user, response):
    """The user admin's "change password" form saved: end the account's sessions."""
    saved = response.status_code == 302 and response.url != request.get_full_path()
    if request.method == "POST" and saved:
        password_reset(
            user, by=request.user, request=request, how="Set by an administrator"
        )
