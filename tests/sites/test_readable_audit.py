"""A readable audit trail (issue 10, item 19): records by name with links for those
who may follow them, "who opened this person's file, and when?" in one search (no
name in the address), and the result as CSV for an information-governance request."""

import csv
import io

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from assessments import legal_services
from assessments.legal import Contact
from sites.audit_subjects import describe_events
from sites.models import AuditEvent
from sites.permissions import ROLE_CAPABILITIES, Role
from tests.factories import PersonFactory, member

pytestmark = pytest.mark.django_db

AUDIT = reverse("audit_list", args=["alpha"])
EXPORT = reverse("audit_export", args=["alpha"])


def _visit(client, user, *addresses):
    client.force_login(user)
    for address in addresses:
        assert client.get(address).status_code == 200


@pytest.fixture
def opened(client, records, officer, site_a):
    """The officer and a manager opened the plan's person's records; the officer
    also opened another person's."""
    plan = records["plan"]
    manager = member(site_a, Role.TEAM_MANAGER)
    theirs = [
        reverse("person_detail", args=["alpha", plan.person.code]),
        reverse("plan_detail", args=["alpha", plan.code]),
        reverse("assessment_detail", args=["alpha", plan.assessment.code]),
        reverse("decision_detail", args=["alpha", records["decision"].code]),
    ]
    _visit(client, officer, *theirs)
    _visit(client, manager, theirs[0])
    _visit(
        client,
        officer,
        reverse("person_detail", args=["alpha", records["person"].code]),
    )
    return {"person": plan.person, "other": records["person"], "manager": manager}


def test_events_name_people_and_records_with_links(client, opened, records, senior):
    client.force_login(senior)
    page = client.get(AUDIT).content.decode()
    person = opened["person"]
    plan = records["plan"]

    assert f'href="/s/alpha/people/{person.code}/">{person.full_name}</a>' in page
    assert (
        f'href="/s/alpha/plans/{plan.code}/">Care and support plan v1 · '
        f"{person.full_name}</a>"
    ) in page
    assert f"Needs assessment · {person.full_name}" in page
    assert f"Panel decision · {person.full_name}" in page
    assert "careplans.CarePlan" not in page
    assert "assessments.Person" not in page


def test_no_link_for_a_reader_who_may_not_follow_it(opened, site_a):
    request = RequestFactory().get("/")
    request.site = site_a
    request.capabilities = ROLE_CAPABILITIES[Role.SITE_COORDINATOR] | {"view_audit"}
    with scope(site=site_a):
        events = describe_events(
            request, AuditEvent.objects.filter(site=site_a, object_type__gt="")
        )
    person = opened["person"]
    named = [e.subject for e in events if e.subject.person == str(person.code)]
    assert named
    assert all(subject.url == "" for subject in named)
    assert person.full_name in {subject.name for subject in named}


def test_records_nobody_describes_are_named_by_their_kind(site_a):
    request = RequestFactory().get("/")
    request.site = site_a
    request.capabilities = frozenset()
    event = AuditEvent(kind="view", object_type="sites.Notification", object_code="x")
    describe_events(request, [event])
    assert event.subject.name == "Notification"


def test_who_opened_this_persons_file_is_one_search(client, opened, senior, officer):
    person = opened["person"]
    client.force_login(senior)

    found = client.post(AUDIT, {"find": person.family_name})

    # One match: straight to the events about them, by id, never by name.
    assert found.status_code == 302
    assert found["Location"] == f"{AUDIT}?person={person.code}"
    assert person.family_name not in found["Location"]
    page = client.get(found["Location"])
    events = list(page.context["page"].object_list)
    views = [e for e in events if e.kind == AuditEvent.Kind.VIEW]
    assert {e.user for e in views} == {officer, opened["manager"]}
    assert {e.object_type for e in views} == {
        "assessments.Person",
        "careplans.CarePlan",
        "assessments.Assessment",
        "panels.Decision",
    }
    assert all(e.subject.person == str(person.code) for e in events)
    assert "Events about the records of" in page.content.decode()
    assert str(opened["other"].code) not in {e.object_code for e in events}


def test_several_matches_are_offered_to_choose_from(client, site_a, senior):
    with scopes_disabled():
        twins = [
            PersonFactory(site=site_a, family_name="Quillfeather") for _ in range(2)
        ]
    client.force_login(senior)

    page = client.post(AUDIT, {"find": "quillfeather"})

    assert page.status_code == 200
    body = page.content.decode()
    for twin in twins:
        assert f"person={twin.code}" in body
        assert twin.full_name in body


