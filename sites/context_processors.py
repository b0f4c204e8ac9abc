from django.utils.functional import SimpleLazyObject

from .models import Membership
from .permissions import Can


def _my_sites(request):
    memberships = getattr(request, "all_memberships", None)
    if memberships is None:
        memberships = Membership.objects.active().for_user(request.user)
        memberships = memberships.select_related("site")
    seen = {}
    for membership in memberships:
        seen.setdefault(membership.site.slug, membership.site)
    return list(seen.values())


def navigation(request):
    """The current site and, lazily, all the user's sites (for the switcher)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = getattr(request, "memberships", None) or []
    return {
        "current_site": getattr(request, "site", None),
        "my_sites": SimpleLazyObject(lambda: _my_sites(request)),
        # Counted with the memberships by SiteScopeMiddleware: no query here.
        "unread_notifications": getattr(memberships[0], "unread_notifications", 0)
        if memberships
        else 0,
    }


def permissions(request):
    """``can``: the named rules for templates (``{% if can.see_panel %}``)."""
    return {"can": Can(getattr(request, "capabilities", frozenset()))}
