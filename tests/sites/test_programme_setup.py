"""Starting a programme, its details and stages, its sites and their people, the level
of involvement and the practitioner brief (issue 9, items 1 and 2)."""

import datetime
import io

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from sites.models import (
    AuditEvent,
    Involvement,
    Milestone,
    MilestoneTemplate,
    Programme,
    ProgrammeMembership,
    ProgrammeSite,
)
from sites.permissions import PROGRAMME_COORDINATOR, Role
from sites.programme_services import update_participant
from tests.factories import ProgrammeSiteFactory, SiteFactory, member

pytestmark = pytest.mark.django_db

NEW = {
    "slug": "over-85s-north",
    "title": "Outcomes for people over 85",
    "improvement_focus": "An outcomes focus to assessment.",
    "aim": "Record what people want.",
    "focus_group": "People over 85 living at home.",
    "focus_min_age": "85",
    "focus_max_age": "",
    "diversity_to_reflect": "People with dementia.",
    "start_date": "2026-03-02",
    "data_collection_months": "12",
    "team_name": "Older people's team",
}


def audit(**lookup):
    """The audit events matching ``lookup`` (read across sites, as the admin does)."""
    with scopes_disabled():
        return list(AuditEvent.objects.filter(**lookup))


def url(name, programme, **kwargs):
    return reverse(name, kwargs={"programme_slug": programme.slug, **kwargs})


# --- Starting a programme -------------------------------------------------------------


def test_a_senior_manager_starts_a_programme_and_coordinates_it(client, site_a, senior):
    client.force_login(senior)
    response = client.post(reverse("programme_create", args=["alpha"]), NEW)
    programme = Programme.objects.get(slug="over-85s-north")
    assert response["Location"] == reverse("programme_home", args=[programme.slug])
    assert ProgrammeMembership.objects.filter(
        programme=programme, user=senior, role=PROGRAMME_COORDINATOR
    ).exists()
    place = ProgrammeSite.objects.get(programme=programme)
    assert (place.site, place.team_name) == (site_a, "Older people's team")
    assert programme.created_by == senior
    assert audit(programme=programme, action="Programme set up", user=senior)
    # The coordinator now reaches the programme's pages.
    assert (
        client.get(reverse("programme_home", args=[programme.slug])).status_code == 200
    )


def test_a_new_programme_starts_from_the_milestone_template(client, senior):
    client.force_login(senior)
    client.post(reverse("programme_create", args=["alpha"]), NEW)
    programme = Programme.objects.get(slug="over-85s-north")
    templates = list(MilestoneTemplate.objects.filter(is_active=True))
    milestones = list(programme.milestones.order_by("position"))
    assert len(milestones) == len(templates) > 10
    first = next(t for t in templates if t.weeks_from_start == -10)
    made = next(m for m in milestones if m.title == first.title)
    # Ten weeks before 2 March 2026.
    assert made.due_date == datetime.date(2025, 12, 22)
    assert {m.status for m in milestones} == {Milestone.Status.PLANNED}


def test_starting_a_programme_with_bad_input_keeps_what_was_typed(client, senior):
    client.force_login(senior)
    bad = {**NEW, "title": "", "focus_min_age": "90", "focus_max_age": "80"}
    response = client.post(reverse("programme_create", args=["alpha"]), bad)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please correct the problems below" in page
    assert "The oldest age is below the youngest age." in page
    assert "An outcomes focus to assessment." in page
    assert not Programme.objects.filter(slug=NEW["slug"]).exists()


def test_a_short_name_already_taken_is_refused(client, senior, programme):
    client.force_login(senior)
    response = client.post(
        reverse("programme_create", args=["alpha"]), {**NEW, "slug": programme.slug}
    )
    assert response.status_code == 200
    assert "Another programme already uses this name." in response.content.decode()


def test_an_officer_cannot_start_a_programme(client, officer):
    client.force_login(officer)
    assert client.get(reverse("programme_create", args=["alpha"])).status_code == 403
    assert (
        client.post(reverse("programme_create", args=["alpha"]), NEW).status_code == 403
    )
    assert not Programme.objects.exists()


def test_the_site_home_offers_starting_a_programme_only_to_those_who_may(
    client, senior, officer
):
    link = reverse("programme_create", args=["alpha"])
    client.force_login(senior)
    assert link in client.get(reverse("site_home", args=["alpha"])).content.decode()
    client.force_login(officer)
    assert link not in client.get(reverse("site_home", args=["alpha"])).content.decode()


# --- Details and stage ----------------------------------------------------------------


