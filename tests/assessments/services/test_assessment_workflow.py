"""The assessment's services, step by step: starting (needs and carers'), saving
sections with their own versions, confirming eligibility, completing, addenda. Every
allowed and refused step, actors, timestamps and audit."""

import pytest
from django.utils import timezone

from assessments import services
from assessments.domains import AdultOutcome, CarerOutcome, WellbeingArea
from assessments.models import Addendum, Assessment, OutcomeRating
from sites.models import AuditEvent
from tests.assessments.services.service_calls import (
    CARER,
    NEEDS,
    events_for,
    fresh,
    refused,
    set_what_matters,
)
from tests.factories import (
    DesiredOutcomeFactory,
    PersonFactory,
    make_ready_to_complete,
    record_eligible_answers,
)

# --- start_assessment ----------------------------------------------------------------


def test_a_needs_assessment_starts_with_ten_outcomes_and_nine_wellbeing_areas(
    person, officer
):
    assessment = services.start_assessment(person=person, kind=NEEDS, by=officer)
    ratings = list(assessment.outcome_ratings.all())
    assert [r.domain for r in ratings] == [o.value for o in AdultOutcome]
    assert len(ratings) == 10
    assert not any(r.unable for r in ratings)
    impacts = list(assessment.wellbeing_impacts.all())
    assert [w.area for w in impacts] == [a.value for a in WellbeingArea]
    assert len(impacts) == 9
    # Unanswered: nothing is preselected, the officer chooses (issue 9).
    assert all(w.level == "" for w in impacts)
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.started_by == officer
    assert assessment.assessment_date == timezone.localdate()
    assert assessment.cared_for is None
    assert {r.site_id for r in ratings} | {w.site_id for w in impacts} == {
        person.site_id
    }


def test_a_carers_assessment_starts_with_eight_carer_outcomes(carer_pair, officer):
    carer, cared_for = carer_pair
    assessment = services.start_assessment(
        person=carer, kind=CARER, cared_for=cared_for, by=officer
    )
    domains = [r.domain for r in assessment.outcome_ratings.all()]
    assert domains == [o.value for o in CarerOutcome]
    assert len(domains) == 8
    assert assessment.wellbeing_impacts.count() == 9
    assert assessment.cared_for == cared_for
    assert assessment.is_carer


def test_a_carers_assessment_needs_to_know_who_is_cared_for(carer_pair, officer):
    carer, _ = carer_pair
    error = refused(services.start_assessment, person=carer, kind=CARER, by=officer)
    assert error.code == "cared_for_required"
    assert not Assessment.objects.exists()


def test_a_carers_assessment_needs_the_caring_relationship_recorded_first(
    in_site_a, officer
):
    carer, stranger = PersonFactory(site=in_site_a), PersonFactory(site=in_site_a)
    error = refused(
        services.start_assessment,
        person=carer,
        kind=CARER,
        cared_for=stranger,
        by=officer,
    )
    assert error.code == "no_carer_link"
    assert not Assessment.objects.exists()
    assert not OutcomeRating.objects.exists()


def test_the_link_must_go_the_right_way_for_a_carers_assessment(carer_pair, officer):
    carer, cared_for = carer_pair
    # The cared-for person is not the carer of their own carer.
    error = refused(
        services.start_assessment,
        person=cared_for,
        kind=CARER,
        cared_for=carer,
        by=officer,
    )
    assert error.code == "no_carer_link"


def test_a_needs_assessment_ignores_a_cared_for_person(carer_pair, officer):
    carer, cared_for = carer_pair
    assessment = services.start_assessment(
        person=carer, kind=NEEDS, cared_for=cared_for, by=officer
    )
    assert assessment.cared_for is None


# --- save_section --------------------------------------------------------------------


def test_saving_a_section_with_the_current_version_writes_and_bumps_the_version(
    draft, officer
):
    saved = services.save_section(
        draft,
        section="what_matters",
        expected_version=0,
        by=officer,
        write=set_what_matters("My garden"),
    )
    assert saved.section_version("what_matters") == 1
    stored = fresh(draft)
    assert stored.what_matters == "My garden"
    assert stored.section_versions == {"what_matters": 1}

    services.save_section(
        stored,
        section="what_matters",
        expected_version=1,
        by=officer,
        write=set_what_matters("My garden and my dog"),
    )
    assert fresh(draft).section_version("what_matters") == 2
    assert fresh(draft).what_matters == "My garden and my dog"


