"""Every workflow step taken twice: a double click, or two people at once (issue 11,
item 14). One wins; the other is told, in words, and keeps what they typed.

Two kinds of test:

- **Through the pages, one after the other** (both databases): both people loaded
  the page while the step was open; the first posts and wins; the second posts from
  the page they still have. This is what a double click or a slow colleague does,
  and it exercises the views' messages and kept text.
- **At the same moment, in two threads** (PostgreSQL only: row locks): both call the
  step's service behind a barrier. ``sites.workflow.lock`` re-reads the row with
  ``select_for_update`` and refuses unless the step is allowed from its status now,
  so exactly one succeeds and the other raises ``ValidationError``.
"""

import html
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments import services as assessment_services
from assessments.models import Assessment
from careplans import programme_services as ps
from careplans import services
from careplans.models import CarePlan, Review
from panels import services as panel_services
from panels.models import PanelMeeting
from sites.models import AuditEvent
from sites.permissions import Role
from tests.careplans.programme_fixtures import clean_case_study
from tests.factories import PersonFactory, make_ready_to_complete, member
from tests.panels.factories import make_meeting, make_panel, on_its_day, panel_members
from tests.plan_factories import approved_plan, limits, plan_in_status, plan_with

S = CarePlan.Status
REASON = "The costs do not match the catalogue: please check them again."
SECOND = "Signing this off with a note about the transport arrangements."


def url(name, *args):
    return reverse(name, args=["alpha", *args])


def text_of(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def told(response):
    """What the page says went wrong: its messages and its forms' errors."""
    said = [
        str(m)
        for m in (response.context or {}).get("messages", [])
        if m.level_tag in {"error", "warning", "info"}
    ]
    form = (response.context or {}).get("form")
    if form is not None and hasattr(form, "non_field_errors"):
        said += list(form.non_field_errors())
    return said


def steps_recorded(record, action):
    with scopes_disabled():
        return AuditEvent.objects.filter(
            object_code=record.code, action__icontains=action
        ).count()


@pytest.fixture
def second_manager(site_a):
    return member(site_a, Role.TEAM_MANAGER, "manager-a2")


@pytest.fixture
def second_officer(site_a):
    return member(site_a, Role.ASSESSING_OFFICER, "officer-a2")


@pytest.fixture
def site_limits(site_a, senior):
    with scopes_disabled():
        limits(site_a, senior)


@pytest.fixture
def awaiting(site_a, officer, manager, site_limits):
    with scopes_disabled():
        return plan_in_status(
            S.AWAITING_SIGN_OFF, site=site_a, officer=officer, manager=manager
        )


@pytest.fixture
def approved(site_a, officer, manager, site_limits):
    with scopes_disabled():
        return approved_plan(site_a, officer, manager)


def reload(record):
    with scopes_disabled():
        return type(record).objects.get(pk=record.pk)


def two(client, django_user_model, first, second):
    """Two browsers: the first person's client and a second one."""
    client.force_login(first)
    other = Client()
    other.force_login(second)
    return client, other


# --- through the pages ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_double_clicked_submit_submits_once_and_the_second_click_is_told(
    client, officer, site_a, site_limits
):
    with scopes_disabled():
        plan = plan_with(site_a, officer)
    client.force_login(officer)

    first = client.post(url("plan_submit", plan.code))
    second = client.post(url("plan_submit", plan.code), follow=True)

    assert first.status_code == 302
    assert second.status_code == 200
    assert told(second), text_of(second)
    assert reload(plan).status == S.AWAITING_SIGN_OFF
    assert steps_recorded(plan, "submitted") == 1


@pytest.mark.django_db
def test_two_managers_signing_off_at_once_the_second_is_told_and_keeps_the_note(
    client, awaiting, manager, second_manager, django_user_model
):
    a, b = two(client, django_user_model, manager, second_manager)

    first = a.post(url("plan_sign_off", awaiting.code), {"note": "Fine."})
    second = b.post(url("plan_sign_off", awaiting.code), {"note": SECOND})

    assert first.status_code == 302
    assert second.status_code == 200
    assert told(second)
    assert SECOND in text_of(second)
    plan = reload(awaiting)
    assert plan.status == S.APPROVED
    assert plan.approved_by == manager


@pytest.mark.django_db
def test_a_return_after_someone_signed_off_is_refused_and_keeps_its_reasons(
    client, awaiting, manager, second_manager, django_user_model
):
    a, b = two(client, django_user_model, manager, second_manager)

    assert a.post(url("plan_sign_off", awaiting.code), {"note": ""}).status_code == 302
    second = b.post(url("plan_return", awaiting.code), {"reason": REASON})

    assert second.status_code == 200
    assert told(second)
    assert REASON in text_of(second)
    assert reload(awaiting).status == S.APPROVED


