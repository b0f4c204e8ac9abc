"""Programme work at a site (/s/<site_slug>/…): programme cases, case studies and
their workflow, wanted-but-not-arranged on a plan. Identifiable: site-scoped."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.models import Person
from carehub.pdf import pdf_response, render_pdf
from sites.audit import record_access, record_view
from sites.decorators import require_rule
from sites.forms import error_text
from sites.models import AuditEvent, ProgrammeSite
from sites.permissions import allows
from sites.preserve import preserves_input, restore_input
from sites.shortcuts import get_for_site
from sites.versioning import VersionedEdit
from sites.workflow import allowed_steps

from . import programme_services as ps
from .forms import ReasonForm
from .models import CarePlan
from .programme import CaseStudy, ProgrammeCase, UnmetWant
from .programme_forms import (
    CaseStudyForm,
    CaseStudyReviewForm,
    ConsentForm,
    IncludeForm,
    UnmetWantForm,
)


def _cases():
    return ProgrammeCase.objects.select_related(
        "programme",
        "person",
        "assessment",
        "decided_by",
        "consent_recorded_by",
        "withdrawn_by",
    )


def _case_studies():
    return CaseStudy.objects.select_related(
        "programme_case__programme",
        "programme_case__person__allocated_worker",
        "programme_case__decided_by",
        "programme_case__assessment",
        "plan__written_by",
        "drafted_by",
        "reviewed_by",
        "approved_by",
        "site",
    )


# --- programme cases ------------------------------------------------------------------


@require_POST
@require_rule("make_programme_cases")
def programme_include(request, site_slug, code):
    """One click from the offer on the person page: a programme case."""
    person = get_for_site(Person, request.site, code=code)
    form = IncludeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a programme to include them in.")
        return redirect("person_detail", site_slug=site_slug, code=code)
    place = ProgrammeSite.objects.filter(
        site=request.site, programme__code=form.cleaned_data["programme"]
    ).first()
    if place is None:
        messages.error(request, "This site does not take part in that programme.")
        return redirect("person_detail", site_slug=site_slug, code=code)
    try:
        case = ps.include_in_programme(
            programme=place.programme,
            person=person,
            by=request.user,
            living_at_home=form.cleaned_data["living_at_home"],
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("person_detail", site_slug=site_slug, code=code)
    messages.success(
        request,
        f"Included in “{place.programme.title}”. Its figures come from the records "
        "you already keep.",
    )
    return redirect("programme_case_detail", site_slug=site_slug, code=case.code)


@require_GET
@require_rule("see_case_studies")
def programme_case_list(request, site_slug):
    cases = list(
        ProgrammeCase.objects.filter(site=request.site)
        .select_related("programme", "person")
        .order_by("-decided_at", "-id")[:200]
    )
    return render(
        request,
        "careplans/programme/case_list.html",
        {"cases": cases, "may_see_people": allows(request, "see_people")},
    )


@require_GET
@require_rule("see_case_studies")
def programme_case_detail(request, site_slug, code):
    case = get_for_site(_cases(), request.site, code=code)
    record_access(request, case)
    figures = ps.case_figures(case)
    case_studies = list(
        CaseStudy.objects.filter(site=request.site, programme_case=case).order_by(
            "-created_at"
        )
    )
    return render(
        request,
        "careplans/programme/case_detail.html",
        {
            "case": case,
            "figures": figures,
            "case_studies": case_studies,
            "consent_form": ConsentForm(
                initial={"consent": case.consent, "consent_note": case.consent_note}
            ),
            "may_see_people": allows(request, "see_people"),
        },
    )


@require_POST
@require_rule("make_programme_cases")
def programme_case_consent(request, site_slug, code):
    case = get_for_site(ProgrammeCase, request.site, code=code)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            ps.record_consent(
                case,
                consent=form.cleaned_data["consent"],
                note=form.cleaned_data["consent_note"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Consent recorded.")
    else:
        messages.error(
            request,
            " ".join(str(e) for errors in form.errors.values() for e in errors),
        )
    return redirect("programme_case_detail", site_slug=site_slug, code=code)


# --- case studies -----------------------------------------------------------------------


@require_POST
@require_rule("draft_case_studies")
def case_study_create(request, site_slug, code):
    case = get_for_site(_cases(), request.site, code=code)
    try:
        case_study = ps.draft_case_study(case, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("programme_case_detail", site_slug=site_slug, code=code)
    messages.success(
        request,
        "The case study is drafted from the records, with names replaced. Read every "
        "section and change what still identifies anyone.",
    )
    return redirect("case_study_detail", site_slug=site_slug, code=case_study.code)


@require_GET
@require_rule("see_case_studies")
def case_study_list(request, site_slug):
    case_studies = list(
        CaseStudy.objects.filter(site=request.site)
        .select_related("programme_case__programme", "drafted_by")
        .order_by("-created_at", "-id")[:200]
    )
    return render(
        request,
        "careplans/programme/casestudy_list.html",
        {"case_studies": case_studies},
    )


def _detail_context(request, case_study):
    may_see_people = allows(request, "see_people")
    steps = allowed_steps(case_study)
    problems = ps.check_case_study(case_study, places=ps.places_for(case_study))
    place = ProgrammeSite.objects.filter(
        programme=case_study.programme_case.programme_id, site=request.site
    ).first()
    user = request.user
    return {
        "case_study": case_study,
        "case": case_study.programme_case,
        "sections": case_study.section_texts(),
        "problems": problems,
        "replacements": list(case_study.replacements.all()) if may_see_people else [],
        "may_see_people": may_see_people,
        "steps": steps,
        "may_edit": "edit" in steps and allows(request, "draft_case_studies"),
        "may_review": "review" in steps
        and allows(request, "review_case_studies")
        and place is not None
        and place.advisor_id == user.pk,
        "may_return": "return_to_draft" in steps
        and allows(request, "return_case_studies"),
        "may_approve": "approve" in steps
        and allows(request, "approve_case_studies")
        and place is not None
        and place.project_coordinator_id == user.pk,
        "may_present": "present" in steps and allows(request, "approve_case_studies"),
        "may_archive": "archive" in steps and allows(request, "approve_case_studies"),
        "place": place,
    }


@require_GET
@require_rule("see_case_studies")
def case_study_detail(request, site_slug, code):
    case_study = get_for_site(_case_studies(), request.site, code=code)
    record_access(request, case_study)
    return render(
        request,
        "careplans/programme/casestudy_detail.html",
        _detail_context(request, case_study),
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("draft_case_studies")
def case_study_edit(request, site_slug, code):
    case_study = get_for_site(_case_studies(), request.site, code=code)
    if not case_study.is_editable:
        messages.error(request, "Only a draft case study can be changed.")
        return redirect("case_study_detail", site_slug=site_slug, code=code)
    data = request.POST if request.method == "POST" else restore_input(request)
    form = CaseStudyForm(data, instance=case_study)
    edit = VersionedEdit.start(case_study.version, data)
    if request.method == "POST" and form.is_valid():
        try:
            ps.update_case_study(
                case_study,
                by=request.user,
                expected_version=edit.version,
                **form.cleaned_data,
            )
        except ValidationError as error:
            edit.refused(
                error, form=form, latest=lambda: CaseStudy.objects.get(pk=case_study.pk)
            )
        else:
            messages.success(request, "The case study has been saved.")
            return redirect("case_study_detail", site_slug=site_slug, code=code)
    record_view(request, case_study, action="Case study form")
    return render(
        request,
        "careplans/programme/casestudy_form.html",
        {"case_study": case_study, "form": form, "edit": edit},
    )


def _step(request, site_slug, code, act, done):
    case_study = get_for_site(CaseStudy, request.site, code=code)
    try:
        act(case_study, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, done)
    return redirect("case_study_detail", site_slug=site_slug, code=code)


@require_POST
@require_rule("draft_case_studies")
def case_study_submit(request, site_slug, code):
    return _step(
        request,
        site_slug,
        code,
        ps.submit_case_study,
        "Sent to the site's advisor for review.",
    )


@require_POST
@require_rule("approve_case_studies")
def case_study_approve(request, site_slug, code):
    return _step(
        request,
        site_slug,
        code,
        ps.approve_case_study,
        "Approved for sharing: the other sites in the programme can read it now.",
    )


@require_POST
@require_rule("approve_case_studies")
def case_study_present(request, site_slug, code):
    return _step(
        request,
        site_slug,
        code,
        ps.present_case_study,
        "Recorded as presented at a meeting.",
    )


@require_POST
@require_rule("approve_case_studies")
def case_study_archive(request, site_slug, code):
    return _step(request, site_slug, code, ps.archive_case_study, "Archived.")


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("see_case_studies", write="review_case_studies")
def case_study_review(request, site_slug, code):
    case_study = get_for_site(_case_studies(), request.site, code=code)
    data = request.POST if request.method == "POST" else restore_input(request)
    form = CaseStudyReviewForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            ps.review_case_study(
                case_study,
                by=request.user,
                recognisable=form.cleaned_data["recognisable"],
                note=form.cleaned_data["recognisable_note"],
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request, "Reviewed: it waits for the project coordinator's approval."
            )
            return redirect("case_study_detail", site_slug=site_slug, code=code)
    context = _detail_context(request, case_study)
    context["form"] = form
    record_view(request, case_study, action="Case study review form")
    return render(request, "careplans/programme/casestudy_review.html", context)


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("see_case_studies", write="return_case_studies")
def case_study_return(request, site_slug, code):
    case_study = get_for_site(_case_studies(), request.site, code=code)
    data = request.POST if request.method == "POST" else restore_input(request)
    form = ReasonForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            ps.return_case_study(
                case_study, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Returned to the writer with your reasons.")
            return redirect("case_study_detail", site_slug=site_slug, code=code)
    record_view(request, case_study, action="Case study return form")
    return render(
        request,
        "careplans/programme/casestudy_return.html",
        {"case_study": case_study, "form": form},
    )


@require_GET
@require_rule("see_case_studies")
def case_study_pdf(request, site_slug, code):
    """The case study as its site prints it (drafts marked as such)."""
    case_study = get_for_site(_case_studies(), request.site, code=code)
    figures = ps.case_figures(case_study.programme_case).as_data()
    pdf = render_pdf(
        "pdf/case_study.html",
        {
            "programme": case_study.programme_case.programme,
            "site": case_study.site,
            "pseudonym": case_study.pseudonym,
            "age_band": case_study.age_band,
            "sections": case_study.section_texts(),
            "figures": figures,
            "status": case_study.get_status_display(),
            "draft": case_study.status
            in {CaseStudy.Status.DRAFT, CaseStudy.Status.IN_REVIEW},
        },
        request=request,
    )
    record_access(
        request, case_study, kind=AuditEvent.Kind.PRINT, action="Case study PDF"
    )
    return pdf_response(pdf, f"case-study-{case_study.code}.pdf")


# --- wanted but not arranged ------------------------------------------------------------


def _plan_url(site_slug, plan):
    url = reverse("plan_detail", kwargs={"site_slug": site_slug, "code": plan.code})
    return f"{url}#unmet"


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("change_plans")
def unmet_want_edit(request, site_slug, code, unmet_code=None):
    plan = get_for_site(
        CarePlan.objects.select_related("person"), request.site, code=code
    )
    unmet = None
    if unmet_code is not None:
        unmet = get_for_site(UnmetWant, request.site, code=unmet_code, plan=plan)
    data = request.POST if request.method == "POST" else restore_input(request)
    form = UnmetWantForm(data, instance=unmet, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            ps.save_unmet_want(plan, by=request.user, unmet=unmet, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Recorded: wanted but not arranged.")
            return redirect(_plan_url(site_slug, plan))
    record_view(request, plan, action="Unmet want form")
    return render(
        request,
        "careplans/programme/unmetwant_form.html",
        {"plan": plan, "person": plan.person, "form": form, "unmet": unmet},
    )


@require_POST
@require_rule("change_plans")
def unmet_want_delete(request, site_slug, code, unmet_code):
    plan = get_for_site(CarePlan, request.site, code=code)
    unmet = get_for_site(UnmetWant, request.site, code=unmet_code, plan=plan)
    ps.remove_unmet_want(unmet, by=request.user)
    messages.success(request, "Removed.")
    return redirect(_plan_url(site_slug, plan))


def person_page_programme(request, person):
    """The programme panel on the person page (assessments.extensions): the cases
    they are in, and the programmes that offer to include them."""
    cases = list(
        ProgrammeCase.objects.filter(site=request.site, person=person).select_related(
            "programme"
        )
    )
    places = ps.collecting_places(request.site)
    offers = []
    if places and allows(request, "make_programme_cases"):
        offers = ps.offers_for(
            person, places=places, cases={c.programme_id for c in cases}
        )
    if not cases and not offers:
        return None
    return "careplans/programme/_person_programme.html", {
        "cases": cases,
        "offers": offers,
        "may_see_cases": allows(request, "see_case_studies"),
    }
