"""Every setting CareHub reads from the environment is in `.env.example` and in the
table of docs/configuration.md (issue 8 item 13: `CAREHUB_BASE_URL` was missing).

The names are found in the code, not listed here, so a new variable is checked the day
it is read."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("carehub", "sites", "assessments", "careplans", "panels")
READ = re.compile(
    r"""(?:env_\w+|environ\.get|getenv|environ\[)\(?\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def _read_names():
    names = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                names.update(READ.findall(path.read_text()))
    return sorted(names)


NAMES = _read_names()


def test_the_settings_are_found():
    # A change to how settings are read must not make this test check nothing.
    assert {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CAREHUB_BASE_URL"} <= set(
        NAMES
    )


@pytest.mark.parametrize("name", NAMES)
def test_the_variable_is_in_the_example_environment(name):
    example = (ROOT / ".env.example").read_text()
    assert re.search(rf"^#? ?{name}=", example, re.MULTILINE), name


@pytest.mark.parametrize("name", NAMES)
def test_the_variable_is_in_the_configuration_table(name):
    doc = (ROOT / "docs" / "configuration.md").read_text()
    assert re.search(rf"^\|[^|\n]*`{name}`", doc, re.MULTILINE), name
