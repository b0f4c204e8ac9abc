"""Subject-access requests at a site: the open list with the days left, recording a
request from the person's page, preparing the export and marking it answered."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import audit_subjects
from .audit import record_event, record_view
from .decorators import require_rule
from .forms import error_text
from .jobs import job_url
from .models import AuditEvent, SubjectAccessRequest
from .shortcuts import get_for_site
from .subject_access_forms import AnswerForm, SubjectAccessRequestForm
from .subject_access_services import (
    answer_request,
    prepare_export,
    record_request,
    with_names,
)

ANSWERED_SHOWN = 20


def _detail(request, sar):
    return reverse(
        "subject_access_detail",
        kwargs={"site_slug": request.site.slug, "code": sar.code},
    )


@require_GET
@require_rule("see_subject_access_requests")
def subject_access_list(request, site_slug):
    """Open requests, soonest due first, with the days left of the statutory month;
    then the latest answered."""
    rows = SubjectAccessRequest.objects.filter(site=request.site)
    open_rows = with_names(request, rows.filter(status="open").order_by("due_on"))
    answered = with_names(
        request,
        rows.filter(status="answered").order_by("-answered_at")[:ANSWERED_SHOWN],
    )
    return render(
        request,
        "sites/subject_access/request_list.html",
        {"open_rows": open_rows, "answered": answered},
    )


@require_http_methods(["GET", "POST"])
@require_rule("see_subject_access_requests", write="answer_subject_access_requests")
def subject_access_create(request, site_slug, person):
    """Record a request about this person (from their page)."""
    subject = audit_subjects.person_subject(request, str(person))
    if subject is None:
        raise Http404("No such person.")
    form = SubjectAccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sar = record_request(
            site=request.site, person_code=person, by=request.user, **form.cleaned_data
        )
        messages.success(
            request,
            f"Request recorded. Answer it by {sar.due_on:%-d %B %Y}.",
        )
        return redirect(_detail(request, sar))
    record_event(
        kind=AuditEvent.Kind.VIEW,
        user=request.user,
        site=request.site,
        object_type=audit_subjects.PERSON_LABEL,
        object_code=str(person),
        request=request,
    )
    return render(
        request,
        "sites/subject_access/request_form.html",
        {"form": form, "person": subject},
    )


@require_GET
@require_rule("see_subject_access_requests")
def subject_access_detail(request, site_slug, code):
    sar = get_for_site(
        SubjectAccessRequest.objects.select_related(
            "job", "recorded_by", "answered_by"
        ),
        request.site,
        code=code,
    )
    (sar,) = with_names(request, [sar])
    record_view(request, sar)
    return render(
        request,
        "sites/subject_access/request_detail.html",
        {"sar": sar, "answer_form": AnswerForm()},
    )


@require_POST
@require_rule("answer_subject_access_requests")
def subject_access_prepare(request, site_slug, code):
    """Start the export job and follow it on its page."""
    sar = get_for_site(SubjectAccessRequest, request.site, code=code)
    try:
        job = prepare_export(sar, by=request.user)
    except ValidationError as refused:
        messages.error(request, error_text(refused))
        return redirect(_detail(request, sar))
    return redirect(job_url(job))


@require_POST
@require_rule("answer_subject_access_requests")
def subject_access_answer(request, site_slug, code):
    sar = get_for_site(
        SubjectAccessRequest.objects.select_related("job"), request.site, code=code
    )
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            answer_request(sar, by=request.user, sent_how=form.cleaned_data["sent_how"])
        except ValidationError as refused:
            form.add_error(None, error_text(refused))
        else:
            messages.success(request, "The request is marked answered.")
            return redirect(_detail(request, sar))
    (sar,) = with_names(request, [sar])
    return render(
        request,
        "sites/subject_access/request_detail.html",
        {"sar": sar, "answer_form": form},
        status=200,
    )
