import io

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from assessments.models import Assessment
from careplans.models import CarePlan, OutcomeReview, plan_costs
from panels.models import Decision, PanelMeeting
from sites.models import Membership, Site, User

pytestmark = pytest.mark.django_db


def _seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        _seed()
    assert not Site.objects.exists()


def test_seed_demo_creates_the_three_sites_and_accounts_and_is_idempotent():
    output = _seed("--force")
    _seed("--force")
    assert sorted(Site.objects.values_list("slug", flat=True)) == [
        "northshire",
        "riverside",
        "valley",
    ]
    assert Site.objects.get(slug="valley").kind == Site.Kind.VOLUNTARY_ORGANISATION
    olivia = User.objects.get(username="olivia")
    assert olivia.check_password("carehub-demo")
    assert list(olivia.memberships.values_list("site__slug", "role")) == [
        ("northshire", "assessing_officer")
    ]
    assert User.objects.get(username="admin").is_superuser
    # Ten staff, the programme's five (advisors and project coordinators), admin.
    assert User.objects.count() == 16
    assert Membership.objects.count() == 16
    assert "olivia" in output
    assert "carehub-demo" in output


def test_seed_demo_uses_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("CAREHUB_DEMO_PASSWORD", "another-demo-secret")
    _seed("--force")
    assert User.objects.get(username="rory").check_password("another-demo-secret")


def test_seed_scale_creates_sites_and_staff_and_can_be_repeated():
    out = io.StringIO()
    call_command("seed_scale", "--sites", "2", "--people", "10", stdout=out)
    call_command("seed_scale", "--sites", "2", "--people", "10", stdout=out)
    with scopes_disabled():
        assert Site.objects.filter(slug__startswith="scale-").count() == 2
        assert Membership.objects.filter(site__slug="scale-001").count() == 16
    assert "done" in out.getvalue()


def test_seed_demo_tells_the_evans_story_end_to_end(demo_data):
    """The reference case: assessments, a plan in place of community meals, a panel
    approval with conditions, and a review that rated the outcomes."""
    with scopes_disabled():
        mrs = Assessment.objects.get(person__nhs_number="9990004110")
        mr = Assessment.objects.get(person__nhs_number="9990005206")
        assert mrs.kind == "needs"
        assert mrs.status == "completed"
        assert mrs.eligibility_result is True
        assert mr.kind == "carer"
        assert mr.cared_for == mrs.person
        assert mrs.needs.first().usual_offer.name == "Community meals"
        plan = CarePlan.objects.get(person=mrs.person)
        assert plan.carer_assessment == mr
        assert plan.status == CarePlan.Status.APPROVED
        costs = plan_costs(plan.responses.all())
        assert costs["difference_weekly"] > 0  # "a small increase in funding"
        decision = Decision.objects.get(item__plan=plan)
        assert decision.outcome == Decision.Outcome.APPROVED_WITH_CONDITIONS
        assert "8 weeks" in decision.conditions
        assert decision.authorised_weekly == costs["weekly"]
        assert OutcomeReview.objects.filter(review__plan=plan).count() == 4
        upcoming = PanelMeeting.objects.get(status=PanelMeeting.Status.SCHEDULED)
        assert upcoming.items.count() == 1
        assert Decision.objects.filter(outcome=Decision.Outcome.DEFERRED).count() == 1
