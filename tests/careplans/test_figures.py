"""The programme figures against a small example worked by hand.

Site A ("Alpha Council") has three included cases and one declined; site B ("Bravo
Trust") one included case. A person who is no case at all has an approved plan with
everything on it: it must never count.

Case A1, plan approved 15 Jan 2026 after 3 days at panel:
  asked for, £30 a week replacing a £20 standard service   (difference +10)
  service-led, £15 a week replacing £15                     (difference  0)
  origin not recorded, £0                                   (difference  0)
  plan: +£10 a week. Review 10 Feb: outcomes fully and partially met; the asked-for
  response delivered as planned. Unmet want (commissioning), recorded 20 Jan.
Case A2, version 1 approved 5 Jan (£100 asked for: replaced, must not count), version
  2 approved 10 Mar after 10 days at panel: asked for, £10 replacing £40 (-£30).
  Review 20 Mar: the response not delivered (provider). Unmet want (panel), 12 Mar.
Case A3: a draft plan only (not agreed: never counted).
Case B1, plan approved 20 Mar: asked for, £0 replacing £0 (the same cost).

By hand:
  whose idea      A: asked 2, service-led 1, not recorded 1      B: asked 1
  wanted          A: 2 arranged + 2 not arranged = 4; delivered 1   B: 1, 1, 0
  outcomes        A: fully 1, partially 1
  delivery        A: as planned 1, not delivered 1
  cost            A: more 1, less 1, average (10 - 30) / 2 = -£10.00   B: same 1
  panel           A: within a week 1 (3 days), 8-28 days 1 (10 days); average 6.5
  barriers        A: panel 1, commissioning 1, provider 1
  unmet need      A: panel 1, commissioning 1
  asked-for share by month (programme): Jan 1 of 2 = 50%; Mar 2 of 2 = 100%
"""

from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from careplans import figures
from careplans.models import CarePlan, OutcomeReview
from careplans.programme import Barrier, ProgrammeCase, Rebase, ResponseDelivery
from sites import disclosure
from sites.programmes import Milestone
from tests import figure_builders as build
from tests.factories import ProgrammeFactory, ProgrammeSiteFactory

pytestmark = pytest.mark.django_db
D = ResponseDelivery.Delivered


@pytest.fixture
def programme(site_a, site_b):
    programme = ProgrammeFactory(slug="over-85s", start_date=date(2026, 1, 1))
    ProgrammeSiteFactory(programme=programme, site=site_a)
    ProgrammeSiteFactory(programme=programme, site=site_b)
    return programme


@pytest.fixture
def worked(programme, site_a, site_b, officer, outsider):
    with scopes_disabled():
        a1 = build.programme_case(programme, site_a, officer)
        plan = build.plan(a1, officer, approved_on=date(2026, 1, 15), panel_days=3)
        asked = build.response(plan, weekly="30.00", replaces="20.00")
        build.response(plan, origin="service_led", weekly="15.00", replaces="15.00")
        build.response(plan, origin="", weekly="0.00")
        fully, partly = build.outcome(a1), build.outcome(a1)
        build.review(
            plan,
            completed_on=date(2026, 2, 10),
            ratings=[
                (fully, OutcomeReview.Rating.FULLY),
                (partly, OutcomeReview.Rating.PARTIALLY),
            ],
            deliveries=[(asked, D.AS_PLANNED, "")],
        )
        build.unmet(plan, Barrier.COMMISSIONING, on=date(2026, 1, 20))

        a2 = build.programme_case(programme, site_a, officer)
        first = build.plan(
            a2, officer, approved_on=date(2026, 1, 5), status=CarePlan.Status.CLOSED
        )
        build.response(first, weekly="100.00")
        second = build.plan(
            a2, officer, approved_on=date(2026, 3, 10), previous=first, panel_days=10
        )
        asked2 = build.response(second, weekly="10.00", replaces="40.00")
        build.review(
            second,
            completed_on=date(2026, 3, 20),
            deliveries=[(asked2, D.NOT_DELIVERED, Barrier.PROVIDER)],
        )
        build.unmet(second, Barrier.PANEL, on=date(2026, 3, 12))

        a3 = build.programme_case(programme, site_a, officer)
        build.response(build.plan(a3, officer), weekly="50.00")

        declined = build.programme_case(
            programme, site_a, officer, status=ProgrammeCase.Status.DECLINED
        )
        build.response(build.plan(declined, officer, approved_on=date(2026, 1, 2)))

        b1 = build.programme_case(programme, site_b, outsider)
        build.response(
            build.plan(b1, outsider, approved_on=date(2026, 3, 20)), weekly="0.00"
        )

        # Someone who is no programme case: nothing of theirs may count.
        other = build.programme_case(ProgrammeFactory(slug="another"), site_a, officer)
        stray = build.plan(other, officer, approved_on=date(2026, 1, 3), panel_days=1)
        build.response(stray, weekly="999.00")
        build.unmet(stray, Barrier.POLICY)
    return programme


def counts(figure, site):
    return dict(
        zip([k for k, _ in figure.categories], figure.counts_for(site.pk), strict=False)
    )


