from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import TemplateView

from sites import views as site_views

admin.site.site_header = "CareHub administration"
admin.site.site_title = "CareHub administration"

# Every tenant page lives under /s/<site_slug>/; SiteScopeMiddleware resolves the site.
site_patterns = [
    path("", include("sites.urls")),
    path("", include("assessments.urls")),
    path("", include("careplans.urls")),
    path("", include("panels.urls")),
    path("", include("careplans.figure_site_urls")),
    path("", include("assessments.retention_urls")),
]

# Every collaborative programme page lives under /p/<programme_slug>/: it spans sites,
# so it has no site scope (see SiteScopeMiddleware._programme).
programme_patterns = [
    path("", include("sites.programme_urls")),
    path("", include("careplans.programme_urls")),
    path("", include("careplans.figure_urls")),
]

urlpatterns = [
    path("", site_views.home, name="home"),
    path("accounts/", include("sites.accounts.urls")),
    # Public, like the sign-in page: the statement must be readable before signing in.
    path(
        "accessibility/",
        login_not_required(TemplateView.as_view(template_name="accessibility.html")),
        name="accessibility",
    ),
    path("admin/", admin.site.urls),
    path("s/<slug:site_slug>/", include(site_patterns)),
    path("p/<slug:programme_slug>/", include(programme_patterns)),
]

# A database that cannot be reached answers a 503 "briefly unavailable" page.
handler500 = "sites.errors.server_error"
# The 403 page says what the page needs and whom to ask, inside the site's navigation.
handler403 = "sites.views.permission_denied"
