"""How the audit trail names plans, reviews, limits and programme casework
(``sites.audit_subjects``)."""

from django.urls import reverse

from sites.audit_subjects import Subject, register_subject
from sites.permissions import allows

from .models import CarePlan, DelegatedLimit, FinancialAssessment, Review
from .programme import CaseStudy, ProgrammeCase


def _plan_link(request, code):
    if not allows(request, "see_people"):
        return ""
    return reverse("plan_detail", kwargs={"site_slug": request.site.slug, "code": code})


def describe_plans(request, codes):
    return {
        str(plan.code): Subject(
            f"{plan.title} v{plan.version_number} · {plan.person.full_name}",
            _plan_link(request, plan.code),
            str(plan.person.code),
        )
        for plan in CarePlan.objects.filter(
            site=request.site, code__in=codes
        ).select_related("person")
    }


def describe_reviews(request, codes):
    return {
        str(review.code): Subject(
            f"{review.get_kind_display()} · {review.plan.person.full_name}",
            _plan_link(request, review.plan.code),
            str(review.plan.person.code),
        )
        for review in Review.objects.filter(
            site=request.site, code__in=codes
        ).select_related("plan__person")
    }


def describe_limits(request, codes):
    url = ""
    if allows(request, "see_delegated_limits"):
        url = reverse("limit_list", kwargs={"site_slug": request.site.slug})
    return {
        str(limit.pk): Subject(f"Delegated limit: {limit.get_role_display()}", url)
        for limit in DelegatedLimit.objects.filter(site=request.site, pk__in=codes)
    }


def describe_programme_cases(request, codes):
    return {
        str(case.code): Subject(
            f"Programme case · {case.person.full_name}",
            "",
            str(case.person.code),
        )
        for case in ProgrammeCase.objects.filter(
            site=request.site, code__in=codes
        ).select_related("person")
    }


def describe_case_studies(request, codes):
    return {
        str(study.code): Subject(
            f"Case study: {study.pseudonym}",
            "",
            str(study.programme_case.person.code),
        )
        for study in CaseStudy.objects.filter(
            site=request.site, code__in=codes
        ).select_related("programme_case__person")
    }


def describe_financial_assessments(request, codes):
    return {
        str(record.code): Subject(
            f"Financial assessment · {record.person.full_name}",
            "",
            str(record.person.code),
        )
        for record in FinancialAssessment.objects.filter(
            site=request.site, code__in=codes
        ).select_related("person")
    }


def register():
    register_subject(
        "careplans.FinancialAssessment",
        describe=describe_financial_assessments,
        of_person=lambda site, code: FinancialAssessment.objects.filter(
            site=site, person__code=code
        ).values_list("code", flat=True),
    )
    register_subject(
        "careplans.CarePlan",
        describe=describe_plans,
        of_person=lambda site, code: CarePlan.objects.filter(
            site=site, person__code=code
        ).values_list("code", flat=True),
    )
    register_subject(
        "careplans.Review",
        describe=describe_reviews,
        of_person=lambda site, code: Review.objects.filter(
            site=site, plan__person__code=code
        ).values_list("code", flat=True),
    )
    register_subject(
        "careplans.DelegatedLimit", describe=describe_limits, uuid_codes=False
    )
    register_subject(
        "careplans.ProgrammeCase",
        describe=describe_programme_cases,
        of_person=lambda site, code: ProgrammeCase.objects.filter(
            site=site, person__code=code
        ).values_list("code", flat=True),
    )
    register_subject(
        "careplans.CaseStudy",
        describe=describe_case_studies,
        of_person=lambda site, code: CaseStudy.objects.filter(
            site=site, programme_case__person__code=code
        ).values_list("code", flat=True),
    )
