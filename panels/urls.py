from django.urls import path

from . import letters, views

# Included under /s/<site_slug>/ by carehub/urls.py.
urlpatterns = [
    path("panel/", views.panel_home, name="panel_home"),
    path("panel/dashboard.pdf", views.dashboard_pdf, name="panel_dashboard_pdf"),
    path("panel/meetings/new/", views.meeting_create, name="meeting_create"),
    path("panel/meetings/<uuid:code>/", views.meeting_detail, name="meeting_detail"),
    path("panel/meetings/<uuid:code>/open/", views.meeting_open, name="meeting_open"),
    path(
        "panel/meetings/<uuid:code>/close/", views.meeting_close, name="meeting_close"
    ),
    path("panel/meetings/<uuid:code>/items/new/", views.item_add, name="item_add"),
    path(
        "panel/meetings/<uuid:code>/pack.pdf",
        views.meeting_pack_pdf,
        name="meeting_pack_pdf",
    ),
    path(
        "panel/meetings/<uuid:code>/move/",
        views.meeting_reschedule,
        name="meeting_reschedule",
    ),
    path("panel/items/<uuid:code>/move/", views.item_move, name="item_move"),
    path(
        "panel/items/<uuid:code>/interest/",
        views.item_interest,
        name="item_interest",
    ),
    path("panel/items/<uuid:code>/decide/", views.item_decide, name="item_decide"),
    path(
        "panel/plans/<uuid:code>/chairs-action/",
        views.chairs_action,
        name="chairs_action",
    ),
    path("panel/decisions/<uuid:code>/", views.decision_detail, name="decision_detail"),
    path(
        "panel/decisions/<uuid:code>/told/", views.decision_told, name="decision_told"
    ),
    path(
        "panel/decisions/<uuid:code>/record.pdf",
        views.decision_pdf,
        name="decision_pdf",
    ),
    # The decision letter to the person (issue 12, item 9).
    path(
        "panel/decisions/<uuid:code>/letter/",
        letters.decision_letter_send,
        name="decision_letter_send",
    ),
]
