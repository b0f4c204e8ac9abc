"""Money is written in one place (sites/money.py): a pound sign followed by an
interpolated value anywhere else is a second formatter waiting to disagree."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATTER = ROOT / "sites" / "money.py"
SKIPPED = {".venv", "node_modules", "static", "tests", "migrations", ".git"}


def _files(pattern):
    for path in sorted(ROOT.rglob(pattern)):
        if SKIPPED.isdisjoint(path.relative_to(ROOT).parts):
            yield path


def _offending_lines(paths, needle):
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(needle, line):
                yield f"{path.relative_to(ROOT)}:{number}: {line.strip()}"


def test_no_python_module_but_the_formatter_writes_a_pound_sign_before_a_value():
    """No f"£{…}" (or "£{}".format) outside sites/money.py: use format_gbp.

    Tests may spell out the text they expect to read; migrations are frozen history
    (one may need to rewrite text exactly as an older version stored it)."""
    modules = [path for path in _files("*.py") if path != FORMATTER]
    assert len(modules) > 50  # the walk really reaches the apps
    offending = list(_offending_lines(modules, r"£\{"))
    assert not offending, "use sites.money.format_gbp:\n" + "\n".join(offending)


def test_no_template_writes_a_pound_sign_before_a_variable():
    """No £{{ amount }} in a template: use {{ amount|gbp }} (sites/templatetags/money)."""
    templates = list(_files("*.html"))
    assert len(templates) > 20
    offending = list(_offending_lines(templates, r"£\s*\{[{%]"))
    assert not offending, "use the gbp filter:\n" + "\n".join(offending)


def test_the_formatter_is_the_one_place_that_writes_a_pound_sign_before_a_value():
    assert list(_offending_lines([FORMATTER], r"£\{"))
