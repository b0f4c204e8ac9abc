"""The seeded demo reads as a real chronology (issue 10, item 17): no plan starts or
is approved before the assessments it answers were completed, and every date in the
Evans story comes in the order it happened. Walks the whole seeded demo."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from assessments.models import CarerLink
from careplans.models import CarePlan, Review
from panels.models import Decision
from sites.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_data):
    with scopes_disabled():
        yield


def test_no_plan_starts_or_is_approved_before_its_assessments_were_completed(seeded):
    plans = list(
        CarePlan.objects.select_related("assessment", "carer_assessment", "person")
    )
    assert plans
    for plan in plans:
        answered = [a for a in (plan.assessment, plan.carer_assessment) if a]
        for assessment in answered:
            done = assessment.completed_at
            assert done is not None, plan
            assert assessment.person.created_at <= assessment.created_at, plan
            assert assessment.assessment_date <= timezone.localdate(done), plan
            assert done <= plan.created_at, plan
            if plan.submitted_at:
                assert plan.created_at <= plan.submitted_at, plan
            if plan.approved_at:
                assert done <= plan.approved_at, plan
                assert plan.submitted_at <= plan.approved_at, plan
            if plan.start_date:
                assert timezone.localdate(done) <= plan.start_date, plan
        for decision in plan.decisions.all():
            assert plan.created_at <= decision.created_at <= timezone.now(), plan


def test_the_evans_story_is_told_in_order(seeded):
    plan = CarePlan.objects.get(person__nhs_number="9990004110")
    hers, his = plan.assessment, plan.carer_assessment
    link = CarerLink.objects.get(cared_for=plan.person)
    decision = Decision.objects.get(item__plan=plan)
    meeting = decision.item.meeting
    first, later = (
        plan.reviews.get(kind=Review.Kind.FIRST),
        plan.reviews.get(status=Review.Status.SCHEDULED),
    )
    local = timezone.localdate
    story = [
        ("Mrs Evans recorded", local(plan.person.created_at)),
        ("carer linked", local(link.created_at)),
        ("her assessment visit", hers.assessment_date),
        ("his carer's assessment visit", his.assessment_date),
        ("her assessment completed", local(hers.completed_at)),
        ("his assessment completed", local(his.completed_at)),
        ("plan drafted", local(plan.created_at)),
        ("plan submitted", local(plan.submitted_at)),
        ("panel meeting", local(meeting.starts_at)),
        ("panel decision", local(decision.created_at)),
        ("plan approved", local(plan.approved_at)),
        ("Mr and Mrs Evans told", decision.person_told_on),
        ("plan starts", plan.start_date),
        ("first review due", first.due_date),
        ("first review recorded", local(first.completed_at)),
        ("next review due", later.due_date),
    ]
    days = [when for _, when in story]
    assert days == sorted(days), story
    assert plan.submitted_at < meeting.starts_at
    assert (meeting.starts_at.date() - plan.needs_panel_since.date()).days == (
        decision.days_waiting
    )
    # The records' own workflow events keep the same order as the steps.
    for record in (plan.person, hers, his, plan):
        times = list(
            AuditEvent.objects.filter(
                kind=AuditEvent.Kind.TRANSITION, object_code=str(record.code)
            )
            .order_by("id")
            .values_list("created_at", flat=True)
        )
        assert times == sorted(times), record
        assert times[0] >= plan.person.created_at
