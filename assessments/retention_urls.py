"""Retention pages, included under /s/<site_slug>/ by carehub/urls.py."""

from django.urls import path

from . import retention_views as views

urlpatterns = [
    path("retention/", views.retention_list, name="retention_list"),
    path("retention/periods/", views.retention_periods, name="retention_periods"),
    path("retention/people/<uuid:code>/hold/", views.legal_hold, name="legal_hold"),
    path(
        "retention/people/<uuid:code>/release/",
        views.legal_hold_release,
        name="legal_hold_release",
    ),
    path(
        "retention/people/<uuid:code>/delete/",
        views.retention_delete,
        name="retention_delete",
    ),
]
