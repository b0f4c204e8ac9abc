"""Wanted but not arranged on a plan, and delivered against planned at review (issue 9)."""

import pytest
from django_scopes import scopes_disabled

from careplans import services
from careplans.programme import ResponseDelivery, UnmetWant
from careplans.selectors import served_outcomes
from tests.careplans.programme_fixtures import site_url

pytestmark = pytest.mark.django_db


def test_an_unmet_want_is_added_changed_and_removed(client, in_focus, officer):
    plan = in_focus["plan"]
    client.force_login(officer)
    response = client.post(
        site_url("unmet_want_create", plan.code),
        {
            "what_wanted": "A Chinese takeaway delivered once a week",
            "barrier": "commissioning",
            "note": "No contract for food delivery.",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        unmet = UnmetWant.objects.get(plan=plan)
    assert unmet.barrier == "commissioning"
    page = client.get(site_url("plan_detail", plan.code)).text
    assert "A Chinese takeaway delivered once a week" in page
    assert "Commissioning" in page
    client.post(
        site_url("unmet_want_edit", plan.code, unmet.code),
        {"what_wanted": "A takeaway once a week", "barrier": "policy", "note": ""},
    )
    with scopes_disabled():
        unmet.refresh_from_db()
    assert (unmet.what_wanted, unmet.barrier) == ("A takeaway once a week", "policy")
    client.post(site_url("unmet_want_delete", plan.code, unmet.code))
    with scopes_disabled():
        assert not UnmetWant.objects.filter(plan=plan).exists()


def test_an_unmet_want_needs_a_barrier_and_keeps_what_was_typed(
    client, in_focus, officer
):
    plan = in_focus["plan"]
    client.force_login(officer)
    response = client.post(
        site_url("unmet_want_create", plan.code),
        {"what_wanted": "Swimming at the leisure centre", "barrier": ""},
    )
    assert response.status_code == 200
    assert "Say what stood in the way." in response.text
    assert "Swimming at the leisure centre" in response.text
    with scopes_disabled():
        assert not UnmetWant.objects.filter(plan=plan).exists()


def test_an_unmet_want_of_another_plan_is_not_found(client, in_focus, officer, records):
    client.force_login(officer)
    other = records["unmet_want"]
    url = site_url("unmet_want_edit", in_focus["plan"].code, other.code)
    assert client.get(url).status_code == 404


def _review_post(plan, review, **deliveries):
    data = {"review-result": "no_change", "review-person_view": "", "review-notes": ""}
    for outcome in served_outcomes(plan):
        data[f"outcome-{outcome.pk}-rating"] = "fully"
    data.update(deliveries)
    return data


def test_delivery_is_recorded_per_response_at_review(client, in_focus, officer):
    plan = in_focus["plan"]
    with scopes_disabled():
        review = plan.reviews.get()
        services.start_review(review, by=officer)
        first, second = plan.responses.all()
        data = _review_post(
            plan,
            review,
            **{
                f"delivery-{first.pk}-delivered": "as_planned",
                f"delivery-{second.pk}-delivered": "partly",
                f"delivery-{second.pk}-barrier": "provider",
            },
        )
    client.force_login(officer)
    page = client.get(site_url("review_record", review.code)).text
    assert "Delivered against planned" in page
    assert 'value="as_planned" checked' not in page
    response = client.post(site_url("review_record", review.code), data)
    assert response.status_code == 302
    with scopes_disabled():
        rows = {
            d.response_id: d for d in ResponseDelivery.objects.filter(review=review)
        }
    assert rows[first.pk].delivered == "as_planned"
    assert rows[first.pk].barrier == ""
    assert (rows[second.pk].delivered, rows[second.pk].barrier) == (
        "partly",
        "provider",
    )


def test_not_delivered_needs_the_barrier(client, in_focus, officer):
    plan = in_focus["plan"]
    with scopes_disabled():
        review = plan.reviews.get()
        services.start_review(review, by=officer)
        first = plan.responses.first()
        data = _review_post(
            plan, review, **{f"delivery-{first.pk}-delivered": "not_delivered"}
        )
    client.force_login(officer)
    response = client.post(site_url("review_record", review.code), data)
    assert response.status_code == 200
    assert "Say what stood in the way when it was not delivered." in response.text
    with scopes_disabled():
        assert not ResponseDelivery.objects.filter(review=review).exists()
