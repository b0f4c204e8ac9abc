from django.urls import path

from . import programme_views

# Included under /p/<programme_slug>/ by carehub/urls.py.
urlpatterns = [
    path("", programme_views.programme_home, name="programme_home"),
]
