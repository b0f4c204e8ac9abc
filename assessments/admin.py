from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Assessment, Person, StandardService


@admin.register(StandardService)
class StandardServiceAdmin(SimpleHistoryAdmin):
    """Each site's catalogue of standard services (what would usually be offered)."""

    list_display = ["name", "site", "typical_weekly_cost", "is_active"]
    list_filter = ["site", "is_active"]
    search_fields = ["name"]
    fields = ["site", "name", "description", "typical_weekly_cost", "is_active"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    """Read-only for the IT team: casework happens in the site pages, not here."""

    list_display = ["code", "site", "created_at"]
    list_filter = ["site"]
    fields = ["code", "site", "created_at", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(PersonAdmin):
    list_display = ["code", "site", "kind", "status", "created_at"]
    list_filter = ["site", "kind", "status"]
