"""Actions an administrator takes on accounts from the user admin. Each is audited by
the service it calls."""

from django.contrib import admin, messages

from .throttling import unlock_sign_in as _unlock


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
