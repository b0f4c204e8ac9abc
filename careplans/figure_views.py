"""The programme's figures, unmet-need register, meeting pack and evaluation.

Programme pages (/p/<programme_slug>/…) run with no site scope and show every
cross-site figure under disclosure control (``careplans.figures``). A site's own
pages (/s/<site_slug>/programmes/<programme>/…) show its own figures as true counts.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from carehub.pdf import pdf_response, render_pdf
from sites import disclosure
from sites.audit import record_access
from sites.csvsafe import csv_response
from sites.decorators import require_rule
from sites.forms import add_service_errors
from sites.models import AuditEvent
from sites.permissions import ROLE_CAPABILITIES, allows, allows_at_site, rule
from sites.programmes import (
    CollaborativeMeeting,
    EvaluationAnswer,
    EvaluationQuestion,
    LearningPoint,
    Programme,
    ProgrammeSite,
)
from sites.versioning import STALE

from . import figures
from .figure_forms import EvaluationForm, MeetingCaseStudiesForm, RebaseForm
from .figure_services import choose_case_studies, rebase_measure, save_evaluation
from .programme import (
    CaseStudy,
    MeetingCaseStudy,
    PublishedCaseStudy,
    Rebase,
    UnmetWant,
)

NOTES = {
    "rule": disclosure.RULE_NOTE,
    "suppressed": disclosure.SUPPRESSED_NOTE,
    "partial": disclosure.PARTIAL_NOTE,
    "averages": figures.AVERAGE_NOTE,
}


def _programme_figures(programme, *, with_charts=False):
    """Every figure of the programme, per site and in all, disclosed: the sites,
    and the figures (8 queries when not kept from the last few minutes); the
    charts one more (the re-bases)."""
    sites = figures.participating_sites(programme)
    computed, worked_out_at = figures.programme_figures(programme)
    context = {
        "sites": sites,
        "shown": figures.disclose_figures(computed, sites),
        "schedule": computed.schedule,
        "notes": NOTES,
        "worked_out_at": worked_out_at,
        "refreshed_every": figures.CACHE_SECONDS // 60,
    }
    if with_charts:
        context["charts"] = figures.charts(programme, computed)
    return context


# -- the programme's pages -----------------------------------------------------------


@require_GET
@require_rule("see_programme")
def programme_figures(request, programme_slug):
    """The programme dashboard: every figure per site (disclosed) and over time."""
    programme = request.programme
    context = {
        "programme": programme,
        **_programme_figures(programme, with_charts=True),
        "may_rebase": allows(request, "run_programme"),
        "may_export": allows(request, "export_programme_data"),
        "own_sites": _sites_with_own_figures(request),
    }
    return render(request, "programmes/figures/dashboard.html", context)


def _sites_with_own_figures(request):
    """The member's participating sites where their role there lets them open the
    site's own figures (rule ``see_site_programme_figures``): a link only where it
    leads somewhere."""
    see = rule("see_site_programme_figures")
    allowed = {
        m.site_id
        for m in getattr(request, "all_memberships", ())
        if see.allows(ROLE_CAPABILITIES.get(m.role, frozenset()))
    }
    return [s for s in request.programme_sites if s.pk in allowed]


def _figure_lines(programme, shown):
    """The disclosed figures as CSV rows: figure, site, category, the figure shown
    and what it means ("fewer than 8", "leaves out figures shown as *")."""
    for figure in shown.values():
        if isinstance(figure, figures.ShownFigure):
            table = figure.table
            for row in table.rows:
                for category, cell in zip(table.categories, row.cells, strict=True):
                    yield [
                        figure.title,
                        row.label,
                        category,
                        cell.display,
                        cell.explanation,
                    ]
            for category, cell in zip(
                table.categories, table.column_totals, strict=True
            ):
                yield [
                    figure.title,
                    "All sites",
                    category,
                    cell.display,
                    cell.explanation,
                ]
        else:
            for label, value, count in figure.rows:
                yield [figure.title, label, "Average", "*" if value is None else value]
                yield [
                    figure.title,
                    label,
                    "Taken over",
                    count.display,
                    count.explanation,
                ]
            value, count = figure.programme
            yield [
                figure.title,
                "All sites",
                "Average",
                "*" if value is None else value,
            ]
            yield [
                figure.title,
                "All sites",
                "Taken over",
                count.display,
                count.explanation,
            ]


@require_GET
@require_rule("export_programme_data")
def programme_figures_csv(request, programme_slug):
    """The programme's figures as a CSV, disclosed as on the page (safe to open in
    a spreadsheet). Every export is audited."""
    programme = request.programme
    context = _programme_figures(programme)
    lines = list(_figure_lines(programme, context["shown"]))
    record_access(
        request, programme, kind=AuditEvent.Kind.EXPORT, action="Programme figures"
    )
    return csv_response(
        lines,
        filename=f"programme-figures-{programme.slug}.csv",
        header=["Figure", "Site", "Category", "Figure shown", "Note"],
    )


@require_GET
@require_rule("see_programme")
def programme_unmet_need(request, programme_slug):
    """The programme's unmet-need register for commissioners (disclosed)."""
    programme = request.programme
    sites = figures.participating_sites(programme)
    unmet, barriers = figures.unmet_register(programme)
    shown = {
        f.key: figures.ShownFigure(
            f.key,
            f.title,
            f.explanation,
            disclosure.disclose_table(
                [(s.name, f.counts_for(s.pk)) for s in sites],
                [label for _, label in f.categories],
                shares=True,
            ),
            True,
            True,
        )
        for f in (unmet, barriers)
    }
    return render(
        request,
        "programmes/figures/unmet_need.html",
        {"programme": programme, "shown": shown, "notes": NOTES},
    )


