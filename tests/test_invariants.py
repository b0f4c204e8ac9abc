"""Project-wide invariants: migrations, deployment checks, permissions doc."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from sites.permissions import CAPABILITIES, DOC_TABLES, ROLE_CAPABILITIES, Role

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_deploy_check_is_clean_under_production_settings():
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        },
        "DEBUG": "false",
        "SECRET_KEY": "x" * 60 + "-a-long-random-production-like-key",
        "ALLOWED_HOSTS": "carehub.example.org",
        "DATABASE_URL": "postgres://carehub@db.example.org:5432/carehub",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_every_role_maps_to_known_capabilities():
    assert set(ROLE_CAPABILITIES) == set(Role)
    for granted in ROLE_CAPABILITIES.values():
        assert granted <= set(CAPABILITIES)


@pytest.mark.parametrize("table", sorted(DOC_TABLES))
def test_permissions_doc_shows_the_current_table(table):
    doc = (ROOT / "docs" / "permissions.md").read_text()
    assert DOC_TABLES[table]() in doc, (
        "docs/permissions.md is out of date: run `manage.py permissions_table --write`"
    )
