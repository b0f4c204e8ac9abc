"""Who reaches a collaborative programme's pages (/p/<programme>/…), and that they run
with no site scope (docs/architecture.md, "The collaborative programme")."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django_scopes import ScopeError

from assessments.models import Person
from sites.middleware import SiteScopeMiddleware
from sites.permissions import Role
from tests.factories import (
    ProgrammeFactory,
    ProgrammeSiteFactory,
    SiteFactory,
    member,
    programme_coordinator,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(site_a):
    programme = ProgrammeFactory(slug="over-85s", title="Over 85s at home")
    ProgrammeSiteFactory(programme=programme, site=site_a, team_name="North team")
    return programme


def home(programme):
    return reverse("programme_home", args=[programme.slug])


def test_anonymous_visitors_are_sent_to_sign_in(client, programme):
    response = client.get(home(programme))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_member_of_a_participating_site_sees_the_programme(
    client, programme, officer
):
    client.force_login(officer)
    response = client.get(home(programme))
    assert response.status_code == 200
    assert "Over 85s at home" in response.content.decode()
    assert "North team" in response.content.decode()


def test_the_programme_coordinator_needs_no_site_membership(client, programme):
    client.force_login(programme_coordinator(programme, "coordinator"))
    assert client.get(home(programme)).status_code == 200


def test_a_member_of_a_site_not_taking_part_gets_404(client, programme, outsider):
    client.force_login(outsider)
    assert client.get(home(programme)).status_code == 404


def test_an_unknown_programme_and_one_not_yours_look_the_same(client, outsider):
    client.force_login(outsider)
    assert client.get("/p/no-such-programme/").status_code == 404


def test_coordinating_another_programme_gives_no_access(client, programme):
    other = ProgrammeFactory(slug="other")
    client.force_login(programme_coordinator(other, "elsewhere"))
    assert client.get(home(programme)).status_code == 404


def test_an_inactive_site_membership_gives_no_access(client, programme, site_a):
    user = member(site_a, Role.ASSESSING_OFFICER, "gone")
    user.memberships.update(is_active=False)
    client.force_login(user)
    assert client.get(home(programme)).status_code == 404


def test_the_programme_home_takes_a_fixed_number_of_queries(
    client, programme, officer, django_assert_num_queries
):
    for n in range(3):
        ProgrammeSiteFactory(programme=programme, site=SiteFactory(slug=f"extra-{n}"))
    client.force_login(officer)
    # Session, user; the programme; the user's memberships; their programme roles;
    # the participating sites' ids; the participants with their people; the
    # schedule's progress; the next milestones; the next meeting (none here); the
    # open actions.
    with django_assert_num_queries(11):
        response = client.get(home(programme))
    assert len(response.context["participants"]) == 4


def test_programme_pages_run_with_no_site_scope(programme, officer):
    """A programme page that strayed into site-scoped records would raise, not leak."""

    def view(request):
        Person.objects.count()
        return HttpResponse("leaked")

    request = RequestFactory().get(home(programme))
    request.user = officer
    with pytest.raises(ScopeError):
        SiteScopeMiddleware(view)(request)
