"""The programme's own pages built on casework (/p/<programme_slug>/…): the shared,
pseudonymised case-study snapshots, their PDF, and the CSV export of the programme's
pseudonymised data.

They run with no site scope. They read ``PublishedCaseStudy`` (unscoped by design, no
key back to anything identifiable) and, for the export, the one named cross-site
query ``programme_case_rows`` (docs/architecture.md, "The short list of unscoped
places"). Nothing here reaches a person, assessment or plan page.
"""

from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_scopes import scopes_disabled

from carehub.pdf import pdf_response, render_pdf
from sites.audit import record_access, record_event
from sites.csvsafe import csv_response
from sites.decorators import require_rule
from sites.models import AuditEvent

from .models import CarePlan, OutcomeReview, PlanDecision, Response, plan_costs
from .programme import (
    Barrier,
    CaseStudy,
    ProgrammeCase,
    PublishedCaseStudy,
    ResponseDelivery,
    UnmetWant,
)


def _shared(programme):
    return PublishedCaseStudy.objects.for_programme(programme).shared()


def _get_shared(programme, code):
    try:
        return _shared(programme).select_related("site").get(code=code)
    except (PublishedCaseStudy.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such case study.") from exc


@require_GET
@require_rule("see_programme")
def shared_case_study_list(request, programme_slug):
    programme = request.programme
    case_studies = list(
        _shared(programme).select_related("site").order_by("-approved_on", "-id")
    )
    return render(
        request,
        "careplans/programme/shared_list.html",
        {"programme": programme, "case_studies": case_studies},
    )


def _sections(snapshot):
    return [
        (name, heading, snapshot.sections.get(name, ""))
        for name, heading in CaseStudy.SECTIONS
    ]


@require_GET
@require_rule("see_programme")
def shared_case_study_detail(request, programme_slug, code):
    programme = request.programme
    snapshot = _get_shared(programme, code)
    record_access(request, snapshot)
    return render(
        request,
        "careplans/programme/shared_detail.html",
        {
            "programme": programme,
            "snapshot": snapshot,
            "sections": _sections(snapshot),
            "figures": snapshot.figures,
        },
    )


@require_GET
@require_rule("see_programme")
def shared_case_study_pdf(request, programme_slug, code):
    programme = request.programme
    snapshot = _get_shared(programme, code)
    pdf = render_pdf(
        "pdf/case_study.html",
        {
            "programme": programme,
            "site": snapshot.site,
            "pseudonym": snapshot.pseudonym,
            "age_band": snapshot.age_band,
            "sections": _sections(snapshot),
            "figures": snapshot.figures,
            "status": snapshot.get_status_display(),
            "draft": False,
        },
        request=request,
    )
    record_access(
        request, snapshot, kind=AuditEvent.Kind.PRINT, action="Case study PDF"
    )
    return pdf_response(pdf, f"case-study-{snapshot.code}.pdf")


# --- the export -------------------------------------------------------------------------

EXPORT_HEADER = [
    "Site",
    "Case",
    "Included (month)",
    "Status",
    "Responses the person asked for",
    "Service-led responses",
    "Plan weekly cost",
    "Standard services replaced (weekly)",
    "Difference against standard (weekly)",
    "Went to panel",
    "Panel outcome",
    "Outcomes fully met",
    "Outcomes partially met",
    "Outcomes not met",
    "Wanted but not arranged",
    *[f"Barrier: {label}" for label in Barrier.labels],
    "Delivered as planned",
    "Partly delivered",
    "Not delivered",
    "Stopped",
]


def programme_case_rows(programme):
    """Named cross-site query: one pseudonymised row per programme case, across the
    participating sites. No name, date of birth, address or record id: a site, a
    running number, the month of inclusion and counts and costs. A fixed number of
    queries whatever the number of cases."""
    with scopes_disabled():
        cases = list(
            ProgrammeCase.objects.filter(programme=programme)
            .select_related("site")
            .order_by("site__name", "decided_at", "id")
        )
        assessments = [c.assessment_id for c in cases]
        plans = {}
        for plan in CarePlan.objects.filter(assessment_id__in=assessments).order_by(
            "version_number", "id"
        ):
            current = plans.get(plan.assessment_id)
            active = plan.status in {
                CarePlan.Status.APPROVED,
                CarePlan.Status.UNDER_REVIEW,
            }
            if current is None or active or current.status == CarePlan.Status.CLOSED:
                plans[plan.assessment_id] = plan
        plan_ids = [p.pk for p in plans.values()]
        responses = defaultdict(list)
        for response in Response.objects.filter(plan_id__in=plan_ids):
            responses[response.plan_id].append(response)
        panel = {}
        for decision in PlanDecision.objects.filter(
            plan_id__in=plan_ids,
            kind__in=[
                PlanDecision.Kind.APPROVED_BY_PANEL,
                PlanDecision.Kind.RETURNED_BY_PANEL,
            ],
        ).order_by("created_at", "id"):
            panel[decision.plan_id] = decision.get_kind_display()
        ratings = defaultdict(Counter)
        for row in (
            OutcomeReview.objects.filter(
                review__plan_id__in=plan_ids, review__status="completed"
            )
            .values("review__plan_id", "rating")
            .annotate(n=Count("id"))
        ):
            ratings[row["review__plan_id"]][row["rating"]] = row["n"]
        unmet = defaultdict(Counter)
        for row in (
            UnmetWant.objects.filter(plan_id__in=plan_ids)
            .values("plan_id", "barrier")
            .annotate(n=Count("id"))
        ):
            unmet[row["plan_id"]][row["barrier"]] = row["n"]
        delivered = defaultdict(Counter)
        for row in (
            ResponseDelivery.objects.filter(review__plan_id__in=plan_ids)
            .values("review__plan_id", "delivered")
            .annotate(n=Count("id"))
        ):
            delivered[row["review__plan_id"]][row["delivered"]] = row["n"]
        delivery_barriers = defaultdict(Counter)
        for row in (
            ResponseDelivery.objects.filter(review__plan_id__in=plan_ids)
            .filter(~Q(barrier=""))
            .values("review__plan_id", "barrier")
            .annotate(n=Count("id"))
        ):
            delivery_barriers[row["review__plan_id"]][row["barrier"]] = row["n"]
    numbers = Counter()
    for case in cases:
        numbers[case.site_id] += 1
        plan = plans.get(case.assessment_id)
        pid = plan.pk if plan else None
        rs = responses.get(pid, [])
        costs = plan_costs(rs) if plan else None
        barriers = unmet.get(pid, Counter()) + delivery_barriers.get(pid, Counter())
        yield [
            case.site.name,
            numbers[case.site_id],
            case.decided_at.strftime("%Y-%m"),
            case.get_status_display(),
            sum(r.origin == Response.Origin.ASKED_FOR for r in rs),
            sum(r.origin == Response.Origin.SERVICE_LED for r in rs),
            costs["weekly"] if costs else None,
            costs["standard_weekly"] if costs else None,
            costs["difference_weekly"] if costs else None,
            bool(plan and plan.route == CarePlan.Route.PANEL),
            panel.get(pid, ""),
            ratings[pid]["fully"],
            ratings[pid]["partially"],
            ratings[pid]["not_met"],
            sum(unmet.get(pid, Counter()).values()),
            *[barriers[b] for b in Barrier.values],
            delivered[pid]["as_planned"],
            delivered[pid]["partly"],
            delivered[pid]["not_delivered"],
            delivered[pid]["stopped"],
        ]


@require_GET
@require_rule("export_programme_data")
def programme_export(request, programme_slug):
    programme = request.programme
    rows = list(programme_case_rows(programme))
    record_event(
        kind=AuditEvent.Kind.EXPORT,
        user=request.user,
        programme=programme,
        obj=programme,
        action="Programme data exported (pseudonymised)",
        details={"rows": len(rows)},
        request=request,
    )
    return csv_response(
        rows, filename=f"programme-{programme.slug}-cases.csv", header=EXPORT_HEADER
    )
