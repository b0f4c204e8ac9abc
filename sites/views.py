from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)
from django_scopes import scope

from . import audit_subjects
from .audit import record_event
from .csvsafe import csv_response
from .decorators import require_rule
from .forms import AuditFilterForm, FindPersonForm
from .home import worklist
from .middleware import unread_notifications
from .models import AuditEvent, Membership, Notification
from .permissions import RULES, Role, whom_to_ask
from .programme_selectors import home_block
from .selectors import audit_events_for_site
from .shortcuts import get_for_site

AUDIT_PAGE_SIZE = 50


@require_GET
def home(request):
    """Where sign-in lands: straight into the only site, or a list to choose from."""
    memberships = list(
        Membership.objects.active()
        .for_user(request.user)
        .select_related("site")
        .annotate(unread_notifications=unread_notifications())
    )
    sites = {}
    for membership in memberships:
        entry = sites.setdefault(
            membership.site.slug,
            {
                "site": membership.site,
                "roles": [],
                "unread": membership.unread_notifications,
            },
        )
        entry["roles"].append(membership.get_role_display())
    if len(sites) == 1 and "choose" not in request.GET:
        return redirect("site_home", site_slug=next(iter(sites)))
    return render(
        request,
        "sites/home.html",
        {"site_entries": list(sites.values()), **home_block(request.user)},
    )


@require_GET
@require_rule("open_site")
def site_home(request, site_slug):
    """The member's worklist: what is waiting for them here, by the sections each app
    registers (``sites.home``), then the way into each part of the site."""
    roles = sorted(m.get_role_display() for m in request.memberships)
    return render(
        request,
        "sites/site_home.html",
        {
            "roles": roles,
            "worklist": worklist(request),
            **home_block(request.user, request.site),
        },
    )


def _filtered_events(request):
    """The filter form on the query string, and the events it keeps.

    Filters that are valid apply even when another is not (its message shows); a
    person id that is not valid, or not of this site, keeps no events at all rather
    than everyone's.
    """
    form = AuditFilterForm(request.GET or None, site=request.site)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    person = records = None
    if "person" in form.errors:
        records = {}
    elif filters.get("person"):
        code = str(filters["person"])
        person = audit_subjects.person_subject(request, code)
        records = audit_subjects.records_of_person(request.site, code) if person else {}
    events = audit_events_for_site(
        request.site,
        user=filters.get("user"),
        kind=filters.get("kind", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        records=records,
    )
    return form, person, events


@require_http_methods(["GET", "POST"])
@require_rule("see_audit_trail")
def audit_list(request, site_slug):
    """The site's audit trail, readable: records by name, with links for those who may
    follow them; filters by member, kind, dates and person. A person is found by a
    posted search (their name never goes into the address), then filtered by id."""
    find = FindPersonForm(request.POST or None)
    matches = None
    if request.method == "POST" and find.is_valid():
        matches = audit_subjects.find_people(request.site, find.cleaned_data["find"])
        if len(matches) == 1:
            query = request.GET.copy()
            query.pop("page", None)
            query["person"] = matches[0][0]
            return redirect(f"{request.path}?{query.urlencode()}")
    form, person, events = _filtered_events(request)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    audit_subjects.describe_events(request, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    without_person = query.copy()
    without_person.pop("person", None)
    return render(
        request,
        "sites/auditevent_list.html",
        {
            "form": form,
            "find": find,
            "matches": matches,
            "person": person,
            "page": page,
            "query": query.urlencode(),
            "filters": query.urlencode(),
            "without_person": without_person.urlencode(),
        },
    )


AUDIT_CSV_HEADER = [
    "When",
    "Member of staff",
    "User name",
    "What happened",
    "Record",
    "Kind of record",
    "Record id",
    "Detail",
    "Network address",
]


@require_GET
@require_rule("see_audit_trail")
def audit_export(request, site_slug):
    """The filtered trail as CSV, for an information-governance request. The export
    is itself audited: who, when, how many rows, and whose records if filtered."""
    _form, person, events = _filtered_events(request)
    rows = events.count()
    export = record_event(
        kind=AuditEvent.Kind.EXPORT,
        user=request.user,
        site=request.site,
        obj=None,
        object_type=audit_subjects.PERSON_LABEL if person else "",
        object_code=person.person if person else "",
        action="Audit trail exported",
        details={"rows": rows},
        request=request,
    )
    return csv_response(
        # Not the export's own event, recorded above (it may match the filters).
        _csv_rows(request, events.exclude(pk=export.pk)),
        filename=f"audit-{request.site.slug}-{timezone.localdate():%Y-%m-%d}.csv",
        header=AUDIT_CSV_HEADER,
    )


def _csv_rows(request, events, chunk=500):
    """The rows, named a chunk of events at a time (one query per kind per chunk).

    The response streams after the view has returned, outside the request's scope,
    so the generator enters the site's scope again for its own queries.
    """
    with scope(site=request.site):
        batch = []
        for event in events.iterator(chunk_size=chunk):
            batch.append(event)
            if len(batch) == chunk:
                yield from _csv_chunk(request, batch)
                batch = []
        yield from _csv_chunk(request, batch)


def _csv_chunk(request, events):
    for event in audit_subjects.describe_events(request, events):
        yield [
            timezone.localtime(event.created_at).replace(microsecond=0),
            event.user.display_name if event.user else "",
            event.user.username if event.user else "",
            event.get_kind_display(),
            event.subject.name if event.subject else "",
            event.object_type,
            event.object_code,
            event.in_words,
            event.ip_address,
        ]


@require_GET
@require_rule("open_site")
def notification_list(request, site_slug):
    """What the signed-in member should know about at this site, newest first."""
    notifications = Notification.objects.filter(site=request.site, user=request.user)
    page = Paginator(notifications, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "sites/notification_list.html",
        {"page": page, "unread": _unread(request), "query": ""},
    )


def _unread(request):
    """The member's unread notifications here, counted by SiteScopeMiddleware."""
    return getattr(request.memberships[0], "unread_notifications", 0)


@require_POST
@require_rule("open_site")
def notification_read(request, site_slug, code):
    """Mark one notification read and go to what it is about."""
    mine = Notification.objects.filter(site=request.site, user=request.user).unread()
    notification = get_for_site(mine, request.site, code=code)
    notification.read_at = timezone.now()
    notification.save(update_fields=["read_at", "updated_at"])
    if notification.link.startswith(f"/s/{site_slug}/"):
        return redirect(notification.link)
    return redirect("notification_list", site_slug=site_slug)


@require_POST
@require_rule("open_site")
def notifications_read_all(request, site_slug):
    """Mark every unread notification of the signed-in member read."""
    Notification.objects.filter(site=request.site, user=request.user).unread().update(
        read_at=timezone.now()
    )
    return redirect("notification_list", site_slug=site_slug)


def permission_denied(request, exception=None):
    """The 403 page: what the page needs, whom to ask for it, and the navigation.
    Writes nothing (a refused request must leave no trace but the refusal)."""

    needed = RULES.get(str(exception)) if exception else None
    memberships = list(getattr(request, "memberships", None) or [])
    roles = [m.role for m in memberships]
    return render(
        request,
        "403.html",
        {
            "needed": needed.meaning if needed else "",
            "role_names": sorted({Role(r).label for r in roles}),
            "whom_to_ask": whom_to_ask(roles),
        },
        status=403,
    )
