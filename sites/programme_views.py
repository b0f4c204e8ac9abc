"""The collaborative programme's own pages (/p/<programme_slug>/…), which span sites.

They run with no site scope (``SiteScopeMiddleware._programme``): they read the
programme's own records, and cross-site data only through the named programme queries
listed in docs/architecture.md.
"""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .decorators import require_rule
from .models import ProgrammeSite


@require_GET
@require_rule("see_programme")
def programme_home(request, programme_slug):
    """The programme at a glance: its aim, stage and the sites taking part."""
    programme = request.programme
    participants = list(
        ProgrammeSite.objects.filter(programme=programme)
        .select_related(
            "site", "advisor", "project_coordinator", "team_manager", "sponsor"
        )
        .order_by("site__name")
    )
    return render(
        request,
        "programmes/programme_home.html",
        {"programme": programme, "participants": participants},
    )
