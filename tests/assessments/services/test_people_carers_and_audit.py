"""The services for people and carers (recording and updating a person, linking a
carer), and the audit events and change history every step leaves."""

from django_scopes import scopes_disabled

from assessments import services
from assessments.models import (
    Assessment,
    CarerLink,
    OutcomeRating,
    Person,
    WellbeingImpact,
)
from sites.models import AuditEvent
from sites.permissions import Role
from tests.assessments.services.service_calls import (
    CARER,
    NEEDS,
    events_for,
    fresh,
    refused,
    set_what_matters,
)
from tests.factories import (
    PersonFactory,
    make_ready_to_complete,
    member,
    record_eligible_answers,
    valid_nhs_number,
)

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
