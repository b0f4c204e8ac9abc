"""The plan as FHIR R4, to hand to another system (issue 13, item 4)."""

import json

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from sites.audit import record_access
from sites.decorators import require_rule
from sites.models import AuditEvent
from sites.shortcuts import get_for_site

from .fhir import plan_bundle
from .models import CarePlan


@require_GET
@require_rule("export_plans_as_fhir")
def plan_fhir(request, site_slug, code):
    """A download of the plan as one FHIR R4 Bundle (JSON), audited as an export."""
    plan = get_for_site(
        CarePlan.objects.select_related("person"), request.site, code=code
    )
    body = json.dumps(plan_bundle(plan), ensure_ascii=False, indent=2)
    record_access(request, plan, kind=AuditEvent.Kind.EXPORT, action="Plan as FHIR R4")
    response = HttpResponse(body, content_type="application/fhir+json; charset=utf-8")
    # The file is named by the plan's public id only: no name in downloads.
    response["Content-Disposition"] = (
        f'attachment; filename="care-plan-{plan.code}.fhir.json"'
    )
    response["Cache-Control"] = "no-store"
    return response
