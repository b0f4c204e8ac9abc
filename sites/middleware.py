"""Resolve the site named in a tenant URL and run the whole request inside its scope."""

from django.http import Http404
from django.urls import Resolver404, resolve
from django_scopes import scope, scopes_disabled

from .models import Membership, Site
from .permissions import SITE_KWARG, capabilities_for


class SiteScopeMiddleware:
    """For ``/s/<site_slug>/…``: find the site and the user's memberships, or 404.

    Sets ``request.site``, ``request.memberships``, ``request.roles`` and
    ``request.capabilities``, then enters the django-scopes scope for the rest of the
    request, so views, forms and templates can only query the current site's rows.
    Anonymous users pass through unscoped; LoginRequiredMiddleware sends them to sign
    in before any view runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.site = None
        request.memberships = []
        request.roles = frozenset()
        request.capabilities = frozenset()

        if request.path_info.startswith("/admin/"):
            # The admin is for superusers managing every site; see architecture.md.
            with scopes_disabled():
                return self.get_response(request)

        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            match = None
        slug = match.kwargs.get(SITE_KWARG) if match else None
        if slug is None or not request.user.is_authenticated:
            # Not a tenant URL (or anonymous: sent to sign in): no scope is entered,
            # so any tenant query made here raises instead of leaking.
            return self.get_response(request)

        # All of the user's memberships in one query: the site switcher needs them
        # too (see context_processors.navigation).
        request.all_memberships = list(
            Membership.objects.active().for_user(request.user).select_related("site")
        )
        memberships = [m for m in request.all_memberships if m.site.slug == slug]
        if not memberships:
            # Unknown site and "not yours" look the same.
            raise Http404("No such page.")
        site: Site = memberships[0].site
        request.site = site
        request.memberships = memberships
        request.roles = frozenset(m.role for m in memberships)
        request.capabilities = capabilities_for(request.roles)
        with scope(site=site):
            return self.get_response(request)
