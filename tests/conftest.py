"""The cast every view test uses: two sites, members with and without a capability,
and an outsider from the other site."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, settings

from assessments.documents import attach_document
from assessments.legal import Contact
from assessments.legal_services import send_eligibility_letter
from assessments.models import Assessment
from assessments.services import start_assessment
from careplans.models import Response, Review
from careplans.programme import (
    CaseStudy,
    ProgrammeCase,
    PublishedCaseStudy,
    UnmetWant,
)
from careplans.services import create_plan, save_response
from panels.models import Decision, Panel, PanelItem, PanelMeeting
from sites.models import Job, Notification
from sites.notify import notify
from sites.permissions import Role
from sites.subject_access_services import record_request
from tests.factories import (
    PersonFactory,
    ProgrammeFactory,
    ProgrammeSiteFactory,
    programme_records,
)
from tests.plan_factories import completed_assessment

from .demo_snapshot import remember_migrated_state, seed_demo
from .factories import MembershipFactory, SiteFactory, member

# Property tests check correctness, not speed: on a loaded CI machine a database
# round-trip can take longer than Hypothesis's default 200 ms deadline, which made
# them fail at random. Speed is measured in benchmarks/, never in unit tests.
settings.register_profile(
    "carehub",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile("carehub")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as migrations made it is copied aside, for the demo's
    snapshot (tests/demo_snapshot.py) to start from."""
    with django_db_blocker.unblock():
        remember_migrated_state()


@pytest.fixture
def demo_data(db):
    """The demo's data (seeded once per test process, copied back after that)."""
    seed_demo()


@pytest.fixture
def site_a(db):
    return SiteFactory(slug="alpha", name="Alpha Council")


@pytest.fixture
def site_b(db):
    return SiteFactory(slug="bravo", name="Bravo Trust")


@pytest.fixture
def officer(site_a):
    return member(site_a, Role.ASSESSING_OFFICER, "officer-a")


@pytest.fixture
def manager(site_a):
    return member(site_a, Role.TEAM_MANAGER, "manager-a")


@pytest.fixture
def senior(site_a):
    return member(site_a, Role.SENIOR_MANAGER, "senior-a")


@pytest.fixture
def chair(site_a):
    return member(site_a, Role.PANEL_CHAIR, "chair-a")


@pytest.fixture
def advisor(site_a):
    return member(site_a, Role.ADVISOR, "advisor-a")


@pytest.fixture
def outsider(site_b):
    """A member of the other site, with every role there."""
    user = member(site_b, Role.SENIOR_MANAGER, "outsider-b")
    for role in Role:
        if role != Role.SENIOR_MANAGER:
            MembershipFactory(user=user, site=site_b, role=role)
    return user


@pytest.fixture
def in_site_a(site_a):
    """Run the test body inside site A's scope, as a request would."""
    with scope(site=site_a):
        yield site_a


