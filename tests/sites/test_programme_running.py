"""The schedule, collaborative meetings and the guide's two tables (issue 9, items
2 and 5); open actions on their owner's home page."""

import datetime
import io

import pypdf
import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled

from careplans.programme import PublishedCaseStudy
from sites.models import (
    AuditEvent,
    CollaborativeMeeting,
    LearningPoint,
    Milestone,
    PlanningRow,
    ProgrammeSite,
)
from sites.permissions import Role
from tests.factories import (
    PersonFactory,
    ProgrammeFactory,
    ProgrammeSiteFactory,
    SiteFactory,
    member,
    programme_records,
)
from tests.sites.test_worklist_home import HOME_QUERIES_NOTHING_TO_SIGN
from tests.test_isolation import PROGRAMME_URLS, programme_kwargs

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


def url(name, programme, **kwargs):
    return reverse(name, kwargs={"programme_slug": programme.slug, **kwargs})


def audit(**lookup):
    with scopes_disabled():
        return list(AuditEvent.objects.filter(**lookup))


# --- The schedule -----------------------------------------------------------------------


def _milestone(**changes):
    return {
        "phase": "during",
        "title": "Second collaborative meeting",
        "due_date": "2026-04-20",
        "owner_role": "programme_coordinator",
        "agreed_by": "Coordinators and advisors",
        "status": "planned",
        "done_on": "",
        "notes": "",
        **changes,
    }


def test_the_coordinator_adds_a_milestone(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.post(url("milestone_add", programme), _milestone())
    assert response["Location"] == url("schedule", programme)
    milestone = programme.milestones.get()
    assert milestone.agreed_by == "Coordinators and advisors"
    assert audit(action="Milestone added", programme=programme)
    page = client.get(url("schedule", programme)).content.decode()
    assert "Second collaborative meeting" in page
    assert "During the programme" in page


def test_a_milestone_without_a_title_or_with_a_stray_done_date_is_refused(
    client, programme, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        url("milestone_add", programme),
        _milestone(title="", done_on="2026-03-01", notes="Typed notes"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Only a milestone that is done has this date." in page
    assert "Typed notes" in page
    assert not programme.milestones.exists()


@time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0), tick=False)
def test_a_milestone_marked_done_is_done_today_unless_said(
    client, programme, coordinator
):
    milestone = Milestone.objects.create(
        programme=programme,
        phase="setup",
        title="Issue the brief",
        owner_role="project_coordinator",
        due_date=datetime.date(2026, 3, 1),
    )
    client.force_login(coordinator)
    address = url("milestone_edit", programme, code=milestone.code)
    data = _milestone(title="Issue the brief", status="done", version="1")
    assert client.post(address, data).status_code == 302
    milestone.refresh_from_db()
    assert (milestone.status, milestone.done_on) == ("done", TODAY)
    # Slipped after all: the date goes.
    client.post(address, {**data, "status": "slipped", "version": "2"})
    milestone.refresh_from_db()
    assert (milestone.status, milestone.done_on) == ("slipped", None)


def test_removing_a_milestone_changed_meanwhile_is_refused(
    client, programme, coordinator
):
    milestone = Milestone.objects.create(
        programme=programme,
        phase="after",
        title="Evaluation",
        owner_role="everyone",
        due_date=datetime.date(2027, 1, 4),
        version=2,
    )
    client.force_login(coordinator)
    address = url("milestone_remove", programme, code=milestone.code)
    response = client.post(address, {"version": "1"}, follow=True)
    assert "has not been removed" in response.content.decode()
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    client.post(address, {"version": "2"})
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    assert audit(action="Milestone removed")


def test_another_programmes_milestone_is_not_found(client, programme, coordinator):
    other = ProgrammeFactory()
    theirs = Milestone.objects.create(
        programme=other,
        phase="setup",
        title="Theirs",
        owner_role="everyone",
        due_date=datetime.date(2026, 1, 1),
    )
    client.force_login(coordinator)
    response = client.get(url("milestone_edit", programme, code=theirs.code))
    assert response.status_code == 404


@pytest.mark.parametrize("rows", [1, 8])
def test_the_schedule_takes_a_fixed_number_of_queries(
    client, programme, officer, rows, django_assert_num_queries
):
    for n in range(rows):
        Milestone.objects.create(
            programme=programme,
            phase="during",
            title=f"Milestone {n}",
            owner_role="everyone",
            due_date=datetime.date(2026, 2, 1) + datetime.timedelta(weeks=n),
        )
    client.force_login(officer)
    # Session, user; programme, memberships, programme roles, participating sites;
    # the milestones.
    with django_assert_num_queries(7):
        response = client.get(url("schedule", programme))
    assert response.content.decode().count("Milestone ") >= rows


# --- Collaborative meetings -------------------------------------------------------------


def _meeting(site_ids, **changes):
    return {
        "title": "First collaborative meeting",
        "held_on": "2026-03-02",
        "starts_at": "10:00",
        "place": "Council offices, room 2",
        "sites": site_ids,
        "attendees": "Advisors and coordinators",
        "agenda": "Case studies from each site",
        "notes": "",
        **changes,
    }


def test_the_coordinator_plans_a_meeting_of_the_sites(
    client, programme, coordinator, site_a
):
    client.force_login(coordinator)
    response = client.post(
        url("programme_meeting_create", programme), _meeting([site_a.pk])
    )
    meeting = CollaborativeMeeting.objects.get()
    assert response["Location"] == url(
        "programme_meeting_detail", programme, code=meeting.code
    )
    assert list(meeting.sites.all()) == [site_a]
    assert meeting.created_by == coordinator
    assert audit(action="Collaborative meeting planned")


def test_a_meeting_may_only_bring_sites_taking_part(
    client, programme, coordinator, site_b
):
    client.force_login(coordinator)
    response = client.post(
        url("programme_meeting_create", programme),
        _meeting([site_b.pk], agenda="Typed agenda"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "Typed agenda" in page
    assert not CollaborativeMeeting.objects.exists()


@time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0), tick=False)
def test_a_meeting_is_held_on_or_after_its_date_then_its_learning_recorded(
    client, programme, coordinator, site_a
):
    client.force_login(coordinator)
    client.post(
        url("programme_meeting_create", programme),
        _meeting([site_a.pk], held_on="2026-03-20"),
    )
    meeting = CollaborativeMeeting.objects.get()
    hold = url("programme_meeting_hold", programme, code=meeting.code)
    response = client.post(hold, follow=True)
    assert "only on or after its date" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "planned"

    CollaborativeMeeting.objects.filter(pk=meeting.pk).update(
        held_on=datetime.date(2026, 3, 9)
    )
    client.post(hold)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.status_changed_by) == ("held", coordinator)
    assert audit(action="Collaborative meeting held")

    edit = url("programme_meeting_edit", programme, code=meeting.code)
    data = _meeting(
        [site_a.pk], held_on="2026-03-09", notes="Families asked for more choice."
    )
    assert client.post(edit, {**data, "version": "1"}).status_code == 302
    page = client.get(
        url("programme_meeting_detail", programme, code=meeting.code)
    ).content.decode()
    assert "Families asked for more choice." in page
    assert "CASE STUDIES BROUGHT" not in page  # the placeholder is a comment


