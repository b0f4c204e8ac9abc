"""Assessment sections are objects: each owns its form, its template fragments and its
save, so no code or template tells sections apart by comparing their names."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template
from django_scopes import scopes_disabled

from assessments import sections, services
from assessments.models import Assessment, AssessmentSection
from tests.factories import PersonFactory

ROOT = Path(settings.BASE_DIR)
KEYS = set(AssessmentSection.Key.values)


def test_every_section_is_listed_once_in_page_order():
    assert [s.key for s in sections.SECTIONS] == list(AssessmentSection.Key)
    assert set(sections.BY_KEY) == KEYS


@pytest.mark.parametrize("section", sections.SECTIONS, ids=lambda s: s.key)
def test_each_section_owns_fragments_that_exist(section):
    get_template(section.read_template)
    get_template(section.form_template)
    assert section.title == AssessmentSection.Key(section.key).label


def _compared_names(tree):
    """String literals naming a section, used in a comparison or a membership test."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for operand in [node.left, *node.comparators]:
                for leaf in ast.walk(operand):
                    if isinstance(leaf, ast.Constant) and leaf.value in KEYS:
                        yield node.lineno


def test_no_python_compares_section_names_as_strings():
    found = []
    for path in sorted((ROOT / "assessments").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        found += [f"{path.relative_to(ROOT)}:{n}" for n in _compared_names(tree)]
    assert found == []


def test_the_python_check_finds_a_comparison_by_name():
    tree = ast.parse('if key == "eligibility" or name in {"outcomes"}:\n    pass\n')
    assert list(_compared_names(tree))


NAME_TEST = re.compile(
    r"""(?:==|!=|\bin)\s*["'](%s)["']""" % "|".join(sorted(KEYS))  # noqa: UP031
)


def test_no_assessment_template_compares_section_names():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sorted((ROOT / "templates" / "assessments").rglob("*.html"))
        for match in NAME_TEST.finditer(path.read_text())
    ]
    assert found == []


def test_the_template_check_finds_a_comparison_by_name():
    assert NAME_TEST.search('{% if s.key == "outcomes" %}')


@pytest.mark.django_db
def test_a_bound_section_carries_only_what_it_declares(site_a, officer):
    with scopes_disabled():
        draft = services.start_assessment(
            person=PersonFactory(site=site_a), kind=Assessment.Kind.NEEDS, by=officer
        )
        bound = sections.WHAT_MATTERS.bind(draft)
    with pytest.raises(AttributeError):
        bound.latest_assessment = draft  # an undeclared attribute
    assert sections.WHAT_MATTERS.read_only(draft).editable is False
    assert bound.editable is True


@pytest.mark.parametrize(
    ("section", "feeds"),
    [(s, s.key in {"outcomes", "wellbeing", "fluctuation"}) for s in sections.SECTIONS],
    ids=lambda v: getattr(v, "key", str(v)),
)
def test_only_outcomes_wellbeing_and_fluctuation_feed_eligibility(section, feeds):
    assert section.feeds_eligibility is feeds


@pytest.mark.django_db
def test_each_section_saves_through_its_own_service(site_a, officer):
    with scopes_disabled():
        draft = services.start_assessment(
            person=PersonFactory(site=site_a), kind=Assessment.Kind.NEEDS, by=officer
        )
        strengths = sections.STRENGTHS.bind(
            draft, {"version": "0", "strengths-strengths": "A kind neighbour"}
        )
        assert strengths.save(by=officer, latest=lambda: pytest.fail("not stale"))
        eligibility = sections.ELIGIBILITY.bind(
            Assessment.objects.get(pk=draft.pk),
            {"version": "0", "eligibility-confirm": "on"},
        )
        # Nothing is recorded yet: the eligibility service refuses, and says why.
        assert not eligibility.save(by=officer, latest=lambda: pytest.fail("stale"))
        saved = Assessment.objects.get(pk=draft.pk)
    assert saved.strengths == "A kind neighbour"
    assert "Eligibility cannot be confirmed yet" in eligibility.error
    assert saved.eligibility_confirmed_at is None
