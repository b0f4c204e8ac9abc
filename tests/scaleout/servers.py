"""Real app servers for the scale-out and restart tests: gunicorn processes against
the test database, and a tiny HTTP client that keeps its own cookies."""

import contextlib
import fcntl
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils.crypto import get_random_string

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough test passphrase"
APP_NAME = "carehub-test-server"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(port=None):
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = port or db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def set_real_password(user):
    """The servers run real settings, whose hashers leave out the tests' fast one."""
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, get_random_string(16))
    user.save(update_fields=["password"])


class Server:
    def __init__(self, port, process):
        self.port = port
        self.process = process

    def request(self, method, path, cookies, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
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

    def sign_in(self, cookies, username, password):
        _, _, page = self.request("GET", "/accounts/login/", cookies)
        token = csrf_token(page)
        return self.request(
            "POST",
            "/accounts/login/",
            cookies,
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@contextlib.contextmanager
def gunicorn_servers(count, **settings):
    """``count`` gunicorn instances (one worker each) with the given settings."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "false",  # production settings: real error pages, hashed static files
        "SECRET_KEY": "scale-out-test-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback in the test
        "PGAPPNAME": APP_NAME,  # libpq names the servers' sessions in PostgreSQL
        **settings,
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    _collect_static(env)
    servers = []
    for _ in range(count):
        port = free_port()
        process = subprocess.Popen(
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
        servers.append(Server(port, process))
    try:
        for server in servers:
            _wait_until_serving(server)
        yield servers
    finally:
        for server in servers:
            server.process.terminate()
        for server in servers:
            server.process.wait(timeout=20)
        _wait_until_disconnected()


def _collect_static(env):
    """``collectstatic`` as a release does (once at a time: xdist workers share the
    folder), so the servers run with WhiteNoise's manifest as in production."""
    with open(ROOT / ".collectstatic.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )


def _wait_until_disconnected():
    """Wait for PostgreSQL to end the servers' sessions, so the test database can be
    dropped at the end of the run (a backend outlives its client by a moment)."""
    db = connection.settings_dict
    with psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        dbname="postgres",
        autocommit=True,
    ) as admin:
        for _ in range(100):
            others = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                [APP_NAME],
            ).fetchone()[0]
            if not others:
                return
            time.sleep(0.1)


def _wait_until_serving(server):
    deadline = time.monotonic() + 90
    while True:
        try:
            if server.request("GET", "/accounts/login/", {})[0] == 200:
                return
        except OSError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(server.process.stderr.read().decode()[-2000:])
        time.sleep(0.3)
