"""What counts as contact with a person, for retention (issue 13, item 5): their plans
and reviews. Registered in ``assessments.retention_services`` from ``ready()``, so
assessments never imports careplans."""

from django.db.models import Max

from assessments.retention_services import register_contact_source

from .models import CarePlan, Review


def _plans(site, person_ids):
    rows = CarePlan.objects.filter(site=site)
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    for row in rows.values("person_id").annotate(
        written=Max("created_at"),
        submitted=Max("submitted_at"),
        approved=Max("approved_at"),
        closed=Max("closed_at"),
    ):
        for key in ("written", "submitted", "approved", "closed"):
            if row[key]:
                yield row["person_id"], row[key]


def _reviews(site, person_ids):
    rows = Review.objects.filter(site=site, status=Review.Status.COMPLETED)
    if person_ids is not None:
        rows = rows.filter(plan__person_id__in=person_ids)
    return (
        rows.values("plan__person_id")
        .annotate(last=Max("completed_at"))
        .values_list("plan__person_id", "last")
    )


def register():
    register_contact_source(
        "plan", "a plan written, submitted, approved or closed", _plans
    )
    register_contact_source("review", "a review completed", _reviews)
