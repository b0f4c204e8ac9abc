"""A site's own programme figures and unmet-need register (true counts).

Included under /s/<site_slug>/ by carehub/urls.py.
"""

from django.urls import path

from . import figure_views as views

urlpatterns = [
    path(
        "programmes/<slug:programme>/figures/",
        views.site_programme_figures,
        name="site_programme_figures",
    ),
    path(
        "programmes/<slug:programme>/unmet-need/",
        views.site_unmet_need,
        name="site_unmet_need",
    ),
]
