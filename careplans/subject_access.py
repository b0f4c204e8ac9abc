"""What a subject-access export holds from this app: the person's plans and every
version, their responses, reviews and case studies (``sites.subject_access``)."""

from sites.subject_access import Section, as_record, register_provider

from .models import CarePlan
from .programme import CaseStudy

PLAN_PARTS = ["responses", "decisions", "contributions", "unmet_wants"]


def collect(site, person_code):
    plans = list(
        CarePlan.objects.filter(site=site, person__code=person_code).order_by(
            "version_number", "created_at", "pk"
        )
    )
    plan_records, review_records = [], []
    for plan in plans:
        title = f"Care and support plan, version {plan.version_number}"
        plan_records.append(as_record(plan, title=title))
        for part in PLAN_PARTS:
            for row in getattr(plan, part).all():
                plan_records.append(
                    as_record(row, title=f"{title}: {row._meta.verbose_name}")
                )
        for review in plan.reviews.all():
            heading = f"Review of version {plan.version_number}"
            review_records.append(as_record(review, title=heading))
            for rating in review.ratings.all():
                review_records.append(
                    as_record(rating, title=f"{heading}: {rating._meta.verbose_name}")
                )
    studies = CaseStudy.objects.filter(site=site, plan__in=plans)
    return [
        Section("plans", "Care and support plans (every version)", plan_records),
        Section("reviews", "Reviews", review_records),
        Section(
            "case_studies",
            "Case studies made from their plans",
            [as_record(study, title="Case study") for study in studies],
            note="Case studies are pseudonymised before they are shared with the "
            "collaborative programme.",
        ),
    ]


def register():
    register_provider(
        "careplans",
        order=20,
        collect=collect,
        label="plans, reviews and case studies",
    )
