"""No dead ends (issue 10, item 16): drafting a plan before any assessment offers to
start one, or to continue the draft."""

import pytest
from django_scopes import scopes_disabled

from assessments.models import Assessment
from assessments.services import start_assessment
from tests.factories import PersonFactory
from tests.helpers import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(site_a, officer):
    with scopes_disabled():
        return PersonFactory(site=site_a, allocated_worker=officer)


def test_with_no_assessment_the_plan_page_offers_to_start_one(client, officer, person):
    client.force_login(officer)
    html = client.get(url("plan_create", person.code)).content.decode()
    assert f'action="{url("assessment_create", person.code)}"' in html
    assert "Start a needs assessment" in html
    started = client.post(url("assessment_create", person.code), {"kind": "needs"})
    with scopes_disabled():
        assessment = Assessment.objects.get(person=person)
    assert started["Location"] == url("assessment_detail", assessment.code)


def test_with_a_draft_assessment_the_plan_page_leads_to_it(client, officer, person):
    with scopes_disabled():
        draft = start_assessment(person=person, kind="needs", by=officer)
    client.force_login(officer)
    html = client.get(url("plan_create", person.code)).content.decode()
    assert url("assessment_detail", draft.code) in html
    assert "continue the assessment" in html
