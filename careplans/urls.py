from django.urls import path

from . import charging_views, documents, fhir_views, review_letters, views

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
    path(
        "plans/<uuid:code>/documents/new/",
        documents.plan_document_attach,
        name="plan_document_attach",
    ),
    path(
        "plans/<uuid:code>/what-they-pay/",
        charging_views.plan_financial_assessment,
        name="plan_financial_assessment",
    ),
    path("plans/<uuid:code>/fhir.json", fhir_views.plan_fhir, name="plan_fhir"),
    path("reviews/", views.reviews_due, name="reviews_due"),
    path("reviews/<uuid:code>/start/", views.review_start, name="review_start"),
    path("reviews/<uuid:code>/", views.review_record, name="review_record"),
    path(
        "reviews/<uuid:code>/letter/",
        review_letters.review_letter_send,
        name="review_letter_send",
    ),
    path("delegated-limits/", views.limit_list, name="limit_list"),
    path("delegated-limits/withdraw/", views.limit_withdraw, name="limit_withdraw"),
]

# Programme work at the site (careplans/programme_views.py).
from . import programme_views as pv  # noqa: E402

urlpatterns += [
    path(
        "people/<uuid:code>/programme/", pv.programme_include, name="programme_include"
    ),
    path("programme-cases/", pv.programme_case_list, name="programme_case_list"),
    path(
        "programme-cases/<uuid:code>/",
        pv.programme_case_detail,
        name="programme_case_detail",
    ),
    path(
        "programme-cases/<uuid:code>/consent/",
        pv.programme_case_consent,
        name="programme_case_consent",
    ),
    path(
        "programme-cases/<uuid:code>/case-studies/new/",
        pv.case_study_create,
        name="case_study_create",
    ),
    path("case-studies/", pv.case_study_list, name="case_study_list"),
    path("case-studies/<uuid:code>/", pv.case_study_detail, name="case_study_detail"),
    path("case-studies/<uuid:code>/edit/", pv.case_study_edit, name="case_study_edit"),
    path(
        "case-studies/<uuid:code>/submit/",
        pv.case_study_submit,
        name="case_study_submit",
    ),
    path(
        "case-studies/<uuid:code>/review/",
        pv.case_study_review,
        name="case_study_review",
    ),
    path(
        "case-studies/<uuid:code>/return/",
        pv.case_study_return,
        name="case_study_return",
    ),
    path(
        "case-studies/<uuid:code>/approve/",
        pv.case_study_approve,
        name="case_study_approve",
    ),
    path(
        "case-studies/<uuid:code>/present/",
        pv.case_study_present,
        name="case_study_present",
    ),
    path(
        "case-studies/<uuid:code>/archive/",
        pv.case_study_archive,
        name="case_study_archive",
    ),
    path(
        "case-studies/<uuid:code>/case-study.pdf",
        pv.case_study_pdf,
        name="case_study_pdf",
    ),
    path("plans/<uuid:code>/unmet/new/", pv.unmet_want_edit, name="unmet_want_create"),
    path(
        "plans/<uuid:code>/unmet/<uuid:unmet_code>/edit/",
        pv.unmet_want_edit,
        name="unmet_want_edit",
    ),
    path(
        "plans/<uuid:code>/unmet/<uuid:unmet_code>/delete/",
        pv.unmet_want_delete,
        name="unmet_want_delete",
    ),
]

# Taking a programme case out of the programme (careplans/programme_withdrawal.py).
from . import programme_withdrawal  # noqa: E402

urlpatterns += [
    path(
        "programme-cases/<uuid:code>/withdraw/",
        programme_withdrawal.programme_case_withdraw,
        name="programme_case_withdraw",
    ),
]
