from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DelegatedLimit, ReviewPolicy


@admin.register(ReviewPolicy)
class ReviewPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["site", "first_review_weeks", "later_review_months"]


@admin.register(DelegatedLimit)
class DelegatedLimitAdmin(SimpleHistoryAdmin):
    """Read-only here: limits are set on the site's Delegated limits page, which ends
    the previous limit and records who set the new one."""

    list_display = ["site", "role", "weekly_limit", "effective_from", "effective_to"]
    list_filter = ["site", "role"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
