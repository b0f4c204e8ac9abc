"""The database goes away under a running app and comes back (issue 11, item 15).

An app server (gunicorn, real settings, persistent connections) talks to PostgreSQL
through a small TCP relay that the test can cut: cutting it closes every open
connection and refuses new ones, which is what the app sees while PostgreSQL
restarts or fails over. (Restarting the shared PostgreSQL itself would break every
other test running beside this one.) While it is down every page answers a friendly
503 with Retry-After; once it is back, the same session carries on with no restart of
the app.
"""

import contextlib
import socket
import threading

import pytest
from django.db import connection

from sites.permissions import Role
from tests.factories import SiteFactory, member

from .servers import (
    PASSWORD,
    database_url,
    free_port,
    gunicorn_servers,
    set_real_password,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a database server another process can reach: PostgreSQL",
    ),
]


class Relay:
    """A TCP relay to PostgreSQL that can be cut and restored on the same port."""

    def __init__(self, target_port):
        self.port = free_port()
        self.target = ("127.0.0.1", int(target_port))
        self.listener = None
        self.open = []
        self.lock = threading.Lock()

    def up(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self):
        # shutdown() wakes the thread blocked in accept(); close() alone would not,
        # and the blocked accept() would go on taking connections.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for sock in self.open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.open.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            # shutdown() first: the other direction's thread is blocked in recv() on
            # these sockets, and close() alone would leave the connection open.
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()


@pytest.fixture
def relay():
    relay = Relay(connection.settings_dict.get("PORT") or 5432)
    relay.up()
    yield relay
    relay.down()


def test_pages_say_briefly_unavailable_while_the_database_is_down_then_work(
    relay,
):
    site = SiteFactory(slug="restart", name="Restart Council")
    set_real_password(member(site, Role.ASSESSING_OFFICER, "restart-officer"))
    people = "/s/restart/people/"
    settings = {"DATABASE_URL": database_url(relay.port), "CONN_MAX_AGE": "600"}
    with gunicorn_servers(1, **settings) as (server,):
        cookies = {}
        assert server.sign_in(cookies, "restart-officer", PASSWORD)[0] == 302
        assert server.request("GET", people, cookies)[0] == 200

        relay.down()  # PostgreSQL "restarts": open connections drop, new ones fail
        for _ in range(2):
            status, _, page = server.request("GET", people, cookies)
            assert status == 503
            assert "CareHub is briefly unavailable" in page
            assert "Nothing you saved" in page

        relay.up()  # back: the next request reconnects, the session still holds
        status, _, page = server.request("GET", people, cookies)
        assert status == 200
        assert "My people" in page
        assert server.process.poll() is None, "the app was never restarted"
