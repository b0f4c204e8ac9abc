"""Demo for issue 12 items 6 and 7. Fictional people only.

- Helen Bryce, who cares for her father Walter, has her own carer's support plan: a
  sitter on Thursday evenings so she can sing in her choir again, signed off by a team
  manager within his delegated limit. (The Evans couple chose one joint plan.)
- Gwen Evans's financial assessment found a weekly contribution: her plan shows the
  council's part and hers. Walter Bryce is not yet assessed.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from assessments.legal_demo import HELEN_NHS
from assessments.models import Assessment, Person, StandardService

from . import services
from .charging import FinancialAssessment
from .charging_services import record_financial_assessment
from .models import CarePlan, Response

GWEN_NHS = "9990004110"
GWEN_CONTRIBUTION = Decimal("28.40")


def _helens_plan(site, olivia, tom):
    helen = Person.objects.filter(site=site, nhs_number=HELEN_NHS).first()
    if helen is None or CarePlan.objects.filter(person=helen).exists():
        return
    hers = Assessment.objects.filter(
        person=helen, kind=Assessment.Kind.CARER, status=Assessment.Status.COMPLETED
    ).first()
    if hers is None:
        return
    sitting = StandardService.objects.get(site=site, name="Carers' sitting service")
    plan = services.create_plan(person=helen, assessment=hers, by=olivia)
    plan = services.update_plan(
        plan,
        by=olivia,
        expected_version=plan.version,
        start_date=timezone.localdate() + timedelta(days=7),
        person_views="Helen: “One evening a week that is mine. I haven't sung since "
        "the spring.”",
        officer_recommendation="Helen's own plan, answering her carer's assessment: a "
        "sitter on Thursday evenings from the carers' sitting service, so she can go "
        "back to her choir. A standard service, within a team manager's limit.",
        prevention_advice="The carers' centre runs a support group for working carers "
        "on the first Monday of the month (free). Her GP can note that she is a carer.",
        contingency_plan="If the sitter cannot come, the sitting service rings Helen "
        "by 4pm and offers another evening that week.",
    )
    outcomes = list(hers.desired_outcomes.all())
    choir = [o for o in outcomes if "choir" in o.in_own_words] or outcomes[:1]
    services.save_response(
        plan,
        by=olivia,
        outcomes=choir,
        description="A sitter with Walter on Thursday evenings, so Helen can go to "
        "her choir",
        kind=Response.Kind.STANDARD,
        origin=Response.Origin.ASKED_FOR,
        replaces=sitting,
        # One evening of the three hours a week the standard service gives.
        replaced_weekly_cost=Decimal("22.00"),
        provider="Northshire Carers' Sitting Service",
        times=1,
        period=Response.Period.WEEK,
        unit_cost=Decimal("22.00"),
    )
    services.submit_plan(plan, by=olivia)
    services.sign_off_plan(
        plan, by=tom, note="A standard service for a working carer, within my limit."
    )


def _gwens_contribution(site, olivia):
    gwen = Person.objects.filter(site=site, nhs_number=GWEN_NHS).first()
    if gwen is None or FinancialAssessment.objects.filter(person=gwen).exists():
        return
    record_financial_assessment(
        person=gwen,
        by=olivia,
        outcome=FinancialAssessment.Outcome.CONTRIBUTES,
        weekly_contribution=GWEN_CONTRIBUTION,
        assessed_on=timezone.localdate() - timedelta(days=60),
    )


def seed_carer_plans_and_money(site, users):
    """Once per site (safe to repeat)."""
    _helens_plan(site, users["olivia"], users["tom"])
    _gwens_contribution(site, users["olivia"])
