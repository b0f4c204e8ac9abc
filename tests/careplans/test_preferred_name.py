"""The name a person goes by (issue 10, item 15): the plan they keep speaks to them by
their preferred name; the legal name appears once, for identification, where it is
needed; the panel's formal records give the legal name with "known as"."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments.models import DesiredOutcome
from tests.factories import PersonFactory
from tests.helpers import pdf_text
from tests.plan_factories import add_response, draft_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def harry_plan(site_a, officer):
    with scopes_disabled():
        harry = PersonFactory(
            site=site_a,
            given_name="Harold",
            preferred_name="Harry",
            family_name="Testname",
        )
        plan = draft_plan(site_a, officer, person=harry, outcomes=2)
        _, second = DesiredOutcome.objects.filter(assessment=plan.assessment)
        second.expressed_by = "jointly"
        second.save()
        add_response(plan, officer, cost="10.00", description="Lunch out")
    return plan


def test_the_plan_pdf_speaks_to_the_person_by_their_preferred_name(
    client, officer, harry_plan
):
    client.force_login(officer)
    text = pdf_text(client.get(reverse("plan_pdf", args=["alpha", harry_plan.code])))
    assert "For Harry Testname." in text or "For Harry Testname " in text
    assert "— Harry Testname" in text
    assert "Harry and family, together" in text
    assert "Legal name, for identification: Harold Testname" in text
    assert text.count("Harold") == 1


def test_without_a_preferred_name_no_legal_name_line(client, officer, site_a):
    with scopes_disabled():
        plan = draft_plan(site_a, officer)
        add_response(plan, officer, cost="10.00", description="Lunch out")
    client.force_login(officer)
    text = pdf_text(client.get(reverse("plan_pdf", args=["alpha", plan.code])))
    assert "Legal name" not in text
    assert f"For {plan.person.given_name} {plan.person.family_name}" in text