def test_whose_idea_counts_responses_on_the_latest_agreed_plans(worked, site_a, site_b):
    with scopes_disabled():
        figure = figures.compute(worked).whose_idea
    assert counts(figure, site_a) == {
        "asked_for": 2,
        "service_led": 1,
        "not_recorded": 1,
    }
    assert counts(figure, site_b) == {
        "asked_for": 1,
        "service_led": 0,
        "not_recorded": 0,
    }


def test_wanted_arranged_and_delivered(worked, site_a, site_b):
    with scopes_disabled():
        figure = figures.compute(worked).wanted
    assert counts(figure, site_a) == {"wanted": 4, "arranged": 2, "delivered": 1}
    assert counts(figure, site_b) == {"wanted": 1, "arranged": 1, "delivered": 0}
    assert not figure.parts_of_a_whole


def test_outcomes_and_delivery_at_review(worked, site_a, site_b):
    with scopes_disabled():
        computed = figures.compute(worked)
        rated, delivered = computed.outcomes, computed.delivery
    assert counts(rated, site_a) == {"fully": 1, "partially": 1, "not_met": 0}
    assert counts(rated, site_b) == {"fully": 0, "partially": 0, "not_met": 0}
    assert counts(delivered, site_a) == {
        "as_planned": 1,
        "partly": 0,
        "not_delivered": 1,
        "stopped": 0,
    }


def test_cost_against_the_standard_response(worked, site_a, site_b):
    with scopes_disabled():
        computed = figures.compute(worked)
        figure, average = computed.cost, computed.cost_average
    assert counts(figure, site_a) == {"more": 1, "same": 0, "less": 1}
    assert counts(figure, site_b) == {"more": 0, "same": 1, "less": 0}
    assert average.value_for(site_a.pk) == Decimal("-10.00")
    assert average.value_for(site_b.pk) == Decimal("0.00")
    # (10 - 30 + 0) / 3 plans
    assert average.value == Decimal("-6.67")


def test_time_to_panel_decision(worked, site_a, site_b):
    with scopes_disabled():
        computed = figures.compute(worked)
        figure, average = computed.panel, computed.panel_average
    assert counts(figure, site_a) == {"week": 1, "month_": 1, "longer": 0}
    assert average.value_for(site_a.pk) == Decimal("6.50")
    assert average.value_for(site_b.pk) is None


def test_barriers_and_the_unmet_need_register(worked, site_a, site_b):
    with scopes_disabled():
        barriers, unmet = (
            figures.compute(worked).barriers,
            figures.compute(worked).unmet,
        )
    assert counts(barriers, site_a) == {
        "assessment": 0,
        "panel": 1,
        "commissioning": 1,
        "provider": 1,
        "policy": 0,
        "attitudes": 0,
    }
    assert counts(unmet, site_a)["panel"] == 1
    assert counts(unmet, site_a)["commissioning"] == 1
    assert counts(unmet, site_a)["provider"] == 0
    assert sum(figures.Figure.counts_for(unmet, site_b)) == 0


def test_a_sites_own_figures_leave_other_sites_out(worked, site_a, site_b):
    with scopes_disabled():
        own = figures.compute(worked, site_a).whose_idea
    assert set(own.by_site) == {site_a.pk}


def test_schedule_progress(programme):
    S = Milestone.Status
    for status, due in [
        (S.DONE, date(2026, 1, 1)),
        (S.PLANNED, date(2026, 1, 2)),
        (S.PLANNED, date(2026, 9, 1)),
        (S.SLIPPED, date(2026, 2, 1)),
        (S.DROPPED, date(2026, 2, 1)),
    ]:
        Milestone.objects.create(
            programme=programme,
            phase="during",
            title="A step",
            due_date=due,
            owner_role="everyone",
            status=status,
            done_on=due if status == S.DONE else None,
        )
    schedule = figures.schedule(programme, today=date(2026, 3, 1))
    assert (schedule.planned, schedule.done, schedule.slipped, schedule.dropped) == (
        2,
        1,
        1,
        1,
    )
    assert schedule.overdue == 1
    assert schedule.done_share == 25  # 1 of the 4 not dropped


def test_each_figure_is_one_query(worked, django_assert_num_queries):
    # One query per source table (responses, unmet wants, delivery, ratings, plans'
    # costs, panel decisions), the cases and the schedule: eight, however many.
    with django_assert_num_queries(8):
        computed = figures.compute(worked)
    assert computed.cases.total("included") == 4


def test_the_monthly_asked_for_share(worked, site_a):
    with scopes_disabled():
        months = figures.monthly(worked, "asked_for")
        own = figures.monthly(worked, "asked_for", site_a)
    assert months == {
        date(2026, 1, 1): (Decimal(1), 2),
        date(2026, 3, 1): (Decimal(2), 2),
    }
    assert own[date(2026, 3, 1)] == (Decimal(1), 1)


