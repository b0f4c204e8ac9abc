"""Risks and fluctuating needs in the assessment (issue 12): their forms with good and
bad input, the sections through the browser, and the eligibility explanation."""

import pytest
from django_scopes import scope, scopes_disabled

from assessments import eligibility, services
from assessments.legal import Risk
from assessments.legal_forms import FluctuationForm, RiskForm
from assessments.models import Assessment
from tests.assessments.assessment_pages.posts import (
    detail_url,
    section_post,
    section_url,
)
from tests.factories import CarerLinkFactory, PersonFactory, record_eligible_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(site_a, officer):
    with scopes_disabled():
        person = PersonFactory(site=site_a, allocated_worker=officer)
        return services.start_assessment(
            person=person, kind=Assessment.Kind.NEEDS, by=officer
        )


# --- fluctuating needs -----------------------------------------------------------------


def test_fluctuating_needs_need_a_period_and_a_pattern():
    form = FluctuationForm(
        {"needs_fluctuate": "yes", "fluctuation_period": "", "fluctuation_pattern": ""},
        instance=Assessment(kind="needs"),
    )
    assert not form.is_valid()
    assert "over what period" in form.errors["fluctuation_period"][0]
    assert "how their needs vary" in form.errors["fluctuation_pattern"][0]


def test_a_good_fluctuation_answer_is_valid_and_no_clears_the_rest():
    form = FluctuationForm(
        {
            "needs_fluctuate": "yes",
            "fluctuation_period": "3m",
            "fluctuation_pattern": "Worse in the evenings.",
        },
        instance=Assessment(kind="needs"),
    )
    assert form.is_valid(), form.errors
    form = FluctuationForm(
        {
            "needs_fluctuate": "no",
            "fluctuation_period": "3m",
            "fluctuation_pattern": "Left over",
        },
        instance=Assessment(kind="needs"),
    )
    assert form.is_valid()
    assert form.cleaned_data["fluctuation_period"] == ""
    assert form.cleaned_data["fluctuation_pattern"] == ""


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"needs_fluctuate": "sometimes"}, "needs_fluctuate"),
        ({"needs_fluctuate": "yes", "fluctuation_period": "5y"}, "fluctuation_period"),
    ],
)
def test_a_fluctuation_answer_that_is_not_offered_is_refused(data, field):
    form = FluctuationForm(data, instance=Assessment(kind="needs"))
    assert not form.is_valid()
    assert "valid choice" in form.errors[field][0]


def test_the_eligibility_explanation_says_over_what_period_needs_were_considered():
    result = eligibility.assess_adult(
        arises_from_condition=True,
        unable_domains=["nutrition", "home_safely"],
        wellbeing_levels=[("health", "significant")],
        fluctuation=eligibility.Fluctuation(True, "The last three months"),
    )
    assert result.eligible
    assert any(
        "considered over the last three months" in r and "2(3)" in r
        for r in result.reasons
    )


def test_fluctuating_needs_without_a_period_leave_eligibility_undecided():
    result = eligibility.assess_adult(
        arises_from_condition=True,
        unable_domains=["nutrition", "home_safely"],
        wellbeing_levels=[("health", "significant")],
        fluctuation=eligibility.Fluctuation(True, ""),
    )
    assert result.eligible is None
    assert any("period" in m for m in result.missing)


def test_saving_fluctuation_shows_in_the_eligibility_explanation_and_clears_a_confirmation(
    client, officer, draft
):
    with scope(site=draft.site):
        record_eligible_answers(draft)
        services.confirm_eligibility(
            draft, by=officer, expected_version=draft.section_version("eligibility")
        )
    client.force_login(officer)
    response = client.post(
        section_url(draft, "fluctuation"),
        section_post(
            draft,
            "fluctuation",
            **{
                "fluctuation-needs_fluctuate": "yes",
                "fluctuation-fluctuation_period": "6m",
                "fluctuation-fluctuation_pattern": "Bad spells most evenings.",
            },
        ),
    )
    assert response.status_code == 302
    page = client.get(detail_url(draft)).content.decode()
    assert "considered over the last six months" in page
    assert "Bad spells most evenings." in page
    with scopes_disabled():
        assert Assessment.objects.get(pk=draft.pk).eligibility_confirmed_at is None


def test_a_carers_assessment_has_no_fluctuation_section(client, officer, site_a):
    with scopes_disabled():
        link = CarerLinkFactory(site=site_a)
        carers = services.start_assessment(
            person=link.carer,
            kind=Assessment.Kind.CARER,
            cared_for=link.cared_for,
            by=officer,
        )
    client.force_login(officer)
    assert client.get(section_url(carers, "fluctuation")).status_code == 404


# --- risks --------------------------------------------------------------------------------


def risk_data(**overrides):
    return {
        "description": "Leaving the gas on",
        "likelihood": "high",
        "severity": "high",
        "reduced_by": "A gas safety valve",
        "persons_view": "I want to keep cooking.",
    } | overrides


def test_a_good_risk_is_valid():
    assert RiskForm(risk_data()).is_valid()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"description": ""}, "description", "required"),
        ({"likelihood": "very"}, "likelihood", "valid choice"),
        ({"severity": ""}, "severity", "required"),
        ({"persons_view": "x" * 10_001}, "persons_view", "at most 10000"),
    ],
)
def test_a_risk_form_refuses_bad_input(overrides, field, words):
    form = RiskForm(risk_data(**overrides))
    assert not form.is_valid()
    assert words in " ".join(form.errors[field])


def test_an_officer_records_a_risk_with_the_persons_own_view(
    client, officer, advisor, draft
):
    client.force_login(officer)
    data = section_post(draft, "risks")
    data |= {f"risks-0-{k}": v for k, v in risk_data().items()}
    response = client.post(section_url(draft, "risks"), data)
    assert response.status_code == 302
    with scopes_disabled():
        risk = Risk.objects.get(assessment=draft)
        assert risk.persons_view == "I want to keep cooking."
    # A reader sees the section as saved.
    client.force_login(advisor)
    page = client.get(detail_url(draft)).content.decode()
    assert "Leaving the gas on" in page
    assert "Their view: “I want to keep cooking.”" in page


def test_a_bad_risk_keeps_the_typing_and_saves_nothing(client, officer, draft):
    client.force_login(officer)
    data = section_post(draft, "risks")
    data |= {
        f"risks-0-{k}": v
        for k, v in risk_data(likelihood="", description="Kept text").items()
    }
    response = client.post(section_url(draft, "risks"), data)
    assert response.status_code == 200
    assert "Kept text" in response.content.decode()
    with scopes_disabled():
        assert not Risk.objects.exists()
