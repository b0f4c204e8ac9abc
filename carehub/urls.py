from django.contrib import admin
from django.urls import include, path

from sites import views as site_views

admin.site.site_header = "CareHub administration"
admin.site.site_title = "CareHub administration"

# Every tenant page lives under /s/<site_slug>/; SiteScopeMiddleware resolves the site.
site_patterns = [
    path("", include("sites.urls")),
    path("", include("assessments.urls")),
    path("", include("careplans.urls")),
    path("", include("panels.urls")),
]

urlpatterns = [
    path("", site_views.home, name="home"),
    path("accounts/", include("sites.accounts.urls")),
    path("admin/", admin.site.urls),
    path("s/<slug:site_slug>/", include(site_patterns)),
]
