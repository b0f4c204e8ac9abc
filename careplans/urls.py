from django.urls import path

from . import views

# Included under /s/<site_slug>/ by carehub/urls.py.
urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("people/<uuid:code>/plans/new/", views.plan_create, name="plan_create"),
    path("plans/<uuid:code>/", views.plan_detail, name="plan_detail"),
    path("plans/<uuid:code>/edit/", views.plan_edit, name="plan_edit"),
    path(
        "plans/<uuid:code>/responses/new/", views.response_edit, name="response_create"
    ),
    path(
        "plans/<uuid:code>/responses/<uuid:response_code>/edit/",
        views.response_edit,
        name="response_edit",
    ),
    path(
        "plans/<uuid:code>/responses/<uuid:response_code>/delete/",
        views.response_delete,
        name="response_delete",
    ),
    path("plans/<uuid:code>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<uuid:code>/sign-off/", views.plan_sign_off, name="plan_sign_off"),
    path("plans/<uuid:code>/return/", views.plan_return, name="plan_return"),
    path("plans/<uuid:code>/new-version/", views.plan_revise, name="plan_revise"),
    path("plans/<uuid:code>/close/", views.plan_close, name="plan_close"),
    path("plans/<uuid:code>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("reviews/", views.reviews_due, name="reviews_due"),
    path("reviews/<uuid:code>/start/", views.review_start, name="review_start"),
    path("reviews/<uuid:code>/", views.review_record, name="review_record"),
    path("delegated-limits/", views.limit_list, name="limit_list"),
    path("delegated-limits/withdraw/", views.limit_withdraw, name="limit_withdraw"),
]
