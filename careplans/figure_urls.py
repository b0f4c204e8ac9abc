"""The programme's figures, unmet-need register, meeting packs and evaluation.

Included under /p/<programme_slug>/ by carehub/urls.py.
"""

from django.urls import path

from . import figure_views as views

urlpatterns = [
    path("figures/", views.programme_figures, name="programme_figures"),
    path(
        "figures/unmet-need/", views.programme_unmet_need, name="programme_unmet_need"
    ),
    path("figures/rebase/", views.programme_rebase, name="programme_rebase"),
    path(
        "figures/figures.csv", views.programme_figures_csv, name="programme_figures_csv"
    ),
    path(
        "meetings/<uuid:code>/case-studies/",
        views.meeting_case_studies,
        name="meeting_case_studies",
    ),
    path("meetings/<uuid:code>/pack.pdf", views.meeting_pack, name="meeting_pack"),
    path("evaluation/", views.programme_evaluation, name="programme_evaluation"),
    path(
        "evaluation/pdf/",
        views.programme_evaluation_pdf,
        name="programme_evaluation_pdf",
    ),
    path(
        "evaluation/programme/",
        views.programme_evaluation_edit,
        name="programme_evaluation_edit",
    ),
    path(
        "evaluation/sites/<slug:participant>/",
        views.site_evaluation_edit,
        name="site_evaluation_edit",
    ),
]
