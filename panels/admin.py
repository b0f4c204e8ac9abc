"""Panel set-up only: panels, their chair, quorum and members.

Meetings, agenda items and decisions are casework: not in the admin (see
sites/admin.py).
"""

from django.contrib import admin

from sites.admin import CareHubAdmin

from .models import Panel, PanelMember


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 1
    fields = ["site", "user", "brings"]


@admin.register(Panel)
class PanelAdmin(CareHubAdmin):
    """Panels, their chair, quorum and members are set up by the IT team."""

    list_display = ["name", "site", "chair", "quorum", "is_active"]
    list_filter = ["site", "is_active"]
    inlines = [PanelMemberInline]
