"""The demo exercises every part of the legal record (issue 12): Walter Bryce, who has
dementia, and his working daughter Helen; and the Evans household."""

import io

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from assessments.legal import (
    Advocacy,
    Attorney,
    CapacityAssessment,
    Consent,
    Contact,
    EqualityRecord,
    Risk,
    SafeguardingConcern,
)
from assessments.legal_demo import WALTER_NHS
from assessments.models import Assessment, Person
from careplans.models import CarePlan
from sites.models import Site

pytestmark = pytest.mark.django_db


def test_the_demo_person_with_dementia_has_every_part_of_the_legal_record(demo_data):
    call_command("seed_demo", "--force", stdout=io.StringIO())  # safe to repeat
    with scopes_disabled():
        walter = Person.objects.get(nhs_number=WALTER_NHS)
        assert {c.kind for c in Contact.objects.filter(person=walter)} == {
            "gp",
            "next_of_kin",
            "professional",
        }
        assert Contact.objects.filter(person=walter, also_emergency=True).exists()
        assert {c.purpose for c in Consent.objects.filter(person=walter)} == {
            "assessment",
            "sharing",
        }
        capacity = CapacityAssessment.objects.get(person=walter)
        assert capacity.lacks_capacity
        assert not capacity.best_interests_missing
        assert Attorney.objects.filter(person=walter).count() == 2
        assert Advocacy.objects.filter(person=walter, advocate_name="Sam Okafor")
        assert SafeguardingConcern.objects.open().filter(person=walter).exists()
        assert EqualityRecord.objects.get(person=walter).large_print
        needs = Assessment.objects.get(person=walter, kind="needs")
        assert needs.needs_fluctuate == "yes"
        assert needs.eligibility_result
        assert Risk.objects.filter(assessment=needs).count() == 2
        helen = walter.carer_links.get().carer
        assert Assessment.objects.filter(person=helen, kind="carer").exists()
        plan = CarePlan.objects.get(person=walter)
        assert plan.contingency_plan
        assert plan.status != CarePlan.Status.DRAFT
        assert Site.objects.get(slug="northshire").duty_phone
        gwen = Person.objects.get(nhs_number="9990004110")
        assert Contact.objects.filter(person=gwen).count() == 4
        assert EqualityRecord.objects.filter(person=gwen).exists()