def _details(programme, **changes):
    return {
        "title": programme.title,
        "improvement_focus": programme.improvement_focus,
        "aim": "A sharper aim.",
        "focus_group": programme.focus_group,
        "focus_min_age": "85",
        "focus_max_age": "",
        "diversity_to_reflect": "",
        "start_date": "2026-01-05",
        "data_collection_months": "9",
        "version": str(programme.version),
        **changes,
    }


def test_the_coordinator_changes_the_details(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.post(url("programme_edit", programme), _details(programme))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.aim, programme.data_collection_months) == ("A sharper aim.", 9)
    assert programme.version == 2
    assert audit(action="Programme details changed")


def test_a_stale_edit_of_the_details_is_refused_and_keeps_the_typing(
    client, programme, coordinator
):
    client.force_login(coordinator)
    stale = _details(programme, aim="My own words.")
    client.post(url("programme_edit", programme), _details(programme))
    response = client.post(url("programme_edit", programme), stale)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this" in page
    assert "My own words." in page
    programme.refresh_from_db()
    assert programme.aim == "A sharper aim."


def test_a_participant_reads_the_programme_but_cannot_change_it(
    client, programme, officer
):
    client.force_login(officer)
    page = client.get(url("programme_home", programme)).content.decode()
    assert url("programme_edit", programme) not in page
    assert client.get(url("programme_edit", programme)).status_code == 403
    response = client.post(url("programme_move", programme), {"step": "close"})
    assert response.status_code == 403


def test_the_programme_moves_through_its_stages_audited(client, programme, coordinator):
    client.force_login(coordinator)
    for step, status in [
        ("start_collecting", "collecting"),
        ("start_analysis", "analysis"),
        ("start_evaluation", "evaluation"),
        ("close", "closed"),
    ]:
        data = {"step": step, "confirm_close": "1"}
        client.post(url("programme_move", programme), data)
        programme.refresh_from_db()
        assert programme.status == status
    assert programme.status_changed_by == coordinator
    assert len(audit(programme=programme, action="Programme moved on")) == 4


