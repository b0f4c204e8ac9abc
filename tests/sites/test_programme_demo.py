"""The demo's collaborative programme: part-way through, coherent, seeded once."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from sites.models import (
    CollaborativeMeeting,
    LearningPoint,
    Milestone,
    PlanningRow,
    Programme,
    ProgrammeMembership,
)
from sites.programme_demo import DEMO_PROGRAMME_SLUG
from tests.demo_snapshot import seed_demo

pytestmark = pytest.mark.django_db

SEEDED = datetime.date(2026, 2, 27)


def _seed_twice_on_the_27th():
    with time_machine.travel(datetime.datetime(2026, 2, 27, 9, 0), tick=False):
        call_command("seed_demo", "--force", stdout=io.StringIO())
        call_command("seed_demo", "--force", stdout=io.StringIO())


@pytest.fixture
def programme(db):
    """The demo seeded twice on 27 February 2026: seeded once per test process, its
    rows copied back for the next test (tests/demo_snapshot.py)."""
    seed_demo(_seed_twice_on_the_27th)
    return Programme.objects.get(slug=DEMO_PROGRAMME_SLUG)


def test_carl_coordinates_the_programme_across_the_three_sites(programme):
    assert programme.title == (
        "Outcomes-focused assessment for people over 85 living at home"
    )
    assert programme.status == Programme.Status.COLLECTING
    coordinators = ProgrammeMembership.objects.filter(programme=programme)
    assert [m.user.username for m in coordinators] == ["carl"]
    places = {
        p.site.slug: p
        for p in programme.participants.select_related(
            "site", "advisor", "project_coordinator"
        )
    }
    assert sorted(places) == ["northshire", "riverside", "valley"]
    for slug, place in places.items():
        assert place.advisor is not None, slug
        assert place.project_coordinator is not None, slug
        # Each chosen from that site's own staff.
        for person in (place.advisor, place.project_coordinator):
            assert person.memberships.filter(site=place.site).exists()
        assert place.involvement.count() == 6


def test_the_schedule_is_part_way_through_and_coherent(programme):
    milestones = list(programme.milestones.all())
    done = [m for m in milestones if m.status == Milestone.Status.DONE]
    slipped = [m for m in milestones if m.status == Milestone.Status.SLIPPED]
    planned = [m for m in milestones if m.status == Milestone.Status.PLANNED]
    assert done
    assert planned
    assert len(slipped) == 1
    assert all(m.done_on <= SEEDED for m in done)
    assert all(m.due_date < SEEDED for m in done + slipped)
    assert all(m.due_date >= SEEDED for m in planned)
    assert programme.start_date < SEEDED < programme.collection_ends_on


def test_one_meeting_was_held_with_learning_and_one_is_planned(programme):
    held = CollaborativeMeeting.objects.get(programme=programme, status="held")
    planned = CollaborativeMeeting.objects.get(programme=programme, status="planned")
    assert programme.start_date < held.held_on <= SEEDED < planned.held_on
    assert held.sites.count() == 3
    actions = LearningPoint.objects.filter(meeting=held).exclude(action_point="")
    assert actions.count() >= 2
    assert all(a.responsible and a.implement_by > held.held_on for a in actions)
    assert PlanningRow.objects.filter(programme=programme).exists()


def test_seeding_again_adds_nothing(programme):
    assert Programme.objects.count() == 1
    assert CollaborativeMeeting.objects.count() == 2
    assert programme.milestones.count() == 18
