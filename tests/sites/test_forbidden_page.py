"""The 403 page (issue 10, item 16) keeps the site's navigation, says what the page
needs and whom each role should ask."""

import pytest
from django.urls import reverse

from sites.permissions import Role
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_an_officer_is_told_what_it_needs_and_to_ask_their_team_manager(
    client, officer
):
    client.force_login(officer)
    response = client.get(reverse("audit_list", args=["alpha"]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "You can't do that here" in html
    assert "(assessing officer) does not include this" in html
    assert "It needs permission to: see the site&#x27;s audit events." in html
    assert "ask your team manager" in html
    # The navigation stays: the member can go on to the pages they may open.
    assert reverse("person_list", args=["alpha"]) in html
    assert reverse("site_home", args=["alpha"]) in html


@pytest.mark.parametrize(
    ("role", "whom"),
    [
        (Role.PANEL_MEMBER, "the chair of the panel"),
        (Role.TEAM_MANAGER, "a senior manager at this site"),
        (Role.SENIOR_MANAGER, "system administrator"),
        (Role.ADVISOR, "the site coordinator"),
    ],
)
def test_each_role_is_told_whom_to_ask(client, site_a, role, whom):
    client.force_login(member(site_a, role))
    # Recording a person: no role here but the officer's and the manager's may.
    response = client.post(reverse("person_create", args=["alpha"]), {})
    if role == Role.TEAM_MANAGER:
        response = client.post(
            reverse("limit_list", args=["alpha"]), {"role": "team_manager"}
        )
    assert response.status_code == 403
    assert whom in response.content.decode()
