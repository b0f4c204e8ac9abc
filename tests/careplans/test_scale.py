import io

import pytest
from django.core.management import call_command
from django.db.models import F
from django_scopes import scopes_disabled

from careplans.models import CarePlan, Response, ResponseOutcome, Review
from panels.models import Decision, Panel, PanelItem

pytestmark = pytest.mark.django_db


def test_seed_scale_adds_plans_reviews_and_panels_within_each_site():
    out = io.StringIO()
    call_command("seed_scale", "--sites", "2", "--people", "400", stdout=out)
    call_command("seed_scale", "--sites", "2", "--people", "400", stdout=out)
    with scopes_disabled():
        plans = CarePlan.objects.all()
        assert plans.exists()
        assert not plans.exclude(assessment__status="completed").exists()
        assert not plans.exclude(site=models_site("assessment")).exists()
        assert Response.objects.filter(plan__in=plans).exists()
        # Every response serves an outcome of its own plan's assessment.
        for link in ResponseOutcome.objects.select_related("response__plan")[:200]:
            assert (
                link.desired_outcome.assessment_id == link.response.plan.assessment_id
            )
        approved = plans.filter(status=CarePlan.Status.APPROVED)
        assert Review.objects.filter(plan__in=approved).count() >= approved.count()
        assert Panel.objects.count() == 2
        for item in PanelItem.objects.select_related("plan", "meeting"):
            assert item.plan.site_id == item.site_id == item.meeting.site_id
        assert Decision.objects.exists()
    assert "plans:" in out.getvalue()
    assert "panels:" in out.getvalue()


def models_site(relation):
    return F(f"{relation}__site")
