"""The demo's data for tests, seeded once per test process and copied back after that.

`seed_demo` goes through every service (audit events, history, notifications) and
costs about 14 s of CPU; the browser journeys each start from it. The first test in a
process that asks for the demo runs the real command on the database as migrations
left it (copied aside when the test database was made, so rows that data migrations
add, such as milestone templates, are there) and copies every table aside; later tests get the same rows back in a fraction of a
second (PostgreSQL: COPY; SQLite: one INSERT per table), with the sequences moved
past them. Tests of the command itself (tests/sites/test_seed.py and the demo tests
that seed twice) still call `seed_demo`.
"""

import io

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

_migrated = None
_snapshots = {}


def _tables():
    return sorted(
        connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
    )


def _take():
    tables = {}
    with connection.cursor() as cursor:
        for table in _tables():
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quoted} TO STDOUT") as copy:
                    tables[table] = b"".join(bytes(chunk) for chunk in copy)
            else:
                cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - our tables
                columns = [c[0] for c in cursor.description]
                tables[table] = (columns, cursor.fetchall())
    return tables


def _restore(tables):
    flush = connection.ops.sql_flush(
        no_style(), list(tables), reset_sequences=False, allow_cascade=True
    )
    with transaction.atomic(), connection.cursor() as cursor:
        connection.ops.execute_sql_flush(flush)
        for table, data in tables.items():
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                if data:
                    with cursor.cursor.copy(f"COPY {quoted} FROM STDIN") as copy:
                        copy.write(data)
            elif data[1]:
                columns, rows = data
                names = ", ".join(connection.ops.quote_name(c) for c in columns)
                marks = ", ".join("%s" for _ in columns)
                cursor.executemany(
                    f"INSERT INTO {quoted} ({names}) VALUES ({marks})",  # noqa: S608
                    rows,
                )
        models = apps.get_models(include_auto_created=True)
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _forget_process_state():
    """What the process remembers about rows by id (content types, cached figures)
    would be stale against rows with the same ids and codes but other contents."""
    ContentType.objects.clear_cache()
    for cache in caches.all():
        cache.clear()


def remember_migrated_state():
    """Copy the freshly migrated test database aside (once per test process)."""
    global _migrated
    _migrated = _take()


def _seed_the_demo():
    call_command("seed_demo", "--force", stdout=io.StringIO())


def seed_demo(seed=_seed_the_demo):
    """The database holds exactly what ``seed`` (by default `seed_demo`) leaves on the
    database as migrations made it. Each ``seed`` runs once per test process; later
    calls copy its rows back."""
    _forget_process_state()
    if seed not in _snapshots:
        if _migrated is None:  # a test database kept from an earlier run (--reuse-db)
            call_command("flush", "--no-input", verbosity=0)
        else:
            _restore(_migrated)
        _forget_process_state()
        seed()
        _snapshots[seed] = _take()
    else:
        _restore(_snapshots[seed])
