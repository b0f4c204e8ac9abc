"""Test modules stay short enough to read and are named by behaviour (issue 8 item 11):
a module past ~600 lines is split by what its tests are about, shared fixtures going
to a conftest.py and shared helpers to a module beside them (docs/testing.md)."""

from pathlib import Path

TESTS = Path(__file__).resolve().parent
MOST_LINES = 600
VAGUE_NAMES = ("more", "misc", "other", "extra", "2")


def _modules():
    return sorted(TESTS.rglob("*.py"))


def test_the_test_modules_were_found():
    assert len(_modules()) > 100


def test_no_test_module_is_over_six_hundred_lines():
    long = {
        str(path.relative_to(TESTS)): lines
        for path in _modules()
        if (lines := len(path.read_text().splitlines())) > MOST_LINES
    }
    assert not long, f"split these by behaviour (over {MOST_LINES} lines): {long}"


def test_no_test_module_is_named_as_a_leftover():
    vague = [
        str(path.relative_to(TESTS))
        for path in _modules()
        if path.stem.startswith("test_") and path.stem.rsplit("_", 1)[-1] in VAGUE_NAMES
    ]
    assert not vague, f"name these by what they test: {vague}"
