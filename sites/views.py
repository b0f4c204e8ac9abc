from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .decorators import require_rule
from .forms import AuditFilterForm
from .home import worklist
from .models import Membership, Notification
from .selectors import audit_events_for_site
from .shortcuts import get_for_site

AUDIT_PAGE_SIZE = 50


@require_GET
def home(request):
    """Where sign-in lands: straight into the only site, or a list to choose from."""
    memberships = list(
        Membership.objects.active().for_user(request.user).select_related("site")
    )
    sites = {}
    for membership in memberships:
        entry = sites.setdefault(
            membership.site.slug, {"site": membership.site, "roles": []}
        )
        entry["roles"].append(membership.get_role_display())
    if len(sites) == 1 and "choose" not in request.GET:
        return redirect("site_home", site_slug=next(iter(sites)))
    return render(request, "sites/home.html", {"site_entries": list(sites.values())})


@require_GET
@require_rule("open_site")
def site_home(request, site_slug):
    """The member's worklist: what is waiting for them here, by the sections each app
    registers (``sites.home``), then the way into each part of the site."""
    roles = sorted(m.get_role_display() for m in request.memberships)
    return render(
        request,
        "sites/site_home.html",
        {"roles": roles, "worklist": worklist(request)},
    )


@require_GET
@require_rule("see_audit_trail")
def audit_list(request, site_slug):
    form = AuditFilterForm(request.GET or None, site=request.site)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events_for_site(
        request.site,
        user=filters.get("user"),
        kind=filters.get("kind", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sites/auditevent_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


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
