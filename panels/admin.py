from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Panel, PanelMember


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 1
    fields = ["site", "user", "brings"]


@admin.register(Panel)
class PanelAdmin(SimpleHistoryAdmin):
    """Panels, their chair, quorum and members are set up by the IT team."""

    list_display = ["name", "site", "chair", "quorum", "is_active"]
    list_filter = ["site", "is_active"]
    inlines = [PanelMemberInline]
