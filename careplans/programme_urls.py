"""Programme pages built on casework data: published case studies, figures, packs.

Included under /p/<programme_slug>/ by carehub/urls.py.
"""

from django.urls import path

from . import programme_shared as shared

urlpatterns = [
    path("case-studies/", shared.shared_case_study_list, name="shared_case_study_list"),
    path(
        "case-studies/<uuid:code>/",
        shared.shared_case_study_detail,
        name="shared_case_study_detail",
    ),
    path(
        "case-studies/<uuid:code>/case-study.pdf",
        shared.shared_case_study_pdf,
        name="shared_case_study_pdf",
    ),
    path("export/cases.csv", shared.programme_export, name="programme_export"),
]
