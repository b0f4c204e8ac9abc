"""Programme pages built on casework data: published case studies, figures, packs.

Included under /p/<programme_slug>/ by carehub/urls.py.
"""

urlpatterns = []
