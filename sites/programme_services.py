"""Setting up and running a collaborative programme: its sites, schedule, meetings and
the guide's two tables (docs/architecture.md, "The collaborative programme").

Every change is a function here, as for casework: inside one transaction it re-reads
the row under lock, refuses what is not allowed (a closed programme, a stale form, a
person who is not a member of that site), saves and records an audit event naming the
programme. Programme records carry no personal data about the people the sites
support, so none of this reads a site-scoped table.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .audit import record_event
from .models import (
    AuditEvent,
    CollaborativeMeeting,
    Involvement,
    LearningPoint,
    Membership,
    Milestone,
    MilestoneTemplate,
    PlanningRow,
    Programme,
    ProgrammeMembership,
    ProgrammeSite,
)
from .permissions import PROGRAMME_COORDINATOR
from .shortcuts import lock_row
from .versioning import check_version, save_versioned
from .workflow import refuse_unless_allowed, transition

PEOPLE_FIELDS = ("advisor", "project_coordinator", "team_manager", "sponsor")


def _audit(by, record, action, *, programme, site=None):
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=site,
        programme=programme,
        obj=record,
        action=action,
    )


def _refuse_if_closed(programme):
    """Everything on a closed programme stays as it was."""
    refuse_unless_allowed(programme, Programme.WORKFLOW.change)


# --- Who takes part -------------------------------------------------------------------


def site_members(site):
    """The active staff of ``site`` (whom its places on a programme are chosen from)."""
    ids = Membership.objects.active().filter(site=site).values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=ids, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


def programme_people(programme):
    """Everyone taking part: its coordinators and the active staff of its sites
    (whom an action may be given to)."""
    coordinators = ProgrammeMembership.objects.filter(
        programme=programme, is_active=True
    ).values("user_id")
    staff = Membership.objects.active().filter(
        site__programme_places__programme=programme, site__is_active=True
    )
    return (
        get_user_model()
        .objects.filter(
            Q(pk__in=coordinators) | Q(pk__in=staff.values("user_id")),
            is_active=True,
        )
        .order_by("first_name", "last_name", "username")
    )


# --- The programme itself -------------------------------------------------------------


@transaction.atomic
def create_programme(*, by, site, team_name, **fields):
    """Start a programme from ``site``: ``by`` coordinates it, ``site`` takes part
    with ``team_name``, and the schedule starts from the milestone template."""
    if Programme.objects.filter(slug=fields.get("slug")).exists():
        raise ValidationError(
            {"slug": "Another programme already uses this short name."}, code="slug"
        )
    programme = Programme(created_by=by, **fields)
    programme.full_clean()
    programme.save()
    ProgrammeMembership.objects.create(
        programme=programme, user=by, role=PROGRAMME_COORDINATOR
    )
    ProgrammeSite.objects.create(
        programme=programme,
        site=site,
        team_name=team_name,
        joined_on=timezone.localdate(),
    )
    schedule_from_template(programme)
    _audit(by, programme, "Programme set up", programme=programme, site=site)
    return programme


def schedule_from_template(programme):
    """The programme's first schedule: the active milestone templates, each due its
    number of weeks from the start of data collection (editable afterwards)."""
    templates = MilestoneTemplate.objects.filter(is_active=True)
    return Milestone.objects.bulk_create(
        Milestone(
            programme=programme,
            phase=template.phase,
            title=template.title,
            owner_role=template.owner_role,
            due_date=programme.start_date + timedelta(weeks=template.weeks_from_start),
            position=index,
        )
        for index, template in enumerate(templates, start=1)
    )


@transaction.atomic
def update_programme(programme, *, by, expected_version, **fields):
    """Change a programme's details (not its stage), refusing a stale save."""
    locked = lock_row(programme)
    _refuse_if_closed(locked)
    check_version(locked, expected_version)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["slug"])
    save_versioned(locked)
    _audit(by, locked, "Programme details changed", programme=locked)
    return locked


# The steps a coordinator takes from the programme page (those that move the stage).
STAGE_STEPS = tuple(step for step in Programme.WORKFLOW if step.target is not None)


def move_programme(programme, step_name, *, by):
    """Move the programme to its next (or previous) stage by a named step."""
    steps = {step.name: step for step in STAGE_STEPS}
    if step_name not in steps:
        raise ValidationError("That is not a stage a programme moves to.", code="step")
    return transition(programme, steps[step_name], by=by)


# --- Participating sites --------------------------------------------------------------


@transaction.atomic
def add_site(programme, *, by, site, team_name):
    """A site joins the programme with the team taking part."""
    locked = lock_row(programme)
    _refuse_if_closed(locked)
    if ProgrammeSite.objects.filter(programme=locked, site=site).exists():
        raise ValidationError(
            {"site": "This site already takes part."}, code="duplicate"
        )
    if not site.is_active:
        raise ValidationError({"site": "This site is not active."}, code="inactive")
    participant = ProgrammeSite.objects.create(
        programme=locked,
        site=site,
        team_name=team_name,
        joined_on=timezone.localdate(),
    )
    _audit(by, participant, "Site joined the programme", programme=locked, site=site)
    return participant