@pytest.fixture
def unscoped(db):
    with scopes_disabled():
        yield


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def records(site_a, officer):
    """One of every kind of record, at site A (the isolation matrix builds its
    URLs from these)."""
    with scopes_disabled():
        person = PersonFactory(site=site_a)
        assessment = start_assessment(
            person=person, kind=Assessment.Kind.NEEDS, by=officer
        )
        contact = Contact.objects.create(
            site=site_a,
            person=person,
            kind=Contact.Kind.GP,
            name="Test Surgery",
            phone="0113 496 0000",
            recorded_by=officer,
        )
        done = completed_assessment(site_a, officer)
        letter = send_eligibility_letter(done, by=officer)
        document = attach_document(
            person=person,
            upload=SimpleUploadedFile("quote.pdf", b"%PDF-1.4\n%%EOF\n"),
            kind="quote",
            description="Quote for a stair rail",
            by=officer,
        )
        plan = create_plan(person=done.person, assessment=done, by=officer)
        response = save_response(
            plan,
            by=officer,
            outcomes=list(done.desired_outcomes.all()),
            description="Help with shopping",
            kind=Response.Kind.STANDARD,
            times=1,
            period=Response.Period.WEEK,
            unit_cost=10,
        )
        review = Review.objects.create(
            site=site_a, plan=plan, kind=Review.Kind.FIRST, due_date="2030-01-01"
        )
        notification = notify(
            user=officer,
            site=site_a,
            kind=Notification.Kind.PLAN_DECIDED,
            message="A decision",
        )
        panel = Panel.objects.create(site=site_a, name="Funding panel", chair=officer)
        meeting = PanelMeeting.objects.create(
            site=site_a, panel=panel, starts_at=timezone.now(), place="Room 1"
        )
        item = PanelItem.objects.create(
            site=site_a,
            meeting=meeting,
            plan=plan,
            question="Fund it?",
            added_by=officer,
        )
        decided = PanelItem.objects.create(
            site=site_a, meeting=meeting, plan=plan, question="Again?", added_by=officer
        )
        decision = Decision.objects.create(
            site=site_a,
            item=decided,
            outcome=Decision.Outcome.DEFERRED,
            rationale="More information is needed first.",
            decided_by=officer,
            plan_weekly=10,
            standard_weekly=0,
            days_waiting=3,
        )
        # A collaborative programme site A takes part in (site B does not).
        programme = ProgrammeFactory(slug="together", title="Together programme")
        ProgrammeSiteFactory(programme=programme, site=site_a)
        programme_parts = programme_records(programme, by=officer)
        # Its casework at site A: a programme case, a draft case study, something
        # wanted but not arranged, and a shared snapshot (issue 9).
        programme_case = ProgrammeCase.objects.create(
            site=site_a,
            programme=programme,
            person=done.person,
            assessment=done,
            decided_by=officer,
            decided_at=timezone.now(),
            first_contact_on=done.assessment_date,
        )
        case_study = CaseStudy.objects.create(
            site=site_a,
            programme_case=programme_case,
            plan=plan,
            pseudonym="Person Q",
            age_band="85\u201389",
            drafted_by=officer,
        )
        unmet_want = UnmetWant.objects.create(
            site=site_a,
            plan=plan,
            what_wanted="A lift to the allotment",
            barrier="provider",
        )
        published = PublishedCaseStudy.objects.create(
            programme=programme,
            site=site_a,
            pseudonym="Person Q",
            age_band="85\u201389",
            sections={"situation": "Lives at home."},
            figures={"asked_for": 1},
            approved_on=timezone.localdate(),
        )
        # A finished background job of the officer's, with its download.
        job = Job.objects.create(
            site=site_a,
            user=officer,
            kind="test",
            title="Test export",
            status=Job.Status.DONE,
            expires_at=timezone.now() + timedelta(days=7),
        )
        job.write_result("export.txt", b"exported", "text/plain")
        subject_access_request = record_request(
            site=site_a,
            person_code=person.code,
            by=officer,
            received_on=timezone.localdate(),
            requested_by="The person themselves",
            received_how="letter",
        )
    return {
        "job": job,
        "subject_access_request": subject_access_request,
        "programme_case": programme_case,
        "case_study": case_study,
        "unmet_want": unmet_want,
        "published": published,
        "programme": programme,
        **programme_parts,
        "meeting": meeting,
        "item": item,
        "decision": decision,
        "officer": officer,
        "person": person,
        "assessment": assessment,
        "contact": contact,
        "letter": letter,
        "document": document,
        "plan": plan,
        "response": response,
        "review": review,
        "notification": notification,
    }


@pytest.fixture
def timed_out(client, officer, settings):
    """The officer was working on this browser, then left it idle past the time-out."""
    client.force_login(officer)
    assert client.get("/s/alpha/").status_code == 200
    later = timezone.now() + timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1)
    with time_machine.travel(later):
        yield client
