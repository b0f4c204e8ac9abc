"""Attach, download and delete documents on a person's record (issue 12, item 8).

Every page here is reached through the site (404 for anyone else's record); a file is
served only to a member who may open the person's record, and each download is
audited. Plans attach through ``careplans/documents.py``, with the same form."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sites.audit import record_access, record_view
from sites.decorators import require_rule
from sites.forms import add_service_errors
from sites.models import AuditEvent
from sites.shortcuts import get_for_site

from .documents import (
    WHAT_WE_KEEP,
    Document,
    attach_document,
    check_upload,
    delete_document,
    open_document,
)
from .models import Assessment, Person

PERSON = "person"


class DocumentForm(forms.Form):
    file = forms.FileField(
        label="The file",
        error_messages={
            "required": "Choose the file to attach.",
            "empty": "The file is empty. Choose the file again.",
        },
    )
    kind = forms.ChoiceField(
        label="What kind of document", choices=[("", "Choose…"), *Document.Kind.choices]
    )
    description = forms.CharField(
        label="What it is",
        max_length=200,
        help_text="For example “Quote for a stair rail, Stairlifts Ltd”. Seen by "
        "everyone who can open the record.",
    )
    attach_to = forms.ChoiceField(label="Attach it to", required=False)

    def __init__(self, *args, assessments=None, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields[
            "file"
        ].help_text = f"{WHAT_WE_KEEP}, up to {settings.DOCUMENT_MAX_MB} MB."
        if assessments is None:
            del self.fields["attach_to"]
        else:
            self.assessments = {str(a.code): a for a in assessments}
            self.fields["attach_to"].choices = [
                (PERSON, "The person's record"),
                *(
                    (
                        code,
                        f"{a.get_kind_display()} of {a.assessment_date:%-d %B %Y}",
                    )
                    for code, a in self.assessments.items()
                ),
            ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload

    def clean_attach_to(self):
        chosen = self.cleaned_data.get("attach_to") or PERSON
        return None if chosen == PERSON else self.assessments[chosen]


def _person_url(site_slug, person):
    return reverse("person_detail", args=[site_slug, person.code]) + "#documents"


def _assessment_url(site_slug, assessment):
    return (
        reverse("assessment_detail", args=[site_slug, assessment.code]) + "#documents"
    )


def _record_url(site_slug, document):
    """The page of the record the document is attached to."""
    if document.assessment_id is not None:
        return _assessment_url(site_slug, document.assessment)
    if document.plan_code is not None:
        return reverse("plan_detail", args=[site_slug, document.plan_code]) + (
            "#documents"
        )
    return _person_url(site_slug, document.person)


def attach_page(
    request, *, person, back_url, heading, plan_code=None, assessments=None
):
    """The attach form for a person, one of their assessments or a plan (shared with
    careplans); once attached, back to ``back_url``, the page it was opened from."""
    initial = {}
    if assessments is not None:
        initial["attach_to"] = request.GET.get("assessment") or PERSON
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES, assessments=assessments)
        if form.is_valid():
            try:
                attach_document(
                    person=person,
                    upload=form.cleaned_data["file"],
                    kind=form.cleaned_data["kind"],
                    description=form.cleaned_data["description"],
                    assessment=form.cleaned_data.get("attach_to"),
                    plan_code=plan_code,
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The document is attached.")
                return redirect(back_url)
        # A browser never keeps a chosen file across a refusal: say so where it is.
        # (On the bound field: it took its own copy of the help text when validated.)
        bound = form["file"]
        bound.help_text = (
            "Choose the file again: it is not kept when something needs correcting. "
            + bound.help_text
        )
    else:
        form = DocumentForm(initial=initial, assessments=assessments)
        record_view(request, person, action="Attach a document")
    return render(
        request,
        "documents/document_form.html",
        {"form": form, "person": person, "back_url": back_url, "heading": heading},
    )


@require_http_methods(["GET", "POST"])
@require_rule("change_people")
def document_attach(request, site_slug, code):
    """Attach a document to the person, or to one of their assessments. Opened from
    an assessment's page (``?assessment=<code>``), that assessment is chosen and the
    form goes back there."""
    person = get_for_site(Person, request.site, code=code)
    assessments = list(
        Assessment.objects.filter(site=request.site, person=person).order_by(
            "-assessment_date", "-id"
        )
    )
    came_from = {str(a.code): a for a in assessments}.get(
        request.GET.get("assessment", "")
    )
    return attach_page(
        request,
        person=person,
        back_url=_assessment_url(site_slug, came_from)
        if came_from
        else _person_url(site_slug, person),
        heading="Attach a document",
        assessments=assessments,
    )


def _document(request, code):
    return get_for_site(
        Document.objects.select_related("person", "assessment"),
        request.site,
        code=code,
    )


@require_GET
@require_rule("see_people")
def document_file(request, site_slug, code):
    """The file, to whoever may open the person's record; audited."""
    document = _document(request, code)
    if document.is_deleted:
        raise Http404("This document has been deleted.")
    try:
        handle = open_document(document)
    except FileNotFoundError:
        raise Http404("The file is missing from the store.") from None
    record_access(
        request, document, kind=AuditEvent.Kind.EXPORT, action="Document downloaded"
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class DeleteDocumentForm(forms.Form):
    reason = forms.CharField(
        label="Why it is being deleted",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example “Attached to the wrong person”. Kept on the record "
        "with who deleted it and when.",
        error_messages={"required": "Say why it is being deleted."},
    )


@require_http_methods(["GET", "POST"])
@require_rule("change_people")
def document_delete(request, site_slug, code):
    """Delete a document's file, with a reason (the note of it stays, audited).
    Opened from the page of what it is attached to (``?from=record``), it goes back
    there; otherwise to the person's page."""
    document = _document(request, code)
    if request.GET.get("from") == "record":
        back = _record_url(site_slug, document)
    else:
        back = _person_url(site_slug, document.person)
    if document.is_deleted:
        messages.info(request, "This document has already been deleted.")
        return redirect(back)
    form = DeleteDocumentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            delete_document(
                document, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The document is deleted.")
            return redirect(back)
    record_view(request, document, action="Delete document form")
    return render(
        request,
        "documents/document_delete.html",
        {
            "form": form,
            "document": document,
            "person": document.person,
            "back_url": back,
        },
    )
