from django.urls import path

from . import views

# Included under /s/<site_slug>/ by carehub/urls.py.
urlpatterns = [
    path("", views.site_home, name="site_home"),
    path("audit/", views.audit_list, name="audit_list"),
]
