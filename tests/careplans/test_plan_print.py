"""The plan PDF's own selector (careplans.plan_print) prints exactly what the plan
page's selector printed: the same HTML, for every plan in the demo (joint plans, a
carer's own plan, approved and draft plans, large print, attorneys, an advocate,
consents to sharing, risks, what they pay), and the person page's legal record in
one query reads what the ORM reads part by part (issue 11 item 18)."""

from datetime import UTC, datetime

import pytest
from django.template.loader import render_to_string
from django_scopes import scope, scopes_disabled

from assessments.models import Person
from assessments.parts import record_for_page, risks_of, who_to_contact
from careplans import plan_print, selectors
from careplans.models import CarePlan

pytestmark = pytest.mark.django_db

PRINTED_AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _as_the_page_selector_printed_it(plan):
    """The plan PDF's context as it was built before plan_print: the plan page's
    selector and context, then the risks and who to contact read separately."""
    plan = selectors.plan_for_page(plan.site, plan.code)
    context = selectors.plan_page_context(plan)
    context["risks"] = risks_of([plan.assessment_id, plan.carer_assessment_id])
    context["legal"] = legal = who_to_contact(plan.person)
    context["large_print"] = bool(legal["equality"] and legal["equality"].large_print)
    return context


def _html(context):
    return render_to_string("pdf/careplan.html", {"printed_at": PRINTED_AT, **context})


def test_the_pdf_selector_prints_what_the_page_selector_printed(demo_data):
    with scopes_disabled():
        plans = list(CarePlan.objects.select_related("site").order_by("id"))
    assert len(plans) > 5
    kinds = set()
    for plan in plans:
        with scope(site=plan.site):
            before = _html(_as_the_page_selector_printed_it(plan))
            context = plan_print.pdf_context(
                plan_print.plan_for_pdf(plan.site, plan.code)
            )
            after = _html(context)
        assert after == before, plan.code
        kinds |= {
            "carer's own" if plan.is_carer_plan else "",
            "joint" if plan.carer_assessment_id else "",
            "large print" if context["large_print"] else "",
            "who to contact" if context["legal"]["contacts"] else "",
            "attorneys" if context["legal"]["attorneys"] else "",
            "advocate" if context["legal"]["advocate"] else "",
            "sharing" if context["legal"]["sharing"] else "",
            "risks" if context["risks"] else "",
            "next review" if context["next_review"] else "",
            "what they pay" if context["pay"].assessed else "",
        }
    # The demo covers every branch the comparison is worth making for.
    assert kinds - {""} == {
        "carer's own",
        "joint",
        "large print",
        "who to contact",
        "attorneys",
        "advocate",
        "sharing",
        "risks",
        "next review",
        "what they pay",
    }


def test_the_legal_record_in_one_query_reads_what_each_part_reads(
    demo_data, django_assert_num_queries
):
    with scopes_disabled():
        people = list(Person.objects.select_related("site", "equality").order_by("id"))
    for person in people:
        with scope(site=person.site):
            with django_assert_num_queries(1):
                record = record_for_page(person)
            assert [c.pk for c in record["consents"]] == list(
                person.consents.values_list("pk", flat=True)
            )
            assert [c.pk for c in record["capacity"]] == list(
                person.capacity_assessments.values_list("pk", flat=True)
            )
            assert [a.pk for a in record["attorneys"]] == list(
                person.attorneys.values_list("pk", flat=True)
            )
            assert [s.pk for s in record["safeguarding"]] == list(
                person.safeguarding_concerns.values_list("pk", flat=True)
            )
            assert [letter.pk for letter in record["letters"]] == list(
                person.letters.values_list("pk", flat=True)
            )
            assert {c.pk for c in record["contacts"]} == set(
                person.contacts.values_list("pk", flat=True)
            )
