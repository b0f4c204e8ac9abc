"""The care-plan sections of the home worklist (registered in ``sites.home``):
my plans (drafts, returned to me, waiting for a decision), plans waiting for my
sign-off, reviews due and overdue, and case studies waiting for me.

Each provider asks the named rules, then makes a fixed number of queries.
"""

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from sites.home import SECTION_ROWS, register_section
from sites.permissions import allows
from sites.programmes import ProgrammeSite

from . import routing, selectors
from .models import CarePlan, PlanDecision
from .programme import CaseStudy

S = CarePlan.Status
RETURNS = [PlanDecision.Kind.RETURNED, PlanDecision.Kind.RETURNED_BY_PANEL]
# A member's own plans in progress listed at most (the plan list has them all).
MY_PLANS_ROWS = 50


def my_plans(request):
    """Plans I wrote that are mine to act on or waiting for someone else: one query."""
    if not allows(request, "change_plans"):
        return None
    last_return = PlanDecision.objects.filter(
        plan=OuterRef("pk"), kind__in=RETURNS
    ).order_by("-created_at", "-id")
    plans = list(
        CarePlan.objects.filter(
            site=request.site,
            written_by=request.user,
            status__in=[S.DRAFT, S.AWAITING_SIGN_OFF, S.AWAITING_PANEL],
        )
        .select_related("person")
        .annotate(
            returned_at=Subquery(last_return.values("created_at")[:1]),
            returned_reason=Subquery(last_return.values("reason")[:1]),
        )
        .order_by("-updated_at", "-id")[:MY_PLANS_ROWS]
    )
    # A draft with a return on record has been returned: it was submitted before.
    returned = [p for p in plans if p.status == S.DRAFT and p.returned_at]
    drafts = [p for p in plans if p.status == S.DRAFT and not p.returned_at]
    waiting = [p for p in plans if p.status != S.DRAFT]
    return {
        "title": "Your plans",
        "count": len(returned) + len(drafts),
        "returned": returned,
        "drafts": drafts,
        "waiting": waiting,
    }


def sign_offs(request):
    """Plans waiting for sign-off that I may act on (not my own), oldest first."""
    if not allows(request, "sign_off_plans"):
        return None
    waiting = (
        CarePlan.objects.filter(site=request.site, status=S.AWAITING_SIGN_OFF)
        .exclude(written_by=request.user)
        .exclude(submitted_by=request.user)
    )
    plans = selectors.attach_costs(
        waiting.select_related("person", "written_by").order_by("submitted_at", "id")[
            :SECTION_ROWS
        ]
    )
    # The highest limit among the member's roles (request.roles: no query), read
    # only when something is waiting (an empty list reads no costs either).
    limit = None
    if plans:
        limits = routing.limits_in_force(request.site, timezone.localdate())
        mine = [limits[r].weekly_limit for r in request.roles if r in limits]
        limit = max(mine, default=None)
    for plan in plans:
        plan.over_limit = limit is None or plan.costs["weekly"] > limit
    return {
        "title": "Waiting for your sign-off",
        "count": waiting.count(),
        "plans": plans,
        "limit": limit,
    }


def reviews(request):
    """Reviews due in the next four weeks and overdue: my people's, or (for a manager
    who records none) the team's."""
    if not allows(request, "see_reviews_due"):
        return None
    today = timezone.localdate()
    team = allows(request, "see_team_reviews")
    due = selectors.reviews_due(
        request.site,
        by=today + selectors.REVIEW_HORIZON,
        officer=None if team else request.user,
    )
    rows = list(due[:SECTION_ROWS])
    counts = due.order_by().aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today))
    )
    return {
        "title": "Reviews due: the team's" if team else "Reviews due",
        "count": counts["total"],
        "overdue": counts["overdue"],
        "reviews": rows,
        "today": today,
        "team": team,
    }


def case_studies(request):
    """Case studies waiting for me: my drafts, those I review as the site's advisor
    and those I approve as its project coordinator (one query)."""
    may_draft = allows(request, "draft_case_studies")
    may_review = allows(request, "review_case_studies")
    may_approve = allows(request, "approve_case_studies")
    if not (may_draft or may_review or may_approve):
        return None
    place = ProgrammeSite.objects.filter(
        programme=OuterRef("programme_case__programme"), site=OuterRef("site")
    )
    wanted = Q(pk__in=[])
    if may_draft:
        wanted |= Q(status=CaseStudy.Status.DRAFT, drafted_by=request.user)
    if may_review:
        wanted |= Q(status=CaseStudy.Status.IN_REVIEW) & Q(
            Exists(place.filter(advisor=request.user))
        )
    if may_approve:
        wanted |= Q(status=CaseStudy.Status.REVIEWED) & Q(
            Exists(place.filter(project_coordinator=request.user))
        )
    studies = list(
        CaseStudy.objects.filter(site=request.site)
        .filter(wanted)
        .select_related("programme_case__programme")
        .order_by("updated_at", "id")[: SECTION_ROWS + 1]
    )
    for study in studies:
        study.link = _case_study_url(request, study)
        study.waiting_for = {
            CaseStudy.Status.DRAFT: "your draft",
            CaseStudy.Status.IN_REVIEW: "your review, as the site's advisor",
            CaseStudy.Status.REVIEWED: "your approval, as the project coordinator",
        }[study.status]
    return {
        "title": "Case studies waiting for you",
        "count": len(studies),
        "case_studies": studies[:SECTION_ROWS],
        "more": len(studies) > SECTION_ROWS,
    }


def _case_study_url(request, study):
    # The case-study pages come with the programme's casework; until they exist the
    # worklist names the case study without a link.
    try:
        return reverse(
            "case_study_detail",
            kwargs={"site_slug": request.site.slug, "code": study.code},
        )
    except NoReverseMatch:
        return ""


def register():
    register_section(
        "my_plans",
        order=10,
        template="careplans/_home_my_plans.html",
        provide=my_plans,
    )
    register_section(
        "sign_offs",
        order=20,
        template="careplans/_home_sign_offs.html",
        provide=sign_offs,
    )
    register_section(
        "reviews",
        order=40,
        template="careplans/_home_reviews.html",
        provide=reviews,
    )
    register_section(
        "case_studies",
        order=50,
        template="careplans/_home_case_studies.html",
        provide=case_studies,
    )
