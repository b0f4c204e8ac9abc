"""The cast every view test uses: two sites, members with and without a capability,
and an outsider from the other site."""

import pytest
from django_scopes import scope, scopes_disabled

from sites.permissions import Role

from .factories import SiteFactory, member


@pytest.fixture
def site_a(db):
    return SiteFactory(slug="alpha", name="Alpha Council")


@pytest.fixture
def site_b(db):
    return SiteFactory(slug="bravo", name="Bravo Trust")


@pytest.fixture
def officer(site_a):
    return member(site_a, Role.ASSESSING_OFFICER, "officer-a")


@pytest.fixture
def manager(site_a):
    return member(site_a, Role.TEAM_MANAGER, "manager-a")


@pytest.fixture
def senior(site_a):
    return member(site_a, Role.SENIOR_MANAGER, "senior-a")


@pytest.fixture
def chair(site_a):
    return member(site_a, Role.PANEL_CHAIR, "chair-a")


@pytest.fixture
def advisor(site_a):
    return member(site_a, Role.ADVISOR, "advisor-a")


@pytest.fixture
def outsider(site_b):
    """A member of the other site, with every role there."""
    user = member(site_b, Role.SENIOR_MANAGER, "outsider-b")
    from .factories import MembershipFactory

    for role in Role:
        if role != Role.SENIOR_MANAGER:
            MembershipFactory(user=user, site=site_b, role=role)
    return user


@pytest.fixture
def in_site_a(site_a):
    """Run the test body inside site A's scope, as a request would."""
    with scope(site=site_a):
        yield site_a


@pytest.fixture
def unscoped(db):
    with scopes_disabled():
        yield


def login(client, user):
    client.force_login(user)
    return client