@pytest.mark.django_db
def test_two_returns_at_once_return_the_plan_once_and_keep_the_second_reasons(
    client, awaiting, manager, second_manager, django_user_model
):
    a, b = two(client, django_user_model, manager, second_manager)

    first = a.post(url("plan_return", awaiting.code), {"reason": "Please add costs."})
    second = b.post(url("plan_return", awaiting.code), {"reason": REASON})

    assert first.status_code == 302
    assert second.status_code == 200
    assert told(second)
    assert REASON in text_of(second)
    plan = reload(awaiting)
    assert plan.status == S.DRAFT
    assert steps_recorded(plan, "returned") == 1


@pytest.mark.django_db
def test_two_officers_closing_one_plan_close_it_once_and_the_second_keeps_reasons(
    client, site_a, officer, second_officer, site_limits, django_user_model
):
    with scopes_disabled():
        plan = plan_with(site_a, officer)
    a, b = two(client, django_user_model, officer, second_officer)

    first = a.post(url("plan_close", plan.code), {"reason": "They moved away."})
    second = b.post(url("plan_close", plan.code), {"reason": REASON})

    assert first.status_code == 302
    assert second.status_code == 200
    assert told(second)
    assert REASON in text_of(second)
    assert reload(plan).closed_reason == "They moved away."


@pytest.mark.django_db
def test_a_double_clicked_revise_makes_one_new_version(client, approved, officer):
    client.force_login(officer)

    first = client.post(url("plan_revise", approved.code))
    second = client.post(url("plan_revise", approved.code), follow=True)

    assert first.status_code == 302
    assert second.status_code == 200
    with scopes_disabled():
        assert approved.revisions.count() == 1


@pytest.mark.django_db
def test_two_officers_starting_one_review_start_it_once(
    client, approved, officer, second_officer, django_user_model
):
    with scopes_disabled():
        review = approved.reviews.get(status=Review.Status.SCHEDULED)
    a, b = two(client, django_user_model, officer, second_officer)

    first = a.post(url("review_start", review.code))
    second = b.post(url("review_start", review.code), follow=True)

    assert first.status_code == 302
    assert second.status_code == 200
    assert reload(approved).status == S.UNDER_REVIEW
    assert steps_recorded(approved, "review started") <= 1


@pytest.mark.django_db
def test_a_double_clicked_completion_completes_the_assessment_once(
    client, site_a, officer
):
    with scopes_disabled():
        assessment = assessment_services.start_assessment(
            person=PersonFactory(site=site_a), kind=Assessment.Kind.NEEDS, by=officer
        )
        make_ready_to_complete(assessment, officer)
    client.force_login(officer)

    first = client.post(url("assessment_complete", assessment.code))
    second = client.post(url("assessment_complete", assessment.code), follow=True)

    assert first.status_code == 302
    assert second.status_code == 200
    assert told(second), text_of(second)
    assert reload(assessment).status == Assessment.Status.COMPLETED
    assert steps_recorded(assessment, "completed") == 1


@pytest.fixture
def meeting(site_a, chair):
    with scopes_disabled():
        members = panel_members(site_a, 2)
        return make_meeting(make_panel(site_a, chair, members), chair), members


@pytest.mark.django_db
def test_a_meeting_opened_twice_is_opened_once(client, meeting, chair):
    meeting, members = meeting
    client.force_login(chair)
    with on_its_day(meeting):
        present = [str(chair.pk), str(members[0].pk)]
        first = client.post(url("meeting_open", meeting.code), {"present": present})
        second = client.post(
            url("meeting_open", meeting.code), {"present": present}, follow=True
        )

    assert first.status_code == 302
    assert second.status_code == 200
    assert told(second), text_of(second)
    assert reload(meeting).status == PanelMeeting.Status.IN_SESSION


@pytest.mark.django_db
def test_a_case_study_sent_twice_is_sent_once(client, case, officer):
    case_study = clean_case_study(case, officer)
    client.force_login(officer)

    first = client.post(url("case_study_submit", case_study.code))
    second = client.post(url("case_study_submit", case_study.code), follow=True)

    assert first.status_code == 302
    assert second.status_code == 200
    assert told(second), text_of(second)
    assert reload(case_study).status == "in_review"


