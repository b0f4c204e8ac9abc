from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carehub.pdf import pdf_response, render_pdf
from careplans import selectors as plan_selectors
from careplans.models import CarePlan
from sites.audit import record_access, record_view
from sites.decorators import require_rule
from sites.forms import add_service_errors, error_text
from sites.models import AuditEvent
from sites.permissions import allows
from sites.preserve import preserves_input, restore_input
from sites.shortcuts import get_for_site
from sites.workflow import allowed_steps

from . import selectors, services
from .forms import (
    AddItemForm,
    ChairsActionForm,
    DecisionForm,
    InterestForm,
    MeetingForm,
    MoveItemForm,
    OpenMeetingForm,
    PersonToldForm,
    RescheduleForm,
    site_users,
)
from .letters import letters_about
from .models import (
    Decision,
    DeclaredInterest,
    Panel,
    PanelItem,
    PanelMeeting,
    ResponseDecision,
)


@require_GET
@require_rule("see_panel")
def panel_home(request, site_slug):
    """The site's panel: what is waiting, meetings, and how long decisions take."""
    now = timezone.now()
    meetings = list(
        PanelMeeting.objects.filter(site=request.site)
        .select_related("panel")
        .order_by("-starts_at")[:12]
    )
    return render(
        request,
        "panels/panel_home.html",
        {
            "dashboard": selectors.dashboard(request.site, now=now),
            "meetings": meetings,
            "now": now,
            "chairs_actions": selectors.unreported_chairs_actions(request.site),
        },
    )


@require_GET
@require_rule("see_panel")
def dashboard_pdf(request, site_slug):
    context = {"dashboard": selectors.dashboard(request.site), "site": request.site}
    pdf = render_pdf("pdf/panel_dashboard.html", context, request=request)
    return pdf_response(pdf, "panel-dashboard.pdf")


@require_http_methods(["GET", "POST"])
@require_rule("run_panel_meetings")
def meeting_create(request, site_slug):
    panels = Panel.objects.filter(site=request.site, is_active=True)
    form = MeetingForm(request.POST or None, panels=panels)
    if request.method == "POST" and form.is_valid():
        meeting = services.schedule_meeting(by=request.user, **form.cleaned_data)
        messages.success(request, "The meeting is scheduled.")
        return redirect("meeting_detail", site_slug=site_slug, code=meeting.code)
    return render(request, "panels/meeting_form.html", {"form": form, "panels": panels})