def test_a_stale_section_save_is_refused_and_writes_nothing(draft, officer):
    services.save_section(
        draft,
        section="what_matters",
        expected_version=0,
        by=officer,
        write=set_what_matters("First officer's words"),
    )
    calls = []

    def write(locked):
        calls.append(locked)
        set_what_matters("Second officer's words")(locked)

    error = refused(
        services.save_section,
        draft,
        section="what_matters",
        expected_version=0,
        by=officer,
        write=write,
    )
    assert error.code == "stale"
    assert calls == []
    stored = fresh(draft)
    assert stored.what_matters == "First officer's words"
    assert stored.section_version("what_matters") == 1


def test_sections_have_their_own_versions(draft, officer):
    services.save_section(
        draft,
        section="what_matters",
        expected_version=0,
        by=officer,
        write=set_what_matters("x"),
    )
    # Another officer on another section, started at version 0: not stale.
    services.save_section(
        draft, section="strengths", expected_version=0, by=officer, write=lambda a: None
    )
    assert fresh(draft).section_versions == {"what_matters": 1, "strengths": 1}


def test_a_failing_write_rolls_back_the_version_bump(draft, officer):
    def write(locked):
        set_what_matters("half written")(locked)
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        services.save_section(
            draft,
            section="what_matters",
            expected_version=0,
            by=officer,
            write=write,
        )
    stored = fresh(draft)
    assert stored.what_matters == ""
    assert stored.section_versions == {}


@pytest.mark.parametrize("section", ["outcomes", "wellbeing"])
def test_changing_eligibility_answers_clears_the_confirmation(draft, officer, section):
    record_eligible_answers(draft)
    confirmed = services.confirm_eligibility(draft, by=officer, expected_version=0)
    assert confirmed.eligibility_confirmed_at is not None

    services.save_section(
        confirmed,
        section=section,
        expected_version=0,
        by=officer,
        write=lambda a: None,
    )
    stored = fresh(draft)
    assert stored.eligibility_confirmed_at is None
    assert stored.eligibility_confirmed_by is None
    assert stored.eligibility_result is None


def test_other_sections_leave_the_eligibility_confirmation_alone(draft, officer):
    record_eligible_answers(draft)
    services.confirm_eligibility(draft, by=officer, expected_version=0)
    services.save_section(
        draft,
        section="what_matters",
        expected_version=0,
        by=officer,
        write=set_what_matters("x"),
    )
    stored = fresh(draft)
    assert stored.eligibility_confirmed_by == officer
    assert stored.eligibility_result is True


# --- confirm_eligibility -------------------------------------------------------------


def test_eligibility_cannot_be_confirmed_while_answers_are_missing(draft, officer):
    error = refused(services.confirm_eligibility, draft, by=officer, expected_version=0)
    assert error.code == "incomplete"
    assert "impairment or illness" in error.message
    stored = fresh(draft)
    assert stored.eligibility_confirmed_at is None
    assert stored.section_versions == {}
    assert [e.action for e in events_for(draft)] == ["Needs assessment started"]


def test_confirming_eligibility_records_result_actor_time_note_and_audit(
    draft, officer, site_a
):
    record_eligible_answers(draft)
    before = timezone.now()
    confirmed = services.confirm_eligibility(
        draft, by=officer, expected_version=0, note="Checked with the family."
    )
    stored = fresh(draft)
    assert stored.eligibility_result is True
    assert stored.eligibility_confirmed_by == officer
    assert stored.eligibility_confirmed_at >= before
    assert stored.eligibility_note == "Checked with the family."
    assert stored.section_version("eligibility") == 1
    assert confirmed.section_version("eligibility") == 1
    event = events_for(draft)[-1]
    assert event.action == "Eligibility confirmed: eligible"
    assert (event.kind, event.user, event.site) == ("transition", officer, site_a)


def test_a_not_eligible_result_can_be_confirmed_too(draft, officer):
    record_eligible_answers(draft, unable=1)
    services.confirm_eligibility(draft, by=officer, expected_version=0)
    assert fresh(draft).eligibility_result is False
    assert events_for(draft)[-1].action == "Eligibility confirmed: not eligible"


