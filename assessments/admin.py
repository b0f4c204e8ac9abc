"""Reference data only: each site's catalogue of standard services.

People, carer links and assessments are casework: not in the admin (see sites/admin.py).
"""

from django.contrib import admin

from sites.admin import CareHubAdmin

from .models import StandardService


@admin.register(StandardService)
class StandardServiceAdmin(CareHubAdmin):
    """Each site's catalogue of standard services (what would usually be offered)."""

    list_display = ["name", "site", "typical_weekly_cost", "is_active"]
    list_filter = ["site", "is_active"]
    search_fields = ["name"]
    fields = ["site", "name", "description", "typical_weekly_cost", "is_active"]
