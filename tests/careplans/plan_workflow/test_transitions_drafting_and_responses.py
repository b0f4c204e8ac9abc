"""Care-plan services: every transition allowed and refused (the matrix), drafting a
plan from an assessment, and its responses. Who did it and when, and the audit trail."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Assessment
from careplans import services
from careplans.models import CarePlan, Review
from tests.careplans.plan_workflow.plan_steps import REASON, S
from tests.factories import CarerLinkFactory, PersonFactory
from tests.helpers import refused, reload, transitions
from tests.plan_factories import (
    add_response,
    completed_assessment,
    draft_plan,
    plan_in_status,
    plan_with,
)


@pytest.fixture
def cast(officer, manager, senior, chair):
    return SimpleNamespace(officer=officer, manager=manager, senior=senior, chair=chair)


# --- The transition matrix ------------------------------------------------------------


def open_review(plan):
    return plan.reviews.open().first() or Review.objects.create(
        site=plan.site, plan=plan, kind=Review.Kind.FIRST, due_date=timezone.localdate()
    )


ACTIONS = {
    "submit": (lambda p, c: services.submit_plan(p, by=c.officer), "officer"),
    "sign_off": (lambda p, c: services.sign_off_plan(p, by=c.manager), "manager"),
    "return": (
        lambda p, c: services.return_plan(p, by=c.manager, reason=REASON),
        "manager",
    ),
    "approve_by_panel": (
        lambda p, c: services.approve_plan_by_panel(
            p, by=c.chair, authorised_weekly=Decimal("20.00")
        ),
        "chair",
    ),
    "return_from_panel": (
        lambda p, c: services.return_plan_from_panel(p, by=c.chair, reason=REASON),
        "chair",
    ),
    "close": (
        lambda p, c: services.close_plan(p, by=c.officer, reason="Moved away."),
        "officer",
    ),
    "revise": (lambda p, c: services.revise_plan(p, by=c.officer), "officer"),
    "start_review": (
        lambda p, c: services.start_review(open_review(p), by=c.officer),
        "officer",
    ),
}


# action -> {status it may start from: status the plan is in afterwards}
ALLOWED = {
    "submit": {S.DRAFT: S.AWAITING_SIGN_OFF},
    "sign_off": {S.AWAITING_SIGN_OFF: S.APPROVED},
    "return": {S.AWAITING_SIGN_OFF: S.DRAFT},
    "approve_by_panel": {S.AWAITING_PANEL: S.APPROVED},
    "return_from_panel": {S.AWAITING_PANEL: S.DRAFT},
    "close": {
        S.DRAFT: S.CLOSED,
        S.AWAITING_PANEL: S.CLOSED,
        S.APPROVED: S.CLOSED,
        S.UNDER_REVIEW: S.CLOSED,
    },
    # A new version is a new draft; the approved one stays as it is meanwhile.
    "revise": {S.APPROVED: S.APPROVED, S.UNDER_REVIEW: S.UNDER_REVIEW},
    "start_review": {S.APPROVED: S.UNDER_REVIEW},
}
MATRIX = [(action, status) for action in ACTIONS for status in S.values]


@pytest.mark.usefixtures("site_limits")
@pytest.mark.parametrize(("action", "status"), MATRIX)
def test_each_transition_is_allowed_only_from_its_statuses(
    action, status, site_a, cast
):
    plan = plan_in_status(
        status, site=site_a, officer=cast.officer, manager=cast.manager
    )
    assert plan.status == status
    call, actor_name = ACTIONS[action]
    actor = getattr(cast, actor_name)
    audited_before = len(transitions(plan))

    if status in ALLOWED[action]:
        result = call(plan, cast)

        assert reload(plan).status == ALLOWED[action][status]
        subject = result if action == "revise" else plan
        event = transitions(subject)[-1]
        assert event.user == actor
        assert event.site == site_a
        assert event.object_type == "careplans.CarePlan"
    else:
        refused("transition_not_allowed", call, plan, cast)

        assert reload(plan).status == status
        assert len(transitions(plan)) == audited_before


# --- Drafting -------------------------------------------------------------------------


@pytest.mark.usefixtures("unscoped")
def test_drafting_a_plan_records_its_author_and_is_audited(site_a, officer):
    assessment = completed_assessment(site_a, officer)

    plan = services.create_plan(
        person=assessment.person, assessment=assessment, by=officer
    )

    plan = reload(plan)
    assert plan.status == S.DRAFT
    assert plan.written_by == officer
    assert plan.version_number == 1
    [event] = transitions(plan)
    assert event.user == officer
    assert event.action == "Plan drafted"


@pytest.mark.usefixtures("unscoped")
def test_a_plan_cannot_be_drafted_from_an_assessment_still_in_draft(site_a, officer):
    person = PersonFactory(site=site_a)
    draft = assessment_services.start_assessment(
        person=person, kind=Assessment.Kind.NEEDS, by=officer
    )

    refused(
        "assessment", services.create_plan, person=person, assessment=draft, by=officer
    )

    assert not CarePlan.objects.filter(person=person).exists()


@pytest.mark.usefixtures("unscoped")
def test_a_plan_cannot_be_drafted_from_someone_elses_assessment(site_a, officer):
    theirs = completed_assessment(site_a, officer)
    person = PersonFactory(site=site_a)

    refused(
        "assessment", services.create_plan, person=person, assessment=theirs, by=officer
    )


@pytest.mark.usefixtures("unscoped")
def test_a_carers_assessment_about_caring_for_someone_else_is_refused(site_a, officer):
    own = completed_assessment(site_a, officer)
    link = CarerLinkFactory(site=site_a)
    about_someone_else = completed_assessment(
        site_a,
        officer,
        person=link.carer,
        kind=Assessment.Kind.CARER,
        cared_for=link.cared_for,
    )

    message = refused(
        "carer_assessment",
        services.create_plan,
        person=own.person,
        assessment=own,
        carer_assessment=about_someone_else,
        by=officer,
    )
    assert "about caring for this person" in message


@pytest.mark.usefixtures("unscoped")
def test_a_needs_assessment_cannot_stand_in_for_a_carers_assessment(site_a, officer):
    own = completed_assessment(site_a, officer)
    other = completed_assessment(site_a, officer)

    refused(
        "carer_assessment",
        services.create_plan,
        person=own.person,
        assessment=own,
        carer_assessment=other,
        by=officer,
    )


@pytest.mark.usefixtures("unscoped")
def test_a_carers_assessment_about_this_person_adds_the_carers_outcomes(
    site_a, officer
):
    own = completed_assessment(site_a, officer)
    link = CarerLinkFactory(site=site_a, cared_for=own.person)
    carers = completed_assessment(
        site_a,
        officer,
        person=link.carer,
        kind=Assessment.Kind.CARER,
        cared_for=own.person,
    )

    plan = services.create_plan(
        person=own.person, assessment=own, carer_assessment=carers, by=officer
    )

    expected = list(own.desired_outcomes.all()) + list(carers.desired_outcomes.all())
    assert set(services.plan_outcomes(plan)) == set(expected)
    assert len(expected) == 2


# --- Responses ------------------------------------------------------------------------


@pytest.mark.usefixtures("unscoped")
def test_a_response_that_serves_no_outcome_is_refused(site_a, officer):
    plan = draft_plan(site_a, officer)

    message = refused("no_outcome", add_response, plan, officer, outcomes=[])

    assert "at least one of the outcomes" in message
    assert not plan.responses.exists()


@pytest.mark.usefixtures("unscoped")
def test_a_response_cannot_serve_another_persons_outcome(site_a, officer):
    plan = draft_plan(site_a, officer)
    elsewhere = draft_plan(site_a, officer)

    refused(
        "outcome",
        add_response,
        plan,
        officer,
        outcomes=list(services.plan_outcomes(elsewhere)),
    )
    assert not plan.responses.exists()


@pytest.mark.usefixtures("unscoped")
def test_a_response_with_a_negative_cost_is_refused_by_its_field(site_a, officer):
    plan = draft_plan(site_a, officer)

    with pytest.raises(ValidationError) as caught:
        add_response(plan, officer, cost="-1.00")

    assert "unit_cost" in caught.value.message_dict
    assert not plan.responses.exists()


@pytest.mark.usefixtures("unscoped")
def test_a_response_ending_before_it_starts_is_refused(site_a, officer):
    plan = draft_plan(site_a, officer)
    today = timezone.localdate()

    with pytest.raises(ValidationError):
        add_response(
            plan, officer, start_date=today, end_date=today - timedelta(days=1)
        )

    assert not plan.responses.exists()


@pytest.mark.usefixtures("unscoped")
def test_changing_a_response_keeps_its_identity_and_replaces_its_outcomes(
    site_a, officer
):
    plan = draft_plan(site_a, officer, outcomes=2)
    first, second = services.plan_outcomes(plan)
    response = add_response(plan, officer, outcomes=[first])
    version = reload(plan).version

    changed = add_response(
        plan, officer, response=response, outcomes=[second], cost="25.00"
    )

    assert changed.pk == response.pk
    assert reload(changed).unit_cost == Decimal("25.00")
    assert list(reload(changed).outcomes.all()) == [second]
    # The response has its own version; the plan's covers the plan's own details,
    # so changing a response does not make an open edit of those stale.
    assert reload(changed).version == 2
    assert reload(plan).version == version


@pytest.mark.usefixtures("unscoped")
def test_a_response_from_another_plan_cannot_be_changed_through_this_one(
    site_a, officer
):
    plan = draft_plan(site_a, officer)
    other = plan_with(site_a, officer)

    refused(
        "plan",
        services.save_response,
        plan,
        by=officer,
        outcomes=list(services.plan_outcomes(plan)),
        response=other.responses.get(),
        unit_cost=Decimal("1.00"),
    )


@pytest.mark.usefixtures("unscoped")
def test_a_stale_edit_of_the_plan_is_refused_and_changes_nothing(site_a, officer):
    plan = draft_plan(site_a, officer)
    services.update_plan(
        plan, by=officer, expected_version=plan.version, person_views="Mine."
    )

    message = refused(
        "stale",
        services.update_plan,
        plan,
        by=officer,
        expected_version=plan.version,
        person_views="Theirs.",
    )

    assert "Someone else changed this plan" in message
    assert reload(plan).person_views == "Mine."
