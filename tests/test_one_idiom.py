"""One idiom for each thing, so a reader meets each rule written one way (issue 8 item 12).

Ruff keeps imports at the top (PLC0415); these are the project's own idioms, which no
linter knows: a GET-only view says ``@require_GET``; a site's rows are
``.filter(site=...)``; the text-limit form helper lives once, in ``sites.forms``.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("assessments", "careplans", "panels", "sites", "carehub", "benchmarks")
SOURCES = sorted(
    path
    for app in APPS
    for path in (ROOT / app).rglob("*.py")
    if "migrations" not in path.parts
)

DEPARTURES = {
    "require_http_methods with GET only (write @require_GET)": re.compile(
        r"require_http_methods\(\s*\[\s*[\"']GET[\"']\s*\]\s*\)"
    ),
    "a for_site() queryset method (write .filter(site=...))": re.compile(
        r"\.for_site\("
    ),
    "a text-limit form mixin outside sites/forms.py": re.compile(
        r"^class LimitText\w*\b", re.MULTILINE
    ),
}


def test_sources_were_found():
    assert len(SOURCES) > 50


@pytest.mark.parametrize("name", list(DEPARTURES))
def test_one_idiom(name):
    pattern = DEPARTURES[name]
    found = [
        str(path.relative_to(ROOT))
        for path in SOURCES
        if pattern.search(path.read_text())
        and not (name.startswith("a text-limit") and path == ROOT / "sites/forms.py")
    ]
    assert not found, f"{name}: {found}"
