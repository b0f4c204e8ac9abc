from django.contrib import admin
from django.contrib.auth import views as auth_views
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
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("s/<slug:site_slug>/", include(site_patterns)),
]