@pytest.mark.django_db
def test_a_case_study_approved_twice_is_approved_once(client, cast, case):
    case_study = clean_case_study(case, cast["officer"])
    with scopes_disabled():
        ps.submit_case_study(case_study, by=cast["officer"])
        ps.review_case_study(case_study, by=cast["advisor"], recognisable="no")
    client.force_login(cast["coordinator"])

    first = client.post(url("case_study_approve", case_study.code))
    second = client.post(url("case_study_approve", case_study.code), follow=True)

    assert first.status_code == 302
    assert second.status_code == 200
    assert told(second), text_of(second)
    with scopes_disabled():
        assert type(case_study).objects.get(pk=case_study.pk).status == "approved"


# --- at the same moment (PostgreSQL) --------------------------------------------------


def race(*calls):
    """Run each call in its own thread, released together; each result or error."""
    barrier = threading.Barrier(len(calls), timeout=10)
    results = [None] * len(calls)

    def run(i, call):
        try:
            with scopes_disabled():
                barrier.wait()
                results[i] = call()
        except Exception as error:  # checked by the caller
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


def one_wins(results):
    refused = [r for r in results if isinstance(r, ValidationError)]
    others = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == len(results) - 1, results
    assert len(others) == len(refused), results
    assert all(r.messages for r in refused)
    return refused


needs_row_locks = pytest.mark.skipif(
    "connection.vendor == 'sqlite'", reason="row locks need PostgreSQL"
)


def fresh(record):
    return lambda: type(record).objects.get(pk=record.pk)


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_submits_at_the_same_moment_submit_once(site_a, officer, senior):
    with scopes_disabled():
        limits(site_a, senior)
        plan = plan_with(site_a, officer)
    get = fresh(plan)

    one_wins(race(*[lambda: services.submit_plan(get(), by=officer)] * 2))

    assert reload(plan).status == S.AWAITING_SIGN_OFF
    assert steps_recorded(plan, "submitted") == 1


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_sign_off_and_return_at_the_same_moment_do_one(
    site_a, officer, manager, senior, second_manager
):
    with scopes_disabled():
        limits(site_a, senior)
        plan = plan_in_status(
            S.AWAITING_SIGN_OFF, site=site_a, officer=officer, manager=manager
        )
    get = fresh(plan)

    results = race(
        lambda: services.sign_off_plan(get(), by=manager),
        lambda: services.return_plan(get(), by=second_manager, reason=REASON),
    )

    one_wins(results)
    assert reload(plan).status in {S.APPROVED, S.DRAFT}


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_closes_at_the_same_moment_close_once(
    site_a, officer, second_officer, senior
):
    with scopes_disabled():
        limits(site_a, senior)
        plan = plan_with(site_a, officer)
    get = fresh(plan)

    one_wins(
        race(
            lambda: services.close_plan(get(), by=officer, reason="Moved away."),
            lambda: services.close_plan(get(), by=second_officer, reason=REASON),
        )
    )
    assert reload(plan).status == S.CLOSED


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_revisions_at_the_same_moment_make_one_new_version(
    site_a, officer, manager, senior
):
    with scopes_disabled():
        limits(site_a, senior)
        plan = approved_plan(site_a, officer, manager)
    get = fresh(plan)

    one_wins(race(*[lambda: services.revise_plan(get(), by=officer)] * 2))
    with scopes_disabled():
        assert plan.revisions.count() == 1


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_review_starts_at_the_same_moment_start_it_once(
    site_a, officer, manager, senior, second_officer
):
    with scopes_disabled():
        limits(site_a, senior)
        plan = approved_plan(site_a, officer, manager)
        review = plan.reviews.get(status=Review.Status.SCHEDULED)
    get = fresh(review)

    one_wins(
        race(
            lambda: services.start_review(get(), by=officer),
            lambda: services.start_review(get(), by=second_officer),
        )
    )
    assert reload(plan).status == S.UNDER_REVIEW


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_completions_at_the_same_moment_complete_once(site_a, officer):
    with scopes_disabled():
        assessment = assessment_services.start_assessment(
            person=PersonFactory(site=site_a), kind=Assessment.Kind.NEEDS, by=officer
        )
        make_ready_to_complete(assessment, officer)
    get = fresh(assessment)

    one_wins(
        race(*[lambda: assessment_services.complete_assessment(get(), by=officer)] * 2)
    )
    assert steps_recorded(assessment, "completed") == 1


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_closes_of_one_meeting_at_the_same_moment_close_it_once(site_a, chair):
    with scopes_disabled():
        members = panel_members(site_a, 2)
        meeting = make_meeting(make_panel(site_a, chair, members), chair)
        with on_its_day(meeting):
            panel_services.open_meeting(meeting, by=chair, present=[chair, members[0]])
    get = fresh(meeting)

    one_wins(race(*[lambda: panel_services.close_meeting(get(), by=chair)] * 2))
    assert reload(meeting).status == PanelMeeting.Status.CLOSED
