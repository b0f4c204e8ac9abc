"""The plan and the legal record (issue 12): the contingency is required before
submission and answers the assessment's risks; the PDF lists who to contact (with the
allocated worker and the duty line), the risks with the person's own view, consents to
sharing, and comes in large print when the person prefers it."""

import io
import re
from datetime import date

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments import legal_services
from assessments.legal import Advocacy, Attorney, Consent, Contact, Risk
from careplans import services
from careplans.models import CarePlan
from sites.models import Site
from tests.careplans.test_pdf_view import evans_plan, pdf_url
from tests.helpers import pdf_text

pytestmark = pytest.mark.django_db


def _risk(plan, n=1):
    for i in range(n):
        Risk.objects.create(
            site=plan.site,
            assessment=plan.assessment,
            description=f"Leaving the gas on {i}",
            likelihood="high",
            severity="high",
            reduced_by="A gas safety valve",
            persons_view="I would rather take the risk than stop cooking",
            position=i,
        )


def _without_contingency(plan, officer):
    return services.update_plan(
        plan, by=officer, expected_version=plan.version, contingency_plan=""
    )


@pytest.mark.parametrize(
    ("risks", "words"),
    [
        (0, "Say what happens if things go wrong (the contingency plan)."),
        (1, "answering the 1 risk named in the assessment."),
        (2, "answering the 2 risks named in the assessment."),
    ],
)
def test_a_plan_without_a_contingency_cannot_be_submitted(
    site_a, officer, risks, words
):
    plan = evans_plan(site_a, officer)
    with scopes_disabled():
        plan = _without_contingency(plan, officer)
        _risk(plan, risks)
        with pytest.raises(ValidationError, match=re.escape(words)):
            services.submit_plan(plan, by=officer)
        assert CarePlan.objects.get(pk=plan.pk).status == CarePlan.Status.DRAFT


def test_a_plan_with_a_contingency_is_submitted(site_a, officer):
    plan = evans_plan(site_a, officer)
    with scopes_disabled():
        _risk(plan)
        assert services.submit_plan(plan, by=officer).status != CarePlan.Status.DRAFT


def test_the_plan_page_and_its_form_show_the_risks_beside_the_contingency(
    client, site_a, officer
):
    plan = evans_plan(site_a, officer)
    with scopes_disabled():
        _risk(plan)
    client.force_login(officer)
    page = client.get(reverse("plan_detail", args=["alpha", plan.code])).content
    assert "Leaving the gas on 0" in page.decode()
    form = client.get(reverse("plan_edit", args=["alpha", plan.code])).content
    assert "the contingency plan should answer each" in form.decode()
    assert "I would rather take the risk than stop cooking" in form.decode()


def _legal_record(plan, officer):
    person = plan.person
    person.allocated_worker = officer
    person.save()
    Site.objects.filter(pk=plan.site_id).update(duty_phone="0113 496 0999")

    def add(model, noun, **fields):
        legal_services.add_record(model, person=person, by=officer, noun=noun, **fields)

    add(
        Contact,
        "contact",
        kind="gp",
        name="Riverside Surgery",
        phone="0113 496 0100",
    )
    add(
        Contact,
        "contact",
        kind="next_of_kin",
        name="Test Daughter",
        role="Daughter",
        also_emergency=True,
        phone="0113 496 0222",
    )
    add(
        Attorney,
        "attorney",
        kind="lpa_health",
        name="Test Daughter",
        phone="0113 496 0222",
        scope="Health and welfare decisions",
    )
    add(
        Advocacy,
        "advocacy decision",
        process="planning",
        considered_on=date(2026, 1, 5),
        difficulty_weighing=True,
        appropriate_person="no",
        advocate_name="Test Advocate",
        advocate_phone="0113 496 0871",
    )
    add(
        Consent,
        "consent",
        purpose="sharing",
        agreed="yes",
        given_by="attorney",
        shared_with="the memory clinic",
        decided_on=date(2026, 1, 5),
    )
    if not hasattr(person, "equality"):
        legal_services.save_equality(
            person=person,
            by=officer,
            expected_version=0,
            preferred_format="large_print",
        )
    _risk(plan)


def test_the_plan_pdf_says_who_to_contact_the_risks_and_what_is_shared(
    client, site_a, officer
):
    plan = evans_plan(site_a, officer)
    with scopes_disabled():
        _legal_record(plan, officer)
    client.force_login(officer)
    response = client.get(pdf_url(plan))
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response)
    for words in (
        "Who to contact",
        officer.get_full_name(),
        "Duty line 0113 496 0999",
        "GP practice Riverside Surgery 0113 496 0100",
        "Next of kin and emergency contact Test Daughter, Daughter 0113 496 0222",
        "Your advocate Test Advocate 0113 496 0871",
        "Lasting power of attorney: health and welfare Test Daughter",
        "Can decide: Health and welfare decisions",
        "Leaving the gas on 0",
        "What you said “I would rather take the risk than stop cooking”",
        "If things go wrong:",
        "share information with the memory clinic",
    ):
        assert words in text, words


def test_the_plan_pdf_is_in_large_print_when_the_person_prefers_it(
    client, site_a, officer
):
    plan = evans_plan(site_a, officer)
    client.force_login(officer)
    standard = client.get(pdf_url(plan))
    with scopes_disabled():
        legal_services.save_equality(
            person=plan.person,
            by=officer,
            expected_version=0,
            preferred_format="large_print",
        )
    large = client.get(pdf_url(plan))
    assert standard.context["large_print"] is False
    assert large.context["large_print"] is True

    # Body text, the person's own words included, is 16pt or more (RNIB clear print).
    assert min(font_sizes(large)) >= 16 > min(font_sizes(standard))


def font_sizes(response):
    """The sizes (pt) of the text on the first page, apart from the page margins."""
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip() and tm:
            sizes.append(round(size * tm[0] * cm[0], 1))

    page = pypdf.PdfReader(io.BytesIO(response.content)).pages[0]
    page.extract_text(visitor_text=visit)
    # The page margins (9pt running title and page number) are outside the text.
    return [s for s in sizes if s > 9]


def test_without_a_duty_number_the_pdf_still_says_how_to_reach_the_duty_team(
    client, site_a, officer
):
    plan = evans_plan(site_a, officer)
    client.force_login(officer)
    text = pdf_text(client.get(pdf_url(plan)))
    assert "Ring Alpha Council and ask for the duty team" in text


def test_the_pdf_reads_the_legal_record_in_a_fixed_number_of_queries(
    client, site_a, officer
):
    plan = evans_plan(site_a, officer)
    with scopes_disabled():
        _legal_record(plan, officer)
    client.force_login(officer)
    client.get(pdf_url(plan))  # the session's first writes are out of the way
    with CaptureQueriesContext(connection) as few:
        client.get(pdf_url(plan))
    with scopes_disabled():
        _legal_record(plan, officer)
        _legal_record(plan, officer)
    with CaptureQueriesContext(connection) as more:
        text = pdf_text(client.get(pdf_url(plan)))
    assert text.count("Riverside Surgery") == 3
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_site_duty_line_is_checked_like_any_phone_number(site_a):
    site_a.duty_phone = "12345"
    with pytest.raises(ValidationError, match="not a phone number"):
        site_a.full_clean()
