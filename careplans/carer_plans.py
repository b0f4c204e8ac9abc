"""A carer's own support plan (issue 12 item 6): one plan model, one workflow.

A plan answers one completed assessment. When that is a carer's assessment the plan
is the carer's **support plan**: their own personal budget and responses, routed by
the same delegated limits and panel rules and reviewed like any plan. A couple who
want one plan keep the **joint** plan: the cared-for person's plan with the carer's
assessment added, whose responses may serve either's outcomes.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q

from assessments.models import Assessment

from .models import CarePlan

JOINT_AND_CARER = (
    "A carer's support plan answers the carer's own assessment alone. For one plan "
    "for the couple, draft the plan of the person cared for and add the carer's "
    "assessment to it."
)


def kind_for(assessment, carer_assessment=None) -> str:
    """Whose plan a new plan is, from the assessment it answers; refuses a carer's
    support plan that also names a carer's assessment (that is a joint plan)."""
    if assessment.kind != Assessment.Kind.CARER:
        return CarePlan.Kind.CARE_AND_SUPPORT
    if carer_assessment is not None:
        raise ValidationError(JOINT_AND_CARER, code="carer_plan_joint")
    return CarePlan.Kind.CARER_SUPPORT


def plans_on_person_page(person):
    """The person's own plans, and the support plans of the carers who care for them,
    in one query: ``(own, carers)``."""
    rows = (
        CarePlan.objects.filter(site=person.site_id)
        .filter(
            Q(person=person)
            | Q(kind=CarePlan.Kind.CARER_SUPPORT, assessment__cared_for=person)
        )
        .select_related("written_by", "person")
        .order_by("-version_number", "-id")
    )
    own, carers = [], []
    for plan in rows:
        (own if plan.person_id == person.pk else carers).append(plan)
    return own, carers
