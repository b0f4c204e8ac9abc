"""One seeded demo for the module, exported once: each test runs inside its own
savepoint (pytest-django's ``db``), so restores made by a test are rolled back."""

import datetime
import io
import json
import zipfile

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django_scopes import scopes_disabled

from sites.models import Site
from sites.portability.export import export_site

NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def demo_archive(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seeded demo (kept for the module) and northshire's archive."""
    path = tmp_path_factory.mktemp("export") / "northshire.zip"
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        scopes_disabled(),
        transaction.atomic(),
    ):
        call_command("seed_demo", "--force", stdout=io.StringIO())
        export_site(Site.objects.get(slug="northshire"), path)
        yield path
        transaction.set_rollback(True)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False), scopes_disabled():
        yield


def rewrite_archive(source, target, *, change=None, manifest=None, drop=()):
    """Copy an archive, changing members: ``change`` {name: fn(bytes) -> bytes},
    ``manifest`` fn(dict) -> dict, ``drop`` names left out."""
    change = change or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            if name in drop:
                continue
            data = old.read(name)
            if name in change:
                data = change[name](data)
            if name == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            new.writestr(name, data)
    return target
