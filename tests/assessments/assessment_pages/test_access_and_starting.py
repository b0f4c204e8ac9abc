"""The assessment pages: who may open and change them, starting an assessment, the
view audit event and the query counts of the page."""

import pytest
from django_scopes import scope, scopes_disabled

from assessments import services
from assessments.models import Assessment
from sites.models import AuditEvent
from sites.permissions import Role
from tests.assessments.assessment_pages.posts import (
    CARER,
    NEEDS,
    detail_url,
    section_post,
    section_url,
    stored,
)
from tests.factories import (
    CarerLinkFactory,
    DesiredOutcomeFactory,
    NeedFactory,
    PersonFactory,
    StandardServiceFactory,
    make_ready_to_complete,
    member,
)
from tests.helpers import url

pytestmark = pytest.mark.django_db


# --- Permissions ---------------------------------------------------------------------

# Every role x every page (403 and nothing written, or served) is generated in
# tests/test_permissions.py. Here: real section data from an outsider changes nothing,
# and from a member who may, is saved.

# url name -> (method, a member who may use it, expected status)
VIEWS = {
    "assessment_create": ("post", "officer", 302),
    "assessment_detail": ("get", "advisor", 200),
    "assessment_section": ("post", "officer", 302),
    "assessment_complete": ("post", "manager", 302),
    "addendum_create": ("get", "officer", 200),
}


def view_request(name, draft):
    """(url, POST data) for one view, at site A."""
    if name == "assessment_create":
        return url(name, draft.person.code), {"kind": NEEDS}
    if name == "assessment_section":
        return section_url(draft, "what_matters"), section_post(
            draft, "what_matters", **{"what_matters-what_matters": "Home"}
        )
    return url(name, draft.code), {}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_member_of_another_site_gets_not_found(client, name, draft, outsider):
    address, data = view_request(name, draft)
    client.force_login(outsider)
    assert getattr(client, VIEWS[name][0])(address, data).status_code == 404
    assert stored(draft).what_matters == ""


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_member_with_the_capability_is_served(client, request, name, draft):
    method, with_it, status = VIEWS[name]
    address, data = view_request(name, draft)
    client.force_login(request.getfixturevalue(with_it))
    assert getattr(client, method)(address, data).status_code == status


def test_an_advisor_reads_the_assessment_but_gets_no_forms(client, advisor, draft):
    client.force_login(advisor)
    html = client.get(detail_url(draft)).content.decode()
    assert "Care Act outcomes" in html
    assert "Save this section" not in html
    assert 'name="version"' not in html
    assert "Complete the assessment" not in html


def test_an_assessment_of_another_site_is_not_found_here(client, officer, site_b):
    with scopes_disabled():
        there = PersonFactory(site=site_b)
        other = services.start_assessment(
            person=there, kind=NEEDS, by=member(site_b, Role.ASSESSING_OFFICER)
        )
    client.force_login(officer)
    assert client.get(detail_url(other)).status_code == 404
    response = client.post(
        section_url(other, "what_matters"),
        {"version": "0", "what_matters-what_matters": "x"},
    )
    assert response.status_code == 404
    assert stored(other).what_matters == ""


# --- Starting ------------------------------------------------------------------------


def test_starting_a_needs_assessment_opens_it(client, officer, person):
    client.force_login(officer)
    response = client.post(url("assessment_create", person.code), {"kind": NEEDS})
    with scopes_disabled():
        assessment = Assessment.objects.get(person=person)
        assert assessment.outcome_ratings.count() == 10
    assert response.status_code == 302
    assert response["Location"] == detail_url(assessment)
    assert assessment.started_by == officer


