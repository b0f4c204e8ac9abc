"""Retention (issue 13, item 5): last contact, the list past retention, legal holds,
the monthly run and its notifications, and deleting everything under a person."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from assessments import demo as people_demo
from assessments.models import Assessment, Person
from assessments.retention import LegalHold, RecordType
from assessments.retention_delete import delete_records, plan_deletion
from assessments.retention_services import (
    due_on,
    last_contacts,
    past_retention,
    place_legal_hold,
    release_legal_hold,
    run_retention_review,
    set_retention_periods,
)
from careplans import demo as plans_demo
from careplans.models import CarePlan, Response
from sites.models import AuditEvent, Notification
from tests.factories import PersonFactory
from tests.plan_factories import completed_assessment

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


def at(*args):
    return time_machine.travel(datetime(*args, 10, 0, tzinfo=UK), tick=False)


@pytest.fixture
def evans_2015(site_a, officer):
    """The Evans household as the demo makes it, in March 2015."""
    with at(2015, 3, 2), scope(site=site_a):
        catalogue = people_demo._catalogue(site_a)
        people_demo._evans(site_a, officer, catalogue)
        plans_demo._evans(site_a, officer)
        return Person.objects.get(nhs_number="9990004110")


def test_the_period_ends_on_the_anniversary_and_a_leap_day_on_28_february():
    assert due_on(date(2016, 2, 29), 8) == date(2024, 2, 29)
    assert due_on(date(2016, 2, 29), 7) == date(2023, 2, 28)
    assert due_on(date(2017, 1, 31), 8) == date(2025, 1, 31)


def test_last_contact_is_the_latest_assessment_plan_or_review(site_a, officer):
    with at(2014, 6, 1), scopes_disabled():
        quiet = PersonFactory(site=site_a)
    with at(2015, 5, 20), scopes_disabled():
        done = completed_assessment(site_a, officer)
    with scope(site=site_a):
        contacts = last_contacts(site_a)
    assert contacts[quiet.pk] == (date(2014, 6, 1), "recorded")
    assert contacts[done.person.pk] == (date(2015, 5, 20), "assessment")


def test_the_list_counts_eight_years_by_default_and_a_sites_own_period(
    site_a, officer, senior
):
    with at(2015, 1, 10), scopes_disabled():
        person = PersonFactory(site=site_a)
        PersonFactory(site=site_a)  # recorded later: not yet due
        Person.objects.filter(pk=person.pk).update(
            created_at=datetime(2014, 1, 10, tzinfo=UK)
        )
    with scope(site=site_a):
        assert [p.person_id for p in past_retention(site_a, date(2022, 1, 9))] == []
        due = past_retention(site_a, date(2022, 1, 10))
        assert [(p.person_id, p.years, p.record_type) for p in due] == [
            (person.pk, 8, RecordType.PERSON)
        ]
        set_retention_periods(site_a, {"person": 6, "carer": 8}, by=senior)
        assert len(past_retention(site_a, date(2021, 1, 10))) == 2
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.RETENTION)
    assert event.details == {"years": 6}


def test_the_monthly_run_lists_people_and_tells_senior_managers_not_others(
    site_a, officer, senior, evans_2015
):
    with at(2024, 4, 1), scope(site=site_a):
        call_command("retention_review", stdout=io.StringIO())
        run_retention_review(site_a, by=senior)  # again, the same month
        notes = list(Notification.objects.filter(kind="retention_due"))
    # Mrs Evans and Mr Evans (known only as a carer): both last seen in March 2015.
    assert [n.user for n in notes] == [senior]
    assert notes[0].message.startswith("2 people are past the retention period")
    assert "Evans" not in notes[0].message


def test_a_hold_keeps_a_person_off_the_deletion_path_until_released(
    site_a, senior, evans_2015
):
    with at(2024, 4, 1), scope(site=site_a):
        hold = place_legal_hold(evans_2015, by=senior, reason="Insurance claim")
        run = run_retention_review(site_a)
        assert run.candidates.count() == 2  # listed, but held
        deletion = plan_deletion(evans_2015)
        with pytest.raises(ValidationError, match="on a legal hold"):
            delete_records(evans_2015, by=senior, reason="Past retention")
        release_legal_hold(hold, by=senior, note="Claim settled")
        with pytest.raises(ValidationError, match="already been released"):
            release_legal_hold(hold, by=senior)
        assert LegalHold.objects.in_force(date(2024, 4, 1)).count() == 0
    assert {p.nhs_number for p in deletion.current_people} == {
        "9990004110",
        "9990005206",
    }


def test_deleting_removes_the_household_and_their_history_and_audits_counts_only(
    site_a, senior, evans_2015
):
    with at(2023, 3, 1), scope(site=site_a):
        plan = CarePlan.objects.get(person=evans_2015)
        with pytest.raises(ValidationError, match="not yet past"):
            delete_records(evans_2015, by=senior, reason="Too early")
    with at(2024, 4, 1), scope(site=site_a):
        # Mrs Evans's plan uses Mr Evans's carer's assessment: they go together.
        deletion = delete_records(evans_2015, by=senior, reason="Past retention")
        assert not Person.objects.filter(nhs_number__in=["9990004110", "9990005206"])
        assert not Assessment.objects.exists()
        assert not Response.objects.exists()
        assert not CarePlan.history.filter(id=plan.pk).exists()
        assert not Person.history.filter(id=evans_2015.pk).exists()
        events = list(AuditEvent.objects.filter(kind=AuditEvent.Kind.DELETE))
    assert deletion.counts["care plans"] == 1
    assert len(events) == 2
    details = events[0].details
    assert details["reason"] == "Past retention"
    assert details["deleted"]["people"] == 2
    assert details["history_rows"] > 0
    text = repr([(e.action, e.details, e.object_code) for e in events])
    for identifier in ("Evans", "Gwen", "Dennis", "9990004110", "NS4", "Orchard"):
        assert identifier not in text
    assert {e.object_code for e in events} == {
        str(p.code) for p in deletion.current_people
    }