@require_GET
@require_rule("see_panel")
def meeting_detail(request, site_slug, code):
    meeting = selectors.meeting_for_page(request.site, code)
    items = list(meeting.items.all())
    summaries = selectors.item_summaries(items)
    may_decide = allows(request, "record_panel_decisions")
    for summary in summaries:
        item = summary["item"]
        decided = hasattr(item, "decision")
        summary["decided"] = decided
        summary["interests"] = list(item.interests.all())
        if not decided and may_decide:
            summary["may_decide"], summary["why_not"] = services.may_decide(
                item, request.user
            )
            summary["may_declare"] = not any(
                i.user_id == request.user.pk for i in summary["interests"]
            )
    # The agenda shows each plan on it: a view of each.
    record_view(request, *(item.plan for item in items), action="Panel meeting")
    context = {
        "meeting": meeting,
        "summaries": summaries,
        "attendance": list(meeting.attendance.all()),
        "may_manage": allows(request, "run_panel_meetings"),
        "steps": allowed_steps(meeting),
        "reported": selectors.chairs_actions_reported_to(meeting),
        "interest_form": InterestForm() if may_decide else None,
    }
    if context["may_manage"] and "take_items" in context["steps"]:
        context["waiting"] = [
            p for p in selectors.waiting_plans(request.site) if not p.open_item
        ]
        context["add_form"] = AddItemForm()
        context["later_meetings"] = list(
            PanelMeeting.objects.filter(site=request.site, panel=meeting.panel)
            .exclude(pk=meeting.pk)
            .exclude(status=PanelMeeting.Status.CLOSED)
            .order_by("starts_at")
        )
        if "open" in context["steps"]:
            context["open_form"] = OpenMeetingForm(
                people=_meeting_people(meeting, items)
            )
            context["opens_today"] = (
                services.meeting_day(meeting) == timezone.localdate()
            )
        if "reschedule" in context["steps"]:
            context["reschedule_form"] = RescheduleForm(
                initial={"starts_at": timezone.localtime(meeting.starts_at)}
            )
    return render(request, "panels/meeting_detail.html", context)


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("run_panel_meetings")
def meeting_reschedule(request, site_slug, code):
    """Move a scheduled meeting to another date: an explicit, recorded change."""
    meeting = get_for_site(
        PanelMeeting.objects.select_related("panel"), request.site, code=code
    )
    data = request.POST if request.method == "POST" else restore_input(request)
    form = RescheduleForm(
        data, initial={"starts_at": timezone.localtime(meeting.starts_at)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reschedule_meeting(meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The meeting is moved; the change is recorded.")
            return redirect("meeting_detail", site_slug=site_slug, code=code)
    return render(
        request, "panels/meeting_reschedule.html", {"meeting": meeting, "form": form}
    )


@require_POST
@require_rule("record_panel_decisions")
def item_interest(request, site_slug, code):
    """A member declares an interest in an item and takes no part in its decision."""
    item = get_for_site(
        PanelItem.objects.select_related("meeting"), request.site, code=code
    )
    form = InterestForm(request.POST)
    if form.is_valid():
        try:
            services.declare_interest(
                item, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request, "Your interest is recorded: you take no part in this decision."
            )
    else:
        messages.error(request, "Say what the interest is, in a few words.")
    if item.meeting_id:
        return redirect("meeting_detail", site_slug=site_slug, code=item.meeting.code)
    return redirect("panel_home", site_slug=site_slug)


def _meeting_people(meeting, items):
    panel = meeting.panel
    ids = {panel.chair_id, *panel.members.values_list("user_id", flat=True)}
    ids |= {item.plan.written_by_id for item in items}
    return site_users(ids)


@require_POST
@require_rule("run_panel_meetings")
def meeting_open(request, site_slug, code):
    meeting = get_for_site(
        PanelMeeting.objects.select_related("panel"), request.site, code=code
    )
    items = list(meeting.items.select_related("plan"))
    form = OpenMeetingForm(request.POST, people=_meeting_people(meeting, items))
    if form.is_valid():
        try:
            services.open_meeting(
                meeting, by=request.user, present=form.cleaned_data["present"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "The meeting is in session.")
    else:
        messages.error(request, "Tick who is present.")
    return redirect("meeting_detail", site_slug=site_slug, code=code)


@require_POST
@require_rule("run_panel_meetings")
def meeting_close(request, site_slug, code):
    meeting = get_for_site(PanelMeeting, request.site, code=code)
    try:
        services.close_meeting(meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "The meeting is closed.")
    return redirect("meeting_detail", site_slug=site_slug, code=code)


@require_POST
@require_rule("run_panel_meetings")
def item_add(request, site_slug, code):
    meeting = get_for_site(PanelMeeting, request.site, code=code)
    form = AddItemForm(request.POST)
    if form.is_valid():
        plan = get_for_site(CarePlan, request.site, code=form.cleaned_data["plan"])
        try:
            services.add_item(
                meeting=meeting,
                plan=plan,
                question=form.cleaned_data["question"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Added to the agenda.")
    elif "plan" in form.errors:
        # Only a tampered or stale form gets here: the plan comes from a hidden field.
        messages.error(request, "Choose one of the plans waiting for panel.")
    else:
        messages.error(request, "Write the question put to the panel.")
    return redirect("meeting_detail", site_slug=site_slug, code=code)


@require_POST
@require_rule("run_panel_meetings")
def item_move(request, site_slug, code):
    item = get_for_site(
        PanelItem.objects.select_related("meeting"), request.site, code=code
    )
    meetings = PanelMeeting.objects.filter(site=request.site)
    form = MoveItemForm(request.POST, meetings=meetings)
    if form.is_valid():
        try:
            services.move_item(item, to=form.cleaned_data["to"], by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "The item has been moved.")
            return redirect(
                "meeting_detail", site_slug=site_slug, code=form.cleaned_data["to"].code
            )
    else:
        messages.error(request, "Choose the meeting to move it to.")
    if item.meeting_id:
        return redirect("meeting_detail", site_slug=site_slug, code=item.meeting.code)
    return redirect("panel_home", site_slug=site_slug)


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("record_panel_decisions")
def item_decide(request, site_slug, code):
    item = get_for_site(
        PanelItem.objects.select_related(
            "meeting__panel",
            "plan__person",
            "decision__decided_by",
        ).prefetch_related("interests", "plan__contributions"),
        request.site,
        code=code,
    )
    decided = getattr(item, "decision", None)
    if decided is not None and request.method == "GET":
        messages.info(request, "This item has been decided.")
        return redirect("decision_detail", site_slug=site_slug, code=decided.code)
    summary = selectors.item_summaries([item])[0]
    data = request.POST if request.method == "POST" else restore_input(request)
    form = DecisionForm(data, responses=services.funded(summary["responses"]))
    if decided is not None:
        # Someone was faster: say who and when, and keep what this person wrote.
        form.is_valid()
        form.add_error(None, services.already_decided(decided))
    elif request.method == "POST" and form.is_valid():
        try:
            decision = services.record_decision(
                item, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The decision is recorded and the officer told.")
            return redirect("decision_detail", site_slug=site_slug, code=decision.code)
    record_view(request, item.plan, action="Panel decision form")
    allowed, why = services.may_decide(item, request.user)
    return render(
        request,
        "panels/item_decide.html",
        {
            **summary,
            "item": item,
            "form": form,
            "allowed": allowed or decided is not None,
            "why_not": why,
            "decided": decided,
        },
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("take_chairs_action")
def chairs_action(request, site_slug, code):
    """An urgent decision by the chair between meetings."""
    plan = get_for_site(
        CarePlan.objects.select_related("person"), request.site, code=code
    )

    context = plan_selectors.plan_page_context(
        plan_selectors.plan_for_page(request.site, code)
    )
    data = request.POST if request.method == "POST" else restore_input(request)
    form = ChairsActionForm(data, responses=services.funded(context["responses"]))
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.chairs_action(
                plan=plan, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if decision.reported_at:
                when = timezone.localtime(decision.reported_at.starts_at)
                to = f"the meeting of {when.day} {when:%B %Y}"
            else:
                to = "the next meeting (none is scheduled yet)"
            messages.success(
                request, f"Chair's action recorded; it will be reported to {to}."
            )
            return redirect("decision_detail", site_slug=site_slug, code=decision.code)
    record_view(request, plan, action="Chair's action form")
    return render(request, "panels/chairs_action.html", {**context, "form": form})


def _decision(request, code):
    return get_for_site(
        Decision.objects.select_related(
            "item__meeting__panel",
            "item__plan__person",
            "item__plan__written_by",
            "decided_by",
            "reported_at",
        ).prefetch_related(
            "present",
            Prefetch(
                "responses",
                queryset=ResponseDecision.objects.select_related("response"),
            ),
            Prefetch(
                "item__interests",
                queryset=DeclaredInterest.objects.select_related("user"),
            ),
        ),
        request.site,
        code=code,
    )


@require_GET
@require_rule("see_people")
def decision_detail(request, site_slug, code):
    decision = _decision(request, code)
    record_access(request, decision)
    return render(
        request,
        "panels/decision_detail.html",
        {
            "decision": decision,
            "item": decision.item,
            "plan": decision.item.plan,
            "person": decision.item.plan.person,
            "told_form": PersonToldForm(instance=decision)
            if allows(request, "change_plans")
            else None,
            "letters": letters_about(decision),
        },
    )


@require_POST
@require_rule("change_plans")
def decision_told(request, site_slug, code):
    decision = _decision(request, code)
    form = PersonToldForm(request.POST, instance=decision)
    if form.is_valid():
        try:
            services.record_person_told(
                decision, by=request.user, told_on=form.cleaned_data["person_told_on"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Recorded when the person was told.")
            return redirect("decision_detail", site_slug=site_slug, code=code)
    decision.refresh_from_db()
    return render(
        request,
        "panels/decision_detail.html",
        {
            "decision": decision,
            "item": decision.item,
            "plan": decision.item.plan,
            "person": decision.item.plan.person,
            "told_form": form,
            "letters": letters_about(decision),
        },
        status=200,
    )


@require_GET
@require_rule("see_panel")
def meeting_pack_pdf(request, site_slug, code):
    """The pack members read before the meeting: agenda and one summary per item."""
    meeting = selectors.meeting_for_page(request.site, code)
    items = list(meeting.items.all())
    context = {
        "meeting": meeting,
        "summaries": selectors.item_summaries(items),
        "site": request.site,
        "reported": selectors.chairs_actions_reported_to(meeting),
    }
    pdf = render_pdf("pdf/panel_pack.html", context, request=request)
    record_access(request, meeting, kind=AuditEvent.Kind.PRINT, action="Panel pack")
    return pdf_response(pdf, f"panel-pack-{meeting.code}.pdf")


@require_GET
@require_rule("see_people")
def decision_pdf(request, site_slug, code):
    decision = _decision(request, code)
    context = {
        "decision": decision,
        "item": decision.item,
        "plan": decision.item.plan,
        "person": decision.item.plan.person,
        "site": request.site,
    }
    pdf = render_pdf("pdf/panel_decision.html", context, request=request)
    record_access(
        request, decision, kind=AuditEvent.Kind.PRINT, action="Decision record"
    )
    return pdf_response(pdf, f"panel-decision-{decision.code}.pdf")