def test_a_cancelled_meeting_cannot_be_changed(client, programme, coordinator, site_a):
    meeting = CollaborativeMeeting.objects.create(
        programme=programme,
        title="Meeting",
        held_on=datetime.date(2026, 5, 1),
        created_by=coordinator,
    )
    client.force_login(coordinator)
    client.post(url("programme_meeting_cancel", programme, code=meeting.code))
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    response = client.post(
        url("programme_meeting_edit", programme, code=meeting.code),
        {**_meeting([site_a.pk]), "version": "1"},
    )
    assert "A cancelled meeting cannot be changed." in response.content.decode()


@pytest.mark.parametrize("rows", [1, 6])
def test_the_meetings_take_a_fixed_number_of_queries(
    client, programme, officer, site_a, rows, django_assert_num_queries
):
    for n in range(rows):
        meeting = CollaborativeMeeting.objects.create(
            programme=programme,
            title=f"Meeting {n}",
            held_on=datetime.date(2026, 2, 1) + datetime.timedelta(weeks=n),
            created_by=officer,
        )
        meeting.sites.set([site_a])
        LearningPoint.objects.create(
            programme=programme,
            meeting=meeting,
            learning_point=f"Point {n}",
            created_by=officer,
        )
    client.force_login(officer)
    # Session, user; programme, memberships, programme roles, participating sites;
    # the meetings; their sites.
    with django_assert_num_queries(8):
        client.get(url("programme_meeting_list", programme))
    # ... the meeting; its sites; its learning points.
    with django_assert_num_queries(9):
        client.get(url("programme_meeting_detail", programme, code=meeting.code))


# --- The guide's two tables -------------------------------------------------------------