def test_a_stage_not_next_is_refused_with_a_message(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.post(
        url("programme_move", programme), {"step": "start_evaluation"}, follow=True
    )
    assert "cannot move to that stage" in response.content.decode()
    response = client.post(url("programme_move", programme), {"step": "x"}, follow=True)
    assert "not a stage" in response.content.decode()
    programme.refresh_from_db()
    assert programme.status == Programme.Status.PLANNING


def test_closing_needs_a_tick_as_well_as_the_button(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.post(
        url("programme_move", programme), {"step": "close"}, follow=True
    )
    assert "Tick the box to confirm" in response.content.decode()
    programme.refresh_from_db()
    assert programme.status == Programme.Status.PLANNING


def test_a_closed_programme_cannot_be_changed(client, programme, coordinator):
    client.force_login(coordinator)
    client.post(
        url("programme_move", programme), {"step": "close", "confirm_close": "1"}
    )
    response = client.post(url("programme_edit", programme), _details(programme))
    assert response.status_code == 200
    assert "A closed programme cannot be changed." in response.content.decode()
    page = client.get(url("programme_home", programme)).content.decode()
    assert url("programme_edit", programme) not in page


# --- Sites and their people -----------------------------------------------------------


def test_the_coordinator_adds_a_site(client, programme, coordinator, site_b):
    client.force_login(coordinator)
    response = client.post(
        url("participant_add", programme), {"site": site_b.pk, "team_name": "South"}
    )
    assert response["Location"] == url("participant_edit", programme, site="bravo")
    assert ProgrammeSite.objects.filter(programme=programme, site=site_b).exists()


def test_a_site_already_taking_part_is_not_offered_again(
    client, programme, coordinator, site_a
):
    client.force_login(coordinator)
    response = client.post(
        url("participant_add", programme), {"site": site_a.pk, "team_name": "Again"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert ProgrammeSite.objects.filter(programme=programme).count() == 1


def _people(**changes):
    return {
        "team_name": "North team",
        "advisor": "",
        "project_coordinator": "",
        "team_manager": "",
        "sponsor": "",
        "brief_issued_on": "",
        "version": "1",
        **changes,
    }


def test_a_sites_people_are_chosen_from_its_own_staff(
    client, programme, coordinator, advisor, site_b
):
    client.force_login(coordinator)
    elsewhere = member(site_b, Role.ADVISOR, "advisor-b")
    address = url("participant_edit", programme, site="alpha")
    response = client.post(address, _people(advisor=elsewhere.pk))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = client.post(
        address, _people(advisor=advisor.pk, brief_issued_on="2026-01-02")
    )
    assert response.status_code == 302
    place = ProgrammeSite.objects.get(programme=programme, site__slug="alpha")
    assert place.advisor == advisor
    assert place.brief_issued_on == datetime.date(2026, 1, 2)


def test_the_service_refuses_a_person_from_another_site(programme, coordinator, site_b):
    place = ProgrammeSite.objects.get(programme=programme)
    with pytest.raises(ValidationError) as refused:
        update_participant(
            place,
            by=coordinator,
            expected_version=1,
            sponsor=member(site_b, Role.SENIOR_MANAGER, "senior-b"),
        )
    assert "sponsor" in refused.value.message_dict


def test_a_site_not_taking_part_has_no_page(client, programme, coordinator, site_b):
    client.force_login(coordinator)
    assert (
        client.get(url("participant_edit", programme, site="bravo")).status_code == 404
    )


def _involvement(**changes):
    data = {}
    for role in Involvement.Role:
        data |= {
            f"{role}-cases_to_contribute": "0",
            f"{role}-meetings_to_attend": "1",
            f"{role}-hours_per_week": "0.5",
            f"{role}-notes": "",
        }
    return data | changes


def test_the_level_of_involvement_is_saved_per_role(client, programme, coordinator):
    client.force_login(coordinator)
    address = url("involvement_edit", programme, site="alpha")
    response = client.post(
        address,
        _involvement(
            **{
                "practitioner-cases_to_contribute": "3",
                "practitioner-notes": "Inside normal work",
            }
        ),
    )
    assert response.status_code == 302
    rows = {
        r.role: r for r in Involvement.objects.filter(participant__programme=programme)
    }
    assert len(rows) == len(Involvement.Role)
    assert rows["practitioner"].cases_to_contribute == 3
    assert rows["practitioner"].notes == "Inside normal work"
    # Saved again, the rows are changed, not added.
    client.post(address, _involvement(**{"advisor-hours_per_week": "2"}))
    assert Involvement.objects.filter(participant__programme=programme).count() == 6


def test_impossible_involvement_is_refused_and_keeps_the_typing(
    client, programme, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        url("involvement_edit", programme, site="alpha"),
        _involvement(**{"advisor-hours_per_week": "80", "team-notes": "Kept text"}),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please correct the problems below" in page
    assert "Kept text" in page
    assert not Involvement.objects.exists()


# --- The practitioner brief -------------------------------------------------------------


def _text(response):
    """The PDF's words, with table cells' line breaks read as spaces."""
    pages = pypdf.PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_practitioner_brief_is_one_page_that_says_what_to_do(
    client, programme, coordinator, advisor
):
    place = ProgrammeSite.objects.get(programme=programme)
    place.advisor = advisor
    place.save()
    # As full as a real brief: every role's commitment with notes, three partners.
    for role in Involvement.Role:
        Involvement.objects.create(
            participant=place,
            role=role,
            cases_to_contribute=4,
            notes="Cases recorded inside normal work; one meeting to present a "
            "case study to the other sites.",
        )
    for n in range(2):
        ProgrammeSiteFactory(
            programme=programme,
            site=SiteFactory(slug=f"partner-{n}"),
            team_name="Community assessment team",
        )
    client.force_login(coordinator)
    response = client.get(url("practitioner_brief_pdf", programme, site="alpha"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(pypdf.PdfReader(io.BytesIO(response.content)).pages) == 1
    text = _text(response)
    for expected in (
        "Practitioner brief",
        "Over 85s at home",
        "People over 85 living at home.",
        "5 January 2026",
        "North team",
        advisor.display_name,
        "Each practitioner",
    ):
        assert expected in text, expected


def test_every_print_of_the_brief_is_audited(client, programme, officer, site_a):
    client.force_login(officer)
    client.get(url("practitioner_brief_pdf", programme, site="alpha"))
    client.get(url("practitioner_brief_pdf", programme, site="alpha"))
    events = audit(kind=AuditEvent.Kind.PRINT, programme=programme)
    assert len(events) == 2
    assert {e.site for e in events} == {site_a}


@pytest.mark.parametrize("sites", [1, 4])
def test_the_brief_takes_a_fixed_number_of_queries(
    client, programme, coordinator, sites, django_assert_num_queries
):
    for n in range(sites - 1):
        ProgrammeSiteFactory(programme=programme, site=SiteFactory(slug=f"more-{n}"))
    client.force_login(coordinator)
    # Session, user; the programme; memberships; programme roles; participating
    # sites; the site's place; the partners; the involvement; the audit event.
    with django_assert_num_queries(10):
        response = client.get(url("practitioner_brief_pdf", programme, site="alpha"))
    assert response.status_code == 200
