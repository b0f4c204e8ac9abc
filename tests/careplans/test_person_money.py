"""Money the person sees (issue 12 item 7): the outcome of their financial assessment,
the personal budget split into the council's part and theirs (computed, never typed
twice), direct payments with their agreement date; on the plan page and in the PDF."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pypdf import PdfReader

from careplans import services
from careplans.charging import FinancialAssessment, split_budget
from careplans.charging_services import record_financial_assessment
from careplans.models import CarePlan
from sites.models import AuditEvent
from tests.careplans.test_pdf_view import PDF_QUERIES
from tests.careplans.test_reviews_due_and_query_counts import DETAIL_QUERIES
from tests.plan_factories import add_response, draft_plan, limits

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)
Outcome = FinancialAssessment.Outcome


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def plan(site_a, officer):
    """A draft plan costing £103.50 a week, £61.50 of it by direct payment."""
    with scopes_disabled():
        plan = draft_plan(site_a, officer)
        add_response(plan, officer, cost="42.00")
        add_response(plan, officer, cost="20.50", times=3, paid_by_direct_payment=True)
        CarePlan.objects.filter(pk=plan.pk).update(
            person_views="Fine.", direct_payment_agreed_on=date(2026, 11, 2)
        )
        plan.refresh_from_db()
    return plan


def url(name, code, site="alpha"):
    return reverse(name, kwargs={"site_slug": site, "code": code})


def assess(plan, officer, outcome=Outcome.CONTRIBUTES, weekly="28.40", **kw):
    with scopes_disabled():
        return record_financial_assessment(
            person=plan.person,
            by=officer,
            outcome=outcome,
            weekly_contribution=Decimal(weekly) if weekly else None,
            assessed_on=kw.pop("assessed_on", date(2026, 11, 20)),
            **kw,
        )


def pdf_text(response):
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    return " ".join(text.split())


# --- the split, computed --------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "assessed", "person", "council", "capped"),
    [
        (Outcome.CONTRIBUTES, "28.40", "28.40", "75.10", False),
        (Outcome.CONTRIBUTES, "150.00", "103.50", "0.00", True),
        (Outcome.NOTHING, None, "0.00", "103.50", False),
        (Outcome.FULL_COST, None, "103.50", "0.00", False),
    ],
)
def test_the_budget_is_split_by_the_financial_assessment(
    outcome, assessed, person, council, capped
):
    split = split_budget(
        Decimal("103.50"), outcome, Decimal(assessed) if assessed else None
    )
    assert split == (Decimal(person), Decimal(council), capped)


def test_without_a_financial_assessment_nothing_is_split():
    assert split_budget(Decimal("103.50"), "", None) == (None, None, False)


@hypothesis_settings(max_examples=40)
@given(
    budget=st.decimals(min_value=0, max_value=10_000, places=2),
    assessed=st.decimals(min_value="0.01", max_value=10_000, places=2),
    outcome=st.sampled_from(Outcome.values),
)
def test_the_person_never_pays_more_than_the_budget_and_the_parts_add_up(
    budget, assessed, outcome
):
    person, council, _ = split_budget(budget, outcome, assessed)
    assert Decimal(0) <= person <= budget
    assert council >= 0
    assert person + council == budget


# --- recording it: good and bad input -----------------------------------------------


def test_an_officer_records_a_contribution_and_it_is_audited(plan, officer):
    record = assess(plan, officer, budget=Decimal("103.50"))

    assert record.weekly_contribution == Decimal("28.40")
    with scopes_disabled():
        event = AuditEvent.objects.get(object_code=str(record.code))
    assert event.action == "Financial assessment recorded"
    # The amount is never in the audit trail.
    assert "28.40" not in str(event.details)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"outcome": "contributes", "weekly_contribution": ""},
            "weekly_contribution",
            "Enter the weekly contribution",
        ),
        (
            {"outcome": "contributes", "weekly_contribution": "0"},
            "weekly_contribution",
            "Enter the weekly contribution",
        ),
        (
            {"outcome": "contributes", "weekly_contribution": "103.51"},
            "weekly_contribution",
            "£103.51 a week is more than the personal budget of £103.50 a week",
        ),
        (
            {"outcome": "contributes", "weekly_contribution": "99999999999.99"},
            "weekly_contribution",
            "A weekly contribution cannot be more than £10,000.00",
        ),
        (
            {"outcome": "contributes", "weekly_contribution": "10000.01"},
            "weekly_contribution",
            "A weekly contribution cannot be more than £10,000.00",
        ),
        (
            {"outcome": "contributes", "weekly_contribution": "-5"},
            "weekly_contribution",
            "cannot be below zero",
        ),
        (
            {"outcome": "contributes", "weekly_contribution": "12.345"},
            "weekly_contribution",
            "at most two figures after the point",
        ),
        (
            {"outcome": "contributes", "weekly_contribution": "lots"},
            "weekly_contribution",
            "Enter the contribution in pounds and pence",
        ),
        ({"outcome": ""}, "outcome", "Choose what the financial assessment found"),
        ({"outcome": "gift"}, "outcome", "Select a valid choice"),
        (
            {"outcome": "nothing", "assessed_on": "2026-12-01"},
            "assessed_on",
            "cannot be dated in the future",
        ),
        (
            {"outcome": "nothing", "assessed_on": "1999-12-31"},
            "assessed_on",
            "before 1 January 2000",
        ),
        (
            {"outcome": "nothing", "assessed_on": "9999-99-99"},
            "assessed_on",
            "Enter the date as day, month and year",
        ),
        ({"outcome": "nothing", "assessed_on": ""}, "assessed_on", "Enter the date"),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(
    client, plan, officer, fields, field, message
):
    client.force_login(officer)
    data = {"outcome": "contributes", "assessed_on": "2026-11-20"} | fields

    response = client.post(url("plan_financial_assessment", plan.code), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    for name, typed in data.items():
        if typed and name != "outcome":
            assert f'value="{typed}"' in html
    with scopes_disabled():
        assert not FinancialAssessment.objects.exists()


def test_nothing_to_pay_ignores_an_amount_typed_by_mistake(client, plan, officer):
    client.force_login(officer)

    response = client.post(
        url("plan_financial_assessment", plan.code),
        {
            "outcome": "nothing",
            "weekly_contribution": "12.00",
            "assessed_on": "2026-11-20",
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#pay")
    with scopes_disabled():
        record = FinancialAssessment.objects.get()
    assert record.outcome == Outcome.NOTHING
    assert record.weekly_contribution is None


def test_the_form_opens_with_todays_date_and_the_budget(client, plan, officer):
    client.force_login(officer)
    response = client.get(url("plan_financial_assessment", plan.code))
    html = response.content.decode()
    assert 'value="2026-11-30"' in html
    assert "£103.50 a week" in html


def test_a_member_without_the_capability_may_not_record_it(client, plan, senior):
    client.force_login(senior)
    address = url("plan_financial_assessment", plan.code)
    assert client.get(address).status_code == 403
    assert client.post(address, {"outcome": "nothing"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, plan):
    response = client.get(url("plan_financial_assessment", plan.code))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_carers_plan_has_nothing_to_assess(client, site_a, officer):
    with scopes_disabled():
        plan = draft_plan(site_a, officer)
        CarePlan.objects.filter(pk=plan.pk).update(kind=CarePlan.Kind.CARER_SUPPORT)
    client.force_login(officer)

    response = client.post(
        url("plan_financial_assessment", plan.code), {"outcome": "full_cost"}
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert not FinancialAssessment.objects.exists()


# --- shown on the plan page and in the PDF ------------------------------------------


def test_the_plan_page_says_not_yet_assessed_until_it_is(client, plan, officer):
    client.force_login(officer)
    html = client.get(url("plan_detail", plan.code)).content.decode()
    assert "Financial assessment: not yet assessed." in html
    assert "Record the financial assessment" in html


def test_the_plan_page_shows_the_split_and_the_direct_payment(client, plan, officer):
    assess(plan, officer)
    client.force_login(officer)

    html = " ".join(client.get(url("plan_detail", plan.code)).content.decode().split())

    assert "Financial assessment of 20 November 2026" in html
    assert "pays a weekly contribution</strong>, £28.40 a week" in html
    assert 'The council pays</th><td class="text-end text-nowrap">£75.10</td>' in html
    assert f"{plan.person.called} pays</th>" in html
    assert "£1,476.80" in html  # 28.40 x 52
    assert "Direct payment: £61.50 a week, agreement signed on 2 November 2026" in html


def test_the_latest_financial_assessment_is_the_one_in_force(client, plan, officer):
    assess(plan, officer, weekly="10.00", assessed_on=date(2026, 1, 5))
    assess(plan, officer, outcome=Outcome.NOTHING, weekly=None)
    client.force_login(officer)

    html = client.get(url("plan_detail", plan.code)).content.decode()

    assert "pays nothing</strong>" in html
    assert "£10.00" not in html


def test_a_contribution_above_a_smaller_budget_is_capped_at_the_budget(
    client, site_a, plan, officer
):
    # Assessed at £150 a week (e.g. from an earlier, larger plan): never more than
    # this plan's £103.50.
    assess(plan, officer, weekly="150.00")
    client.force_login(officer)

    html = " ".join(client.get(url("plan_detail", plan.code)).content.decode().split())

    assert "pays no more than the budget" in html
    assert '<td class="text-end text-nowrap">£103.50</td>' in html
    assert "£0.00" in html


def test_the_budget_split_is_of_what_was_authorised(client, plan, officer):
    with scopes_disabled():
        CarePlan.objects.filter(pk=plan.pk).update(
            status=CarePlan.Status.APPROVED, authorised_weekly=Decimal("90.00")
        )
    assess(plan, officer)
    client.force_login(officer)

    pay = client.get(url("plan_detail", plan.code)).context["pay"]

    assert pay.budget == Decimal("90.00")
    assert pay.council_weekly == Decimal("61.60")


def test_the_plan_pdf_says_what_you_pay(client, plan, officer):
    assess(plan, officer)
    client.force_login(officer)

    text = pdf_text(client.get(url("plan_pdf", plan.code)))

    assert "What you pay" in text
    assert "Your financial assessment on 20 November 2026 found that you pay" in text
    assert "£28.40 a week" in text
    assert "The council pays £75.10 a week (£3,905.20 a year)" in text
    assert (
        "£61.50 a week is paid to you as a direct payment, under the agreement "
        "signed on 2 November 2026" in text
    )


def test_the_plan_pdf_says_when_it_is_not_yet_assessed(client, plan, officer):
    client.force_login(officer)
    text = pdf_text(client.get(url("plan_pdf", plan.code)))
    assert "Your financial assessment has not yet been done" in text
    assert "You will never pay more than your personal budget" in text


def test_the_plan_pdf_for_someone_who_pays_the_full_cost(client, plan, officer):
    assess(plan, officer, outcome=Outcome.FULL_COST, weekly=None)
    client.force_login(officer)
    text = pdf_text(client.get(url("plan_pdf", plan.code)))
    assert "you pay the full cost of your care" in text
    assert "You pay £103.50 a week" in text


# --- the direct payment agreement date (plan form) ----------------------------------


def test_the_direct_payment_agreement_date_is_saved_with_the_plan(
    client, plan, officer
):
    client.force_login(officer)
    response = client.post(
        url("plan_edit", plan.code),
        {
            "version": plan.version,
            "start_date": "2026-12-01",
            "contingency_plan": "The agency covers absence.",
            "direct_payment_agreed_on": "2026-11-25",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.direct_payment_agreed_on == date(2026, 11, 25)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2028-01-01", "more than a year ahead"),
        ("2001-01-01", "more than ten years ago"),
    ],
)
def test_an_unlikely_agreement_date_is_refused_and_the_form_kept(
    client, plan, officer, typed, message
):
    client.force_login(officer)
    response = client.post(
        url("plan_edit", plan.code),
        {
            "version": plan.version,
            "start_date": "2026-12-01",
            "contingency_plan": "The agency covers absence.",
            "direct_payment_agreed_on": typed,
        },
    )
    assert response.status_code == 200
    assert message in " ".join(
        response.context["form"].errors["direct_payment_agreed_on"]
    )
    assert "The agency covers absence." in response.content.decode()


def test_a_new_version_keeps_the_agreement_date(site_a, plan, officer, manager):
    with scopes_disabled():
        limits(site_a, officer)
        CarePlan.objects.filter(pk=plan.pk).update(
            status=CarePlan.Status.APPROVED, authorised_weekly=Decimal("103.50")
        )
        plan.refresh_from_db()
        revision = services.revise_plan(plan, by=officer)
    assert revision.direct_payment_agreed_on == date(2026, 11, 2)


# --- query counts: what they pay costs no query -------------------------------------


@pytest.mark.parametrize("assessments", [0, 3])
def test_the_plan_page_and_pdf_take_the_same_queries_with_what_they_pay(
    client, plan, officer, assessments, django_assert_num_queries
):
    for i in range(assessments):
        assess(plan, officer, assessed_on=TODAY - timedelta(days=i))
    client.force_login(officer)

    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(url("plan_detail", plan.code))
    with django_assert_num_queries(PDF_QUERIES):
        client.get(url("plan_pdf", plan.code))


def test_the_audit_trail_names_the_financial_assessment_not_its_amount(
    client, plan, officer, senior
):
    assess(plan, officer)
    client.force_login(senior)

    page = client.get(reverse("audit_list", kwargs={"site_slug": "alpha"}))

    html = page.content.decode()
    assert f"Financial assessment · {plan.person.full_name}" in html
    assert "careplans.FinancialAssessment" not in html
    assert "28.40" not in html
