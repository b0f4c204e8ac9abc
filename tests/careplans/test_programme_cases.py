"""Programme cases inside normal work: offered on the person page, made with one
click, their comparable figures read from the records already kept (issue 9)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from careplans import programme_services as ps
from careplans.programme import ProgrammeCase, UnmetWant
from sites.models import AuditEvent
from sites.programmes import Programme
from tests.careplans.programme_fixtures import older_person, site_url
from tests.plan_factories import completed_assessment

pytestmark = pytest.mark.django_db


def test_a_person_in_the_focus_group_is_offered_on_their_page(
    client, cast, in_focus, officer
):
    client.force_login(officer)
    html = client.get(site_url("person_detail", in_focus["person"].code)).text
    assert "Include in the programme" in html
    assert "Over 85s at home" in html


def test_a_younger_person_is_not_offered(client, cast, site_a, officer):
    with scopes_disabled():
        young = completed_assessment(site_a, officer).person
        young.date_of_birth = young.date_of_birth.replace(year=2000)
        young.save()
    client.force_login(officer)
    html = client.get(site_url("person_detail", young.code)).text
    assert "Include in the programme" not in html


def test_no_offer_while_the_programme_is_not_collecting(
    client, cast, in_focus, officer
):
    with scopes_disabled():
        Programme.objects.filter(pk=cast["programme"].pk).update(status="planning")
    client.force_login(officer)
    html = client.get(site_url("person_detail", in_focus["person"].code)).text
    assert "Include in the programme" not in html


def test_one_click_makes_the_programme_case_and_audits_it(
    client, cast, in_focus, officer
):
    client.force_login(officer)
    response = client.post(
        site_url("programme_include", in_focus["person"].code),
        {"programme": str(cast["programme"].code)},
    )
    with scopes_disabled():
        case = ProgrammeCase.objects.get(person=in_focus["person"])
        assert case.assessment == in_focus["assessment"]
        assert case.decided_by == officer
        assert case.first_contact_on == in_focus["assessment"].assessment_date
        assert AuditEvent.objects.filter(
            object_code=str(case.code), programme=cast["programme"]
        ).exists()
    assert response["Location"] == site_url("programme_case_detail", case.code)
    html = client.get(site_url("person_detail", in_focus["person"].code)).text
    assert "Include in the programme" not in html
    assert "See the programme case" in html


def test_nobody_is_included_twice(cast, in_focus, officer, case):
    with scopes_disabled(), pytest.raises(ValidationError) as refused:
        ps.include_in_programme(
            programme=cast["programme"], person=in_focus["person"], by=officer
        )
    assert refused.value.code == "already_included"


def test_a_person_outside_the_focus_group_is_refused(cast, site_a, officer):
    with scopes_disabled():
        young = completed_assessment(site_a, officer).person
        young.date_of_birth = young.date_of_birth.replace(year=2000)
        young.save()
        with pytest.raises(ValidationError) as refused:
            ps.include_in_programme(
                programme=cast["programme"], person=young, by=officer
            )
    assert refused.value.code == "not_in_focus_group"


def test_living_at_home_must_be_confirmed_when_the_programme_asks(
    cast, in_focus, officer
):
    with scopes_disabled():
        Programme.objects.filter(pk=cast["programme"].pk).update(
            focus_living_at_home=True
        )
        cast["programme"].refresh_from_db()
        with pytest.raises(ValidationError) as refused:
            ps.include_in_programme(
                programme=cast["programme"], person=in_focus["person"], by=officer
            )
        assert refused.value.code == "living_at_home"
        assert ps.include_in_programme(
            programme=cast["programme"],
            person=in_focus["person"],
            by=officer,
            living_at_home=True,
        )


def test_a_person_without_a_completed_assessment_is_refused(cast, site_a, officer):
    with scopes_disabled():
        person = older_person(site_a)
        with pytest.raises(ValidationError) as refused:
            ps.include_in_programme(
                programme=cast["programme"], person=person, by=officer
            )
    assert refused.value.code == "no_assessment"


def test_the_figures_come_from_the_records_already_kept(cast, in_focus, case):
    with scopes_disabled():
        UnmetWant.objects.create(
            site=case.site,
            plan=in_focus["plan"],
            what_wanted="A takeaway once a week",
            barrier="commissioning",
        )
        figures = ps.case_figures(case)
    assert figures.asked_for == 1
    assert figures.service_led == 1
    assert figures.costs["weekly"] == Decimal("35.00")
    assert figures.costs["standard_weekly"] == Decimal("30.00")
    assert figures.costs["difference_weekly"] == Decimal("5.00")
    assert figures.went_to_panel
    assert figures.panel_outcome == "Approved by panel"
    data = figures.as_data()
    assert data["difference_weekly"] == "5.00"
    assert data["unmet_wants"] == 1
    assert data["barriers"] == {"Commissioning": 1}


@pytest.mark.parametrize("extra_wants", [0, 4])
def test_the_programme_case_page_takes_a_fixed_number_of_queries(
    client, cast, in_focus, case, officer, extra_wants, django_assert_num_queries
):
    with scopes_disabled():
        for i in range(extra_wants):
            UnmetWant.objects.create(
                site=case.site,
                plan=in_focus["plan"],
                what_wanted=f"Want {i}",
                barrier="provider",
            )
    client.force_login(officer)
    # Session, user, memberships; the case; the audit event; needs, plans, outcomes,
    # responses, panel decision, ratings, unmet wants, deliveries; its case studies.
    with django_assert_num_queries(14):
        response = client.get(site_url("programme_case_detail", case.code))
    assert response.status_code == 200
    assert response.text.count("Want ") == extra_wants


def test_the_coordinator_sees_the_case_without_the_persons_name(
    client, cast, in_focus, case
):
    client.force_login(cast["coordinator"])
    html = client.get(site_url("programme_case_detail", case.code)).text
    assert "Zanzibarova" not in html
    assert "Dial-a-ride" in html


def test_consent_not_needed_needs_a_reason(client, cast, case, officer):
    client.force_login(officer)
    client.post(
        site_url("programme_case_consent", case.code), {"consent": "not_needed"}
    )
    with scopes_disabled():
        case.refresh_from_db()
    assert case.consent == "not_yet"
    client.post(
        site_url("programme_case_consent", case.code),
        {"consent": "given", "consent_note": "Agreed at the review."},
    )
    with scopes_disabled():
        case.refresh_from_db()
    assert case.consent == "given"
    assert case.consent_recorded_by == officer
