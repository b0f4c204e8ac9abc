"""Resolve the site named in a tenant URL and run the whole request inside its scope;
resolve the programme named in a programme URL and the user's part in it."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import Resolver404, resolve
from django_scopes import scope, scopes_disabled

from .models import (
    Membership,
    Notification,
    Programme,
    ProgrammeMembership,
    ProgrammeSite,
    Site,
)
from .permissions import (
    PARTICIPANT,
    PARTICIPANT_COORDINATOR,
    PROGRAMME_KWARG,
    SITE_KWARG,
    Role,
    capabilities_for,
    programme_capabilities_for,
)


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
        request.programme = None
        request.programme_roles = frozenset()
        request.programme_sites = []
        if match and PROGRAMME_KWARG in match.kwargs and request.user.is_authenticated:
            return self._programme(request, match.kwargs[PROGRAMME_KWARG])

        slug = match.kwargs.get(SITE_KWARG) if match else None
        if slug is None or not request.user.is_authenticated:
            # Not a tenant URL (or anonymous: sent to sign in): no scope is entered,
            # so any tenant query made here raises instead of leaking.
            return self.get_response(request)

        # All of the user's memberships in one query: the site switcher needs them
        # too (see context_processors.navigation), and each carries the user's unread
        # notifications there, for the count in the navigation on every page.
        request.all_memberships = list(
            Membership.objects.active()
            .for_user(request.user)
            .select_related("site")
            .annotate(unread_notifications=unread_notifications())
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

    def _programme(self, request, slug):
        """For ``/p/<programme_slug>/…``: the programme and the user's part in it, or
        404 for anyone who neither coordinates it nor works at a participating site.

        Sets ``request.programme``, ``request.programme_roles`` (programme
        coordinator; participant; participant as a site coordinator),
        ``request.programme_sites`` (the participating sites where the user is a
        member) and ``request.capabilities`` from those roles. No site scope is
        entered: the programme spans sites, so any site-scoped query made here raises,
        and cross-site data is read only through the named programme queries
        (docs/architecture.md).
        """
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            raise Http404("No such page.")
        request.all_memberships = list(
            Membership.objects.active().for_user(request.user).select_related("site")
        )
        roles = set(
            ProgrammeMembership.objects.filter(
                programme=programme, user=request.user, is_active=True
            ).values_list("role", flat=True)
        )
        participating = set(
            ProgrammeSite.objects.filter(programme=programme).values_list(
                "site_id", flat=True
            )
        )
        mine = [m for m in request.all_memberships if m.site_id in participating]
        if mine:
            roles.add(PARTICIPANT)
        if any(m.role == Role.SITE_COORDINATOR for m in mine):
            roles.add(PARTICIPANT_COORDINATOR)
        if not roles:
            # Unknown programme and "not yours" look the same.
            raise Http404("No such page.")
        sites = {}
        for membership in mine:
            sites.setdefault(membership.site.slug, membership.site)
        request.programme = programme
        request.programme_roles = frozenset(roles)
        request.programme_sites = list(sites.values())
        request.capabilities = programme_capabilities_for(roles)
        return self.get_response(request)


def unread_notifications():
    """The user's unread notifications at the membership's site, as a subquery of the
    membership query (no query of its own: the navigation shows it on every page).

    Unscoped by necessity (no scope exists yet) and safe: it only counts, and only
    the rows of the membership's own user and site (docs/architecture.md).
    """
    unread = (
        Notification.objects.with_scopes_disabled()
        .filter(site=OuterRef("site"), user=OuterRef("user"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)
