from django.urls import path

from . import document_views, legal_views, views

# Included under /s/<site_slug>/ by carehub/urls.py.
urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<uuid:code>/", views.person_detail, name="person_detail"),
    path("people/<uuid:code>/edit/", views.person_edit, name="person_edit"),
    path("people/<uuid:code>/merge/", views.person_merge, name="person_merge"),
    path(
        "people/<uuid:code>/carers/new/",
        views.carer_link_create,
        name="carer_link_create",
    ),
    path(
        "people/<uuid:code>/assessments/new/",
        views.assessment_create,
        name="assessment_create",
    ),
    # The legal record (consent, capacity, advocacy, safeguarding, contacts, equality).
    path(
        "people/<uuid:code>/record/<slug:part>/new/",
        legal_views.record_add,
        name="record_add",
    ),
    path(
        "people/<uuid:code>/record/<slug:part>/<uuid:item>/",
        legal_views.record_edit,
        name="record_edit",
    ),
    path(
        "people/<uuid:code>/safeguarding/new/",
        legal_views.safeguarding_raise,
        name="safeguarding_raise",
    ),
    path(
        "people/<uuid:code>/equality/",
        legal_views.equality_edit,
        name="equality_edit",
    ),
    # Documents attached to a person's record (issue 12, item 8).
    path(
        "people/<uuid:code>/documents/new/",
        document_views.document_attach,
        name="document_attach",
    ),
    path(
        "documents/<uuid:code>/file",
        document_views.document_file,
        name="document_file",
    ),
    path(
        "documents/<uuid:code>/delete/",
        document_views.document_delete,
        name="document_delete",
    ),
    # Letters the law requires (issue 12, item 9).
    path(
        "letters/wording/",
        legal_views.letter_template_edit,
        name="letter_template_edit",
    ),
    path(
        "assessments/<uuid:code>/letters/eligibility/",
        legal_views.letter_send,
        name="letter_send",
    ),
    path("letters/<uuid:code>/letter.pdf", legal_views.letter_pdf, name="letter_pdf"),
    path("assessments/<uuid:code>/", views.assessment_detail, name="assessment_detail"),
    path(
        "assessments/<uuid:code>/sections/<slug:section>/",
        views.assessment_section,
        name="assessment_section",
    ),
    path(
        "assessments/<uuid:code>/complete/",
        views.assessment_complete,
        name="assessment_complete",
    ),
    path(
        "assessments/<uuid:code>/addenda/new/",
        views.addendum_create,
        name="addendum_create",
    ),
]
