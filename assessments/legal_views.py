"""The legal record's pages: add and change its parts, raise a safeguarding concern,
record equality and communication. Each is shown on the person page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carehub.pdf import pdf_response, render_pdf
from sites.audit import record_access, record_view
from sites.decorators import require_rule
from sites.forms import add_service_errors, error_text
from sites.models import AuditEvent
from sites.preserve import preserves_input, restore_input
from sites.shortcuts import get_for_site
from sites.versioning import VersionedEdit

from . import legal_services as services
from .legal import EqualityRecord
from .legal_forms import EqualityForm, LetterTemplateForm, SafeguardingRaiseForm
from .letters import PLACEHOLDERS, Letter, LetterKind, LetterTemplate
from .models import Assessment, Person
from .parts import BY_KEY


def _person_url(site_slug, person, anchor="legal"):
    url = reverse("person_detail", kwargs={"site_slug": site_slug, "code": person.code})
    return f"{url}#{anchor}"


def _part(key, *, adding=False):
    part = BY_KEY.get(key)
    if part is None or (adding and not part.addable):
        raise Http404("No such part of the record.")
    return part


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("change_people")
def record_add(request, site_slug, code, part):
    """Add a consent, capacity assessment, attorney, advocacy decision or contact."""
    spec = _part(part, adding=True)
    person = get_for_site(Person, request.site, code=code)
    data = request.POST if request.method == "POST" else restore_input(request)
    form = spec.form_class(data)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_record(
                spec.model,
                person=person,
                by=request.user,
                noun=spec.noun,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The {spec.noun} has been recorded.")
            return redirect(_person_url(site_slug, person, spec.key))
    record_view(request, person, action="Record form")
    return render(
        request,
        "assessments/record_form.html",
        {"person": person, "part": spec, "form": form, "heading": spec.add_label},
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("change_people")
def record_edit(request, site_slug, code, part, item):
    spec = _part(part)
    person = get_for_site(Person, request.site, code=code)
    record = get_for_site(
        spec.model.objects.filter(person=person), request.site, code=item
    )
    data = request.POST if request.method == "POST" else restore_input(request)
    form = spec.form_class(data, instance=record)
    edit = VersionedEdit.start(record.version, data)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_record(
                record,
                by=request.user,
                expected_version=edit.version,
                noun=spec.noun,
                **form.cleaned_data,
            )
        except ValidationError as error:
            edit.refused(
                error,
                form=form,
                latest=lambda: spec.model.objects.get(pk=record.pk),
            )
        else:
            messages.success(request, f"The {spec.noun} has been saved.")
            return redirect(_person_url(site_slug, person, spec.key))
    record_view(request, person, action="Record form")
    return render(
        request,
        "assessments/record_form.html",
        {
            "person": person,
            "part": spec,
            "form": form,
            "edit": edit,
            "record": record,
            "heading": f"Change the {spec.noun}",
        },
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("see_people", write="raise_safeguarding_concerns")
def safeguarding_raise(request, site_slug, code):
    """Anyone who can open the record can raise a concern; it is flagged to all."""
    person = get_for_site(Person, request.site, code=code)
    data = request.POST if request.method == "POST" else restore_input(request)
    form = SafeguardingRaiseForm(data)
    if request.method == "POST" and form.is_valid():
        services.raise_safeguarding_concern(
            person=person, by=request.user, **form.cleaned_data
        )
        messages.success(
            request,
            "The safeguarding concern has been raised. Everyone who can open this "
            "record now sees it.",
        )
        return redirect(_person_url(site_slug, person, "safeguarding"))
    record_view(request, person, action="Safeguarding form")
    return render(
        request,
        "assessments/record_form.html",
        {
            "person": person,
            "part": BY_KEY["safeguarding"],
            "form": form,
            "heading": "Raise a safeguarding concern",
            "intro": "If the person is in immediate danger, call 999 first.",
        },
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("change_people")
def equality_edit(request, site_slug, code):
    person = get_for_site(Person, request.site, code=code)
    record = EqualityRecord.objects.filter(person=person).first()
    data = request.POST if request.method == "POST" else restore_input(request)
    form = EqualityForm(data, instance=record)
    edit = VersionedEdit.start(record.version if record else 0, data)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_equality(
                person=person,
                by=request.user,
                expected_version=edit.version,
                **form.cleaned_data,
            )
        except ValidationError as error:
            edit.refused(
                error,
                form=form,
                # Nobody saved one yet (a post without its version): a blank one.
                latest=lambda: (
                    EqualityRecord.objects.filter(person=person).first()
                    or EqualityRecord(version=0)
                ),
            )
        else:
            messages.success(request, "Equality and communication details saved.")
            return redirect(_person_url(site_slug, person, "equality"))
    record_view(request, person, action="Equality form")
    return render(
        request,
        "assessments/record_form.html",
        {
            "person": person,
            "form": form,
            "edit": edit,
            "heading": "Equality and communication",
            "intro": "Every question is optional, and each can be answered “prefers "
            "not to say”.",
        },
    )


# --- letters -------------------------------------------------------------------------------


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("word_letters")
def letter_template_edit(request, site_slug):
    """The site's wording of a kind of letter (``?kind=``; the default until
    changed)."""
    kind = request.GET.get("kind", LetterKind.ELIGIBILITY)
    if kind not in LetterKind.values:
        raise Http404("No such letter.")
    template = LetterTemplate.objects.filter(site=request.site, kind=kind).first()
    subject, body = services.letter_wording(request.site, kind)
    data = request.POST if request.method == "POST" else restore_input(request)
    form = LetterTemplateForm(
        data,
        instance=template,
        kind=kind,
        initial={"subject": subject, "body": body},
    )
    edit = VersionedEdit.start(template.version if template else 0, data)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_letter_template(
                site=request.site,
                kind=kind,
                by=request.user,
                expected_version=edit.version,
                **form.cleaned_data,
            )
        except ValidationError as error:
            edit.refused(
                error,
                form=form,
                latest=lambda: (
                    LetterTemplate.objects.filter(site=request.site, kind=kind).first()
                    or LetterTemplate(version=0)
                ),
            )
        else:
            messages.success(request, "The letter's wording has been saved.")
            return redirect(request.get_full_path())
    return render(
        request,
        "assessments/letter_template_form.html",
        {
            "form": form,
            "edit": edit,
            "kind_label": LetterKind(kind).label,
            "placeholders": PLACEHOLDERS[kind],
            "customised": template is not None,
        },
    )


@require_POST
@require_rule("record_assessments")
def letter_send(request, site_slug, code):
    """Make and record the eligibility letter; it is printed from the person page."""
    assessment = get_for_site(
        Assessment.objects.select_related("person", "site"), request.site, code=code
    )
    try:
        services.send_eligibility_letter(assessment, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("assessment_detail", site_slug=site_slug, code=code)
    messages.success(
        request,
        "The letter is recorded on the person's record. Print it from their page.",
    )
    return redirect(_person_url(site_slug, assessment.person, "letters"))


@require_GET
@require_rule("see_people")
def letter_pdf(request, site_slug, code):
    letter = get_for_site(
        Letter.objects.select_related("person", "site", "sent_by"),
        request.site,
        code=code,
    )
    pdf = render_pdf(
        "pdf/letter.html",
        {"letter": letter, "large_print": letter.large_print},
        request=request,
    )
    record_access(request, letter, kind=AuditEvent.Kind.PRINT, action="Letter PDF")
    return pdf_response(pdf, f"letter-{letter.code}.pdf")
