from django.urls import path

from . import programme_views, views
from .portability import views as portability_views

# Included under /s/<site_slug>/ by carehub/urls.py.
urlpatterns = [
    path("", views.site_home, name="site_home"),
    path("audit/", views.audit_list, name="audit_list"),
    path(
        "programmes/new/",
        programme_views.programme_create,
        name="programme_create",
    ),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("export/", portability_views.site_export, name="site_export"),
    path("notifications/", views.notification_list, name="notification_list"),
    path(
        "notifications/read-all/",
        views.notifications_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/<uuid:code>/read/",
        views.notification_read,
        name="notification_read",
    ),
]
