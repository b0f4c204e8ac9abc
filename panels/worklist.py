"""The panel section of the home worklist (registered in ``sites.home``): items on
the agendas of meetings not yet closed, soonest first, and how many plans wait for
panel with no meeting yet. Two queries."""

from careplans.models import CarePlan
from sites.home import SECTION_ROWS, register_section
from sites.permissions import allows

from .models import PanelItem, PanelMeeting


def panel_items(request):
    if not allows(request, "see_panel"):
        return None
    open_items = PanelItem.objects.filter(site=request.site).undecided()
    items = list(
        open_items.filter(meeting__isnull=False)
        .exclude(meeting__status=PanelMeeting.Status.CLOSED)
        .select_related("meeting__panel", "plan__person")
        .order_by("meeting__starts_at", "meeting_id", "position", "id")[
            : SECTION_ROWS + 1
        ]
    )
    unlisted = (
        CarePlan.objects.filter(
            site=request.site, status=CarePlan.Status.AWAITING_PANEL
        )
        .exclude(pk__in=open_items.values("plan_id"))
        .count()
    )
    return {
        "title": "Panel",
        "count": len(items),
        "items": items[:SECTION_ROWS],
        "more": len(items) > SECTION_ROWS,
        "unlisted": unlisted,
        "may_decide": allows(request, "record_panel_decisions"),
    }


def register():
    register_section(
        "panel",
        order=30,
        template="panels/_home_panel.html",
        provide=panel_items,
    )
