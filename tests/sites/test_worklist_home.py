"""The site home page is a worklist: each member sees what is waiting for them, in
sections registered by the apps that own the records, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from careplans import services as plan_services
from careplans.models import CarePlan, Review
from careplans.programme import CaseStudy, ProgrammeCase
from sites import home
from sites.models import Notification
from sites.notify import notify
from sites.permissions import Role
from tests.factories import ProgrammeFactory, ProgrammeSiteFactory, member
from tests.panels.factories import (
    add_plan_item,
    make_meeting,
    make_panel,
    plan_awaiting_panel,
)
from tests.plan_factories import limits, plan_in_status, plan_with

pytestmark = pytest.mark.django_db

S = CarePlan.Status
HOME = reverse("site_home", args=["alpha"])


def section(response, key):
    """The HTML of one worklist section, or None when the member does not have it."""
    body = response.content.decode()
    marker = f'id="worklist-{key}"'
    if marker not in body:
        return None
    return body.split(marker)[1].split("</section>")[0]


@pytest.fixture
def sited(site_a, officer, manager):
    with scopes_disabled():
        limits(site_a, manager)
    return site_a


def test_an_officer_sees_drafts_returns_and_plans_waiting_for_a_decision(
    client, sited, officer, manager
):
    with scopes_disabled():
        draft = plan_with(sited, officer)
        returned = plan_services.submit_plan(plan_with(sited, officer), by=officer)
        plan_services.return_plan(
            returned, by=manager, reason="Say how often the carer visits, please."
        )
        waiting = plan_services.submit_plan(plan_with(sited, officer), by=officer)
        someone_elses = plan_with(sited, member(sited, Role.ASSESSING_OFFICER))
    client.force_login(officer)

    mine = section(client.get(HOME), "my_plans")

    assert "Returned to you" in mine
    assert "Say how often the carer visits, please." in mine
    returned_part, rest = mine.split("Your drafts")
    drafts_part, waiting_part = rest.split("Waiting for a decision")
    assert str(returned.code) in returned_part
    assert str(draft.code) in drafts_part
    assert str(returned.code) not in drafts_part
    assert str(waiting.code) in waiting_part
    assert "awaiting sign-off since" in waiting_part
    assert str(someone_elses.code) not in mine


def test_a_manager_sees_plans_waiting_for_sign_off_but_not_their_own(
    client, sited, officer, manager
):
    with scopes_disabled():
        theirs = plan_services.submit_plan(plan_with(sited, officer), by=officer)
        own = plan_services.submit_plan(plan_with(sited, manager), by=manager)
    client.force_login(manager)

    waiting = section(client.get(HOME), "sign_offs")

    assert str(theirs.code) in waiting
    assert str(own.code) not in waiting
    assert officer.display_name in waiting


def test_sections_follow_the_rules_not_the_roles(client, sited, officer, advisor):
    client.force_login(officer)
    page = client.get(HOME)
    assert section(page, "my_plans") is not None
    assert section(page, "sign_offs") is None
    assert section(page, "panel") is None
    client.force_login(advisor)
    page = client.get(HOME)
    assert section(page, "my_plans") is None
    assert section(page, "reviews") is None
    assert "No case studies are waiting for you." in section(page, "case_studies")


def test_reviews_due_and_overdue_show_for_the_officer_whose_people_they_are(
    client, sited, officer, manager
):
    with scopes_disabled():
        plan = plan_in_status(S.APPROVED, site=sited, officer=officer, manager=manager)
        plan.person.allocated_worker = officer
        plan.person.save()
        Review.objects.filter(plan=plan).update(
            due_date=timezone.localdate() - timedelta(days=3)
        )
    client.force_login(officer)

    reviews = section(client.get(HOME), "reviews")

    assert plan.person.display_name in reviews
    assert "1 overdue" in reviews
    client.force_login(member(sited, Role.ASSESSING_OFFICER))
    assert plan.person.display_name not in section(client.get(HOME), "reviews")


def test_a_senior_manager_sees_the_teams_reviews(client, sited, officer, manager):
    senior = member(sited, Role.SENIOR_MANAGER)
    with scopes_disabled():
        plan = plan_in_status(S.APPROVED, site=sited, officer=officer, manager=manager)
        Review.objects.filter(plan=plan).update(due_date=timezone.localdate())
    client.force_login(senior)
    reviews = section(client.get(HOME), "reviews")
    assert "Reviews due: the team" in reviews
    assert plan.person.display_name in reviews


def test_the_panel_sees_the_items_on_its_agendas_and_plans_not_yet_listed(
    client, sited, officer, chair
):
    with scopes_disabled():
        meeting = make_meeting(make_panel(sited, chair), chair)
        item = add_plan_item(meeting, officer, chair, question="Fund the allotment?")
        plan_awaiting_panel(sited, officer)
    client.force_login(chair)

    panel = section(client.get(HOME), "panel")

    assert item.plan.person.display_name in panel
    assert "Fund the allotment?" in panel
    assert "1 plan waiting for panel is not on an agenda yet." in panel


def test_unread_notifications_are_listed_until_read(client, site_a, officer):
    client.force_login(officer)
    assert section(client.get(HOME), "notifications") is None
    with scopes_disabled():
        notify(
            user=officer,
            site=site_a,
            kind=Notification.Kind.PLAN_DECIDED,
            message="The panel decided on a plan you wrote.",
            link="/s/alpha/plans/",
        )
    shown = section(client.get(HOME), "notifications")
    assert "The panel decided on a plan you wrote." in shown
    assert "Unread notifications" in shown


def _case_study(
    site,
    officer,
    manager,
    status,
    *,
    advisor=None,
    coordinator=None,
    plan=None,
    drafted_by=None,
):
    programme = ProgrammeFactory()
    ProgrammeSiteFactory(
        programme=programme,
        site=site,
        advisor=advisor,
        project_coordinator=coordinator,
    )
    plan = plan or plan_in_status(
        S.APPROVED, site=site, officer=officer, manager=manager
    )
    case = ProgrammeCase.objects.create(
        site=site,
        programme=programme,
        person=plan.person,
        assessment=plan.assessment,
        decided_by=officer,
        decided_at=timezone.now(),
        first_contact_on=timezone.localdate(),
    )
    return CaseStudy.objects.create(
        site=site,
        programme_case=case,
        plan=plan,
        pseudonym=f"Mr Q ({status})",
        age_band="85-89",
        status=status,
        drafted_by=drafted_by or officer,
    )


def test_case_studies_wait_for_their_drafter_the_sites_advisor_and_coordinator(
    client, sited, officer, manager, advisor
):
    coordinator = member(sited, Role.SITE_COORDINATOR)
    other_advisor = member(sited, Role.ADVISOR)
    with scopes_disabled():
        draft = _case_study(sited, officer, manager, CaseStudy.Status.DRAFT)
        in_review = _case_study(
            sited, officer, manager, CaseStudy.Status.IN_REVIEW, advisor=advisor
        )
        reviewed = _case_study(
            sited,
            officer,
            manager,
            CaseStudy.Status.REVIEWED,
            advisor=advisor,
            coordinator=coordinator,
        )

    def shown(user):
        client.force_login(user)
        part = section(client.get(HOME), "case_studies")
        return {
            s.pseudonym for s in (draft, in_review, reviewed) if s.pseudonym in part
        }

    assert shown(officer) == {draft.pseudonym}
    assert shown(advisor) == {in_review.pseudonym}
    assert shown(coordinator) == {reviewed.pseudonym}
    assert shown(other_advisor) == set()


# Queries on the home page, by role: session, user, memberships (with the unread
# count), the programmes block (the site's programmes, the member's open actions: 2),
# then each section the member's rules give them.
PROGRAMME_BLOCK = 2
HOME_QUERIES = {
    # my plans 1, reviews 2 (rows, counts), case studies 1
    Role.ASSESSING_OFFICER: 7,
    # ... and sign-offs 4 (count, rows, their costs, the limits in force), panel 2
    # (items, plans not listed)
    Role.TEAM_MANAGER: 13,
    # panel 2
    Role.PANEL_MEMBER: 5,
    Role.PANEL_CHAIR: 5,
    # sign-offs 4, reviews 2, panel 2
    Role.SENIOR_MANAGER: 11,
    # case studies 1
    Role.ADVISOR: 4,
    Role.SITE_COORDINATOR: 4,
}
# With nothing waiting for sign-off, its plans' costs and the limits are not read.
HOME_QUERIES_NOTHING_TO_SIGN = {
    role: count - (2 if role in {Role.TEAM_MANAGER, Role.SENIOR_MANAGER} else 0)
    for role, count in HOME_QUERIES.items()
}
HOME_QUERIES = {role: count + PROGRAMME_BLOCK for role, count in HOME_QUERIES.items()}
HOME_QUERIES_NOTHING_TO_SIGN = {
    role: count + PROGRAMME_BLOCK
    for role, count in HOME_QUERIES_NOTHING_TO_SIGN.items()
}


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize("role", list(Role))
def test_the_home_worklist_takes_a_fixed_number_of_queries_per_role(
    client, sited, officer, manager, role, rows, django_assert_num_queries
):
    user = member(sited, role)
    status = {
        Role.ADVISOR: CaseStudy.Status.IN_REVIEW,
        Role.SITE_COORDINATOR: CaseStudy.Status.REVIEWED,
    }.get(role, CaseStudy.Status.DRAFT)
    with scopes_disabled():
        meeting = make_meeting(make_panel(sited, manager), manager)
        for _ in range(rows):
            add_plan_item(meeting, officer, manager)
            plan_with(sited, user if role in {Role.ASSESSING_OFFICER} else officer)
            plan_services.submit_plan(plan_with(sited, officer), by=officer)
            done = plan_in_status(
                S.APPROVED, site=sited, officer=officer, manager=manager
            )
            done.person.allocated_worker = user
            done.person.save()
            _case_study(
                sited,
                officer,
                manager,
                status,
                advisor=user,
                coordinator=user,
                plan=done,
                drafted_by=user,
            )
            notify(
                user=user,
                site=sited,
                kind=Notification.Kind.REVIEW_DUE,
                message="A review is due.",
                link="/s/alpha/reviews/",
            )
        Review.objects.filter(site=sited).update(due_date=timezone.localdate())
    client.force_login(user)
    # The unread notifications section adds one query when there are any.
    with django_assert_num_queries(HOME_QUERIES[role] + 1):
        response = client.get(HOME)
    assert response.status_code == 200


def test_sign_offs_say_their_cost_and_whether_it_is_over_my_limit(
    client, sited, officer, manager
):
    with scopes_disabled():
        within = plan_services.submit_plan(plan_with(sited, officer), by=officer)
        over = plan_services.submit_plan(
            plan_with(sited, officer, (("standard", "400.00", 1),)), by=officer
        )
    client.force_login(manager)

    waiting = section(client.get(HOME), "sign_offs")

    rows = {
        code: waiting.split(str(code))[1].split("</li>")[0]
        for code in (within.code, over.code)
    }
    assert "£20.00 a week" in rows[within.code]
    assert "Over your delegated limit" not in rows[within.code]
    assert "Over your delegated limit of £350.00" in rows[over.code]


def test_another_app_adds_a_section_by_registering_it(client, officer, monkeypatch):
    """How a block (a programme's open actions, overdue reviews...) joins the page."""
    monkeypatch.setattr(home, "SECTIONS", dict(home.SECTIONS))
    home.register_section(
        "first",
        order=1,
        template="sites/_home_notifications.html",
        provide=lambda request: {"title": "Open actions", "notifications": []},
    )
    home.register_section(
        "hidden", order=2, template="does/not/exist.html", provide=lambda r: None
    )
    client.force_login(officer)

    body = client.get(HOME).content.decode()

    assert 'id="worklist-first"' in body
    assert body.index("Open actions") < body.index('id="worklist-my_plans"')
    assert 'id="worklist-hidden"' not in body