def _row(**changes):
    return {
        "site": "",
        "where_now": "Most plans offer day care.",
        "want_to_achieve": "Plans that start from what people want.",
        "how_get_there": "Ask and record their words.",
        "who_does_what": "Practitioners ask; advisors review.",
        "timescales": "By the second meeting",
        **changes,
    }


def test_the_coordinator_keeps_a_sites_planning_table(
    client, programme, coordinator, site_a
):
    client.force_login(coordinator)
    form = client.get(url("planning_row_add", programme) + "?site=alpha")
    assert f'value="{site_a.pk}" selected' in form.content.decode()
    response = client.post(url("planning_row_add", programme), _row(site=site_a.pk))
    assert response["Location"] == url("programme_tables", programme)
    row = PlanningRow.objects.get()
    assert row.site == site_a
    page = client.get(url("programme_tables", programme)).content.decode()
    assert "Most plans offer day care." in page


def test_a_planning_row_for_a_site_not_taking_part_is_refused(
    client, programme, coordinator, site_b
):
    client.force_login(coordinator)
    response = client.post(url("planning_row_add", programme), _row(site=site_b.pk))
    assert response.status_code == 200
    assert not PlanningRow.objects.exists()
    response = client.post(url("planning_row_add", programme), _row(where_now=""))
    assert "This field is required." in response.content.decode()


def _point(**changes):
    return {
        "site": "",
        "meeting": "",
        "learning_point": "People want to choose where they eat.",
        "action_point": "Add eating out to the list of responses.",
        "responsible": "",
        "responsibility": "",
        "implement_by": "2026-04-30",
        "status": "open",
        **changes,
    }


def test_an_action_needs_an_owner_and_a_date(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.post(
        url("learning_point_add", programme), _point(implement_by="")
    )
    page = response.content.decode()
    assert "Say who owns the action" in page
    assert "Say by when the action is to be done." in page
    assert "People want to choose where they eat." in page
    assert not LearningPoint.objects.exists()


def test_an_action_may_only_go_to_someone_taking_part(
    client, programme, coordinator, site_b
):
    stranger = member(site_b, Role.TEAM_MANAGER, "stranger")
    client.force_login(coordinator)
    response = client.post(
        url("learning_point_add", programme), _point(responsible=stranger.pk)
    )
    assert response.status_code == 200
    assert not LearningPoint.objects.exists()


@time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0), tick=False)
def test_an_open_action_shows_on_its_owners_home_until_done(
    client, programme, coordinator, manager
):
    client.force_login(coordinator)
    client.post(url("learning_point_add", programme), _point(responsible=manager.pk))
    point = LearningPoint.objects.get()
    assert audit(action="Learning point added")

    client.force_login(manager)
    home = reverse("site_home", args=["alpha"])
    page = client.get(home).content.decode()
    assert "Your open actions" in page
    assert "Add eating out to the list of responses." in page

    client.force_login(coordinator)
    data = _point(responsible=manager.pk, status="done", version="1")
    client.post(url("learning_point_edit", programme, code=point.code), data)
    point.refresh_from_db()
    assert (point.status, point.done_on) == ("done", TODAY)
    client.force_login(manager)
    assert "Add eating out" not in client.get(home).content.decode()


def test_a_programme_coordinator_with_no_site_sees_programmes_and_actions_at_home(
    client, programme, coordinator
):
    LearningPoint.objects.create(
        programme=programme,
        learning_point="Learnt",
        action_point="Write to the senior managers.",
        responsible=coordinator,
        implement_by=datetime.date(2026, 5, 1),
        created_by=coordinator,
    )
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert "Over 85s at home" in page
    assert "Write to the senior managers." in page
    assert "not yet a member of any site" not in page


@pytest.mark.parametrize("actions", [1, 5])
def test_the_site_home_with_actions_takes_a_fixed_number_of_queries(
    client, programme, manager, actions, django_assert_num_queries
):
    for n in range(actions):
        LearningPoint.objects.create(
            programme=programme,
            learning_point=f"Learnt {n}",
            action_point=f"Action {n}",
            responsible=manager,
            implement_by=datetime.date(2026, 5, 1),
            created_by=manager,
        )
    client.force_login(manager)
    # Session, user, memberships; programmes; open actions (however many); the
    # manager's worklist sections (tests/sites/test_worklist_home.py).
    with django_assert_num_queries(HOME_QUERIES_NOTHING_TO_SIGN[Role.TEAM_MANAGER]):
        response = client.get(reverse("site_home", args=["alpha"]))
    # One "Done" form per open action.
    assert response.content.decode().count('name="back" value="home"') == actions


