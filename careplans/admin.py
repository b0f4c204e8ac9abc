"""Reference data only: review policies and (read-only) delegated limits.

Plans, responses and reviews are casework: not in the admin (see sites/admin.py).
"""

from django.contrib import admin

from sites.admin import CareHubAdmin

from .models import DelegatedLimit, ReviewPolicy


@admin.register(ReviewPolicy)
class ReviewPolicyAdmin(CareHubAdmin):
    list_display = ["site", "first_review_weeks", "later_review_months"]


@admin.register(DelegatedLimit)
class DelegatedLimitAdmin(CareHubAdmin):
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
