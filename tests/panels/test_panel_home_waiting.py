"""The panel home lists the plans waiting longest, not every plan waiting: a site
with hundreds waiting printed hundreds of rows (168 ms of CPU at 100,000 people a
site), while the count and the longest wait still cover them all."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from careplans.models import CarePlan
from panels import selectors
from tests.helpers import page_text, pdf_text, url

from .factories import plan_awaiting_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(site_a, officer):
    """Four plans waiting, 40, 30, 20 and 10 days."""
    plans = [plan_awaiting_panel(site_a, officer) for _ in range(4)]
    now = timezone.now()
    with scopes_disabled():
        for plan, days in zip(plans, (40, 30, 20, 10), strict=True):
            CarePlan.objects.filter(pk=plan.pk).update(
                needs_panel_since=now - timedelta(days=days)
            )
    return plans


def test_the_page_shows_the_longest_waiting_and_counts_them_all(
    client, chair, waiting, monkeypatch
):
    monkeypatch.setattr(selectors, "DASHBOARD_WAITING_SHOWN", 2)
    client.force_login(chair)

    response = client.get(url("panel_home"))

    dashboard = response.context["dashboard"]
    assert [p.pk for p in dashboard["waiting"]] == [waiting[0].pk, waiting[1].pk]
    assert dashboard["waiting_count"] == 4
    assert dashboard["longest_waiting_now"] == 40
    text = page_text(response)
    assert "The 2 longest waiting of 4." in text
    assert "All 4 plans awaiting panel" in text
    assert "longest 40 days" in text
    # The link leads to the plan list filtered to those plans.
    assert f"{url('plan_list')}?status=awaiting_panel" in response.content.decode()


def test_with_few_waiting_every_plan_is_listed_and_no_link_is_shown(
    client, chair, waiting
):
    client.force_login(chair)

    response = client.get(url("panel_home"))

    assert len(response.context["dashboard"]["waiting"]) == 4
    assert response.context["dashboard"]["waiting_count"] == 4
    assert "longest waiting of" not in page_text(response)


def test_nothing_waiting_says_so(client, chair):
    client.force_login(chair)

    response = client.get(url("panel_home"))

    assert response.context["dashboard"]["waiting_count"] == 0
    assert response.context["dashboard"]["longest_waiting_now"] is None
    assert "Nothing is waiting." in page_text(response)


def test_the_dashboard_pdf_counts_every_plan_waiting(
    client, chair, waiting, monkeypatch
):
    monkeypatch.setattr(selectors, "DASHBOARD_WAITING_SHOWN", 2)
    client.force_login(chair)

    response = client.get(url("panel_dashboard_pdf"))

    assert "Plans waiting for panel 4 (longest waiting 40 days)" in pdf_text(response)