def test_starting_a_carers_assessment_without_a_link_explains_why_not(
    client, officer, person
):
    client.force_login(officer)
    response = client.post(
        url("assessment_create", person.code), {"kind": CARER}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == url("person_detail", person.code)
    assert "link the carer to the person they care for first" in (
        response.content.decode()
    )
    with scopes_disabled():
        assert not Assessment.objects.exists()


def test_a_carers_assessment_for_someone_they_do_not_care_for_is_refused(
    client, officer, person, site_a
):
    with scopes_disabled():
        stranger = PersonFactory(site=site_a)
    client.force_login(officer)
    response = client.post(
        url("assessment_create", person.code),
        {"kind": CARER, "cared_for": stranger.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with scopes_disabled():
        assert not Assessment.objects.exists()


def test_starting_a_carers_assessment_for_the_person_they_care_for(
    client, officer, person, site_a
):
    with scopes_disabled():
        cared_for = CarerLinkFactory(site=site_a, carer=person).cared_for
    client.force_login(officer)
    response = client.post(
        url("assessment_create", person.code),
        {"kind": CARER, "cared_for": cared_for.pk},
    )
    with scopes_disabled():
        assessment = Assessment.objects.get()
    assert response["Location"] == detail_url(assessment)
    assert (assessment.kind, assessment.cared_for) == (CARER, cared_for)
    page = client.get(detail_url(assessment)).content.decode()
    assert "Their caring role" in page
    assert f"Caring for {cared_for.display_name}" in page


@pytest.mark.parametrize("kind", ["", "holiday", "<script>"])
def test_starting_with_a_garbled_kind_gives_a_message_not_an_error(
    client, officer, person, kind
):
    client.force_login(officer)
    response = client.post(
        url("assessment_create", person.code), {"kind": kind}, follow=True
    )
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    with scopes_disabled():
        assert not Assessment.objects.exists()


def test_starting_needs_a_post(client, officer, person):
    client.force_login(officer)
    assert client.get(url("assessment_create", person.code)).status_code == 405


# --- Audit and query counts -----------------------------------------------------------


def test_the_assessment_page_records_a_view(client, advisor, draft, site_a):
    client.force_login(advisor)
    client.get(detail_url(draft))
    with scopes_disabled():
        [event] = AuditEvent.objects.filter(kind=AuditEvent.Kind.VIEW)
    assert event.object_type == "assessments.Assessment"
    assert event.object_code == str(draft.code)
    assert (event.user, event.site) == (advisor, site_a)
    assert "Ada" not in event.action
    assert "Lovelace" not in event.action


def _rows(assessment, count):
    """``count`` needs (with a usual offer each) and desired outcomes."""
    with scope(site=assessment.site):
        catalogue = [StandardServiceFactory(site=assessment.site) for _ in range(2)]
        for i in range(count):
            NeedFactory(assessment=assessment, usual_offer=catalogue[i % 2])
            DesiredOutcomeFactory(assessment=assessment)
        record = Assessment.objects.get(pk=assessment.pk)
        record.what_matters = "Home"
        record.save()


# Session, user, memberships; the assessment and its five kinds of rows (prefetched);
# the audit event. An editable draft also reads its sections' versions and binds its
# four formsets (outcomes, wellbeing, needs with the catalogue of services, desired
# outcomes): six queries more. (The session is not written: at most once a minute,
# see sites/accounts/sessions.py.)
# + the risks (issue 12): read with the assessment, and the draft's risk formset.
# + the documents attached to the assessment, with who attached them (one query,
# issue 12).
DRAFT_PAGE_QUERIES = 19
READ_ONLY_PAGE_QUERIES = 12


@pytest.mark.parametrize("rows", [1, 6])
def test_the_draft_page_takes_a_fixed_number_of_queries(
    client, officer, draft, rows, django_assert_num_queries
):
    _rows(draft, rows)
    client.force_login(officer)
    with django_assert_num_queries(DRAFT_PAGE_QUERIES):
        response = client.get(detail_url(draft))
    html = response.content.decode()
    assert response.context["editable"]
    # Each need and outcome, and one blank row each to add a need, a risk, an outcome.
    assert html.count('class="border rounded p-2 mb-2 row-form"') == 2 * rows + 3


@pytest.mark.parametrize("rows", [1, 6])
def test_the_completed_page_takes_a_fixed_number_of_queries(
    client, officer, draft, rows, django_assert_num_queries
):
    _rows(draft, rows)
    with scope(site=draft.site):
        make_ready_to_complete(draft, officer)
        services.complete_assessment(draft, by=officer)
        for i in range(rows):
            services.add_addendum(draft, by=officer, reason=f"R{i}", text=f"T{i}")
    client.force_login(officer)
    with django_assert_num_queries(READ_ONLY_PAGE_QUERIES):
        response = client.get(detail_url(draft))
    html = response.content.decode()
    assert not response.context["editable"]
    assert html.count("Would usually be offered") == rows + 1
    assert html.count("<strong>Reason:</strong>") == rows


@pytest.mark.parametrize("rows", [1, 6])
def test_a_readers_view_of_a_draft_takes_a_fixed_number_of_queries(
    client, advisor, officer, draft, rows, django_assert_num_queries
):
    _rows(draft, rows)
    client.force_login(advisor)
    with django_assert_num_queries(READ_ONLY_PAGE_QUERIES):
        response = client.get(detail_url(draft))
    assert response.content.decode().count("Would usually be offered") == rows
