"""How the audit trail names meetings, agenda items and decisions
(``sites.audit_subjects``)."""

from django.urls import reverse
from django.utils import formats, timezone

from sites.audit_subjects import Subject, register_subject
from sites.permissions import allows

from .models import Decision, PanelItem, PanelMeeting


def _url(request, rule, name, code):
    if not allows(request, rule):
        return ""
    return reverse(name, kwargs={"site_slug": request.site.slug, "code": code})


def _when(meeting):
    return formats.date_format(timezone.localtime(meeting.starts_at), "j F Y")


def describe_meetings(request, codes):
    return {
        str(m.code): Subject(
            f"{m.panel.name}: meeting of {_when(m)}",
            _url(request, "see_panel", "meeting_detail", m.code),
        )
        for m in PanelMeeting.objects.filter(
            site=request.site, code__in=codes
        ).select_related("panel")
    }


def describe_items(request, codes):
    described = {}
    for item in PanelItem.objects.filter(
        site=request.site, code__in=codes
    ).select_related("meeting", "plan__person"):
        where = f" ({_when(item.meeting)})" if item.meeting else " (chair's action)"
        url = ""
        if item.meeting:
            url = _url(request, "see_panel", "meeting_detail", item.meeting.code)
        described[str(item.code)] = Subject(
            f"Panel item · {item.plan.person.full_name}{where}",
            url,
            str(item.plan.person.code),
        )
    return described


def describe_decisions(request, codes):
    return {
        str(d.code): Subject(
            f"Panel decision · {d.item.plan.person.full_name}",
            _url(request, "see_people", "decision_detail", d.code),
            str(d.item.plan.person.code),
        )
        for d in Decision.objects.filter(
            site=request.site, code__in=codes
        ).select_related("item__plan__person")
    }


def register():
    register_subject("panels.PanelMeeting", describe=describe_meetings)
    register_subject(
        "panels.PanelItem",
        describe=describe_items,
        of_person=lambda site, code: PanelItem.objects.filter(
            site=site, plan__person__code=code
        ).values_list("code", flat=True),
    )
    register_subject(
        "panels.Decision",
        describe=describe_decisions,
        of_person=lambda site, code: Decision.objects.filter(
            site=site, item__plan__person__code=code
        ).values_list("code", flat=True),
    )
