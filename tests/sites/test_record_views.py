"""Every page that shows a person's record records the view (issue 10, item 19).

Generated from the isolation matrix: every site page whose address names a record
and which a member with every role opens with GET must leave a view, print or export event
(by that member) about a record. A new page that forgets is caught here."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from sites.models import AuditEvent
from sites.permissions import Role
from tests.factories import MembershipFactory, PersonFactory
from tests.test_isolation import SITE_URLS, _kwargs

pytestmark = pytest.mark.django_db

# Pages that name a record but show nobody's record: taking a step, or a meeting's
# own actions (each answers GET with 405 or a redirect, checked below).
# Pages whose address names a programme, not a person's record, and which show the
# site's figures and its register of wants: counts, never a person's record; and
# the form that moves a meeting, which shows the meeting's date and place only.
NOT_A_PERSONS_RECORD = {
    "site_programme_figures",
    "site_unmet_need",
    "meeting_reschedule",
    # A background job's page shows its title and progress only; its download is
    # recorded as an export (tests/sites/test_jobs.py), not as a view.
    "job_detail",
    "job_download",
}
RECORD_PAGES = sorted(
    name
    for name, build in SITE_URLS.items()
    if build and name not in NOT_A_PERSONS_RECORD
)


@pytest.fixture
def everyone(records, site_a):
    """The officer of the records, holding every role at site A."""
    user = records["officer"]
    for role in Role:
        if role != Role.ASSESSING_OFFICER:
            MembershipFactory(user=user, site=site_a, role=role)
    return user


def _views(user):
    with scopes_disabled():
        return AuditEvent.objects.filter(
            user=user,
            # A download (the plan as FHIR) is recorded as an export.
            kind__in=[
                AuditEvent.Kind.VIEW,
                AuditEvent.Kind.PRINT,
                AuditEvent.Kind.EXPORT,
            ],
        ).count()


@pytest.mark.parametrize("name", RECORD_PAGES)
def test_every_page_that_shows_a_record_records_the_view(
    client, name, records, everyone
):
    client.force_login(everyone)
    before = _views(everyone)
    response = client.get(reverse(name, kwargs=_kwargs(name, records)))
    if response.status_code in {302, 405}:
        # An action (POST only) or a page that sends the member elsewhere shows
        # nothing itself; the page it sends them to is tested in its own right.
        assert _views(everyone) == before
        return
    assert response.status_code == 200
    assert _views(everyone) > before, f"{name} shows a record without recording it"


def test_search_results_record_each_person_shown(client, site_a, officer):
    with scopes_disabled():
        shown = [PersonFactory(site=site_a, family_name="Zedwardson") for _ in range(3)]
        PersonFactory(site=site_a, family_name="Otherby")
    client.force_login(officer)
    # A search is posted, then shown at an address that holds a token, not the name.
    client.post(
        reverse("person_list", args=["alpha"]), {"q": "zedwardson"}, follow=True
    )
    with scopes_disabled():
        seen = set(
            AuditEvent.objects.filter(
                user=officer, kind=AuditEvent.Kind.VIEW, action="Search results"
            ).values_list("object_code", flat=True)
        )
    assert seen == {str(p.code) for p in shown}


def test_a_plain_caseload_is_not_a_search(client, officer):
    client.force_login(officer)
    client.get(reverse("person_list", args=["alpha"]))
    assert _views(officer) == 0


def test_the_agenda_records_a_view_of_each_plan_on_it(client, records, everyone):
    client.force_login(everyone)
    client.get(reverse("meeting_detail", kwargs=_kwargs("meeting_detail", records)))
    with scopes_disabled():
        seen = AuditEvent.objects.filter(
            user=everyone, kind=AuditEvent.Kind.VIEW, object_type="careplans.CarePlan"
        ).values_list("object_code", flat=True)
        assert set(seen) == {str(records["plan"].code)}
