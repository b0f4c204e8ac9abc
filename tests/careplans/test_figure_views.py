"""The programme's figure pages, re-bases, meeting pack, evaluation, and a site's own
figures: who gets what, what is shown, what is audited, and fixed query counts."""

import io
from datetime import date

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from pypdf import PdfReader

from careplans import figures
from careplans.programme import MeetingCaseStudy, PublishedCaseStudy, Rebase
from sites.models import AuditEvent
from sites.permissions import Role
from sites.programmes import CollaborativeMeeting, EvaluationAnswer, LearningPoint
from tests import figure_builders as build
from tests.factories import (
    ProgrammeFactory,
    ProgrammeSiteFactory,
    SiteFactory,
    member,
    programme_coordinator,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(site_a, site_b):
    programme = ProgrammeFactory(
        slug="over-85s", title="Over 85s at home", start_date=date(2026, 1, 1)
    )
    ProgrammeSiteFactory(programme=programme, site=site_a)
    ProgrammeSiteFactory(programme=programme, site=site_b)
    return programme


@pytest.fixture
def coordinator(programme):
    return programme_coordinator(programme, "carl-test")


def add_cases(programme, site, officer, n):
    """``n`` programme cases, each with an agreed plan of two responses."""
    with scopes_disabled():
        cases = []
        for _ in range(n):
            case = build.programme_case(programme, site, officer)
            plan = build.plan(case, officer, approved_on=date(2026, 2, 3))
            build.response(plan, weekly="30.00", replaces="20.00")
            build.response(plan, origin="service_led")
            cases.append(case)
        return cases


def published(programme, site, pseudonym="Mr and Mrs E", **sections):
    return PublishedCaseStudy.objects.create(
        programme=programme,
        site=site,
        pseudonym=pseudonym,
        age_band="85 to 89",
        sections={
            "situation": "She fell at home; he became her main carer.",
            "usual_offer": "Community meals.",
            "what_they_wanted": "Quality time together at mealtimes.",
            "what_was_arranged": "Dial-a-ride twice a week to a cafe of their choice.",
            **sections,
        },
        figures={"weekly_difference": "+£26.50"},
        approved_on=date(2026, 3, 1),
    )


def meeting_of(programme, by):
    return CollaborativeMeeting.objects.create(
        programme=programme,
        title="Second collaborative meeting",
        held_on=date(2026, 4, 1),
        agenda="1. Welcome\n2. Case studies\n3. Figures",
        created_by=by,
    )


# -- the dashboard ------------------------------------------------------------------


def test_a_participant_sees_the_programme_figures_disclosed(
    client, programme, officer, site_a
):
    cases = add_cases(programme, site_a, officer, 3)
    client.force_login(officer)
    response = client.get(reverse("programme_figures", args=[programme.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Programme figures" in page
    assert "fewer than 8" in page
    # Three cases with two responses each: every count is below 8, so shown as *.
    whose = response.context["shown"]["whose_idea"].table
    assert [c.display for c in whose.rows[0].cells] == ["*", "*", "0"]
    with scopes_disabled():
        for case in cases:
            assert case.person.family_name not in page
    assert page.count("<svg") >= 6


def test_the_programme_coordinator_sees_the_figures_without_a_site(
    client, programme, coordinator
):
    client.force_login(coordinator)
    assert (
        client.get(reverse("programme_figures", args=[programme.slug])).status_code
        == 200
    )


@pytest.mark.parametrize("cases", [1, 4])
def test_the_dashboard_takes_a_fixed_number_of_queries(
    client, programme, officer, site_a, cases, django_assert_num_queries
):
    add_cases(programme, site_a, officer, cases)
    client.force_login(officer)
    url = reverse("programme_figures", args=[programme.slug])
    # Middleware 6 (session, user, programme, memberships, programme roles, the
    # participating sites); the sites 1; eight for every figure and every monthly
    # series (careplans.figures.compute); the re-bases 1.
    with django_assert_num_queries(16):
        assert client.get(url).status_code == 200


def test_the_programmes_figures_are_kept_for_a_few_minutes(
    client, programme, officer, site_a, django_assert_num_queries
):
    add_cases(programme, site_a, officer, 1)
    client.force_login(officer)
    url = reverse("programme_figures", args=[programme.slug])
    first = client.get(url)
    assert "Figures worked out at" in first.content.decode()
    add_cases(programme, site_a, officer, 1)
    # Kept: middleware 6, the sites, the re-bases; no figure is worked out again.
    with django_assert_num_queries(8):
        kept = client.get(url)
    assert kept.context["shown"]["cases"].table.rows[0].cells[0].display == "*"
    assert kept.context["worked_out_at"] == first.context["worked_out_at"]
    figures.forget_programme_figures(programme)
    with django_assert_num_queries(16):
        client.get(url)


def test_the_programme_unmet_need_register_is_disclosed(
    client, programme, officer, site_a
):
    with scopes_disabled():
        (case,) = add_cases(programme, site_a, officer, 1)
        build.unmet(case.person.care_plans.get(), "commissioning")
    client.force_login(officer)
    response = client.get(reverse("programme_unmet_need", args=[programme.slug]))
    assert response.status_code == 200
    table = response.context["shown"]["unmet_need"].table
    site_row = next(r for r in table.rows if r.label == site_a.name)
    assert [c.display for c in site_row.cells][2] == "*"
    assert "Something wanted (synthetic)" not in response.content.decode()


# -- re-basing ------------------------------------------------------------------------


def test_the_coordinator_re_bases_a_measure_with_a_reason(
    client, programme, coordinator, unscoped
):
    client.force_login(coordinator)
    response = client.post(
        reverse("programme_rebase", args=[programme.slug]),
        {
            "measure": "asked_for",
            "from_period": "2026-03",
            "reason": "The new practitioner brief was issued.",
        },
    )
    assert response.status_code == 302
    rebase = Rebase.objects.get()
    assert rebase.from_period == date(2026, 3, 1)
    assert rebase.by == coordinator
    event = AuditEvent.objects.get(action="Control limits re-based")
    assert event.programme == programme
    assert event.details == {"measure": "asked_for", "from": "2026-03-01"}


def test_a_re_base_without_a_reason_is_refused_and_keeps_what_was_typed(
    client, programme, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        reverse("programme_rebase", args=[programme.slug]),
        {"measure": "asked_for", "from_period": "2026-03", "reason": "  "},
    )
    assert response.status_code == 200
    assert "Say why" in response.content.decode() or "required" in (
        response.content.decode()
    )
    assert 'value="2026-03' in response.content.decode()
    assert not Rebase.objects.exists()


def test_a_re_base_at_the_start_or_twice_is_refused(client, programme, coordinator):
    client.force_login(coordinator)
    url = reverse("programme_rebase", args=[programme.slug])
    data = {"measure": "asked_for", "from_period": "2026-01", "reason": "Because."}
    assert "after the first month" in client.post(url, data).content.decode()
    data["from_period"] = "2026-04"
    assert client.post(url, data).status_code == 302
    assert "already re-based" in client.post(url, data).content.decode()
    assert Rebase.objects.count() == 1


def test_a_participant_cannot_re_base(client, programme, officer):
    client.force_login(officer)
    url = reverse("programme_rebase", args=[programme.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"measure": "asked_for", "from_period": "2026-03", "reason": "No."}
    )
    assert response.status_code == 403
    assert not Rebase.objects.exists()


def test_a_malformed_month_is_a_message_not_a_500(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("programme_rebase", args=[programme.slug]),
        {"measure": "nonsense", "from_period": "March", "reason": "x"},
    )
    assert response.status_code == 200
    assert "Enter a month" in response.content.decode()


# -- the meeting's case studies and its pack -------------------------------------------


def test_the_coordinator_chooses_the_meetings_case_studies(
    client, programme, coordinator, site_a, site_b
):
    meeting = meeting_of(programme, coordinator)
    first, second = published(programme, site_a), published(programme, site_b, "Mr P")
    elsewhere = published(ProgrammeFactory(slug="elsewhere"), site_a, "Ms Q")
    client.force_login(coordinator)
    url = reverse("meeting_case_studies", args=[programme.slug, meeting.code])
    page = client.get(url).content.decode()
    assert "Mr and Mrs E" in page
    assert "Ms Q" not in page
    assert client.post(url, {"case_studies": [first.pk, second.pk]}).status_code == 302
    assert set(
        MeetingCaseStudy.objects.filter(meeting=meeting).values_list(
            "case_study", flat=True
        )
    ) == {first.pk, second.pk}
    # Another programme's case study cannot be brought.
    response = client.post(url, {"case_studies": [elsewhere.pk]})
    assert response.status_code == 200
    assert MeetingCaseStudy.objects.filter(meeting=meeting).count() == 2


def test_a_participant_reads_the_choice_but_cannot_change_it(
    client, programme, officer, coordinator, site_a
):
    meeting = meeting_of(programme, coordinator)
    study = published(programme, site_a)
    client.force_login(officer)
    url = reverse("meeting_case_studies", args=[programme.slug, meeting.code])
    assert client.get(url).status_code == 200
    assert client.post(url, {"case_studies": [study.pk]}).status_code == 403
    assert not MeetingCaseStudy.objects.exists()


def test_a_meeting_of_another_programme_is_not_found(client, programme, coordinator):
    other = ProgrammeFactory(slug="other-programme")
    meeting = meeting_of(other, coordinator)
    client.force_login(coordinator)
    url = reverse("meeting_case_studies", args=[programme.slug, meeting.code])
    assert client.get(url).status_code == 404
    url = reverse("meeting_pack", args=[programme.slug, meeting.code])
    assert client.get(url).status_code == 404


def _pdf_text(response):
    return "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )


def test_the_meeting_pack_prints_agenda_case_studies_actions_and_figures(
    client, programme, coordinator, officer, site_a, unscoped
):
    meeting = meeting_of(programme, coordinator)
    study = published(
        programme,
        site_a,
        outcomes="Both enjoy their food and each other's company.",
    )
    MeetingCaseStudy.objects.create(meeting=meeting, case_study=study, position=1)
    LearningPoint.objects.create(
        programme=programme,
        learning_point="Panels approved flexible transport readily.",
        action_point="Share the dial-a-ride contract with other sites",
        responsible=coordinator,
        implement_by=date(2026, 5, 1),
        created_by=coordinator,
    )
    LearningPoint.objects.create(
        programme=programme,
        learning_point="Done already.",
        action_point="A finished action",
        status=LearningPoint.Status.DONE,
        created_by=coordinator,
    )
    (case,) = add_cases(programme, site_a, officer, 1)
    client.force_login(coordinator)
    response = client.get(reverse("meeting_pack", args=[programme.slug, meeting.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response)
    for expected in [
        "Meeting pack",
        "Second collaborative meeting",
        "Case studies",
        "Mr and Mrs E",
        "Dial-a-ride twice a week",
        "Both enjoy their food",
        "+£26.50",
        "Share the dial-a-ride contract",
        "Programme figures",
        "Whose idea each response was",
        "Responses the person asked for",
    ]:
        assert expected in text, expected
    assert "A finished action" not in text
    with scopes_disabled():
        person = case.person
    assert person.family_name not in text
    assert person.given_name not in text
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PRINT)
    assert event.programme == programme
    assert event.object_code == str(meeting.code)
    assert event.action == "Meeting pack"


@pytest.mark.parametrize("studies", [1, 3])
def test_the_meeting_pack_takes_a_fixed_number_of_queries(
    client, programme, coordinator, site_a, studies, django_assert_num_queries
):
    meeting = meeting_of(programme, coordinator)
    for n in range(studies):
        MeetingCaseStudy.objects.create(
            meeting=meeting,
            case_study=published(programme, site_a, f"Case {n}"),
            position=n,
        )
        LearningPoint.objects.create(
            programme=programme,
            learning_point=f"Point {n}",
            action_point=f"Action {n}",
            responsible=coordinator,
            created_by=coordinator,
        )
    client.force_login(coordinator)
    # Middleware 6; the meeting; chosen studies; actions; the meeting's sites;
    # the participating sites; eight for the figures; re-bases; the audit event.
    with django_assert_num_queries(21):
        response = client.get(
            reverse("meeting_pack", args=[programme.slug, meeting.code])
        )
    assert response.status_code == 200


# -- evaluation ------------------------------------------------------------------------


def test_the_coordinator_answers_for_the_programme(
    client, programme, coordinator, unscoped
):
    client.force_login(coordinator)
    url = reverse("programme_evaluation_edit", args=[programme.slug])
    form = client.get(url).context["form"]
    data = {n: "" if form[n].value() is None else form[n].value() for n in form.fields}
    data["outcomes"] = "Mostly: 7 in 10 outcomes fully met."
    assert client.post(url, data).status_code == 302
    answer = EvaluationAnswer.objects.get(site=None, question="outcomes")
    assert answer.answer.startswith("Mostly")
    assert answer.answered_by == coordinator
    page = client.get(reverse("programme_evaluation", args=[programme.slug]))
    assert "Mostly: 7 in 10" in page.content.decode()
    assert AuditEvent.objects.filter(action="Evaluation answered").exists()


def test_a_stale_evaluation_save_is_refused_and_keeps_the_typing(
    client, programme, coordinator
):
    client.force_login(coordinator)
    url = reverse("programme_evaluation_edit", args=[programme.slug])
    form = client.get(url).context["form"]
    data = {n: "" if form[n].value() is None else form[n].value() for n in form.fields}
    EvaluationAnswer.objects.create(
        programme=programme, site=None, question="method", answer="Theirs"
    )
    data["method"] = "Mine, typed at length"
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved" in page
    assert "Mine, typed at length" in page
    assert EvaluationAnswer.objects.get(question="method").answer == "Theirs"


def test_a_sites_coordinator_answers_for_their_site_only(
    client, programme, site_a, site_b
):
    site_coordinator = member(site_a, Role.SITE_COORDINATOR, "coord-a")
    client.force_login(site_coordinator)
    url = reverse("site_evaluation_edit", args=[programme.slug, site_a.slug])
    form = client.get(url).context["form"]
    data = {n: "" if form[n].value() is None else form[n].value() for n in form.fields}
    data["gaps"] = "Training for panel members."
    assert client.post(url, data).status_code == 302
    assert EvaluationAnswer.objects.get(site=site_a, question="gaps")
    other = reverse("site_evaluation_edit", args=[programme.slug, site_b.slug])
    assert client.get(other).status_code == 403
    assert client.post(other, data).status_code == 403
    programme_level = reverse("programme_evaluation_edit", args=[programme.slug])
    assert client.post(programme_level, data).status_code == 403


def test_an_officer_cannot_answer_for_their_site(client, programme, officer, site_a):
    client.force_login(officer)
    url = reverse("site_evaluation_edit", args=[programme.slug, site_a.slug])
    assert client.get(url).status_code == 403


def test_a_site_not_in_the_programme_is_not_found(client, programme, coordinator):
    SiteFactory(slug="charlie")
    client.force_login(coordinator)
    url = reverse("site_evaluation_edit", args=[programme.slug, "charlie"])
    assert client.get(url).status_code == 404


def test_the_evaluation_prints_for_the_end_meeting(
    client, programme, coordinator, site_a, django_assert_num_queries, unscoped
):
    EvaluationAnswer.objects.create(
        programme=programme,
        site=site_a,
        question="use",
        answer="Every new starter reads the Evans case study.",
    )
    client.force_login(coordinator)
    url = reverse("programme_evaluation_pdf", args=[programme.slug])
    # Middleware 6; participants; answers; sites; eight for the figures; the audit.
    with django_assert_num_queries(18):
        response = client.get(url)
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response)
    assert "Were the desired outcomes achieved?" in text
    assert "Every new starter reads" in text
    assert "Alpha Council" in text
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.PRINT, action="Evaluation"
    ).exists()


# -- a site's own figures ------------------------------------------------------------


def test_a_site_sees_its_own_true_counts(client, programme, officer, site_a):
    add_cases(programme, site_a, officer, 3)
    client.force_login(officer)
    url = reverse("site_programme_figures", args=[site_a.slug, programme.slug])
    response = client.get(url)
    assert response.status_code == 200
    whose = response.context["shown"]["whose_idea"].table
    assert [c.display for c in whose.rows[0].cells] == ["3", "3", "0"]


@pytest.mark.parametrize("cases", [1, 4])
def test_a_sites_figures_take_a_fixed_number_of_queries(
    client, programme, officer, site_a, cases, django_assert_num_queries
):
    add_cases(programme, site_a, officer, cases)
    client.force_login(officer)
    url = reverse("site_programme_figures", args=[site_a.slug, programme.slug])
    # Session, user, memberships; the programme; eight for the figures; re-bases.
    with django_assert_num_queries(13):
        assert client.get(url).status_code == 200


def test_a_sites_unmet_need_register_lists_what_was_wanted(
    client, programme, officer, site_a
):
    with scopes_disabled():
        (case,) = add_cases(programme, site_a, officer, 1)
        build.unmet(
            case.person.care_plans.get(), "provider", what="A Chinese takeaway weekly"
        )
    client.force_login(officer)
    response = client.get(
        reverse("site_unmet_need", args=[site_a.slug, programme.slug])
    )
    page = response.content.decode()
    assert "A Chinese takeaway weekly" in page
    assert {c[0]: n for c, n in response.context["counts"]}["provider"] == 1


def test_a_panel_member_does_not_see_the_sites_programme_figures(
    client, programme, site_a
):
    client.force_login(member(site_a, Role.PANEL_MEMBER, "panel-a"))
    url = reverse("site_programme_figures", args=[site_a.slug, programme.slug])
    assert client.get(url).status_code == 403


def test_a_programme_the_site_is_not_in_is_not_found(client, officer, site_a):
    ProgrammeFactory(slug="not-ours")
    client.force_login(officer)
    url = reverse("site_programme_figures", args=[site_a.slug, "not-ours"])
    assert client.get(url).status_code == 404


# -- nobody reaches identifiable records through the programme ---------------------------


def test_the_programme_coordinator_and_other_sites_never_reach_the_person(
    client, programme, coordinator, officer, outsider, site_a
):
    (case,) = add_cases(programme, site_a, officer, 1)
    with scopes_disabled():
        plan = case.person.care_plans.get()
    for user in (coordinator, outsider):
        client.force_login(user)
        for name, code in [
            ("person_detail", case.person.code),
            ("assessment_detail", case.assessment.code),
            ("plan_detail", plan.code),
        ]:
            assert client.get(reverse(name, args=["alpha", code])).status_code == 404
        url = reverse("site_programme_figures", args=["alpha", programme.slug])
        assert client.get(url).status_code == 404
