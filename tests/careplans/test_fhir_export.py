"""A plan handed to another system as FHIR R4 (issue 13, item 4): the Evans demo plan
parsed back with fhir.resources, the download's rule, audit and query count."""

import json

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from fhir.resources.R4B.bundle import Bundle

from assessments import demo as people_demo
from assessments.models import DesiredOutcome
from careplans import demo as plans_demo
from careplans.models import CarePlan, OutcomeReview, Review
from sites.models import AuditEvent
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def evans(site_a, officer):
    """The reference case as the demo makes it: Mrs Evans's plan, with Mr Evans's
    carer's assessment in it."""
    with scope(site=site_a):
        catalogue = people_demo._catalogue(site_a)
        people_demo._evans(site_a, officer, catalogue)
        plans_demo._evans(site_a, officer)
        return CarePlan.objects.select_related("person").get(
            person__nhs_number="9990004110"
        )


def download(client, plan):
    return client.get(reverse("plan_fhir", args=["alpha", plan.code]))


def resources(bundle, kind):
    return [e.resource for e in bundle.entry if e.resource.get_resource_type() == kind]


def test_the_evans_plan_parses_back_as_an_r4_bundle_with_every_resource(
    client, evans, officer, django_assert_num_queries
):
    login(client, officer)
    # Session, user, memberships; plan; links, needs, responses (+ their
    # outcomes), outcomes, ratings; the audit event: 11, whatever the size.
    with django_assert_num_queries(11):
        response = download(client, evans)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert "Evans" not in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    bundle = Bundle.model_validate(json.loads(response.content))
    assert bundle.type == "collection"

    (patient,) = resources(bundle, "Patient")
    assert patient.name[0].family == "Evans"
    assert patient.birthDate.isoformat() == "1939-04-12"
    assert patient.identifier[0].value == "9990004110"
    (carer,) = resources(bundle, "RelatedPerson")
    assert carer.name[0].given == ["Dennis"]
    assert carer.patient.reference == f"urn:uuid:{patient.id}"

    conditions = resources(bundle, "Condition")
    assert len(conditions) >= 2
    assert all(c.subject.reference == f"urn:uuid:{patient.id}" for c in conditions)
    goals = resources(bundle, "Goal")
    lunch_out = goal_starting(goals, "We'd like to get out for lunch")
    assert lunch_out.expressedBy.reference == f"urn:uuid:{patient.id}"
    assert lunch_out.note[0].text == "Said jointly by the person and their carer."
    # Mr Evans's own outcome, from his carer's assessment, is in his words.
    cook = goal_starting(goals, "Learn to cook")
    assert cook.expressedBy.reference == f"urn:uuid:{carer.id}"
    assert all(g.achievementStatus.coding[0].code == "in-progress" for g in goals)

    (care_plan,) = resources(bundle, "CarePlan")
    assert care_plan.status == "draft"  # awaiting panel: not in force yet
    assert care_plan.intent == "plan"
    assert len(care_plan.activity) == 3
    lunch = care_plan.activity[0].detail
    assert lunch.description.startswith("Dial-a-ride twice a week")
    assert lunch.scheduledTiming.repeat.frequency == 2
    assert lunch.scheduledTiming.repeat.periodUnit == "wk"
    assert len(lunch.goal) == 3
    assert {r.reference for r in care_plan.addresses} == {
        f"urn:uuid:{c.id}" for c in conditions
    }
    # Every reference in the bundle points to an entry in it.
    full_urls = {e.fullUrl for e in bundle.entry}
    assert set(_references(json.loads(response.content))) <= full_urls

    with scopes_disabled():
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert (event.object_code, event.user) == (str(evans.code), officer)


def goal_starting(goals, words):
    (goal,) = [g for g in goals if g.description.text.startswith(words)]
    return goal


def _references(value):
    if isinstance(value, dict):
        if "reference" in value:
            yield value["reference"]
        for item in value.values():
            yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def test_achievement_comes_from_the_latest_completed_review(
    client, evans, officer, senior
):
    with scope(site=evans.site):
        outcome = DesiredOutcome.objects.get(in_own_words__startswith="Learn to cook")
        review = Review.objects.create(
            site=evans.site, plan=evans, kind=Review.Kind.FIRST, due_date="2030-01-01"
        )
        services_free_rating(review, outcome, OutcomeReview.Rating.FULLY)
    login(client, senior)
    bundle = Bundle.model_validate(json.loads(download(client, evans).content))
    goal = goal_starting(resources(bundle, "Goal"), "Learn to cook")
    assert goal.achievementStatus.coding[0].code == "achieved"
    assert goal.lifecycleStatus == "completed"


def services_free_rating(review, outcome, rating):
    """A completed review's rating, written directly (the review services are
    tested elsewhere; here only what the export reads matters)."""
    Review.objects.filter(pk=review.pk).update(status=Review.Status.COMPLETED)
    OutcomeReview.objects.create(
        site=review.site, review=review, desired_outcome=outcome, rating=rating
    )


def test_the_plan_page_offers_the_download_only_to_those_allowed(
    client, evans, officer, chair
):
    page = reverse("plan_detail", args=["alpha", evans.code])
    address = reverse("plan_fhir", args=["alpha", evans.code])
    assert address in login(client, officer).get(page).content.decode()
    client.logout()
    login(client, chair)
    assert address not in client.get(page).content.decode()
    assert download(client, evans).status_code == 403


def test_outsider_gets_404(client, evans, outsider):
    login(client, outsider)
    assert download(client, evans).status_code == 404