@require_http_methods(["GET", "POST"])
@require_rule("see_programme", write="run_programme")
def programme_rebase(request, programme_slug):
    """Re-base a measure's control limits: a deliberate, recorded step."""
    programme = request.programme
    form = RebaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rebase_measure(
                programme, **form.cleaned_data, by=request.user, request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The limits are re-based from that month.")
            return redirect("programme_figures", programme.slug)
    rebases = list(
        Rebase.objects.filter(programme=programme)
        .select_related("by")
        .order_by("-created_at")
    )
    for rebase in rebases:
        measure = figures.MEASURES.get(rebase.measure)
        rebase.measure_title = measure.title if measure else rebase.measure
    return render(
        request,
        "programmes/figures/rebase_form.html",
        {
            "programme": programme,
            "form": form,
            "rebases": rebases,
            "may_rebase": allows(request, "run_programme"),
        },
        status=200,
    )


def _meeting(request, code):
    meeting = CollaborativeMeeting.objects.filter(
        programme=request.programme, code=code
    ).first()
    if meeting is None:
        raise Http404("No such meeting.")
    return meeting


@require_http_methods(["GET", "POST"])
@require_rule("see_programme", write="run_programme")
def meeting_case_studies(request, programme_slug, code):
    """Choose the approved case studies brought to a collaborative meeting."""
    programme = request.programme
    meeting = _meeting(request, code)
    chosen = list(
        MeetingCaseStudy.objects.filter(meeting=meeting)
        .select_related("case_study__site")
        .order_by("position", "id")
    )
    form = MeetingCaseStudiesForm(
        request.POST or None,
        programme=programme,
        initial={"case_studies": [c.case_study_id for c in chosen]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            choose_case_studies(
                meeting,
                form.cleaned_data["case_studies"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The meeting's case studies are saved.")
            return redirect("meeting_case_studies", programme.slug, meeting.code)
    return render(
        request,
        "programmes/figures/meeting_case_studies.html",
        {
            "programme": programme,
            "meeting": meeting,
            "chosen": chosen,
            "form": form,
            "may_choose": allows(request, "run_programme"),
        },
    )


def meeting_pack_context(programme, meeting):
    """Everything the meeting pack prints (a fixed number of queries). A case study
    withdrawn since it was chosen (its case taken out of the programme) is not printed."""
    chosen = list(
        MeetingCaseStudy.objects.filter(meeting=meeting)
        .exclude(case_study__status=PublishedCaseStudy.Status.WITHDRAWN)
        .select_related("case_study__site")
        .order_by("position", "id")
    )
    studies = []
    for link in chosen:
        study = link.case_study
        studies.append(
            {
                "study": study,
                "sections": [
                    (label, study.sections.get(key, ""))
                    for key, label in CASE_STUDY_SECTIONS
                ],
                "figures": _case_figures(study.figures),
            }
        )
    actions = list(
        LearningPoint.objects.filter(programme=programme)
        .open()
        .exclude(action_point="")
        .select_related("responsible", "site")
        .order_by("implement_by", "id")
    )
    return {
        "programme": programme,
        "meeting": meeting,
        "meeting_sites": list(meeting.sites.order_by("name")),
        "studies": studies,
        "actions": actions,
        **_programme_figures(programme, with_charts=True),
    }


# The case study's sections, in print order.
CASE_STUDY_SECTIONS = CaseStudy.SECTIONS

CASE_FIGURE_LABELS = {
    "weekly_cost": "Weekly cost of the plan",
    "standard_weekly_cost": "Weekly cost of the standard response",
    "weekly_difference": "Difference a week",
    "responses": "Responses",
    "asked_for": "Responses the person asked for",
    "outcomes_fully_met": "Outcomes fully met",
    "outcomes_partially_met": "Outcomes partially met",
    "outcomes_not_met": "Outcomes not met",
}


def _case_figures(data):
    """The snapshot's figures as (label, value) in a fixed order, then the rest."""
    data = data or {}
    known = [(CASE_FIGURE_LABELS[k], data[k]) for k in CASE_FIGURE_LABELS if k in data]
    rest = [
        (k.replace("_", " ").capitalize(), v)
        for k, v in data.items()
        if k not in CASE_FIGURE_LABELS
    ]
    return known + rest


@require_GET
@require_rule("see_programme")
def meeting_pack(request, programme_slug, code):
    """The meeting pack PDF: agenda, chosen case studies, open actions, figures."""
    programme = request.programme
    meeting = _meeting(request, code)
    pdf = render_pdf(
        "pdf/programme_meeting_pack.html",
        {**meeting_pack_context(programme, meeting), "pdf": True},
        request=request,
    )
    record_access(request, meeting, kind=AuditEvent.Kind.PRINT, action="Meeting pack")
    return pdf_response(pdf, f"meeting-pack-{meeting.code}.pdf")


def may_answer_for(request, participant) -> bool:
    """Who may write a site's evaluation: the programme's coordinators, the site's
    project coordinator or sponsor, or a member whose roles at the site satisfy the
    rule ``answer_site_evaluation`` (its site coordinators and senior managers)."""
    if allows(request, "run_programme"):
        return True
    user = request.user
    if user.pk in {participant.project_coordinator_id, participant.sponsor_id}:
        return True
    return allows_at_site(request, "answer_site_evaluation", participant.site_id)


def _evaluation_context(request, programme):
    participants = list(
        ProgrammeSite.objects.filter(programme=programme)
        .select_related("site")
        .order_by("site__name")
    )
    answers = {}
    for answer in EvaluationAnswer.objects.filter(programme=programme):
        answers[(answer.site_id, answer.question)] = answer
    questions = list(EvaluationQuestion)

    def answered(site_id):
        return [(q, answers.get((site_id, q.value))) for q in questions]

    parts = [
        {
            "title": "The whole programme",
            "answers": answered(None),
            "edit": (
                reverse("programme_evaluation_edit", args=[programme.slug])
                if allows(request, "run_programme")
                else ""
            ),
            "site": None,
        }
    ]
    for participant in participants:
        parts.append(
            {
                "title": participant.site.name,
                "answers": answered(participant.site_id),
                "edit": (
                    reverse(
                        "site_evaluation_edit",
                        args=[programme.slug, participant.site.slug],
                    )
                    if may_answer_for(request, participant)
                    else ""
                ),
                "site": participant.site,
            }
        )
    return {"programme": programme, "parts": parts, **_programme_figures(programme)}


@require_GET
@require_rule("see_programme")
def programme_evaluation(request, programme_slug):
    """The guide's four questions, for the programme and each site, with figures."""
    context = _evaluation_context(request, request.programme)
    return render(request, "programmes/figures/evaluation.html", context)


@require_GET
@require_rule("see_programme")
def programme_evaluation_pdf(request, programme_slug):
    """The evaluation, printed for the senior managers' end meeting."""
    programme = request.programme
    context = {**_evaluation_context(request, programme), "pdf": True}
    pdf = render_pdf("pdf/programme_evaluation.html", context, request=request)
    record_access(request, programme, kind=AuditEvent.Kind.PRINT, action="Evaluation")
    return pdf_response(pdf, f"evaluation-{programme.slug}.pdf")


def _edit_evaluation(request, programme, site, title):
    answers = {
        a.question: a
        for a in EvaluationAnswer.objects.filter(programme=programme, site=site)
    }
    form = EvaluationForm(request.POST or None, answers=answers)
    if request.method == "POST" and form.is_valid():
        try:
            save_evaluation(
                programme,
                site=site,
                answers=form.answers(),
                versions=form.versions(),
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            if getattr(error, "code", None) == STALE:
                # Keep what was typed; move the versions on so that saving again,
                # having checked the answers now saved, goes through.
                data = request.POST.copy()
                latest = {
                    a.question: a
                    for a in EvaluationAnswer.objects.filter(
                        programme=programme, site=site
                    )
                }
                for question in EvaluationQuestion:
                    current = latest.get(question.value)
                    data[f"version_{question.value}"] = (
                        current.version if current else 0
                    )
                form = EvaluationForm(data, answers=latest)
                form.is_valid()
                answers = latest
            add_service_errors(form, error)
        else:
            messages.success(request, "The evaluation answers are saved.")
            return redirect("programme_evaluation", programme.slug)
    return render(
        request,
        "programmes/figures/evaluation_form.html",
        {
            "programme": programme,
            "form": form,
            "title": title,
            "saved": answers,
        },
    )


@require_http_methods(["GET", "POST"])
@require_rule("see_programme", write="run_programme")
def programme_evaluation_edit(request, programme_slug):
    programme = request.programme
    return _edit_evaluation(request, programme, None, "The whole programme")


@require_http_methods(["GET", "POST"])
@require_rule("see_programme")
def site_evaluation_edit(request, programme_slug, participant):
    """A site's answers: only those ``may_answer_for`` allows (else 403)."""
    programme = request.programme
    found = (
        ProgrammeSite.objects.filter(programme=programme, site__slug=participant)
        .select_related("site")
        .first()
    )
    if found is None:
        raise Http404("No such site in this programme.")
    if not may_answer_for(request, found):
        raise PermissionDenied
    return _edit_evaluation(request, programme, found.site, found.site.name)


# -- a site's own pages --------------------------------------------------------------


def _site_programme(request, programme):
    """The programme, if the request's site takes part in it (else 404)."""
    found = Programme.objects.filter(
        slug=programme, participants__site=request.site
    ).first()
    if found is None:
        raise Http404("No such programme at this site.")
    return found


@require_GET
@require_rule("see_site_programme_figures")
def site_programme_figures(request, site_slug, programme):
    """A site's own programme figures: true counts, for its own members."""
    programme = _site_programme(request, programme)
    site = request.site
    computed = figures.compute(programme, site)
    context = {
        "programme": programme,
        "site": site,
        "shown": figures.own_figures(computed, site),
        "schedule": computed.schedule,
        "charts": figures.charts(programme, computed, disclosed=False),
    }
    return render(request, "programmes/figures/site_figures.html", context)


REGISTER_LIMIT = 100


@require_GET
@require_rule("see_site_programme_figures")
def site_unmet_need(request, site_slug, programme):
    """A site's own unmet-need register: counts by barrier and what was wanted."""
    programme = _site_programme(request, programme)
    site = request.site
    unmet, _ = figures.unmet_register(programme, site)
    counts = list(zip(unmet.categories, unmet.counts_for(site.pk), strict=True))
    wants = list(
        UnmetWant.objects.filter(
            site=site, plan__in=figures.case_plans(programme, site)
        ).order_by("-created_at", "-id")[:REGISTER_LIMIT]
    )
    return render(
        request,
        "programmes/figures/site_unmet_need.html",
        {
            "programme": programme,
            "site": site,
            "counts": counts,
            "total": sum(n for _, n in counts),
            "wants": wants,
            "limit": REGISTER_LIMIT,
        },
    )
