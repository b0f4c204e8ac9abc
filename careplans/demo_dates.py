"""The demo's stories told in time (issue 10, item 17).

The services stamp every step "now", so a freshly seeded demo would have plans that
start, or are approved, before the assessments they answer were completed. After
seeding, each story's records are moved to the days they would have happened: the
person recorded, assessed, the plan drafted, submitted, decided, started, reviewed.
Demo data only: real records are never backdated. Lives in ``careplans`` because it
moves people, assessments and plans; the panel's own dates (meetings, decisions) are
moved by ``panels/demo.py``, which calls ``tell_in_time`` once the Evans story is told.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from assessments.models import (
    Assessment,
    AssessmentSection,
    CarerLink,
    DesiredOutcome,
    Need,
    OutcomeRating,
    Person,
    WellbeingImpact,
)
from careplans.models import CarePlan, PlanDecision, Response, Review
from sites.models import AuditEvent


def at(days_ago, hour=10):
    """``hour`` o'clock, ``days_ago`` days before today (local time)."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def day(days_ago):
    return timezone.localdate() - timedelta(days=days_ago)


def _events(obj, first, last):
    """The record's workflow events, in the order they happened, spread from
    ``first`` to ``last``."""
    events = list(
        AuditEvent.objects.filter(
            kind=AuditEvent.Kind.TRANSITION, object_code=str(obj.code)
        ).order_by("id")
    )
    if not events:
        return
    step = (last - first) / max(len(events) - 1, 1)
    for i, event in enumerate(events):
        AuditEvent.objects.filter(pk=event.pk).update(created_at=first + step * i)


def place_person(person, days_ago):
    """Recorded, with their carer links, ``days_ago`` days before today."""
    when = at(days_ago, 9)
    Person.objects.filter(pk=person.pk).update(created_at=when, updated_at=when)
    CarerLink.objects.filter(carer=person).update(created_at=when, updated_at=when)
    CarerLink.objects.filter(cared_for=person).update(created_at=when, updated_at=when)
    _events(person, when, when)


def place_assessment(assessment, *, started, completed):
    """Started on ``started`` days ago (a home visit), completed on ``completed``."""
    first, last = at(started, 10), at(completed, 15)
    Assessment.objects.filter(pk=assessment.pk).update(
        assessment_date=day(started), created_at=first, updated_at=last
    )
    if assessment.eligibility_confirmed_at:
        Assessment.objects.filter(pk=assessment.pk).update(
            eligibility_confirmed_at=at(completed, 14)
        )
    if assessment.completed_at:
        Assessment.objects.filter(pk=assessment.pk).update(completed_at=last)
    for model in (
        OutcomeRating,
        WellbeingImpact,
        Need,
        DesiredOutcome,
        AssessmentSection,
    ):
        model.objects.filter(assessment=assessment).update(
            created_at=at(started, 11), updated_at=at(completed, 13)
        )
    _events(assessment, first, last)


def place_plan(plan, *, drafted, submitted, approved=None, start=None):
    """Drafted, submitted, approved (signed off or at panel) and started on those
    days ago; its first review stays due as the policy set it from the start."""
    plan = CarePlan.objects.get(pk=plan.pk)
    first = at(drafted, 10)
    last = at(approved, 12) if approved is not None else at(submitted, 16)
    fields = {"created_at": first, "updated_at": last}
    if plan.submitted_at:
        fields["submitted_at"] = at(submitted, 16)
    if plan.needs_panel_since:
        fields["needs_panel_since"] = at(submitted, 16)
    if approved is not None:
        fields["approved_at"] = last
    if start is not None:
        fields["start_date"] = day(start)
    CarePlan.objects.filter(pk=plan.pk).update(**fields)
    Response.objects.filter(plan=plan).update(
        created_at=at(drafted, 11), updated_at=at(drafted, 12)
    )
    for decision in PlanDecision.objects.filter(plan=plan):
        when = at(submitted, 16)
        if decision.kind != PlanDecision.Kind.SUBMITTED and approved is not None:
            when = last
        PlanDecision.objects.filter(pk=decision.pk).update(created_at=when)
    if approved is not None:
        Review.objects.filter(plan=plan, kind=Review.Kind.FIRST).update(
            created_at=last, updated_at=last
        )
    _events(plan, first, last)


def tell_in_time(site):
    """Northshire's stories, in the order they happened (days before today)."""
    evans_plan = CarePlan.objects.filter(
        site=site, person__nhs_number="9990004110", previous__isnull=True
    ).first()
    if evans_plan is None:
        return
    mrs = evans_plan.person
    hers = evans_plan.assessment
    his = evans_plan.carer_assessment
    place_person(mrs, 100)
    place_person(his.person, 100)
    place_assessment(hers, started=96, completed=92)
    place_assessment(his, started=95, completed=91)
    # Submitted 79 days ago, it waited 9 days for the meeting 70 days ago, started a
    # week after it; the first review fell due 8 weeks after the start.
    place_plan(evans_plan, drafted=88, submitted=79, approved=70, start=63)
    dorothy = CarePlan.objects.filter(
        site=site, person__nhs_number="9990011508"
    ).first()
    if dorothy is not None:
        place_person(dorothy.person, 95)
        place_assessment(dorothy.assessment, started=92, completed=90)
        place_plan(dorothy, drafted=86, submitted=82)


def place_standard_plan(plan):
    """An all-standard plan signed off by a team manager, started 50 days ago."""
    place_person(plan.person, 65)
    place_assessment(plan.assessment, started=62, completed=58)
    place_plan(plan, drafted=56, submitted=55, approved=53, start=50)