def test_monthly_measures_by_hand(worked):
    with scopes_disabled():
        delivered = figures.monthly(worked, "delivered")
        fully = figures.monthly(worked, "fully_met")
        cost = figures.monthly(worked, "cost_difference")
        panel = figures.monthly(worked, "panel_days")
        unmet = figures.monthly(worked, "unmet")
    assert delivered == {
        date(2026, 2, 1): (Decimal(1), 1),
        date(2026, 3, 1): (Decimal(0), 1),
    }
    assert fully == {date(2026, 2, 1): (Decimal(1), 2)}
    assert cost == {
        date(2026, 1, 1): (Decimal(10), 1),
        date(2026, 3, 1): (Decimal(-30), 2),
    }
    assert panel == {
        date(2026, 1, 1): (Decimal(3), 1),
        date(2026, 3, 1): (Decimal(10), 1),
    }
    assert unmet == {
        date(2026, 1, 1): (Decimal(1), 1),
        date(2026, 3, 1): (Decimal(1), 1),
    }


# -- disclosure on every cross-site figure -------------------------------------------


def test_every_cross_site_figure_hides_small_counts(worked, site_a, site_b):
    sites = figures.participating_sites(worked)
    shown = figures.disclose_figures(figures.compute(worked), sites)
    for key, figure in shown.items():
        if isinstance(figure, figures.ShownFigure):
            for row in figure.table.rows:
                for cell in row.cells:
                    # Every count here is 0 to 4: shown as 0 or *, nothing else.
                    assert cell.display in {"0", "*"}, (key, row.label, cell)
        else:
            for _, value, _count in figure.rows:
                assert value is None, key  # averages over fewer than 8 are hidden
            assert figure.programme[0] is None


def test_disclosed_figures_round_to_five_and_total_the_shown_figures():
    fake = figures.Figure(
        "whose_idea",
        "Whose idea",
        "",
        (("asked_for", "Asked"), ("service_led", "Service-led")),
        {1: (12, 3), 2: (23, 9)},
    )

    class Site:
        def __init__(self, pk, name):
            self.pk, self.name = pk, name

    computed = figures.Figures(
        *([fake] * 6),
        figures.Average("c", "c", "", "money", {1: Decimal(80)}, {1: 8}),
        fake,
        figures.Average("p", "p", "", "days", {2: Decimal(21)}, {2: 7}),
        fake,
        fake,
        figures.Schedule(0, 0, 0, 0, 0),
    )
    shown = figures.disclose_figures(computed, [Site(1, "One"), Site(2, "Two")])
    table = shown["whose_idea"].table
    assert [c.display for c in table.rows[0].cells] == ["10", "*"]
    assert [c.display for c in table.rows[1].cells] == ["25", "10"]
    # Column totals add up what is shown: 10 + 25 (not the true 35 rounded), 10.
    assert [c.display for c in table.column_totals] == ["35", "10"]
    assert table.column_totals[1].partial
    assert disclosure.SUPPRESSED_NOTE in table.notes
    # Row shares from the rounded figures: 25 of 35.
    assert table.rows[1].shares[0].display == "71%"
    cost = shown["c"]
    assert cost.rows[0][1] == Decimal("10.00")  # over 8 plans: shown
    panel = shown["p"]
    assert panel.rows[1][1] is None  # over 7 decisions: hidden
    assert panel.rows[1][2].display == "*"


def test_a_chart_month_with_fewer_than_eight_is_left_out_of_the_programme_chart(
    worked,
):
    chart = figures.chart_for(
        worked,
        "asked_for",
        figures.monthly(worked, "asked_for"),
        today=date(2026, 4, 30),
    )
    # Jan (2 responses) and Mar (2) are both below 8: nothing may be plotted.
    assert chart.left_out == ("Jan 2026", "Mar 2026")
    assert "fewer than 8" in chart.text


def test_a_sites_own_chart_plots_true_shares(worked, site_a):
    chart = figures.chart_for(
        worked,
        "asked_for",
        figures.monthly(worked, "asked_for", site_a),
        disclosed=False,
        today=date(2026, 4, 30),
    )
    assert chart.left_out == ()
    assert "Jan 2026" in chart.text
    assert "Mar 2026" in chart.text
    assert "latest value is 100" in chart.text
    assert chart.trial  # two points: trial limits
    assert "<svg" in chart.svg


def test_a_rebase_starts_new_limits_from_its_month(worked, site_a, officer):
    rebase = Rebase.objects.create(
        programme=worked,
        measure="asked_for",
        from_period=date(2026, 3, 1),
        reason="The new brief was issued.",
        by=officer,
    )
    chart = figures.chart_for(
        worked,
        "asked_for",
        figures.monthly(worked, "asked_for", site_a),
        disclosed=False,
        rebases=[rebase],
        today=date(2026, 4, 30),
    )
    assert "Re-based" in chart.svg
    assert chart.rebases == (rebase,)


def test_counts_by_month_fill_empty_months_with_zero(worked, site_a):
    chart = figures.chart_for(
        worked,
        "unmet",
        figures.monthly(worked, "unmet", site_a),
        disclosed=False,
        today=date(2026, 4, 30),
    )
    # Jan 1, Feb 0, Mar 1, Apr 0
    assert "from Jan 2026 to Apr 2026" in chart.text
    assert "latest value is 0" in chart.text
