"""A carer's own support plan (issue 12 item 6): it answers the carer's assessment, has
its own personal budget and responses, is routed and reviewed like any plan, and shows
on the carer's and the cared-for person's pages; the joint plan stays possible."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django_scopes import scopes_disabled
from pypdf import PdfReader

from assessments.legal_demo import HELEN_NHS
from assessments.models import Assessment
from careplans import services
from careplans.carer_plan_demo import (
    GWEN_CONTRIBUTION,
    GWEN_NHS,
    seed_carer_plans_and_money,
)
from careplans.carer_plans import JOINT_AND_CARER
from careplans.models import CarePlan, FinancialAssessment, Response
from tests.factories import CarerLinkFactory, PersonFactory, StandardServiceFactory
from tests.plan_factories import CONTINGENCY, completed_assessment, limits

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(site_a, officer):
    """A man cared for by his daughter: his completed needs assessment and her
    completed carer's assessment."""
    with scopes_disabled():
        father = PersonFactory(site=site_a, given_name="Walter", family_name="Bryce")
        daughter = PersonFactory(site=site_a, given_name="Helen", family_name="Bryce")
        CarerLinkFactory(site=site_a, carer=daughter, cared_for=father)
        needs = completed_assessment(site_a, officer, person=father)
        carers = completed_assessment(
            site_a,
            officer,
            person=daughter,
            kind=Assessment.Kind.CARER,
            cared_for=father,
        )
    return {
        "father": father,
        "daughter": daughter,
        "needs": needs,
        "carers": carers,
    }


def carers_plan(household, officer, *, kind=Response.Kind.STANDARD, cost="22.00"):
    """The daughter's support plan with one response, ready to submit."""
    with scopes_disabled():
        carers = household["carers"]
        plan = services.create_plan(
            person=household["daughter"], assessment=carers, by=officer
        )
        plan = services.update_plan(
            plan,
            by=officer,
            expected_version=plan.version,
            start_date=carers.assessment_date,
            contingency_plan=CONTINGENCY,
        )
        services.save_response(
            plan,
            by=officer,
            outcomes=list(carers.desired_outcomes.all()),
            description="A sitter on Thursday evenings so she can go to her choir",
            kind=kind,
            times=1,
            period=Response.Period.WEEK,
            unit_cost=Decimal(cost),
        )
        plan.refresh_from_db()
    return plan


def url(name, code, site="alpha"):
    return reverse(name, kwargs={"site_slug": site, "code": code})


# --- the plan answers the carer's assessment ---------------------------------------


def test_a_plan_answering_a_carers_assessment_is_the_carers_support_plan(
    household, officer
):
    plan = carers_plan(household, officer)

    assert plan.kind == CarePlan.Kind.CARER_SUPPORT
    assert plan.is_carer_plan
    assert plan.title == "Carer's support plan"
    assert str(plan) == "Carer's support plan v1"
    assert plan.person == household["daughter"]


def test_a_plan_answering_a_needs_assessment_stays_a_care_and_support_plan(
    household, officer
):
    with scopes_disabled():
        plan = services.create_plan(
            person=household["father"], assessment=household["needs"], by=officer
        )
    assert plan.kind == CarePlan.Kind.CARE_AND_SUPPORT
    assert plan.title == "Care and support plan"


def test_the_joint_plan_stays_possible_where_the_couple_want_one(household, officer):
    with scopes_disabled():
        joint = services.create_plan(
            person=household["father"],
            assessment=household["needs"],
            carer_assessment=household["carers"],
            by=officer,
        )
        own = services.create_plan(
            person=household["daughter"], assessment=household["carers"], by=officer
        )
    assert joint.kind == CarePlan.Kind.CARE_AND_SUPPORT
    assert joint.carer_assessment == household["carers"]
    assert own.kind == CarePlan.Kind.CARER_SUPPORT


def test_a_carers_support_plan_cannot_also_be_a_joint_plan(site_a, household, officer):
    with scopes_disabled():
        # The daughter also has a carer of her own, whose assessment is about her.
        her_carer = PersonFactory(site=site_a)
        CarerLinkFactory(site=site_a, carer=her_carer, cared_for=household["daughter"])
        theirs = completed_assessment(
            site_a,
            officer,
            person=her_carer,
            kind=Assessment.Kind.CARER,
            cared_for=household["daughter"],
        )
        with pytest.raises(ValidationError) as refused:
            services.create_plan(
                person=household["daughter"],
                assessment=household["carers"],
                carer_assessment=theirs,
                by=officer,
            )
    assert refused.value.code == "carer_plan_joint"
    assert refused.value.messages == [JOINT_AND_CARER]


def test_the_database_refuses_a_carers_support_plan_with_a_carers_assessment_added(
    household, officer
):
    plan = carers_plan(household, officer)
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        CarePlan.objects.filter(pk=plan.pk).update(carer_assessment=household["carers"])


# --- routed and reviewed like any plan ----------------------------------------------


def test_a_standard_carers_plan_within_a_limit_goes_to_sign_off_and_is_reviewed(
    site_a, household, officer, manager
):
    with scopes_disabled():
        limits(site_a, officer)
        plan = services.submit_plan(carers_plan(household, officer), by=officer)
        assert plan.status == CarePlan.Status.AWAITING_SIGN_OFF
        plan = services.sign_off_plan(plan, by=manager)
        assert plan.status == CarePlan.Status.APPROVED
        assert plan.authorised_weekly == Decimal("22.00")
        assert plan.reviews.open().count() == 1