def test_a_stale_eligibility_confirmation_is_refused(draft, officer):
    record_eligible_answers(draft)
    services.confirm_eligibility(draft, by=officer, expected_version=0)
    error = refused(services.confirm_eligibility, draft, by=officer, expected_version=0)
    assert error.code == "stale"
    assert fresh(draft).section_version("eligibility") == 1


# --- complete_assessment -------------------------------------------------------------


def test_an_incomplete_assessment_cannot_be_completed_and_says_what_is_missing(
    draft, officer
):
    error = refused(services.complete_assessment, draft, by=officer)
    assert error.code == "incomplete"
    assert "Confirm the eligibility decision." in error.message
    assert "Record what matters to the person." in error.message
    assert "Record at least one desired outcome" in error.message
    stored = fresh(draft)
    assert stored.status == Assessment.Status.DRAFT
    assert stored.completed_at is None


def test_an_eligible_assessment_needs_its_needs_recorded_before_completion(
    draft, officer
):
    record_eligible_answers(draft)
    services.confirm_eligibility(draft, by=officer, expected_version=0)
    Assessment.objects.filter(pk=draft.pk).update(what_matters="Home")
    DesiredOutcomeFactory(assessment=draft)
    assert services.completion_problems(fresh(draft)) == ["Record the eligible needs."]
    error = refused(services.complete_assessment, draft, by=officer)
    assert "Record the eligible needs." in error.message


def test_a_not_eligible_assessment_can_be_completed_without_needs(draft, officer):
    record_eligible_answers(draft, unable=1)
    services.confirm_eligibility(draft, by=officer, expected_version=0)
    Assessment.objects.filter(pk=draft.pk).update(what_matters="Home")
    DesiredOutcomeFactory(assessment=draft)
    completed = services.complete_assessment(draft, by=officer)
    assert completed.status == Assessment.Status.COMPLETED


def test_completing_a_ready_assessment_records_who_when_and_an_audit_event(
    draft, officer, manager, site_a
):
    make_ready_to_complete(draft, officer)
    before = timezone.now()
    completed = services.complete_assessment(draft, by=manager)
    stored = fresh(draft)
    assert stored.status == Assessment.Status.COMPLETED
    assert stored.completed_by == manager
    assert stored.completed_at >= before
    assert completed.completed_by == manager
    event = events_for(draft)[-1]
    assert event.kind == AuditEvent.Kind.TRANSITION
    assert event.action == "Assessment completed"
    assert (event.user, event.site) == (manager, site_a)


@pytest.fixture
def completed(draft, officer):
    make_ready_to_complete(draft, officer)
    return services.complete_assessment(draft, by=officer)


def test_a_completed_assessment_refuses_a_section_save(completed, officer):
    calls = []
    error = refused(
        services.save_section,
        completed,
        section="what_matters",
        expected_version=0,
        by=officer,
        write=calls.append,
    )
    assert error.code == "completed"
    assert calls == []
    assert fresh(completed).what_matters == "Staying in my own home with my cat."


def test_a_completed_assessment_refuses_a_new_eligibility_confirmation(
    completed, officer
):
    error = refused(
        services.confirm_eligibility, completed, by=officer, expected_version=1
    )
    assert error.code == "completed"


def test_a_completed_assessment_cannot_be_completed_again(completed, officer, manager):
    first_completed_at = completed.completed_at
    error = refused(services.complete_assessment, completed, by=manager)
    assert error.code == "transition_not_allowed"
    stored = fresh(completed)
    assert stored.completed_by == officer
    assert stored.completed_at == first_completed_at
    completions = [
        e for e in events_for(completed) if e.action == "Assessment completed"
    ]
    assert len(completions) == 1


# --- add_addendum --------------------------------------------------------------------


def test_a_draft_takes_no_addendum(draft, officer):
    error = refused(
        services.add_addendum, draft, by=officer, reason="Typo", text="Fixed"
    )
    assert error.code == "draft"
    assert not Addendum.objects.exists()


def test_an_addendum_is_added_to_a_completed_assessment(completed, manager, site_a):
    addendum = services.add_addendum(
        completed, by=manager, reason="Wrong date", text="It was the 3rd."
    )
    assert addendum.assessment == completed
    assert addendum.added_by == manager
    assert addendum.site == site_a
    assert list(completed.addenda.all()) == [addendum]
    event = events_for(completed)[-1]
    assert (event.action, event.user) == ("Addendum added", manager)