def _check_people_are_members(participant, fields):
    """Each named person must be active staff of that very site."""
    named = {name: fields[name] for name in PEOPLE_FIELDS if fields.get(name)}
    if not named:
        return
    members = set(
        site_members(participant.site)
        .filter(pk__in=[user.pk for user in named.values()])
        .values_list("pk", flat=True)
    )
    problems = {
        name: "Choose a member of staff at this site."
        for name, user in named.items()
        if user.pk not in members
    }
    if problems:
        raise ValidationError(problems, code="not_member")


@transaction.atomic
def update_participant(participant, *, by, expected_version, **fields):
    """Change a site's team, its people on the programme and the brief's date."""
    _refuse_if_closed(participant.programme)
    locked = lock_row(participant)
    check_version(locked, expected_version)
    _check_people_are_members(locked, fields)
    for name, value in fields.items():
        setattr(locked, name, value)
    save_versioned(locked)
    _audit(
        by,
        locked,
        "Site's part in the programme changed",
        programme=participant.programme,
        site=locked.site,
    )
    return locked


@transaction.atomic
def save_involvement(participant, *, by, rows):
    """The level of involvement per role at a site: {role: {field: value}}."""
    _refuse_if_closed(participant.programme)
    lock_row(participant)
    for role, values in rows.items():
        row = Involvement(participant=participant, role=role, **values)
        row.full_clean(exclude=["participant"], validate_unique=False)
        Involvement.objects.update_or_create(
            participant=participant, role=role, defaults=values
        )
    _audit(
        by,
        participant,
        "Level of involvement changed",
        programme=participant.programme,
        site=participant.site,
    )


# --- The schedule ---------------------------------------------------------------------


def _done_on(status, done_on):
    """A milestone done has the day it was done (today unless said); any other
    status has none."""
    if status == Milestone.Status.DONE:
        return done_on or timezone.localdate()
    return None


@transaction.atomic
def add_milestone(programme, *, by, **fields):
    locked = lock_row(programme)
    _refuse_if_closed(locked)
    fields["done_on"] = _done_on(fields.get("status"), fields.get("done_on"))
    last = locked.milestones.order_by("-position").values_list("position", flat=True)
    milestone = Milestone(programme=locked, position=(last.first() or 0) + 1, **fields)
    milestone.full_clean()
    milestone.save()
    _audit(by, milestone, "Milestone added", programme=locked)
    return milestone


@transaction.atomic
def update_milestone(milestone, *, by, expected_version, **fields):
    """Change a milestone, its status included: any status may follow any other
    (a slipped milestone is done later; a dropped one is taken up again)."""
    _refuse_if_closed(milestone.programme)
    locked = lock_row(milestone)
    check_version(locked, expected_version)
    fields["done_on"] = _done_on(
        fields.get("status", locked.status), fields.get("done_on", locked.done_on)
    )
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    save_versioned(locked)
    _audit(by, locked, "Milestone changed", programme=milestone.programme)
    return locked


@transaction.atomic
def remove_milestone(milestone, *, by, expected_version):
    _refuse_if_closed(milestone.programme)
    locked = lock_row(milestone)
    check_version(
        locked,
        expected_version,
        message="Someone changed this milestone since you opened the schedule; "
        "it has not been removed. Look at it again first.",
    )
    _audit(by, locked, "Milestone removed", programme=milestone.programme)
    locked.delete()


# --- Collaborative meetings -----------------------------------------------------------


def _check_sites_take_part(programme, sites):
    taking_part = set(
        ProgrammeSite.objects.filter(programme=programme).values_list(
            "site_id", flat=True
        )
    )
    if any(site.pk not in taking_part for site in sites):
        raise ValidationError(
            {"sites": "Choose sites taking part in the programme."}, code="site"
        )


@transaction.atomic
def schedule_meeting(programme, *, by, sites, **fields):
    """Plan a collaborative meeting (a joint meeting of the sites, not a panel)."""
    locked = lock_row(programme)
    _refuse_if_closed(locked)
    _check_sites_take_part(locked, sites)
    meeting = CollaborativeMeeting(programme=locked, created_by=by, **fields)
    meeting.full_clean()
    meeting.save()
    meeting.sites.set(sites)
    _audit(by, meeting, "Collaborative meeting planned", programme=locked)
    return meeting


@transaction.atomic
def update_meeting(meeting, *, by, expected_version, sites, **fields):
    """Change a planned or held meeting: its details, who came, what was learnt."""
    _refuse_if_closed(meeting.programme)
    locked = lock_row(meeting)
    refuse_unless_allowed(locked, CollaborativeMeeting.WORKFLOW.change)
    check_version(locked, expected_version)
    _check_sites_take_part(meeting.programme, sites)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    save_versioned(locked)
    locked.sites.set(sites)
    _audit(by, locked, "Collaborative meeting changed", programme=meeting.programme)
    return locked


