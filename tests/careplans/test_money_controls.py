"""Issue 10, items 5-9: backdated and future delegated limits, separation of duties
by content, honest carried-over approvals, nobody losing a note to someone faster,
and dates within sensible windows."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from careplans import routing, services
from careplans.models import (
    CarePlan,
    DelegatedLimit,
    OutcomeReview,
    PlanDecision,
    Review,
)
from sites.models import AuditEvent
from sites.permissions import Role
from tests.factories import member
from tests.helpers import reload
from tests.plan_factories import (
    add_response,
    approved_plan,
    limits,
    plan_in_status,
    plan_with,
)

S = CarePlan.Status
TEAM = Role.TEAM_MANAGER


@pytest.fixture
def site_limits(site_a, senior, unscoped):
    limits(site_a, senior)


def url(name, **kwargs):
    return reverse(name, kwargs={"site_slug": "alpha", **kwargs})


def set_limit(site, by, amount, start, **kw):
    return services.set_delegated_limit(
        site=site,
        role=TEAM,
        weekly_limit=Decimal(amount),
        effective_from=start,
        by=by,
        **kw,
    )


# --- 5. Backdated limits ---------------------------------------------------------------


def test_a_backdated_limit_needs_a_reason_and_a_confirmation(site_a, senior, unscoped):
    last_month = timezone.localdate() - timedelta(days=30)

    with pytest.raises(ValidationError) as error:
        set_limit(site_a, senior, "400.00", last_month)
    assert set(error.value.message_dict) == {"backdate_reason", "confirm_backdate"}

    with pytest.raises(ValidationError) as error:
        set_limit(site_a, senior, "400.00", last_month, backdate_reason="Late letter.")
    assert set(error.value.message_dict) == {"confirm_backdate"}
    assert not DelegatedLimit.objects.exists()


def test_the_audit_event_says_backdated_and_what_it_replaced(site_a, senior, unscoped):
    old = set_limit(
        site_a,
        senior,
        "300.00",
        timezone.localdate() - timedelta(days=60),
        backdate_reason="Set in the spring.",
        confirm_backdate=True,
    )
    start = timezone.localdate() - timedelta(days=10)

    new = set_limit(
        site_a,
        senior,
        "420.00",
        start,
        backdate_reason="The director's letter arrived late.",
        confirm_backdate=True,
    )

    event = AuditEvent.objects.filter(object_code=str(new.code)).get()
    assert event.details["backdated"] is True
    assert event.details["reason"] == "The director's letter arrived late."
    assert event.details["replaced"] == [
        {
            "limit": str(old.code),
            "weekly": "300.00",
            "from": old.effective_from.isoformat(),
            "to_was": None,
        }
    ]
    assert "backdated" in event.in_words
    assert "replacing £300.00 a week" in event.in_words


def test_a_limit_from_today_needs_no_reason(site_a, senior, unscoped):
    limit = set_limit(site_a, senior, "400.00", timezone.localdate())

    event = AuditEvent.objects.get(object_code=str(limit.code))
    assert "backdated" not in event.details


def test_the_limits_page_asks_for_the_reason_and_keeps_the_typing(
    client, senior, site_a
):
    client.force_login(senior)
    last_week = (timezone.localdate() - timedelta(days=7)).isoformat()

    response = client.post(
        url("limit_list"),
        {
            "role": TEAM,
            "weekly_limit": "410.00",
            "effective_from": last_week,
            "notes": "From the budget letter",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "say why it is backdated" in form.errors["backdate_reason"][0]
    assert "From the budget letter" in response.content.decode()
    with scopes_disabled():
        assert not DelegatedLimit.objects.exists()


# --- 9. Dates that make sense ----------------------------------------------------------


def test_a_limit_in_year_9999_is_refused(site_a, senior, unscoped):
    with pytest.raises(ValidationError) as error:
        set_limit(site_a, senior, "400.00", date(9999, 12, 31))

    assert "at most a year" in error.value.message_dict["effective_from"][0]


def test_a_future_limit_can_be_withdrawn_before_it_takes_effect(
    site_a, senior, unscoped
):
    current = set_limit(site_a, senior, "350.00", timezone.localdate())
    future = set_limit(
        site_a, senior, "500.00", timezone.localdate() + timedelta(days=30)
    )
    assert reload(current).effective_to is not None

    services.withdraw_delegated_limit(future, by=senior, reason="Budget not agreed.")

    assert not DelegatedLimit.objects.filter(pk=future.pk).exists()
    assert reload(current).effective_to is None
    event = AuditEvent.objects.get(
        action="Delegated limit withdrawn before it took effect"
    )
    assert event.details["reason"] == "Budget not agreed."
    # A later limit can now be set again.
    set_limit(site_a, senior, "450.00", timezone.localdate() + timedelta(days=60))


def test_a_limit_in_force_cannot_be_withdrawn(site_a, senior, unscoped):
    current = set_limit(site_a, senior, "350.00", timezone.localdate())

    with pytest.raises(ValidationError):
        services.withdraw_delegated_limit(current, by=senior, reason="Changed my mind.")

    assert DelegatedLimit.objects.filter(pk=current.pk).exists()


def test_the_limits_page_withdraws_a_future_limit(client, senior, site_a):
    with scopes_disabled():
        future = set_limit(
            site_a, senior, "500.00", timezone.localdate() + timedelta(days=9)
        )
    client.force_login(senior)

    page = client.get(url("limit_list"))
    assert "Withdraw this limit" in page.content.decode()
    response = client.post(
        url("limit_withdraw"),
        {"limit": str(future.code), "reason": "Budget not agreed."},
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert not DelegatedLimit.objects.exists()


def test_a_plan_starting_in_year_9999_is_not_submitted(site_a, officer, site_limits):
    plan = plan_with(site_a, officer, start=date(9999, 12, 1))

    with pytest.raises(ValidationError) as error:
        services.submit_plan(plan, by=officer)

    assert "more than a year ahead" in error.value.messages[0]
    assert reload(plan).status == S.DRAFT


def test_the_plan_form_refuses_a_start_more_than_a_year_ahead(client, officer, site_a):
    with scopes_disabled():
        plan = plan_with(site_a, officer)
    client.force_login(officer)

    response = client.post(
        url("plan_edit", code=plan.code),
        {
            "start_date": "9999-12-01",
            "person_views": "We want lunch out.",
            "version": plan.version,
        },
    )

    assert response.status_code == 200
    assert "more than a year ahead" in response.context["form"].errors["start_date"][0]
    assert "We want lunch out." in response.content.decode()


# --- 6. Separation of duties by content -------------------------------------------------


def test_a_manager_who_added_a_response_cannot_sign_off_or_return_it(
    site_a, officer, manager, site_limits
):
    plan = plan_with(site_a, officer)
    add_response(plan, manager, cost="34.00", description="A sitting service")
    plan = services.submit_plan(plan, by=officer)
    assert plan.status == S.AWAITING_SIGN_OFF

    with pytest.raises(ValidationError) as error:
        services.sign_off_plan(plan, by=manager)
    assert error.value.messages == ["Nobody signs off a plan they wrote or changed."]
    with pytest.raises(ValidationError) as error:
        services.return_plan(plan, by=manager, reason="Please cost it again, thanks.")
    assert error.value.messages == ["Nobody returns a plan they wrote or changed."]
    assert reload(plan).status == S.AWAITING_SIGN_OFF


def test_a_manager_who_changed_the_plans_details_cannot_sign_it_off(
    site_a, officer, manager, site_limits
):
    plan = plan_with(site_a, officer)
    services.update_plan(
        plan, by=manager, expected_version=plan.version, person_views="Changed."
    )
    plan = services.submit_plan(reload(plan), by=officer)

    allowed, why = routing.may_sign_off(plan, manager, weekly=Decimal("20.00"))

    assert not allowed
    assert "wrote or changed" in why


def test_a_manager_cannot_return_a_plan_they_submitted(
    site_a, officer, manager, site_limits
):
    plan = services.submit_plan(plan_with(site_a, officer), by=manager)

    with pytest.raises(ValidationError) as error:
        services.return_plan(plan, by=manager, reason="Please cost it again, thanks.")

    assert "wrote or changed" in error.value.messages[0]


def test_nobody_signs_off_a_plan_for_a_person_on_their_own_caseload(
    site_a, officer, manager, site_limits
):
    plan = services.submit_plan(plan_with(site_a, officer), by=officer)
    person = plan.person
    person.allocated_worker = manager
    person.save()
    plan = reload(plan)

    with pytest.raises(ValidationError) as error:
        services.sign_off_plan(plan, by=manager)

    assert "own caseload" in error.value.messages[0]


def test_another_manager_may_still_sign_off(site_a, officer, manager, site_limits):
    other = member(site_a, Role.TEAM_MANAGER, "manager-other")
    plan = plan_with(site_a, officer)
    add_response(plan, manager, cost="34.00", description="A sitting service")
    plan = services.submit_plan(plan, by=officer)

    assert services.sign_off_plan(plan, by=other).status == S.APPROVED


# --- 7. An unchanged revision is really unchanged ----------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"description": "Help with shopping, from another agency"},
        {"provider": "Another agency"},
        {"paid_by_direct_payment": True},
    ],
)
def test_a_revision_that_changes_what_is_provided_is_routed_again(
    site_a, officer, manager, site_limits, change
):
    approved = approved_plan(site_a, officer, manager)
    revision = services.revise_plan(approved, by=officer)
    response = revision.responses.get()
    fields = {
        "description": response.description,
        "provider": response.provider,
        "paid_by_direct_payment": response.paid_by_direct_payment,
        **change,
    }
    add_response(revision, officer, response=response, cost="20.00", **fields)

    revision = services.submit_plan(revision, by=officer)

    assert revision.status == S.AWAITING_SIGN_OFF
    assert revision.route == CarePlan.Route.SIGN_OFF


def test_a_revision_with_new_direct_payment_details_is_routed_again(
    site_a, officer, manager, site_limits
):
    approved = approved_plan(site_a, officer, manager)
    revision = services.revise_plan(approved, by=officer)
    services.update_plan(
        revision,
        by=officer,
        expected_version=revision.version,
        direct_payment_notes="Paid four-weekly into the managed account.",
    )

    revision = services.submit_plan(reload(revision), by=officer)

    assert revision.status == S.AWAITING_SIGN_OFF


def test_a_carried_over_approval_says_whose_and_when(
    site_a, officer, manager, site_limits
):
    approved = approved_plan(site_a, officer, manager)
    revision = services.revise_plan(approved, by=officer)

    revision = services.submit_plan(revision, by=officer)

    on = timezone.localtime(approved.approved_at).date()
    assert revision.status == S.APPROVED
    assert revision.approved_by == manager
    assert revision.approval_note == (
        "Nothing material changed, so the approval is carried over from version 1, "
        f"approved by {manager.display_name} on {on.day} {on:%B %Y}."
    )


# --- 8. Nobody loses what they wrote to someone faster -----------------------------------


def test_a_second_manager_is_told_who_signed_off_first(
    site_a, officer, manager, site_limits
):
    other = member(site_a, Role.TEAM_MANAGER, "manager-second")
    plan = services.submit_plan(plan_with(site_a, officer), by=officer)
    services.sign_off_plan(plan, by=manager)

    with pytest.raises(ValidationError) as error:
        services.sign_off_plan(plan, by=other, note="Fine by me.")

    message = error.value.messages[0]
    assert f"{manager.display_name} signed off this plan on" in message
    assert "Yours was not saved" in message
    assert PlanDecision.objects.filter(kind=PlanDecision.Kind.SIGNED_OFF).count() == 1


def test_the_second_manager_keeps_their_note_on_the_page(
    client, site_a, officer, manager
):
    other = member(site_a, Role.TEAM_MANAGER, "manager-second")
    with scopes_disabled():
        limits(site_a, manager)
        plan = services.submit_plan(plan_with(site_a, officer), by=officer)
        services.sign_off_plan(plan, by=manager)
    client.force_login(other)

    response = client.post(
        url("plan_sign_off", code=plan.code), {"note": "Agreed after the phone call."}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Agreed after the phone call." in page
    assert f"{manager.display_name} signed off this plan on" in page


def test_a_sign_off_note_that_is_too_long_is_refused_with_a_message(
    client, site_a, officer, manager
):
    with scopes_disabled():
        limits(site_a, officer)
        plan = services.submit_plan(plan_with(site_a, officer), by=officer)
    client.force_login(manager)
    note = "word " * 4000

    response = client.post(url("plan_sign_off", code=plan.code), {"note": note})

    assert response.status_code == 200
    assert "The plan is not signed off" in response.content.decode()
    assert note.strip()[:200] in response.content.decode()
    with scopes_disabled():
        assert reload(plan).status == S.AWAITING_SIGN_OFF


def test_a_second_reviewer_is_told_who_recorded_the_review_and_keeps_their_words(
    client, site_a, officer, manager
):
    other = member(site_a, Role.ASSESSING_OFFICER, "officer-second")
    with scopes_disabled():
        limits(site_a, manager)
        plan = plan_in_status(
            S.UNDER_REVIEW, site=site_a, officer=officer, manager=manager
        )
        review = plan.reviews.get(status=Review.Status.SCHEDULED)
        outcomes = list(services.plan_outcomes(plan))
        posted = {
            "review-result": Review.Result.NO_CHANGE,
            "review-person_view": "Thursdays are the best day of the week now.",
            "review-notes": "",
        }
        for outcome in outcomes:
            posted[f"outcome-{outcome.pk}-rating"] = OutcomeReview.Rating.FULLY
            posted[f"outcome-{outcome.pk}-person_view"] = ""
        services.complete_review(
            review,
            by=officer,
            ratings=dict.fromkeys(outcomes, (OutcomeReview.Rating.FULLY, "")),
            result=Review.Result.NO_CHANGE,
        )
    client.force_login(other)

    response = client.post(url("review_record", code=review.code), posted)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"{officer.display_name} recorded this review on" in page
    assert "Thursdays are the best day of the week now." in page
    with scopes_disabled():
        assert reload(review).person_view == ""