@pytest.mark.parametrize("sites", [1, 4])
def test_the_tables_take_a_fixed_number_of_queries(
    client, programme, officer, sites, django_assert_num_queries
):
    for n in range(sites - 1):
        ProgrammeSiteFactory(programme=programme, site=SiteFactory(slug=f"more-{n}"))
    for place in ProgrammeSite.objects.filter(programme=programme):
        PlanningRow.objects.create(
            programme=programme,
            site=place.site,
            **{k: v for k, v in _row().items() if k != "site"},
        )
        LearningPoint.objects.create(
            programme=programme,
            site=place.site,
            learning_point="Learnt",
            action_point="Act",
            responsible=officer,
            implement_by=datetime.date(2026, 5, 1),
            created_by=officer,
        )
    client.force_login(officer)
    # Session, user; programme, memberships, programme roles, participating sites;
    # the sites; the rows; the learning points.
    with django_assert_num_queries(9):
        response = client.get(url("programme_tables", programme))
    assert response.content.decode().count("Most plans offer day care.") == sites


@pytest.mark.parametrize("extra", [0, 4])
def test_the_programme_home_with_everything_takes_a_fixed_number_of_queries(
    client, programme, coordinator, site_a, extra, django_assert_num_queries
):
    for n in range(extra + 1):
        Milestone.objects.create(
            programme=programme,
            phase="during",
            title=f"Due {n}",
            owner_role="everyone",
            due_date=datetime.date(2099, 1, 1),
        )
        LearningPoint.objects.create(
            programme=programme,
            learning_point="Learnt",
            action_point=f"Act {n}",
            responsible=coordinator,
            implement_by=datetime.date(2099, 5, 1),
            created_by=coordinator,
        )
    meeting = CollaborativeMeeting.objects.create(
        programme=programme,
        title="Next one",
        held_on=datetime.date(2099, 1, 1),
        created_by=coordinator,
    )
    meeting.sites.set([site_a])
    client.force_login(coordinator)
    # ... as without a meeting (11), plus the next meeting's sites.
    with django_assert_num_queries(12):
        response = client.get(url("programme_home", programme))
    page = response.content.decode()
    assert "Next one" in page
    assert page.count("Act ") == extra + 1


@time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0), tick=False)
def test_the_owner_marks_their_action_done_from_their_home_page(
    client, programme, coordinator, manager, officer
):
    point = LearningPoint.objects.create(
        programme=programme,
        learning_point="Learnt",
        action_point="Brief the panel.",
        responsible=manager,
        implement_by=datetime.date(2026, 4, 1),
        created_by=coordinator,
    )
    done = url("learning_point_done", programme, code=point.code)
    # Someone else taking part may not.
    client.force_login(officer)
    response = client.post(done, follow=True)
    assert "or the programme coordinator marks it done" in response.content.decode()
    point.refresh_from_db()
    assert point.status == "open"

    client.force_login(manager)
    assert done in client.get(reverse("site_home", args=["alpha"])).content.decode()
    response = client.post(done, {"back": "home"})
    assert response["Location"] == reverse("home")
    point.refresh_from_db()
    assert (point.status, point.done_on, point.version) == ("done", TODAY, 2)
    assert audit(action="Action done", user=manager)
    response = client.post(done, follow=True)
    assert "already done" in response.content.decode()


def test_the_programme_coordinator_sees_nothing_identifiable(
    client, programme, coordinator, site_a
):
    """Every programme page, read by its coordinator, while site A holds a person."""
    with scopes_disabled():
        person = PersonFactory(
            site=site_a, given_name="Zebedee", family_name="Quixotic-Unique"
        )
    records = {
        "programme": programme,
        **programme_records(programme, by=coordinator),
        # A shared case study, for the snapshot's pages.
        "published": PublishedCaseStudy.objects.create(
            programme=programme,
            site=site_a,
            pseudonym="Person Q",
            age_band="85\u201389",
            sections={"situation": "Lives at home."},
            figures={},
            approved_on=datetime.date(2026, 5, 1),
        ),
    }
    client.force_login(coordinator)
    for name in PROGRAMME_URLS:
        response = client.get(reverse(name, kwargs=programme_kwargs(name, records)))
        if response.status_code == 405:
            continue
        assert response.status_code == 200, name
        if response["Content-Type"] == "application/pdf":
            pages = pypdf.PdfReader(io.BytesIO(response.content)).pages
            text = "".join(page.extract_text() for page in pages)
        elif response.streaming:  # the CSV downloads
            text = b"".join(response.streaming_content).decode()
        else:
            text = response.content.decode()
        assert person.family_name not in text, name
        assert person.given_name not in text, name
