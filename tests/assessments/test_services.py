"""Services for people and assessments: every allowed and refused step, actors,
timestamps, versions, audit events and change history."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from assessments import services
from assessments.domains import AdultOutcome, CarerOutcome, WellbeingArea
from assessments.models import (
    Addendum,
    Assessment,
    CarerLink,
    OutcomeRating,
    Person,
    WellbeingImpact,
)
from sites.models import AuditEvent
from sites.permissions import Role
from tests.factories import (
    CarerLinkFactory,
    DesiredOutcomeFactory,
    PersonFactory,
    make_ready_to_complete,
    member,
    record_eligible_answers,
    valid_nhs_number,
)

NEEDS = Assessment.Kind.NEEDS
CARER = Assessment.Kind.CARER


def refused(call, *args, **kwargs):
    """Run ``call`` expecting a ValidationError; return the error."""
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value


def events_for(obj):
    with scopes_disabled():
        return list(AuditEvent.objects.filter(object_code=str(obj.code)).order_by("id"))


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def set_what_matters(text):
    def write(locked):
        locked.what_matters = text
        locked.save(update_fields=["what_matters"])

    return write


@pytest.fixture
def person(in_site_a):
    return PersonFactory(site=in_site_a)


@pytest.fixture
def draft(person, officer):
    return services.start_assessment(person=person, kind=NEEDS, by=officer)


@pytest.fixture
def carer_pair(in_site_a):
    link = CarerLinkFactory(site=in_site_a)
    return link.carer, link.cared_for


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


# --- link_carer ----------------------------------------------------------------------


def test_linking_a_carer_records_the_link_and_an_audit_event(
    in_site_a, officer, site_a
):
    carer, cared_for = PersonFactory(site=site_a), PersonFactory(site=site_a)
    link = services.link_carer(
        carer=carer,
        cared_for=cared_for,
        by=officer,
        willing_to_continue="yes",
        able_to_continue="no",
        lives_with=True,
    )
    assert (link.carer, link.cared_for, link.site) == (carer, cared_for, site_a)
    assert link.lives_with
    with scopes_disabled():
        event = AuditEvent.objects.get(action="Carer linked")
    assert event.object_type == "assessments.CarerLink"
    assert event.object_code == str(link.pk)
    assert (event.user, event.site) == (officer, site_a)


def test_a_person_cannot_be_their_own_carer(person, officer):
    error = refused(
        services.link_carer,
        carer=person,
        cared_for=person,
        by=officer,
        willing_to_continue="yes",
        able_to_continue="yes",
    )
    assert error.code == "self"
    assert not CarerLink.objects.exists()


def test_the_same_caring_relationship_cannot_be_recorded_twice(carer_pair, officer):
    carer, cared_for = carer_pair
    error = refused(
        services.link_carer,
        carer=carer,
        cared_for=cared_for,
        by=officer,
        willing_to_continue="yes",
        able_to_continue="yes",
    )
    assert error.code == "duplicate"
    assert CarerLink.objects.count() == 1


def test_a_carer_cannot_be_linked_to_someone_at_another_site(
    unscoped, site_a, site_b, officer
):
    here, there = PersonFactory(site=site_a), PersonFactory(site=site_b)
    error = refused(
        services.link_carer,
        carer=here,
        cared_for=there,
        by=officer,
        willing_to_continue="yes",
        able_to_continue="yes",
    )
    assert error.code == "site"
    assert not CarerLink.objects.exists()


# --- people --------------------------------------------------------------------------


def test_creating_a_person_validates_and_records_an_audit_event(
    in_site_a, officer, site_a
):
    person = services.create_person(
        site=site_a,
        by=officer,
        given_name="Ada",
        family_name="Example",
        date_of_birth="1950-01-01",
        nhs_number=valid_nhs_number(1),
    )
    assert person.site == site_a
    assert person.version == 1
    [event] = events_for(person)
    assert event.action == "Person recorded"
    assert (event.kind, event.user, event.site) == ("transition", officer, site_a)
    assert event.object_type == "assessments.Person"


def test_creating_a_person_with_an_invalid_nhs_number_is_refused(in_site_a, officer):
    error = refused(
        services.create_person,
        site=in_site_a,
        by=officer,
        given_name="Ada",
        family_name="Example",
        date_of_birth="1950-01-01",
        nhs_number="9990004111",
    )
    assert "nhs_number" in error.message_dict
    assert not Person.objects.exists()


def test_updating_a_person_with_the_current_version_saves_and_bumps_it(person, officer):
    updated = services.update_person(
        person, by=officer, expected_version=1, phone="0100 000 0000"
    )
    assert updated.version == 2
    stored = fresh(person)
    assert stored.phone == "0100 000 0000"
    assert stored.version == 2


def test_updating_a_person_from_a_stale_version_is_refused_and_writes_nothing(
    person, officer
):
    services.update_person(person, by=officer, expected_version=1, phone="first")
    error = refused(
        services.update_person, person, by=officer, expected_version=1, phone="second"
    )
    assert error.code == "stale"
    stored = fresh(person)
    assert stored.phone == "first"
    assert stored.version == 2


# --- audit and history ---------------------------------------------------------------


def test_every_assessment_step_writes_an_audit_event_with_actor_site_and_code(
    person, officer, manager, site_a
):
    assessment = services.start_assessment(person=person, kind=NEEDS, by=officer)
    make_ready_to_complete(assessment, manager)
    services.complete_assessment(assessment, by=officer)
    services.add_addendum(assessment, by=manager, reason="r", text="t")
    steps = [(e.action, e.user, e.site, e.kind) for e in events_for(assessment)]
    assert steps == [
        ("Needs assessment started", officer, site_a, "transition"),
        ("Eligibility confirmed: eligible", manager, site_a, "transition"),
        ("Assessment completed", officer, site_a, "transition"),
        ("Addendum added", manager, site_a, "transition"),
    ]
    for event in events_for(assessment):
        assert event.object_type == "assessments.Assessment"
        # Never a name in the audit trail.
        assert person.given_name not in event.action
        assert person.family_name not in event.action


def test_a_carers_assessment_start_is_audited_under_its_own_name(carer_pair, officer):
    carer, cared_for = carer_pair
    assessment = services.start_assessment(
        person=carer, kind=CARER, cared_for=cared_for, by=officer
    )
    [event] = events_for(assessment)
    assert event.action == "Carer's assessment started"


def test_changes_leave_change_history(person, officer):
    assert person.history.count() == 1
    services.update_person(person, by=officer, expected_version=1, phone="1")
    assert person.history.count() == 2
    assert person.history.first().phone == "1"

    assessment = services.start_assessment(person=person, kind=NEEDS, by=officer)
    assert assessment.history.count() == 1
    services.save_section(
        assessment,
        section="what_matters",
        expected_version=0,
        by=officer,
        write=set_what_matters("Home"),
    )
    # The write and the save that marks the assessment changed are two saves.
    assert assessment.history.count() == 3
    assert assessment.section_version("what_matters") == 1
    assert assessment.history.filter(what_matters="Home").exists()

    rating = assessment.outcome_ratings.first()
    # bulk_create skips history; the first real change is recorded.
    rating.unable = True
    rating.reasons = ["assistance"]
    rating.save()
    assert rating.history.count() == 1
    assert rating.history.first().unable is True

    make_ready_to_complete(assessment, officer)
    services.complete_assessment(assessment, by=officer)
    assert assessment.history.first().status == Assessment.Status.COMPLETED


def test_the_outcomes_grid_is_per_assessment_and_unique_per_domain(draft, officer):
    assert OutcomeRating.objects.filter(assessment=draft).count() == 10
    assert WellbeingImpact.objects.filter(assessment=draft).count() == 9
    second = services.start_assessment(person=draft.person, kind=NEEDS, by=officer)
    assert OutcomeRating.objects.filter(assessment=second).count() == 10
    assert OutcomeRating.objects.count() == 20


def test_audit_events_belong_to_the_records_site_whoever_acts(draft, site_b):
    other = member(site_b, Role.ASSESSING_OFFICER)
    record_eligible_answers(draft)
    services.confirm_eligibility(draft, by=other, expected_version=0)
    assert events_for(draft)[-1].site == draft.site
