"""Two app servers against one PostgreSQL (issue 11, item 16).

This is how CareHub outgrows one machine: stateless app servers behind a load
balancer, one PostgreSQL. The test starts two gunicorn instances on different ports
against the test database and shows that nothing one server needs is kept in the
other's memory: a session made on one is honoured by the other, and sign-in
throttling counts failed attempts made on both.

PostgreSQL only: SQLite's test database lives in the test process's memory, which no
other process can open (and SQLite is the single-user demo's database anyway).
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils.crypto import get_random_string

from sites.permissions import Role
from tests.factories import SiteFactory, member

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough test passphrase"
LIMIT = 3  # failed sign-ins before a lock, on the servers under test

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two processes need one shared database: PostgreSQL",
    ),
]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url():
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


class Server:
    """One gunicorn instance, and a tiny browser that keeps its own cookies."""

    def __init__(self, port):
        self.port = port

    def request(self, method, path, cookies, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(body)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, response.getheader("Location"), text


@pytest.fixture(scope="module")
def two_servers(django_db_setup, django_db_blocker):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DEBUG": "true",  # serves static files without a collectstatic step
        "SECRET_KEY": "two-servers-test-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SIGN_IN_FAILURE_LIMIT": str(LIMIT),
        "CONN_MAX_AGE": "0",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    servers, processes = [], []
    for _ in range(2):
        port = _free_port()
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "carehub.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
        servers.append(Server(port))
    try:
        for server, process in zip(servers, processes, strict=True):
            deadline = time.monotonic() + 60
            while True:
                try:
                    status, _, _ = server.request("GET", "/accounts/login/", {})
                    if status == 200:
                        break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(process.stderr.read().decode()[-2000:])
                time.sleep(0.3)
        yield servers
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def _sign_in(server, cookies, username, password):
    _, _, page = server.request("GET", "/accounts/login/", cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return server.request(
        "POST",
        "/accounts/login/",
        cookies,
        {"csrfmiddlewaretoken": token, "username": username, "password": password},
    )


@pytest.fixture
def officer_account():
    site = SiteFactory(slug="scale", name="Scale-out Council")
    user = member(site, Role.ASSESSING_OFFICER, "scale-officer")
    # The servers run real settings, whose hashers do not include the tests' fast one.
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, get_random_string(16))
    user.save(update_fields=["password"])
    return user


def test_a_session_made_on_one_server_works_on_the_other(two_servers, officer_account):
    first, second = two_servers
    cookies = {}
    status, location, _ = _sign_in(first, cookies, "scale-officer", PASSWORD)
    assert status == 302, "signed in on the first server"
    assert "sessionid" in cookies

    status, _, page = second.request("GET", "/s/scale/people/", cookies)
    assert status == 200, "the second server knows the session"
    assert "My people" in page

    # Signing out on the second ends the session on the first as well.
    _, _, home = second.request("GET", "/s/scale/people/", cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home).group(1)
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
        status, _, _ = _sign_in(server, {}, "scale-officer", "wrong password")
        answers.append(status)
    assert answers[:-1] == [200] * (LIMIT - 1), "wrong passwords, not yet locked"
    assert answers[-1] == 429, "locked after the limit, counted across both servers"
    # The right password is refused on either server while the lock lasts.
    for server in (first, second):
        status, _, page = _sign_in(server, {}, "scale-officer", PASSWORD)
        assert status == 429
        assert "locked" in page.lower()
