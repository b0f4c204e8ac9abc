"""The collaborative programme's own pages (/p/<programme_slug>/…), which span sites.

They run with no site scope (``SiteScopeMiddleware._programme``): they read the
programme's own records, and cross-site data only through the named programme queries
listed in docs/architecture.md. Setting a programme up and running it
(``run_programme``) is the programme coordinator's; everyone taking part reads it
(``see_programme``). Starting one is a site page (``programme_create``), because it
is started from a site.
"""

import uuid
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carehub.pdf import pdf_response, render_pdf

from . import programme_services as services
from .audit import record_event
from .decorators import require_rule
from .forms import add_service_errors, error_text
from .models import (
    AuditEvent,
    CollaborativeMeeting,
    Involvement,
    LearningPoint,
    Milestone,
    Phase,
    PlanningRow,
    Programme,
    ProgrammeSite,
    Site,
)
from .permissions import allows
from .preserve import preserves_input, restore_input
from .programme_forms import (
    AddSiteForm,
    InvolvementForm,
    LearningPointForm,
    MeetingForm,
    MilestoneForm,
    NewProgrammeForm,
    ParticipantForm,
    PlanningRowForm,
    ProgrammeForm,
    StageForm,
)
from .versioning import VersionedEdit, posted_version
from .workflow import allowed_steps

NEXT_MILESTONES = 5
OPEN_ACTIONS = 10

# The words on the buttons that move a programme on (the steps' own names are code).
STAGE_BUTTONS = {
    "start_collecting": "Start collecting data",
    "start_analysis": "Start the analysis",
    "resume_collecting": "Go back to collecting data",
    "start_evaluation": "Start the evaluation",
    "reopen_analysis": "Go back to the analysis",
    "close": "Close the programme",
}


