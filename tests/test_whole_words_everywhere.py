"""Text is never cut mid-word anywhere (issue 10, item 13): every place that shortens
text for a page, a pack or a PDF goes through ``sites.text.shorten`` (whole words, then
"…"). This walks the source, so a new slice or filter that cuts words fails here."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps

from sites.text import shorten

ROOT = Path(__file__).resolve().parent.parent
APPS = ("assessments", "careplans", "panels", "sites", "carehub")
# ``truncatechars`` cuts mid-word; only ids (not words) may be cut that way.
ALLOWED_TRUNCATECHARS = {"event.object_code|truncatechars"}


def _python_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def _sliced_text_in_str(path):
    """``__str__`` methods returning a slice (``self.text[:60]``)."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "__str__":
            for inner in ast.walk(node):
                if isinstance(inner, ast.Subscript) and isinstance(
                    inner.slice, ast.Slice
                ):
                    yield f"{path.relative_to(ROOT)}:{inner.lineno}"


def test_no_model_names_itself_with_a_cut_word():
    cut = [hit for path in _python_files() for hit in _sliced_text_in_str(path)]
    assert not cut, f"use sites.text.shorten instead of a slice: {cut}"


def test_no_code_cuts_text_with_djangos_truncator():
    users = [
        str(path.relative_to(ROOT))
        for path in _python_files()
        if "Truncator(" in path.read_text()
    ]
    assert not users, users


def test_no_template_cuts_text_mid_word():
    cut = []
    for path in (ROOT / "templates").rglob("*.html"):
        for match in re.finditer(r"([\w.]+\|truncatechars)", path.read_text()):
            if match.group(1) not in ALLOWED_TRUNCATECHARS:
                cut.append(f"{path.relative_to(ROOT)}: {match.group(1)}")
    assert not cut, f"use the |shorten filter (whole words): {cut}"


def test_no_stylesheet_hides_the_end_of_text():
    """An ellipsis drawn by CSS cuts mid-word on screen and in WeasyPrint's PDFs."""
    hits = [
        str(path.relative_to(ROOT))
        for path in [
            *(ROOT / "static" / "css").rglob("*.css"),
            *(ROOT / "templates").rglob("*.css"),
        ]
        if "text-overflow" in path.read_text()
    ]
    assert not hits, hits


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ("careplans.UnmetWant", "what_wanted"),
        ("sites.PlanningRow", "where_now"),
        ("sites.LearningPoint", "learning_point"),
    ],
)
def test_programme_records_name_themselves_in_whole_words(model, field):
    try:
        cls = apps.get_model(model)
    except LookupError:
        pytest.skip(f"{model} is not in this tree")
    text = "Lunch at the café with Karen on Tuesdays and a lift home afterwards"
    record = cls(**{field: text})
    assert str(record) == shorten(text, 60)
    assert not str(record).endswith("afterw")
