"""Pseudonymised case studies: drafted from a programme case, checked against what
CareHub holds, reviewed by the site's advisor, approved by its project coordinator,
shared as a snapshot that never leads back to the person (issue 9)."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled
from pypdf import PdfReader

from careplans import programme_services as ps
from careplans.programme import CaseStudy, CaseStudyReplacement, PublishedCaseStudy
from sites.models import AuditEvent, ProgrammeSite, Site
from tests.careplans.programme_fixtures import (
    approved_case_study,
    clean_case_study,
    older_person,
    programme_url,
    site_url,
)
from tests.plan_factories import completed_assessment

pytestmark = pytest.mark.django_db


def pdf_text(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in reader.pages
    )


# --- drafting ------------------------------------------------------------------------


def test_a_draft_is_prefilled_from_the_case_with_names_replaced(
    client, cast, in_focus, case, officer
):
    client.force_login(officer)
    response = client.post(site_url("case_study_create", case.code))
    with scopes_disabled():
        case_study = CaseStudy.objects.get(programme_case=case)
        log = list(CaseStudyReplacement.objects.filter(case_study=case_study))
    assert response["Location"] == site_url("case_study_detail", case_study.code)
    assert case_study.pseudonym == "The Z family"
    assert case_study.age_band == "85\u201389"
    assert "Dial-a-ride to lunch" in case_study.what_was_arranged
    assert "(what the person asked for)" in case_study.what_was_arranged
    assert "Help with the weekly shop: once a week (service-led offer)" in (
        case_study.what_was_arranged
    )
    assert "£5.00 a week more" in case_study.cost
    assert "went to the funding panel: approved by panel in week 1" in (
        case_study.panel
    )
    for name, _ in CaseStudy.SECTIONS:
        assert "Zanzibarova" not in getattr(case_study, name)
    # The log stays with the identifiable record; it is shown to people who may see
    # the person, never to the coordinator.
    assert all(entry.site_id == case.site_id for entry in log)
    page = client.get(site_url("case_study_detail", case_study.code)).text
    assert "Anonymisation log" in page
    client.force_login(cast["coordinator"])
    page = client.get(site_url("case_study_detail", case_study.code)).text
    assert "Anonymisation log" not in page


def test_the_case_study_page_takes_a_fixed_number_of_queries(
    client, cast, case, officer, django_assert_num_queries
):
    case_study = clean_case_study(case, officer)
    client.force_login(officer)
    # Session, user, memberships; the case study with its case, person, plan and
    # people; the audit event; the check: the family and the programme's place for
    # the site (twice: the place names and the page's advisor); the anonymisation
    # log; the case's programme (for the audit event) and the site's name.
    with django_assert_num_queries(11):
        response = client.get(site_url("case_study_detail", case_study.code))
    assert response.status_code == 200
    assert "No identifying detail found" in response.text


# --- the check ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Quilla was lonely.", "A name of the person or their family"),
        ("Oswin cooked.", "A name of the person or their family"),
        ("NHS 999 000 0000 x", None),
        ("Lives at ZZ1 1ZZ.", "Their postcode"),
        ("Lives on Quagmire Lane.", "Part of their address"),
        ("Call 01632 960123.", "Their phone number"),
        ("Seen on 12 March 2025.", "An exact date"),
        ("Write to a@example.org.", "An email address"),
        ("The Zeta older people's team helped.", "A service or place name"),
        ("Alpha Council paid.", "A service or place name"),
    ],
)
def test_each_identifier_blocks_sending_it_on_with_the_place_shown(
    client, cast, in_focus, case, officer, text, label
):
    case_study = clean_case_study(case, officer)
    with scopes_disabled():
        case_study = ps.update_case_study(
            case_study,
            by=officer,
            expected_version=case_study.version,
            outcomes="All went well.\n" + text,
        )
        problems = ps.check_case_study(case_study, places=ps.places_for(case_study))
    if label is None:  # "999 000 0000" has no valid check digit: not an NHS number
        assert problems == []
        return
    assert [(p.heading, p.line) for p in problems] == [("Outcomes at review", 2)]
    assert problems[0].label.startswith(label)
    client.force_login(officer)
    response = client.post(site_url("case_study_submit", case_study.code), follow=True)
    assert "still identifies someone" in response.text
    assert "“Outcomes at review”, line 2" in response.text
    with scopes_disabled():
        assert CaseStudy.objects.get(pk=case_study.pk).status == "draft"


def test_the_worker_and_the_persons_nhs_number_block_too(cast, in_focus, case, officer):
    case_study = clean_case_study(case, officer)
    with scopes_disabled():
        person = in_focus["person"]
        case_study.learning = (
            f"{officer.last_name} noticed. Ref {person.nhs_number}. Born "
            f"{person.date_of_birth:%d/%m/%Y}."
        )
        labels = [p.label for p in ps.check_case_study(case_study)]
    assert labels == [
        "The allocated worker's name",
        "Their NHS number",
        "Their date of birth (use an age band instead)",
    ]


def test_a_clean_case_study_with_consent_goes_to_review(cast, case, officer):
    case_study = clean_case_study(case, officer)
    with scopes_disabled():
        assert ps.submit_case_study(case_study, by=officer).status == "in_review"
        assert AuditEvent.objects.filter(
            object_code=str(case_study.code),
            action="Case study sent for review",
            programme=cast["programme"],
        ).exists()


def test_consent_must_be_recorded_before_review(cast, case, officer):
    case_study = clean_case_study(case, officer, consent=False)
    with scopes_disabled(), pytest.raises(ValidationError) as refused:
        ps.submit_case_study(case_study, by=officer)
    assert refused.value.code == "consent"


# --- the workflow ---------------------------------------------------------------------


@pytest.fixture
def submitted(cast, case, officer):
    case_study = clean_case_study(case, officer)
    with scopes_disabled():
        return ps.submit_case_study(case_study, by=officer)


def test_only_the_sites_advisor_reviews(cast, submitted):
    with scopes_disabled():
        for who in ("officer", "coordinator", "manager"):
            with pytest.raises(ValidationError):
                ps.review_case_study(submitted, by=cast[who], recognisable="no")
        reviewed = ps.review_case_study(
            submitted, by=cast["advisor"], recognisable="no", note="Common story."
        )
    assert reviewed.status == "reviewed"
    assert reviewed.reviewed_by == cast["advisor"]


def test_a_recognisable_case_study_is_not_reviewed_but_returned(
    client, cast, submitted
):
    client.force_login(cast["advisor"])
    response = client.post(
        site_url("case_study_review", submitted.code), {"recognisable": "yes"}
    )
    assert "return it to the writer" in response.text
    response = client.post(
        site_url("case_study_review", submitted.code), {"recognisable": ""}
    )
    assert "Answer the question before you sign it off." in response.text
    response = client.post(
        site_url("case_study_return", submitted.code),
        {"reason": "The café is the only one in the county: name a kind of place."},
    )
    with scopes_disabled():
        submitted.refresh_from_db()
    assert submitted.status == "draft"
    assert "only one in the county" in submitted.returned_reason


def test_nobody_approves_their_own(cast, case):
    """The coordinator who wrote it cannot approve it."""
    with scopes_disabled():
        ProgrammeSite.objects.filter(site=case.site).update(
            project_coordinator=cast["officer"]
        )
        case_study = clean_case_study(case, cast["officer"])
        ps.submit_case_study(case_study, by=cast["officer"])
        ps.review_case_study(case_study, by=cast["advisor"], recognisable="no")
        with pytest.raises(ValidationError) as refused:
            ps.approve_case_study(case_study, by=cast["officer"])
    assert refused.value.code == "own_case_study"


def test_the_advisor_cannot_review_what_they_wrote(cast, case):
    with scopes_disabled():
        case_study = clean_case_study(case, cast["advisor"])
        ps.submit_case_study(case_study, by=cast["advisor"])
        with pytest.raises(ValidationError) as refused:
            ps.review_case_study(case_study, by=cast["advisor"], recognisable="no")
    assert refused.value.code == "own_case_study"


def test_only_the_project_coordinator_approves_and_a_snapshot_is_made(
    client, cast, case
):
    with scopes_disabled():
        case_study = clean_case_study(case, cast["officer"])
        ps.submit_case_study(case_study, by=cast["officer"])
        ps.review_case_study(case_study, by=cast["advisor"], recognisable="no")
        for who in ("officer", "advisor", "other_coordinator"):
            with pytest.raises(ValidationError):
                ps.approve_case_study(case_study, by=cast[who])
    client.force_login(cast["coordinator"])
    client.post(site_url("case_study_approve", case_study.code))
    with scopes_disabled():
        case_study.refresh_from_db()
        snapshot = case_study.published
    assert case_study.status == "approved"
    assert case_study.approved_by == cast["coordinator"]
    assert snapshot.pseudonym == "Mr and Mrs Q"
    assert snapshot.sections["learning"] == (
        "Ask what people want before naming a service."
    )
    assert snapshot.figures["difference_weekly"] == "5.00"
    assert snapshot.figures["asked_for"] == 1
    # Nothing in the snapshot leads back: no key, and no held identifier.
    keys = {f.name for f in PublishedCaseStudy._meta.get_fields()}
    assert not keys & {"case_study", "person", "assessment", "plan", "programme_case"}
    assert "Zanzibarova" not in str(snapshot.sections) + str(snapshot.figures)


def test_presenting_and_archiving_move_the_snapshot_too(cast, case):
    case_study = approved_case_study(case, cast)
    with scopes_disabled():
        ps.present_case_study(case_study, by=cast["coordinator"])
        assert case_study.published.__class__.objects.get(
            pk=case_study.published_id
        ).status == ("presented")
        ps.archive_case_study(case_study, by=cast["coordinator"])
        case_study.refresh_from_db()
        assert case_study.status == "archived"
        assert PublishedCaseStudy.objects.get(pk=case_study.published_id).status == (
            "archived"
        )


# --- the shared snapshot across sites -------------------------------------------------


@pytest.fixture
def shared(cast, case):
    case_study = approved_case_study(case, cast)
    with scopes_disabled():
        return case_study, case_study.published


@pytest.mark.parametrize("reader", ["other_coordinator", "other_officer", "lead"])
def test_other_sites_and_the_programme_coordinator_read_the_snapshot_only(
    client, cast, in_focus, shared, reader
):
    case_study, snapshot = shared
    programme = cast["programme"]
    client.force_login(cast[reader])
    listing = client.get(programme_url("shared_case_study_list", programme))
    assert listing.status_code == 200
    assert "Mr and Mrs Q" in listing.text
    page = client.get(
        programme_url("shared_case_study_detail", programme, snapshot.code)
    )
    assert page.status_code == 200
    assert "Ask what people want before naming a service." in page.text
    assert "Zanzibarova" not in page.text
    # ... and 404 for the person, assessment, plan and case study behind it, whether
    # asked through site A's addresses or their own site's.
    behind = [
        ("person_detail", in_focus["person"].code),
        ("assessment_detail", in_focus["assessment"].code),
        ("plan_detail", in_focus["plan"].code),
        ("plan_pdf", in_focus["plan"].code),
        ("case_study_detail", case_study.code),
        ("case_study_pdf", case_study.code),
        ("programme_case_detail", case_study.programme_case.code),
    ]
    for name, code in behind:
        assert client.get(site_url(name, code)).status_code == 404, name
        # Through their own site: not found, or (for a role that may not open such
        # pages at all) refused before anything is looked up.
        own = client.get(site_url(name, code, site="bravo")).status_code
        assert own in {403, 404}, name
        if reader == "other_officer":
            assert own == 404, name


def test_a_draft_is_never_shared(client, cast, case):
    case_study = clean_case_study(case, cast["officer"])
    client.force_login(cast["other_coordinator"])
    listing = client.get(programme_url("shared_case_study_list", cast["programme"]))
    assert "Mr and Mrs Q" not in listing.text
    assert (
        client.get(
            programme_url(
                "shared_case_study_detail", cast["programme"], case_study.code
            )
        ).status_code
        == 404
    )


@pytest.mark.parametrize("count", [1, 4])
def test_the_shared_list_takes_a_fixed_number_of_queries(
    client, cast, shared, count, django_assert_num_queries
):
    _, snapshot = shared
    for _ in range(count - 1):
        PublishedCaseStudy.objects.create(
            programme=cast["programme"],
            site=snapshot.site,
            pseudonym="Ms R",
            age_band="90\u201394",
            sections={},
            figures={},
            approved_on=snapshot.approved_on,
        )
    client.force_login(cast["lead"])
    # Session, user; the programme, memberships, programme roles, participating sites;
    # the case studies with their sites.
    with django_assert_num_queries(7):
        response = client.get(
            programme_url("shared_case_study_list", cast["programme"])
        )
    assert response.status_code == 200
    assert len(response.context["case_studies"]) == count


def test_the_shared_page_takes_a_fixed_number_of_queries(
    client, cast, shared, django_assert_num_queries
):
    _, snapshot = shared
    client.force_login(cast["lead"])
    with django_assert_num_queries(8):
        response = client.get(
            programme_url("shared_case_study_detail", cast["programme"], snapshot.code)
        )
    assert response.status_code == 200


# --- PDF --------------------------------------------------------------------------------


def test_the_case_study_pdf_is_marked_and_names_nobody(
    client, cast, in_focus, shared, django_assert_num_queries
):
    _, snapshot = shared
    client.force_login(cast["other_coordinator"])
    with django_assert_num_queries(8):
        response = client.get(
            programme_url("shared_case_study_pdf", cast["programme"], snapshot.code)
        )
    text = pdf_text(response)
    assert "Pseudonymised case study" in text
    assert "Over 85s at home" in text
    assert "Alpha Council" in text
    assert "What would usually have been offered" in text
    assert "Responses the person asked for" in text
    assert "Service-led responses" in text
    assert "£35.00 a week against £30.00" in text
    person = in_focus["person"]
    for identifier in (
        person.family_name,
        person.given_name,
        "Oswin",
        person.nhs_number,
        person.postcode,
        "Quagmire",
        "01632",
    ):
        assert identifier not in text
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            kind=AuditEvent.Kind.PRINT,
            object_code=str(snapshot.code),
            programme=cast["programme"],
        ).exists()


def test_the_sites_own_pdf_of_a_draft_says_so(client, cast, case, officer):
    case_study = clean_case_study(case, officer)
    client.force_login(officer)
    text = pdf_text(client.get(site_url("case_study_pdf", case_study.code)))
    assert "DRAFT: not approved for sharing" in text
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            kind=AuditEvent.Kind.PRINT, object_code=str(case_study.code)
        ).exists()


# --- CSV --------------------------------------------------------------------------------


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_programme_coordinator_exports_pseudonymised_rows(
    client, cast, in_focus, case, django_assert_num_queries
):
    client.force_login(cast["lead"])
    response = client.get(programme_url("programme_export", cast["programme"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    header, first = rows[0], rows[1]
    row = dict(zip(header, first, strict=True))
    assert row["Site"] == "Alpha Council"
    assert row["Case"] == "1"
    assert row["Responses the person asked for"] == "1"
    assert row["Difference against standard (weekly)"] == "5.00"
    body = "\n".join(",".join(r) for r in rows)
    for identifier in ("Zanzibarova", "Quilla", in_focus["person"].nhs_number):
        assert identifier not in body
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            kind=AuditEvent.Kind.EXPORT, programme=cast["programme"]
        ).exists()


def test_the_export_is_safe_against_formula_injection(client, cast, site_b, case):
    Site.objects.filter(pk=site_b.pk).update(name="=HYPERLINK(1)")
    Site.objects.filter(pk=case.site_id).update(name="@SUM(A1)")
    client.force_login(cast["lead"])
    rows = read_csv(client.get(programme_url("programme_export", cast["programme"])))
    assert rows[1][0] == "'@SUM(A1)"


def test_participants_who_are_not_coordinators_cannot_export(client, cast):
    client.force_login(cast["other_officer"])
    response = client.get(programme_url("programme_export", cast["programme"]))
    assert response.status_code == 403


@pytest.mark.parametrize("cases", [1, 3])
def test_the_export_takes_a_fixed_number_of_queries(
    client, cast, case, cases, site_a, officer, django_assert_num_queries
):
    with scopes_disabled():
        for n in range(cases - 1):
            # Another person (not a second record of the same name and birth).
            person = older_person(site_a, nhs_number="", given_name=f"Quilla{n}")
            completed_assessment(site_a, officer, person=person)
            ps.include_in_programme(
                programme=cast["programme"], person=person, by=officer
            )
    client.force_login(cast["lead"])
    with django_assert_num_queries(15):
        rows = read_csv(
            client.get(programme_url("programme_export", cast["programme"]))
        )
    assert len(rows) == cases + 1