def hold_meeting(meeting, *, by):
    """Record that the meeting took place (on or after its date)."""
    _refuse_if_closed(meeting.programme)
    if meeting.held_on > timezone.localdate():
        raise ValidationError(
            "A meeting can be marked as held only on or after its date.",
            code="future",
        )
    return transition(meeting, CollaborativeMeeting.WORKFLOW.hold, by=by)


def cancel_meeting(meeting, *, by):
    _refuse_if_closed(meeting.programme)
    return transition(meeting, CollaborativeMeeting.WORKFLOW.cancel, by=by)


# --- The guide's two tables -----------------------------------------------------------


def _check_site(programme, site):
    if site is not None:
        _check_sites_take_part(programme, [site])


@transaction.atomic
def add_planning_row(programme, *, by, **fields):
    """A row of *where are we now … timescales*, for the programme or one site."""
    locked = lock_row(programme)
    _refuse_if_closed(locked)
    _check_site(locked, fields.get("site"))
    last = locked.planning_rows.order_by("-position").values_list("position", flat=True)
    row = PlanningRow(programme=locked, position=(last.first() or 0) + 1, **fields)
    row.full_clean()
    row.save()
    _audit(by, row, "Planning row added", programme=locked, site=row.site)
    return row


@transaction.atomic
def update_planning_row(row, *, by, expected_version, **fields):
    _refuse_if_closed(row.programme)
    locked = lock_row(row)
    check_version(locked, expected_version)
    _check_site(row.programme, fields.get("site"))
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    save_versioned(locked)
    _audit(by, locked, "Planning row changed", programme=row.programme)
    return locked


@transaction.atomic
def remove_planning_row(row, *, by, expected_version):
    _refuse_if_closed(row.programme)
    locked = lock_row(row)
    check_version(
        locked,
        expected_version,
        message="Someone changed this row since you opened the tables; it has not "
        "been removed. Look at it again first.",
    )
    _audit(by, locked, "Planning row removed", programme=row.programme)
    locked.delete()


def _check_owner(programme, user):
    if user is not None and not programme_people(programme).filter(pk=user.pk).exists():
        raise ValidationError(
            {"responsible": "Choose someone taking part in the programme."},
            code="owner",
        )


def _check_meeting(programme, meeting):
    if meeting is not None and meeting.programme_id != programme.pk:
        raise ValidationError(
            {"meeting": "Choose one of this programme's meetings."}, code="meeting"
        )


def _point_done_on(status, done_on):
    if status == LearningPoint.Status.DONE:
        return done_on or timezone.localdate()
    return None


@transaction.atomic
def add_learning_point(programme, *, by, **fields):
    """A row of *learning points · action points · responsibility · implement by*."""
    locked = lock_row(programme)
    _refuse_if_closed(locked)
    _check_site(locked, fields.get("site"))
    _check_meeting(locked, fields.get("meeting"))
    _check_owner(locked, fields.get("responsible"))
    fields["done_on"] = _point_done_on(fields.get("status"), fields.get("done_on"))
    point = LearningPoint(programme=locked, created_by=by, **fields)
    point.full_clean()
    point.save()
    _audit(by, point, "Learning point added", programme=locked, site=point.site)
    return point


@transaction.atomic
def update_learning_point(point, *, by, expected_version, **fields):
    """Change a learning point or its action (done and dropped included: any status
    may follow any other)."""
    programme = point.programme
    _refuse_if_closed(programme)
    locked = lock_row(point)
    check_version(locked, expected_version)
    _check_site(programme, fields.get("site"))
    _check_meeting(programme, fields.get("meeting"))
    _check_owner(programme, fields.get("responsible"))
    fields["done_on"] = _point_done_on(
        fields.get("status", locked.status), fields.get("done_on", locked.done_on)
    )
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    save_versioned(locked)
    _audit(by, locked, "Learning point changed", programme=programme)
    return locked


@transaction.atomic
def mark_action_done(point, *, by, may_run):
    """The owner of an action (or whoever runs the programme) marks it done."""
    programme = point.programme
    _refuse_if_closed(programme)
    locked = lock_row(point)
    if not (may_run or locked.responsible_id == by.pk):
        raise ValidationError(
            "Only the action's owner or the programme coordinator marks it done.",
            code="not_owner",
        )
    if locked.status != LearningPoint.Status.OPEN:
        raise ValidationError(
            f"This action is already {locked.get_status_display().lower()}.",
            code="not_open",
        )
    # A plain field, as in update_learning_point (docs/architecture.md).
    changes = {"status": LearningPoint.Status.DONE, "done_on": timezone.localdate()}
    for name, value in changes.items():
        setattr(locked, name, value)
    save_versioned(locked, update_fields=changes)
    _audit(by, locked, "Action done", programme=programme)
    return locked
