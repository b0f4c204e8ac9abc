"""Attach a document to a care plan (issue 12, item 8): the same form and checks as
for a person or an assessment (``assessments/document_views.py``); the document is
kept on the person's record, marked as the plan's, and listed on the plan's page
(which the form goes back to)."""

from django.urls import reverse
from django.views.decorators.http import require_http_methods

from assessments.document_views import attach_page
from sites.decorators import require_rule
from sites.shortcuts import get_for_site

from .models import CarePlan


@require_http_methods(["GET", "POST"])
@require_rule("change_people")
def plan_document_attach(request, site_slug, code):
    plan = get_for_site(
        CarePlan.objects.select_related("person"), request.site, code=code
    )
    return attach_page(
        request,
        person=plan.person,
        back_url=reverse("plan_detail", args=[site_slug, plan.code]) + "#documents",
        heading=f"Attach a document to the plan (version {plan.version_number})",
        plan_code=plan.code,
    )
