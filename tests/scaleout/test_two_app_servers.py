"""Two app servers against one PostgreSQL (issue 11, item 16).

This is how CareHub outgrows one machine: stateless app servers behind a load
balancer, one PostgreSQL. The test starts two gunicorn instances on different ports
against the test database and shows that nothing one server needs is kept in the
other's memory: a session made on one is honoured by the other, and sign-in
throttling counts failed attempts made on both.

PostgreSQL only: SQLite's test database lives in the test process's memory, which no
other process can open (and SQLite is the single-user demo's database anyway).
"""

import pytest
from django.db import connection

from sites.permissions import Role
from tests.factories import SiteFactory, member

from .servers import PASSWORD, csrf_token, gunicorn_servers, set_real_password

LIMIT = 3  # failed sign-ins before a lock, on the servers under test

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two processes need one shared database: PostgreSQL",
    ),
]


@pytest.fixture(scope="module")
def two_servers(django_db_setup, django_db_blocker):
    with gunicorn_servers(2, SIGN_IN_FAILURE_LIMIT=str(LIMIT), CONN_MAX_AGE="0") as s:
        yield s


@pytest.fixture
def officer_account():
    site = SiteFactory(slug="scale", name="Scale-out Council")
    user = member(site, Role.ASSESSING_OFFICER, "scale-officer")
    set_real_password(user)
    return user


def test_a_session_made_on_one_server_works_on_the_other(two_servers, officer_account):
    first, second = two_servers
    cookies = {}
    status, location, _ = first.sign_in(cookies, "scale-officer", PASSWORD)
    assert status == 302, "signed in on the first server"
    assert "sessionid" in cookies

    status, _, page = second.request("GET", "/s/scale/people/", cookies)
    assert status == 200, "the second server knows the session"
    assert "My people" in page

    # Signing out on the second ends the session on the first as well.
    _, _, home = second.request("GET", "/s/scale/people/", cookies)
    token = csrf_token(home)
    second.request("POST", "/accounts/logout/", cookies, {"csrfmiddlewaretoken": token})
    status, location, _ = first.request("GET", "/s/scale/people/", cookies)
    assert status == 302
    assert location.startswith("/accounts/login/")


def test_sign_in_throttling_counts_attempts_on_both_servers(
    two_servers, officer_account
):
    first, second = two_servers
    answers = []
    for attempt in range(LIMIT):
        server = (first, second)[attempt % 2]
        status, _, _ = server.sign_in({}, "scale-officer", "wrong password")
        answers.append(status)
    assert answers[:-1] == [200] * (LIMIT - 1), "wrong passwords, not yet locked"
    assert answers[-1] == 429, "locked after the limit, counted across both servers"
    # The right password is refused on either server while the lock lasts.
    for server in (first, second):
        status, _, page = server.sign_in({}, "scale-officer", PASSWORD)
        assert status == 429
        assert "locked" in page.lower()
