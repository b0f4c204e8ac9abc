"""A collecting programme in which sites A and B take part, with its cast, and a person
at site A in its focus group with an approved plan (issue 9). Names are synthetic."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from careplans import programme_services as ps
from careplans import services
from careplans.models import Response
from sites.permissions import Role
from sites.programmes import Programme
from tests.factories import (
    CarerLinkFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammeSiteFactory,
    member,
    programme_coordinator,
    valid_nhs_number,
)
from tests.plan_factories import add_response, completed_assessment, limits


@pytest.fixture
def cast(site_a, site_b, officer, manager, senior):
    with scopes_disabled():
        programme = ProgrammeFactory(
            slug="over-85s",
            title="Over 85s at home",
            focus_min_age=85,
            status=Programme.Status.COLLECTING,
            start_date=date(2025, 1, 1),
        )
        advisor = member(site_a, Role.ADVISOR, "advisor-a")
        coordinator = member(site_a, Role.SITE_COORDINATOR, "coordinator-a")
        ProgrammeSiteFactory(
            programme=programme,
            site=site_a,
            advisor=advisor,
            project_coordinator=coordinator,
            team_name="Zeta older people's team",
        )
        other_coordinator = member(site_b, Role.SITE_COORDINATOR, "coordinator-b")
        other_officer = member(site_b, Role.ASSESSING_OFFICER, "officer-b")
        ProgrammeSiteFactory(
            programme=programme,
            site=site_b,
            project_coordinator=other_coordinator,
        )
        lead = programme_coordinator(programme, "programme-lead")
        limits(site_a, senior)
    return {
        "programme": programme,
        "officer": officer,
        "manager": manager,
        "advisor": advisor,
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "other_officer": other_officer,
        "lead": lead,
    }


def older_person(site, **kwargs):
    """Someone aged 88 today (in an over-85s focus group)."""
    born = date.today().replace(day=1) - timedelta(days=88 * 366)
    fields = {
        "given_name": "Quilla",
        "family_name": "Zanzibarova",
        "date_of_birth": born,
        "nhs_number": valid_nhs_number(7),
        "postcode": "ZZ1 1ZZ",
        "address": "12 Quagmire Lane\nNowhereton",
        "phone": "01632 960123",
    }
    return PersonFactory(site=site, **(fields | kwargs))


@pytest.fixture
def in_focus(cast, site_a, officer, manager):
    """A person in the focus group, their carer, and an approved plan."""
    with scopes_disabled():
        person = older_person(site_a, allocated_worker=officer)
        carer = CarerLinkFactory(
            site=site_a,
            cared_for=person,
            carer=PersonFactory(
                site=site_a, given_name="Oswin", family_name="Zanzibarova"
            ),
        ).carer
        assessment = completed_assessment(site_a, officer, person=person)
        plan = services.create_plan(person=person, assessment=assessment, by=officer)
        plan = services.update_plan(
            plan,
            by=officer,
            expected_version=plan.version,
            start_date=date.today(),
            contingency_plan="The duty team is rung if the transport does not come.",
        )
        add_response(
            plan,
            officer,
            kind=Response.Kind.COMMUNITY,
            cost="12.50",
            times=2,
            description="Dial-a-ride to lunch at a café of their choice",
            origin=Response.Origin.ASKED_FOR,
            replaced_weekly_cost=Decimal("30.00"),
        )
        add_response(
            plan,
            officer,
            kind=Response.Kind.STANDARD,
            cost="10.00",
            description="Help with the weekly shop",
            origin=Response.Origin.SERVICE_LED,
        )
        plan = services.submit_plan(plan, by=officer)
        # Not all standard: it goes to panel, which approves it.
        plan = services.approve_plan_by_panel(
            plan, by=manager, authorised_weekly=Decimal("35.00")
        )
    return {"person": person, "carer": carer, "assessment": assessment, "plan": plan}


@pytest.fixture
def case(cast, in_focus, officer):
    with scopes_disabled():
        return ps.include_in_programme(
            programme=cast["programme"], person=in_focus["person"], by=officer
        )


CLEAN = {
    "situation": "An older couple at home; Mrs Q fell in week 1 and cannot get out.",
    "usual_offer": "Community meals.",
    "what_they_wanted": "“Time together at mealtimes, without the stress.”",
    "what_was_arranged": "Dial-a-ride twice a week to lunch (their idea).",
    "panel": "Not needed: signed off by a manager.",
    "outcomes": "Both outcomes fully met at the first review.",
    "cost": "£5 a week more than community meals.",
    "barriers": "None.",
    "learning": "Ask what people want before naming a service.",
}


def clean_case_study(case, officer, consent=True):
    """A drafted case study whose text identifies nobody, consent recorded."""
    with scopes_disabled():
        case_study = ps.draft_case_study(case, by=officer)
        case_study = ps.update_case_study(
            case_study,
            by=officer,
            expected_version=case_study.version,
            pseudonym="Mr and Mrs Q",
            age_band="85\u201389",
            **CLEAN,
        )
        if consent:
            ps.record_consent(
                case, consent="given", note="Both agreed in week 2.", by=officer
            )
    return case_study


def approved_case_study(case, cast):
    with scopes_disabled():
        case_study = clean_case_study(case, cast["officer"])
        ps.submit_case_study(case_study, by=cast["officer"])
        ps.review_case_study(case_study, by=cast["advisor"], recognisable="no")
        return ps.approve_case_study(case_study, by=cast["coordinator"])


def site_url(name, *args, site="alpha"):
    return reverse(name, args=[site, *args])


def programme_url(name, programme, *args):
    return reverse(name, args=[programme.slug, *args])
