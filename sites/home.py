"""The site home page is a worklist: what is waiting for the signed-in member.

Each block ("section") belongs to the app that owns its records: care plans list the
member's drafts, returns and sign-offs; panels its agenda items; this app the unread
notifications. ``sites`` is the lowest app and imports none of them, so each app
registers its sections here from its ``AppConfig.ready()`` (the same pattern as
``assessments.extensions``). A section's ``provide(request)`` returns the evaluated
context its template shows, or ``None`` when it is not for this member (asked with
the named rules, never role names). Providers make a fixed number of queries each,
so the page's query count depends on the member's rules, never on how many rows are
waiting (``tests/sites/test_worklist_home.py``).

Another block (a programme's open actions, overdue reviews…) is one more
``register_section`` call with its own template and ``order``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from .models import Notification

# How many rows a section lists before "see all".
SECTION_ROWS = 8


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    template: str
    provide: Callable[[HttpRequest], dict | None]


SECTIONS: dict[str, Section] = {}


def register_section(key, *, order, template, provide):
    """Add (or replace, by ``key``) a block on the home page; lower ``order`` first."""
    SECTIONS[key] = Section(key=key, order=order, template=template, provide=provide)


def worklist(request) -> list[dict]:
    """The sections this member sees, in order, each with its evaluated context."""
    shown = []
    for section in sorted(SECTIONS.values(), key=lambda s: (s.order, s.key)):
        context = section.provide(request)
        if context is not None:
            shown.append({"key": section.key, "template": section.template, **context})
    return shown


def unread_notifications_section(request):
    """The member's newest unread notifications (no query when there are none)."""

    unread = getattr(request.memberships[0], "unread_notifications", 0)
    if not unread:
        return None
    latest = list(
        Notification.objects.filter(site=request.site, user=request.user)
        .unread()
        .order_by("-created_at", "-id")[:SECTION_ROWS]
    )
    return {"title": "Unread notifications", "count": unread, "notifications": latest}