def test_a_flexible_carers_plan_goes_to_panel(site_a, household, officer):
    with scopes_disabled():
        limits(site_a, officer)
        plan = carers_plan(household, officer, kind=Response.Kind.FLEXIBLE)
        plan = services.submit_plan(plan, by=officer)
    assert plan.status == CarePlan.Status.AWAITING_PANEL
    assert [r["code"] for r in plan.routing_reasons] == ["not_standard"]


def test_a_carers_plan_over_every_limit_goes_to_panel(site_a, household, officer):
    with scopes_disabled():
        limits(site_a, officer)
        plan = carers_plan(household, officer, cost="800.00")
        plan = services.submit_plan(plan, by=officer)
    assert plan.status == CarePlan.Status.AWAITING_PANEL
    assert [r["code"] for r in plan.routing_reasons] == ["over_every_limit"]


def test_a_new_version_of_a_carers_plan_is_still_the_carers_plan(
    site_a, household, officer, manager
):
    with scopes_disabled():
        limits(site_a, officer)
        plan = services.submit_plan(carers_plan(household, officer), by=officer)
        plan = services.sign_off_plan(plan, by=manager)
        revision = services.revise_plan(plan, by=officer)
    assert revision.kind == CarePlan.Kind.CARER_SUPPORT
    assert revision.version_number == 2


# --- pages and the PDF --------------------------------------------------------------


def test_an_officer_drafts_a_carers_plan_from_the_carers_page(
    client, household, officer
):
    client.force_login(officer)
    daughter = household["daughter"]

    response = client.post(
        url("plan_create", daughter.code),
        {"assessment": household["carers"].pk},
    )

    with scopes_disabled():
        plan = CarePlan.objects.get(person=daughter)
    assert response.status_code == 302
    assert plan.kind == CarePlan.Kind.CARER_SUPPORT
    page = client.get(url("plan_detail", plan.code)).content.decode()
    assert "Carer&#x27;s support plan: Helen Bryce" in page
    assert "own plan, as carer of" in page
    assert "Support for carers is not charged" in page


def test_the_create_page_says_a_carers_assessment_makes_a_carers_support_plan(
    client, household, officer
):
    client.force_login(officer)
    page = client.get(url("plan_create", household["daughter"].code)).content.decode()
    assert "their <strong>carer's support plan</strong>" in page


def test_the_carers_plan_shows_on_her_page_and_on_the_page_of_the_man_she_cares_for(
    client, household, officer
):
    plan = carers_plan(household, officer)
    client.force_login(officer)

    hers = client.get(url("person_detail", household["daughter"].code)).content
    his = client.get(url("person_detail", household["father"].code)).content

    link = url("plan_detail", plan.code).encode()
    assert link in hers
    assert "Carer\u2019s support plan, version 1".encode() in hers
    assert link in his
    assert "Their carers\u2019 own support plans".encode() in his
    assert "Helen Bryce\u2019s carer\u2019s support plan, version 1".encode() in his


def test_a_person_page_without_carers_plans_has_no_carers_section(
    client, household, officer
):
    client.force_login(officer)
    page = client.get(url("person_detail", household["father"].code)).content
    assert "Their carers\u2019 own support plans".encode() not in page


def test_the_carers_plan_pdf_says_it_is_a_carers_support_plan(
    client, household, officer
):
    plan = carers_plan(household, officer)
    client.force_login(officer)

    response = client.get(url("plan_pdf", plan.code))

    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    text = " ".join(text.split())
    assert "Your carer\u2019s support plan" in text
    assert "Your care and support plan" not in text
    assert "as Walter Bryce\u2019s carer" in text
    assert "you pay nothing towards this plan" in text
    assert "£22.00 a week" in text


def test_the_plan_list_marks_a_carers_support_plan(client, household, officer):
    carers_plan(household, officer)
    client.force_login(officer)
    page = client.get(reverse("plan_list", kwargs={"site_slug": "alpha"})).content
    assert "Carer\u2019s support plan</span>".encode() in page


def test_the_panel_sees_that_it_is_a_carers_support_plan(
    client, site_a, household, officer, chair
):
    with scopes_disabled():
        limits(site_a, officer)
        plan = carers_plan(household, officer, kind=Response.Kind.FLEXIBLE)
        services.submit_plan(plan, by=officer)
    client.force_login(chair)

    page = client.get(url("chairs_action", plan.code)).content.decode()

    assert "carer\u2019s support plan, as carer of Walter Bryce" in page


def test_the_demo_gives_helen_her_own_plan_and_gwen_a_contribution(
    site_a, household, officer, manager
):
    """The demo's own step (issue 12 items 6 and 7), on a small cast: it is safe to
    repeat."""
    with scopes_disabled():
        limits(site_a, officer)
        StandardServiceFactory(site=site_a, name="Carers' sitting service")
        household["daughter"].nhs_number = HELEN_NHS
        household["daughter"].save()
        gwen = PersonFactory(site=site_a, nhs_number=GWEN_NHS)
        users = {"olivia": officer, "tom": manager}

        seed_carer_plans_and_money(site_a, users)
        seed_carer_plans_and_money(site_a, users)

        plan = CarePlan.objects.get(person=household["daughter"])
        assert plan.kind == CarePlan.Kind.CARER_SUPPORT
        assert plan.status == CarePlan.Status.APPROVED
        assert plan.approved_by == manager
        assert FinancialAssessment.objects.get(person=gwen).weekly_contribution == (
            GWEN_CONTRIBUTION
        )
