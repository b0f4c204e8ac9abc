from django.urls import path

from . import job_views, letter_views, programme_views, subject_access_views, views
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
    path(
        "letters/wording/shared/",
        letter_views.letter_blocks_edit,
        name="letter_blocks_edit",
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
    path("jobs/", job_views.job_list, name="job_list"),
    path("jobs/<uuid:code>/", job_views.job_detail, name="job_detail"),
    path("jobs/<uuid:code>/download/", job_views.job_download, name="job_download"),
    path(
        "subject-access/",
        subject_access_views.subject_access_list,
        name="subject_access_list",
    ),
    path(
        "subject-access/new/<uuid:person>/",
        subject_access_views.subject_access_create,
        name="subject_access_create",
    ),
    path(
        "subject-access/<uuid:code>/",
        subject_access_views.subject_access_detail,
        name="subject_access_detail",
    ),
    path(
        "subject-access/<uuid:code>/prepare/",
        subject_access_views.subject_access_prepare,
        name="subject_access_prepare",
    ),
    path(
        "subject-access/<uuid:code>/answer/",
        subject_access_views.subject_access_answer,
        name="subject_access_answer",
    ),
]
