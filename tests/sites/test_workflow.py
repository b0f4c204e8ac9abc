"""Workflow steps written once (sites/workflow.py): every status change goes through
it, each model's map says what its services allow, and the helper checks the row as
it is now, under lock, not the caller's copy."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from assessments.models import Assessment
from careplans.models import CarePlan, Review
from panels.models import PanelMeeting
from sites import workflow
from sites.workflow import Step, Workflow

ROOT = Path(settings.BASE_DIR)
APPS = ["sites", "assessments", "careplans", "panels"]
# Bulk seeding for benchmarks builds rows in a given state; it never changes one.
NOT_WORKFLOW = {Path("sites/workflow.py")}


def _app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative in NOT_WORKFLOW:
                continue
            yield relative, ast.parse(path.read_text(), filename=str(path))


def _status_writes(tree):
    """Lines that set a status by hand: ``x.status = ...`` or ``.update(status=...)``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    yield node.lineno
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"update", "bulk_update"}
            and any(k.arg == "status" for k in node.keywords)
        ):
            yield node.lineno


def test_no_code_sets_a_status_except_the_workflow_helper():
    found = [
        f"{path}:{line}"
        for path, tree in _app_modules()
        for line in _status_writes(tree)
    ]
    assert found == [], "set a status with sites.workflow (apply / transition)"


def test_the_status_check_finds_a_hand_written_change():
    tree = ast.parse(
        "plan.status = 'approved'\nReview.objects.filter(x=1).update(status='c')\n"
    )
    assert list(_status_writes(tree)) == [1, 2]


# The maps the services kept before the steps were declared: declaring them as steps
# changed nothing that is allowed.
P, A, M = CarePlan.Status, Assessment.Status, PanelMeeting.Status


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (
            CarePlan,
            {
                P.DRAFT: {P.AWAITING_SIGN_OFF, P.AWAITING_PANEL, P.APPROVED, P.CLOSED},
                P.AWAITING_SIGN_OFF: {P.APPROVED, P.DRAFT},
                P.AWAITING_PANEL: {P.APPROVED, P.DRAFT, P.CLOSED},
                P.APPROVED: {P.UNDER_REVIEW, P.CLOSED},
                P.UNDER_REVIEW: {P.APPROVED, P.CLOSED},
                P.CLOSED: set(),
            },
        ),
        (Assessment, {A.DRAFT: {A.COMPLETED}, A.COMPLETED: set()}),
        (
            PanelMeeting,
            {M.SCHEDULED: {M.IN_SESSION}, M.IN_SESSION: {M.CLOSED}, M.CLOSED: set()},
        ),
        (
            Review,
            {
                Review.Status.SCHEDULED: {
                    Review.Status.COMPLETED,
                    Review.Status.CANCELLED,
                },
                Review.Status.COMPLETED: set(),
                Review.Status.CANCELLED: set(),
            },
        ),
    ],
)
def test_each_models_map_is_made_from_its_steps(model, expected):
    declared = model.TRANSITIONS
    assert declared == expected
    assert declared == model.WORKFLOW.transitions


class _Status(models.TextChoices):
    OPEN = "open", "Open"
    SHUT = "shut", "Shut"


def test_a_step_naming_an_unknown_status_is_refused_when_declared():
    with pytest.raises(ValueError, match="unknown status"):
        Workflow(_Status, Step("close", {"open"}, "closed"))


def test_a_step_name_is_declared_once():
    with pytest.raises(ValueError, match="declared twice"):
        Workflow(
            _Status, Step("close", {"open"}, "shut"), Step("close", {"open"}, "shut")
        )


def test_a_refusal_names_the_status_in_words():
    record = type(
        "Record", (), {"status": "shut", "get_status_display": lambda self: "Shut"}
    )()
    step = Step("close", {"open"}, "shut", refusal="It is {status} already.", code="x")

    with pytest.raises(ValidationError) as caught:
        workflow.refuse_unless_allowed(record, step)

    assert caught.value.messages == ["It is shut already."]
    assert caught.value.code == "x"
    assert not workflow.can_take(record, step)