def _one(queryset, **lookup):
    """One of the current programme's records, or 404 (the programme filter is in
    the queryset the caller passes)."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such record.") from exc


def _participant(request, site):
    return _one(
        ProgrammeSite.objects.filter(programme=request.programme).select_related(
            "site", "programme"
        ),
        site__slug=site,
    )


def _programme_sites(programme):
    return Site.objects.filter(programme_places__programme=programme).order_by("name")


def _data(request):
    return request.POST if request.method == "POST" else restore_input(request)


def _form_page(
    request, form, save, *, done, then, template, context, edit=None, latest=None
):
    """The one shape of every add and edit page here. On a valid POST the service
    saves, ``save(by=…, **cleaned_data)``, and the page says so (``done``) and moves
    on (``then``, an address; each may be a function of what was saved); a refusal
    puts the service's message on the form, nothing typed lost.

    An edit page passes its ``VersionedEdit``: the service is given the version the
    form was loaded at, and a stale refusal also shows what was saved since
    (``latest``, a function that reads it)."""
    if request.method == "POST" and form.is_valid():
        versioned = {} if edit is None else {"expected_version": edit.version}
        try:
            saved = save(by=request.user, **versioned, **form.cleaned_data)
        except ValidationError as error:
            if edit is None:
                add_service_errors(form, error)
            else:
                edit.refused(error, form=form, latest=latest)
        else:
            messages.success(request, done(saved) if callable(done) else done)
            return HttpResponseRedirect(then(saved) if callable(then) else then)
    shown = {"form": form} if edit is None else {"form": form, "edit": edit}
    return render(request, template, {**context, **shown})


def _edit_form(request, record, make_form, **kwargs):
    """An edit page's form, bound to what was posted (or kept across a time-out), and
    its optimistic lock at the version the form was loaded at."""
    data = _data(request)
    form = make_form(data, instance=record, **kwargs)
    return form, VersionedEdit.start(record.version, data)


def _step(request, act, record, done, **kwargs):
    """A button's action on one record: the service acts (a message says so) or
    refuses (a message says why)."""
    try:
        act(record, by=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, done)


def _remove(request, record, remove, *, done, then):
    """A remove button: the record goes if it is still at the version its page
    showed (``_step``), then back to ``then``."""
    _step(request, remove, record, done, expected_version=posted_version(request.POST))
    return HttpResponseRedirect(then)


# Where the pages go next.
def _home(programme_slug):
    return reverse("programme_home", kwargs={"programme_slug": programme_slug})


def _schedule(programme_slug):
    return reverse("schedule", kwargs={"programme_slug": programme_slug})


def _meeting_page(programme_slug, code):
    return reverse(
        "programme_meeting_detail",
        kwargs={"programme_slug": programme_slug, "code": code},
    )


def _tables(programme_slug):
    return reverse("programme_tables", kwargs={"programme_slug": programme_slug})


# --- Starting a programme (a site page) -------------------------------------------------


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("start_programmes")
def programme_create(request, site_slug):
    """Start a programme from this site; whoever starts it coordinates it."""
    return _form_page(
        request,
        NewProgrammeForm(_data(request)),
        partial(services.create_programme, site=request.site),
        done="The programme is set up, with its schedule from the template. "
        "Add the other sites taking part next.",
        then=lambda programme: _home(programme.slug),
        template="programmes/programme_create.html",
        context={},
    )


# --- The programme --------------------------------------------------------------------


@require_GET
@require_rule("see_programme")
def programme_home(request, programme_slug):
    """The programme at a glance: stage, dates, sites and their people, what is due
    next, the next meeting and the open actions. Nothing about the people the sites
    support."""
    programme = request.programme
    today = timezone.localdate()
    participants = list(
        ProgrammeSite.objects.filter(programme=programme)
        .select_related(
            "site", "advisor", "project_coordinator", "team_manager", "sponsor"
        )
        .order_by("site__name")
    )
    progress = programme.milestones.aggregate(
        total=Count("pk", filter=~Q(status=Milestone.Status.DROPPED)),
        done=Count("pk", filter=Q(status=Milestone.Status.DONE)),
        slipped=Count("pk", filter=Q(status=Milestone.Status.SLIPPED)),
        overdue=Count(
            "pk", filter=Q(status=Milestone.Status.PLANNED, due_date__lt=today)
        ),
    )
    upcoming = list(
        programme.milestones.filter(
            status__in=[Milestone.Status.PLANNED, Milestone.Status.SLIPPED]
        ).order_by("due_date", "position")[:NEXT_MILESTONES]
    )
    next_meeting = (
        programme.meetings.filter(
            status=CollaborativeMeeting.Status.PLANNED, held_on__gte=today
        )
        .order_by("held_on", "starts_at")
        .prefetch_related(Prefetch("sites", queryset=Site.objects.order_by("name")))
        .first()
    )
    actions = list(
        LearningPoint.objects.filter(programme=programme)
        .open()
        .exclude(action_point="")
        .select_related("responsible", "site")
        .order_by("implement_by", "id")[:OPEN_ACTIONS]
    )
    may_run = allows(request, "run_programme")
    steps = allowed_steps(programme) if may_run else set()
    return render(
        request,
        "programmes/programme_home.html",
        {
            "programme": programme,
            "participants": participants,
            "progress": progress,
            "upcoming": upcoming,
            "next_meeting": next_meeting,
            "actions": actions,
            "today": today,
            "may_run": may_run,
            "may_change": may_run and "change" in steps,
            "stage_buttons": [
                (name, words) for name, words in STAGE_BUTTONS.items() if name in steps
            ],
        },
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("run_programme")
def programme_edit(request, programme_slug):
    programme = request.programme
    form, edit = _edit_form(request, programme, ProgrammeForm)
    return _form_page(
        request,
        form,
        partial(services.update_programme, programme),
        edit=edit,
        latest=lambda: Programme.objects.get(pk=programme.pk),
        done="The programme's details have been saved.",
        then=_home(programme_slug),
        template="programmes/programme_form.html",
        context={"programme": programme},
    )


@require_POST
@require_rule("run_programme")
def programme_move(request, programme_slug):
    """Move the programme to another stage (planning → … → closed)."""
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(form.non_field_errors()) or "Choose the stage to move to.",
        )
    else:
        try:
            programme = services.move_programme(
                request.programme, form.cleaned_data["step"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request, f"The programme is now: {programme.get_status_display()}."
            )
    return redirect("programme_home", programme_slug=programme_slug)


# --- Participating sites ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require_rule("run_programme")
def participant_add(request, programme_slug):
    programme = request.programme
    return _form_page(
        request,
        AddSiteForm(request.POST or None, programme=programme),
        partial(services.add_site, programme),
        done=lambda participant: (
            f"{participant.site.name} takes part. Name its "
            "advisor and project coordinator next."
        ),
        then=lambda participant: reverse(
            "participant_edit",
            kwargs={"programme_slug": programme_slug, "site": participant.site.slug},
        ),
        template="programmes/participant_add.html",
        context={"programme": programme},
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("run_programme")
def participant_edit(request, programme_slug, site):
    """A site's part: team, advisor, project coordinator, team manager, sponsor (from
    that site's staff), the day the brief was issued."""
    participant = _participant(request, site)
    members = services.site_members(participant.site)
    form, edit = _edit_form(request, participant, ParticipantForm, members=members)
    return _form_page(
        request,
        form,
        partial(services.update_participant, participant),
        edit=edit,
        latest=lambda: ProgrammeSite.objects.select_related(
            *services.PEOPLE_FIELDS
        ).get(pk=participant.pk),
        done=f"{participant.site.name}'s part is saved.",
        then=_home(programme_slug),
        template="programmes/participant_form.html",
        context={"programme": request.programme, "participant": participant},
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("run_programme")
def involvement_edit(request, programme_slug, site):
    """The level of involvement at a site: per role, cases, meetings, time, notes."""
    participant = _participant(request, site)
    saved = {row.role: row for row in participant.involvement.all()}
    data = _data(request)
    forms = [
        (
            role,
            InvolvementForm(
                data, prefix=role, instance=saved.get(role) or Involvement(role=role)
            ),
        )
        for role in Involvement.Role
    ]
    if request.method == "POST" and all(form.is_valid() for _, form in forms):
        try:
            services.save_involvement(
                participant,
                by=request.user,
                rows={role: form.cleaned_data for role, form in forms},
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "The level of involvement is saved.")
            return redirect("programme_home", programme_slug=programme_slug)
    return render(
        request,
        "programmes/involvement_form.html",
        {
            "programme": request.programme,
            "participant": participant,
            "forms": forms,
            "has_errors": any(form.errors for _, form in forms),
        },
    )


@require_GET
@require_rule("see_programme")
def practitioner_brief_pdf(request, programme_slug, site):
    """The one-page brief a site's practitioners are given; every print is audited."""
    participant = _participant(request, site)
    partners = list(
        ProgrammeSite.objects.filter(programme=request.programme)
        .select_related("site", "advisor", "project_coordinator")
        .order_by("site__name")
    )
    order = {role: n for n, role in enumerate(Involvement.Role.values)}
    involvement = sorted(participant.involvement.all(), key=lambda r: order[r.role])
    context = {
        "programme": request.programme,
        "participant": participant,
        "partners": partners,
        "involvement": involvement,
    }
    pdf = render_pdf("pdf/practitioner_brief.html", context, request=request)
    record_event(
        kind=AuditEvent.Kind.PRINT,
        user=request.user,
        site=participant.site,
        programme=request.programme,
        obj=request.programme,
        action="Practitioner brief PDF",
        request=request,
    )
    return pdf_response(pdf, f"practitioner-brief-{participant.site.slug}.pdf")


# --- The schedule -------------------------------------------------------------------------


@require_GET
@require_rule("see_programme")
def schedule(request, programme_slug):
    """Milestones by phase: due date, who does it, who agreed, status."""
    programme = request.programme
    milestones = list(programme.milestones.order_by("due_date", "position", "id"))
    phases = [
        (label, [m for m in milestones if m.phase == value])
        for value, label in Phase.choices
    ]
    may_change = allows(request, "run_programme") and "change" in allowed_steps(
        programme
    )
    return render(
        request,
        "programmes/milestone_list.html",
        {
            "programme": programme,
            "phases": phases,
            "count": len(milestones),
            "done": sum(m.status == Milestone.Status.DONE for m in milestones),
            "today": timezone.localdate(),
            "may_change": may_change,
        },
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("run_programme")
def milestone_add(request, programme_slug):
    programme = request.programme
    return _form_page(
        request,
        MilestoneForm(_data(request)),
        partial(services.add_milestone, programme),
        done="The milestone is added to the schedule.",
        then=_schedule(programme_slug),
        template="programmes/milestone_form.html",
        context={"programme": programme, "milestone": None},
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("run_programme")
def milestone_edit(request, programme_slug, code):
    programme = request.programme
    milestone = _one(programme.milestones.all(), code=code)
    form, edit = _edit_form(request, milestone, MilestoneForm)
    return _form_page(
        request,
        form,
        partial(services.update_milestone, milestone),
        edit=edit,
        latest=lambda: Milestone.objects.get(pk=milestone.pk),
        done="The milestone is saved.",
        then=_schedule(programme_slug),
        template="programmes/milestone_form.html",
        context={"programme": programme, "milestone": milestone},
    )


@require_POST
@require_rule("run_programme")
def milestone_remove(request, programme_slug, code):
    return _remove(
        request,
        _one(request.programme.milestones.all(), code=code),
        services.remove_milestone,
        done="The milestone is removed from the schedule.",
        then=_schedule(programme_slug),
    )


# --- Collaborative meetings -------------------------------------------------------------


def _meetings(programme):
    return programme.meetings.prefetch_related(
        Prefetch("sites", queryset=Site.objects.order_by("name"))
    )


@require_GET
@require_rule("see_programme")
def programme_meeting_list(request, programme_slug):
    programme = request.programme
    meetings = list(_meetings(programme).order_by("-held_on", "-id"))
    today = timezone.localdate()
    return render(
        request,
        "programmes/meeting_list.html",
        {
            "programme": programme,
            "coming": sorted(
                (
                    m
                    for m in meetings
                    if m.status == CollaborativeMeeting.Status.PLANNED
                    and m.held_on >= today
                ),
                key=lambda m: m.held_on,
            ),
            "past": [
                m
                for m in meetings
                if not (
                    m.status == CollaborativeMeeting.Status.PLANNED
                    and m.held_on >= today
                )
            ],
            "may_change": allows(request, "run_programme")
            and "change" in allowed_steps(programme),
        },
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("run_programme")
def programme_meeting_create(request, programme_slug):
    programme = request.programme
    sites = _programme_sites(programme)
    form = MeetingForm(
        _data(request),
        sites=sites,
        initial={"title": "Collaborative meeting", "sites": list(sites)},
    )
    return _form_page(
        request,
        form,
        partial(services.schedule_meeting, programme),
        done="The meeting is planned.",
        then=lambda meeting: _meeting_page(programme_slug, meeting.code),
        template="programmes/meeting_form.html",
        context={"programme": programme, "meeting": None},
    )


@require_GET
@require_rule("see_programme")
def programme_meeting_detail(request, programme_slug, code):
    """A collaborative meeting: when, who, the agenda, what was learnt."""
    programme = request.programme
    meeting = _one(_meetings(programme).select_related("status_changed_by"), code=code)
    points = list(
        meeting.learning_points.select_related("responsible", "site").order_by(
            "implement_by", "id"
        )
    )
    may_run = allows(request, "run_programme")
    steps = allowed_steps(meeting) if may_run else set()
    open_programme = "change" in allowed_steps(programme)
    return render(
        request,
        "programmes/meeting_detail.html",
        {
            "programme": programme,
            "meeting": meeting,
            "points": points,
            "may_change": may_run and open_programme and "change" in steps,
            "may_hold": may_run
            and open_programme
            and "hold" in steps
            and meeting.held_on <= timezone.localdate(),
            "may_cancel": may_run and open_programme and "cancel" in steps,
        },
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("run_programme")
def programme_meeting_edit(request, programme_slug, code):
    programme = request.programme
    meeting = _one(_meetings(programme), code=code)
    sites = _programme_sites(programme)
    form, edit = _edit_form(request, meeting, MeetingForm, sites=sites)
    return _form_page(
        request,
        form,
        partial(services.update_meeting, meeting),
        edit=edit,
        latest=lambda: CollaborativeMeeting.objects.get(pk=meeting.pk),
        done="The meeting is saved.",
        then=_meeting_page(programme_slug, code),
        template="programmes/meeting_form.html",
        context={"programme": programme, "meeting": meeting},
    )


def _meeting_step(request, programme_slug, code, act, done):
    meeting = _one(request.programme.meetings.all(), code=code)
    _step(request, act, meeting, done)
    return HttpResponseRedirect(_meeting_page(programme_slug, code))


@require_POST
@require_rule("run_programme")
def programme_meeting_hold(request, programme_slug, code):
    return _meeting_step(
        request,
        programme_slug,
        code,
        services.hold_meeting,
        "The meeting is recorded as held. Record what was learnt.",
    )


@require_POST
@require_rule("run_programme")
def programme_meeting_cancel(request, programme_slug, code):
    return _meeting_step(
        request,
        programme_slug,
        code,
        services.cancel_meeting,
        "The meeting is cancelled.",
    )


# --- The guide's two tables ----------------------------------------------------------------


@require_GET
@require_rule("see_programme")
def programme_tables(request, programme_slug):
    """Both of the guide's tables, for the programme and for each site."""
    programme = request.programme
    participants = list(
        ProgrammeSite.objects.filter(programme=programme)
        .select_related("site")
        .order_by("site__name")
    )
    rows = list(programme.planning_rows.order_by("position", "id"))
    points = list(
        programme.learning_points.select_related("responsible", "meeting").order_by(
            "implement_by", "id"
        )
    )
    sections = [
        {
            "title": "The whole programme",
            "site": None,
            "rows": [r for r in rows if r.site_id is None],
            "points": [p for p in points if p.site_id is None],
        }
    ] + [
        {
            "title": f"{p.site.name} · {p.team_name}",
            "site": p.site,
            "rows": [r for r in rows if r.site_id == p.site_id],
            "points": [pt for pt in points if pt.site_id == p.site_id],
        }
        for p in participants
    ]
    return render(
        request,
        "programmes/tables.html",
        {
            "programme": programme,
            "sections": sections,
            "today": timezone.localdate(),
            "may_change": allows(request, "run_programme")
            and "change" in allowed_steps(programme),
        },
    )


def _site_initial(request):
    """?site=<slug> preselects a site's table (only one of the programme's)."""
    slug = request.GET.get("site")
    if not slug:
        return {}
    site = _programme_sites(request.programme).filter(slug=slug).first()
    return {"site": site} if site else {}


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("run_programme")
def planning_row_add(request, programme_slug):
    programme = request.programme
    form = PlanningRowForm(
        _data(request),
        sites=_programme_sites(programme),
        initial=_site_initial(request),
    )
    return _form_page(
        request,
        form,
        partial(services.add_planning_row, programme),
        done="The row is added.",
        then=_tables(programme_slug),
        template="programmes/planningrow_form.html",
        context={"programme": programme, "row": None},
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("run_programme")
def planning_row_edit(request, programme_slug, code):
    programme = request.programme
    row = _one(programme.planning_rows.select_related("site"), code=code)
    sites = _programme_sites(programme)
    form, edit = _edit_form(request, row, PlanningRowForm, sites=sites)
    return _form_page(
        request,
        form,
        partial(services.update_planning_row, row),
        edit=edit,
        latest=lambda: PlanningRow.objects.select_related("site").get(pk=row.pk),
        done="The row is saved.",
        then=_tables(programme_slug),
        template="programmes/planningrow_form.html",
        context={"programme": programme, "row": row},
    )


@require_POST
@require_rule("run_programme")
def planning_row_remove(request, programme_slug, code):
    return _remove(
        request,
        _one(request.programme.planning_rows.all(), code=code),
        services.remove_planning_row,
        done="The row is removed.",
        then=_tables(programme_slug),
    )


def _learning_form(request, data, **kwargs):
    programme = request.programme
    return LearningPointForm(
        data,
        sites=_programme_sites(programme),
        meetings=programme.meetings.exclude(
            status=CollaborativeMeeting.Status.CANCELLED
        ),
        people=services.programme_people(programme),
        **kwargs,
    )


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("run_programme")
def learning_point_add(request, programme_slug):
    programme = request.programme
    initial = _site_initial(request)
    meeting_code = request.GET.get("meeting")
    if meeting_code:
        meeting = programme.meetings.filter(code__in=_uuids(meeting_code)).first()
        if meeting is not None:
            initial["meeting"] = meeting

    def then(point):
        """Back to the meeting the point was learnt at, else to the tables."""
        if point.meeting_id:
            return _meeting_page(programme_slug, point.meeting.code)
        return _tables(programme_slug)

    return _form_page(
        request,
        _learning_form(request, _data(request), initial=initial),
        partial(services.add_learning_point, programme),
        done="The learning point is added.",
        then=then,
        template="programmes/learningpoint_form.html",
        context={"programme": programme, "point": None},
    )


def _uuids(text):
    """``text`` as a list of one UUID, or none when it is not one (never a 500)."""
    try:
        return [uuid.UUID(text)]
    except ValueError:
        return []


@preserves_input
@require_http_methods(["GET", "POST"])
@require_rule("run_programme")
def learning_point_edit(request, programme_slug, code):
    programme = request.programme
    point = _one(
        programme.learning_points.select_related("site", "meeting", "responsible"),
        code=code,
    )
    form, edit = _edit_form(request, point, partial(_learning_form, request))
    return _form_page(
        request,
        form,
        partial(services.update_learning_point, point),
        edit=edit,
        latest=lambda: LearningPoint.objects.select_related(
            "site", "meeting", "responsible"
        ).get(pk=point.pk),
        done="The learning point is saved.",
        then=_tables(programme_slug),
        template="programmes/learningpoint_form.html",
        context={"programme": programme, "point": point},
    )


@require_POST
@require_rule("see_programme")
def learning_point_done(request, programme_slug, code):
    """The owner of an action marks it done (from their home page or the tables)."""
    point = _one(request.programme.learning_points.all(), code=code)
    _step(
        request,
        services.mark_action_done,
        point,
        "The action is marked done.",
        may_run=allows(request, "run_programme"),
    )
    if request.POST.get("back") == "home":
        return redirect("home")
    return HttpResponseRedirect(_tables(programme_slug))
