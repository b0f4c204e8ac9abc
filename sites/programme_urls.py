from django.urls import path

from . import programme_views as views

# Included under /p/<programme_slug>/ by carehub/urls.py. A participating site is
# named by its slug (<slug:site>); the programme's records by their UUID.
urlpatterns = [
    path("", views.programme_home, name="programme_home"),
    path("edit/", views.programme_edit, name="programme_edit"),
    path("stage/", views.programme_move, name="programme_move"),
    path("sites/add/", views.participant_add, name="participant_add"),
    path("sites/<slug:site>/", views.participant_edit, name="participant_edit"),
    path(
        "sites/<slug:site>/involvement/",
        views.involvement_edit,
        name="involvement_edit",
    ),
    path(
        "sites/<slug:site>/brief.pdf",
        views.practitioner_brief_pdf,
        name="practitioner_brief_pdf",
    ),
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/add/", views.milestone_add, name="milestone_add"),
    path("schedule/<uuid:code>/", views.milestone_edit, name="milestone_edit"),
    path(
        "schedule/<uuid:code>/remove/",
        views.milestone_remove,
        name="milestone_remove",
    ),
    path("meetings/", views.programme_meeting_list, name="programme_meeting_list"),
    path(
        "meetings/new/",
        views.programme_meeting_create,
        name="programme_meeting_create",
    ),
    path(
        "meetings/<uuid:code>/",
        views.programme_meeting_detail,
        name="programme_meeting_detail",
    ),
    path(
        "meetings/<uuid:code>/edit/",
        views.programme_meeting_edit,
        name="programme_meeting_edit",
    ),
    path(
        "meetings/<uuid:code>/held/",
        views.programme_meeting_hold,
        name="programme_meeting_hold",
    ),
    path(
        "meetings/<uuid:code>/cancel/",
        views.programme_meeting_cancel,
        name="programme_meeting_cancel",
    ),
    path("tables/", views.programme_tables, name="programme_tables"),
    path("tables/planning/add/", views.planning_row_add, name="planning_row_add"),
    path(
        "tables/planning/<uuid:code>/",
        views.planning_row_edit,
        name="planning_row_edit",
    ),
    path(
        "tables/planning/<uuid:code>/remove/",
        views.planning_row_remove,
        name="planning_row_remove",
    ),
    path("tables/learning/add/", views.learning_point_add, name="learning_point_add"),
    path(
        "tables/learning/<uuid:code>/",
        views.learning_point_edit,
        name="learning_point_edit",
    ),
    path(
        "tables/learning/<uuid:code>/done/",
        views.learning_point_done,
        name="learning_point_done",
    ),
]
