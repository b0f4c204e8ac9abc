"""Every programme form page opens in a fixed number of queries, however many sites,
staff and meetings there are (an N+1 in a choice list would fail here)."""

import datetime

import pytest
from django.urls import reverse

from sites.models import CollaborativeMeeting, ProgrammeMembership
from sites.permissions import Role
from tests.factories import (
    ProgrammeFactory,
    ProgrammeSiteFactory,
    SiteFactory,
    member,
    programme_records,
)

pytestmark = pytest.mark.django_db

# url name -> (record kwargs, queries). Every page: session, user; the programme,
# memberships, programme roles, participating sites (the middleware); then its own.
PAGES = {
    "programme_edit": (None, 6),
    "participant_add": (None, 7),  # + the sites not taking part
    "participant_edit": ({"site": "alpha"}, 11),  # + the place; 4 lists of staff
    "involvement_edit": ({"site": "alpha"}, 8),  # + the place, its involvement
    "milestone_add": (None, 6),
    "milestone_edit": ("milestone", 7),
    "programme_meeting_create": (None, 8),  # + the sites (initial, choices)
    "programme_meeting_edit": ("programme_meeting", 9),  # + meeting, its sites; sites
    "planning_row_add": (None, 7),
    "planning_row_edit": ("planning_row", 8),
    "learning_point_add": (None, 9),  # + sites, meetings, people
    "learning_point_edit": ("learning_point", 10),
}


@pytest.fixture
def crowded(programme, coordinator, site_a, request):
    """The programme with ``request.param`` more sites, each with staff, and a
    meeting per site."""
    for n in range(request.param):
        site = SiteFactory(slug=f"crowd-{n}")
        ProgrammeSiteFactory(programme=programme, site=site)
        for role in (Role.ADVISOR, Role.TEAM_MANAGER):
            member(site, role)
            member(site_a, role)
    records = programme_records(programme, by=coordinator)
    for n in range(request.param):
        CollaborativeMeeting.objects.create(
            programme=programme,
            title=f"Meeting {n}",
            held_on=datetime.date(2026, 6, 1),
            created_by=coordinator,
        )
    return records


@pytest.mark.parametrize("crowded", [0, 3], indirect=True)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_form_page_takes_a_fixed_number_of_queries(
    client, programme, coordinator, crowded, name, django_assert_num_queries
):
    extra, queries = PAGES[name]
    if isinstance(extra, str):
        extra = {"code": crowded[extra].code}
    address = reverse(name, kwargs={"programme_slug": programme.slug, **(extra or {})})
    client.force_login(coordinator)
    with django_assert_num_queries(queries):
        response = client.get(address)
    assert response.status_code == 200


@pytest.mark.parametrize("sites", [1, 4])
def test_starting_a_programme_takes_a_fixed_number_of_queries(
    client, senior, sites, django_assert_num_queries
):
    for n in range(sites - 1):
        SiteFactory(slug=f"other-{n}")
    client.force_login(senior)
    # Session, user, memberships.
    with django_assert_num_queries(3):
        response = client.get(reverse("programme_create", args=["alpha"]))
    assert response.status_code == 200


@pytest.mark.parametrize("programmes", [1, 3])
def test_the_home_page_of_a_coordinator_with_no_site_takes_fixed_queries(
    client, programme, coordinator, programmes, django_assert_num_queries
):
    for _ in range(programmes - 1):
        ProgrammeMembership.objects.create(
            programme=ProgrammeFactory(), user=coordinator, role="programme_coordinator"
        )
    client.force_login(coordinator)
    # Session, user, whether they belong to any site (the two-factor check), their
    # memberships (none); programmes; open actions; the site switcher's memberships.
    with django_assert_num_queries(7):
        response = client.get(reverse("home"))
    assert response.content.decode().count("/p/") >= programmes