def test_a_search_that_finds_nobody_or_nothing_typed_is_explained(client, senior):
    client.force_login(senior)
    nobody = client.post(AUDIT, {"find": "Nobodyhere"})
    assert "Nobody at Alpha Council matches that" in nobody.content.decode()
    blank = client.post(AUDIT, {"find": ""})
    assert "Type a name, NHS number or postcode to search." in blank.content.decode()


def test_a_person_of_another_site_or_a_bad_id_shows_no_events(
    client, opened, senior, site_b
):
    with scopes_disabled():
        stranger = PersonFactory(site=site_b)
    client.force_login(senior)
    for value in (str(stranger.code), "not-an-id"):
        page = client.get(AUDIT, {"person": value})
        assert page.status_code == 200
        assert page.context["page"].paginator.count == 0
    assert "is not recorded at Alpha Council" in page.content.decode()


def test_the_export_is_csv_of_the_filtered_events_and_is_audited(
    client, opened, senior
):
    person = opened["person"]
    client.force_login(senior)

    response = client.get(EXPORT, {"person": str(person.code)})

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert person.family_name not in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == [
        "When",
        "Member of staff",
        "User name",
        "What happened",
        "Record",
    ]
    body = rows[1:]
    views = [row for row in body if row[3] == "Viewed a record"]
    assert len(views) == 5  # four views by the officer, one by the manager
    assert all(person.full_name in row[4] for row in body)
    assert "Exported records" not in {row[3] for row in body}
    with scopes_disabled():
        export = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT, user=senior)
    assert export.object_type == "assessments.Person"
    assert export.object_code == str(person.code)
    assert export.in_words == f"Audit trail exported: {len(body)} rows"


def test_only_those_who_see_the_trail_may_export_it(client, officer, senior):
    client.force_login(officer)
    assert client.get(EXPORT).status_code == 403
    client.force_login(senior)
    assert client.get(EXPORT).status_code == 200


@pytest.mark.parametrize("people", [1, 4])
def test_the_person_filter_takes_a_fixed_number_of_queries(
    client, records, officer, senior, site_a, people, django_assert_num_queries
):
    plan = records["plan"]
    client.force_login(officer)
    for _ in range(people):
        client.get(reverse("plan_detail", args=["alpha", plan.code]))
        client.get(reverse("person_detail", args=["alpha", plan.person.code]))
        client.get(reverse("decision_detail", args=["alpha", records["decision"].code]))
    client.force_login(senior)
    # session, user, memberships; the form's members; the person; their records of
    # each registered kind (assessment, carer link, plan, review, programme case,
    # case study, panel item, decision, and the legal record's eight kinds: sixteen
    # queries, the person's own id needs none; letters and documents, two more; the
    # financial assessment, one more; subject-access requests, one more); the count
    # and the page; one query per kind of record on the page (person, plan, decision,
    # letter). None grows with the number of events.
    with django_assert_num_queries(32):
        response = client.get(AUDIT, {"person": str(plan.person.code)})
    assert response.status_code == 200


@pytest.mark.parametrize("rounds", [1, 4])
def test_a_page_of_named_events_takes_a_fixed_number_of_queries(
    client, records, officer, senior, rounds, django_assert_num_queries
):
    client.force_login(officer)
    for _ in range(rounds):
        client.get(reverse("plan_detail", args=["alpha", records["plan"].code]))
        client.get(reverse("person_detail", args=["alpha", records["person"].code]))
        client.get(reverse("meeting_detail", args=["alpha", records["meeting"].code]))
    client.force_login(senior)
    # session, user, memberships; the count and the page; one query per kind of
    # record on the page (person, plan, and the assessments of the fixture's
    # workflow steps, the fixture's letter and document, its subject-access request
    # and the person that request is about), however many events of each; the form's
    # members.
    with django_assert_num_queries(13):
        response = client.get(AUDIT)
    assert response.status_code == 200


def test_the_legal_record_is_named_and_found_by_person(
    client, records, officer, senior
):
    person = records["person"]
    with scopes_disabled():
        contact = legal_services.add_record(
            Contact,
            person=person,
            by=officer,
            noun="contact",
            kind="gp",
            name="Testfield Surgery",
            phone="0113 496 0001",
        )
    client.force_login(senior)

    page = client.get(AUDIT, {"person": str(person.code)})

    codes = {e.object_code for e in page.context["page"].object_list}
    assert str(contact.code) in codes
    assert f"Contact · {person.full_name}" in page.content.decode()
