"""A manager merges two records of one person: everything is kept, in one record,
and the merge has its history (issue 10, item 11)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments.models import Assessment, CarerLink, Person
from assessments.services import merge_people, start_assessment
from sites.models import AuditEvent
from tests.factories import CarerLinkFactory, PersonFactory, valid_nhs_number
from tests.helpers import reload

pytestmark = pytest.mark.django_db

MERGE_PAGE_QUERIES = 6


def url(name, *args, **query):
    return reverse(name, args=["alpha", *args])


@pytest.fixture
def twins(site_a, officer):
    """Two records of one person: the second made without the NHS number."""
    with scopes_disabled():
        kept = PersonFactory(
            site=site_a,
            given_name="Edna",
            family_name="Testmerge",
            date_of_birth=date(1938, 5, 1),
            phone="",
        )
        other = PersonFactory(
            site=site_a,
            given_name="Edna",
            family_name="Testmerge",
            date_of_birth=date(1938, 5, 1),
            distinct_confirmed=True,
            nhs_number=valid_nhs_number(8),
            phone="0100 222",
        )
        assessment = start_assessment(person=other, kind="needs", by=officer)
        link = CarerLinkFactory(site=site_a, cared_for=other, relationship="son")
    return kept, other, assessment, link


def test_a_manager_merges_and_everything_moves_to_the_kept_record(
    client, manager, twins
):
    kept, other, assessment, link = twins
    client.force_login(manager)
    page = client.get(url("person_merge", kept.code), {"other": other.code})
    assert page.status_code == 200
    assert "0100 222" in page.content.decode()
    response = client.post(
        url("person_merge", kept.code), {"other": other.code, "confirm": "yes"}
    )
    assert response.status_code == 302
    assert reload(assessment).person == kept
    assert reload(link).cared_for == kept
    merged = reload(other)
    assert merged.merged_into == kept
    assert merged.merged_by == manager
    assert merged.nhs_number == ""
    assert reload(kept).nhs_number == valid_nhs_number(8)
    assert reload(kept).phone == "0100 222"
    with scopes_disabled():
        events = AuditEvent.objects.filter(action="Records of one person merged")
        assert {e.object_code for e in events} == {str(kept.code), str(other.code)}
        assert events[0].details["moved"]  # what moved, as data
        # The change history says who moved each row, and when.
        assert assessment.history.latest().history_user == manager
        assert merged.history.latest().merged_into_id == kept.pk


def test_the_merged_record_leads_to_the_kept_one_and_leaves_the_lists(
    client, manager, twins
):
    kept, other, _, _ = twins
    with scopes_disabled():
        merge_people(kept, other, by=manager)
    client.force_login(manager)
    html = client.get(url("person_detail", other.code)).content.decode()
    assert "This record was merged into" in html
    assert url("person_detail", kept.code) in html
    assert "Change details" not in html
    results = client.post(url("person_list"), {"q": "Testmerge"})["Location"]
    listed = client.get(results).context["page"]
    assert [p.pk for p in listed] == [kept.pk]


def test_merging_needs_a_confirmation(client, manager, twins):
    kept, other, assessment, _ = twins
    client.force_login(manager)
    response = client.post(url("person_merge", kept.code), {"other": other.code})
    assert "Tick the box to confirm" in response.content.decode()
    assert reload(assessment).person == other


def test_an_officer_cannot_merge(client, officer, twins):
    kept, other, _, _ = twins
    client.force_login(officer)
    response = client.post(
        url("person_merge", kept.code), {"other": other.code, "confirm": "yes"}
    )
    assert response.status_code == 403
    assert reload(other).merged_into is None


def test_two_people_linked_as_carer_and_cared_for_are_not_merged(
    client, manager, site_a
):
    with scopes_disabled():
        link = CarerLinkFactory(site=site_a, relationship="wife")
    client.force_login(manager)
    response = client.post(
        url("person_merge", link.carer.code),
        {"other": link.cared_for.code, "confirm": "yes"},
    )
    assert "so they are two people" in response.content.decode()
    assert reload(link.cared_for).merged_into is None


def test_different_nhs_numbers_are_not_merged(in_site_a, manager):
    a = PersonFactory(site=in_site_a, nhs_number=valid_nhs_number(11))
    b = PersonFactory(site=in_site_a, nhs_number=valid_nhs_number(12))
    with pytest.raises(ValidationError) as refused:
        merge_people(a, b, by=manager)
    assert refused.value.code == "nhs_number"


def test_both_linked_to_the_same_carer_is_refused_not_a_500(client, manager, twins):
    kept, other, _, link = twins
    with scopes_disabled():
        CarerLink.objects.create(
            site=kept.site,
            carer=link.carer,
            cared_for=kept,
            willing_to_continue="yes",
            able_to_continue="yes",
        )
    client.force_login(manager)
    response = client.post(
        url("person_merge", kept.code), {"other": other.code, "confirm": "yes"}
    )
    assert response.status_code == 200
    assert "same carer or cared-for person" in response.content.decode()
    with scopes_disabled():
        assert Person.objects.filter(merged_into__isnull=False).count() == 0
        assert Assessment.objects.filter(person=other).count() == 1


def test_the_comparison_page_takes_a_fixed_number_of_queries(
    client, manager, twins, django_assert_num_queries
):
    kept, other, _, _ = twins
    client.force_login(manager)
    client.get(url("person_list"))  # the session's first write is done
    # Session, user, memberships; the kept record; the other; the audit event of
    # the view (the person's records are not listed, so none grows with them).
    with django_assert_num_queries(MERGE_PAGE_QUERIES):
        assert (
            client.get(
                url("person_merge", kept.code), {"other": other.code}
            ).status_code
            == 200
        )
