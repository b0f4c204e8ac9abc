"""XmR charts by Making Data Count rules, checked against examples worked by hand."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from sites.spc import Assurance, Direction, Rule, Variation, xmr

D = Decimal

# A worked example: the share (%) of responses people asked for, month by month.
#
#   values        41 44 39 45 37 36 35 42 46 35 36 44   (12 months)
#   moving ranges     3  5  6  8  1  1  7  4 11  1  8   (|each - the one before|)
#
#   mean               = (41+44+39+45+37+36+35+42+46+35+36+44) / 12 = 480 / 12 = 40
#   mean moving range  = (3+5+6+8+1+1+7+4+11+1+8) / 11          = 55 / 11  = 5
#   upper limit        = 40 + 2.66 x 5 = 40 + 13.3 = 53.3
#   lower limit        = 40 - 13.3                = 26.7
#   two-thirds lines   = 40 +/- 2/3 x 13.3 = 40 +/- 8.8666... = 48.866..., 31.133...
#
# Every value lies between 35 and 46: no point outside, none beyond a two-thirds line,
# the longest run on one side of 40 is 3 (37 36 35), and no 7-point trend.
WORKED = [41, 44, 39, 45, 37, 36, 35, 42, 46, 35, 36, 44]
MONTHS = [
    "Apr 2025",
    "May 2025",
    "Jun 2025",
    "Jul 2025",
    "Aug 2025",
    "Sep 2025",
    "Oct 2025",
    "Nov 2025",
    "Dec 2025",
    "Jan 2026",
    "Feb 2026",
    "Mar 2026",
    "Apr 2026",
    "May 2026",
    "Jun 2026",
]


def series(values, labels=None):
    labels = labels or [f"P{i + 1}" for i in range(len(values))]
    return list(zip(labels, values, strict=False))


def flagged(chart, rule=None):
    return [
        p.index for p in chart.points if (p.rules if rule is None else rule in p.rules)
    ]


# A baseline built so that every line falls on a round number:
#   12 points alternating 11.5, 8.5: mean = (6 x 11.5 + 6 x 8.5) / 12 = 120 / 12 = 10
#   every moving range is 3, so the mean moving range is 3
#   limits: 10 +/- 2.66 x 3 = 10 +/- 7.98  -> upper 17.98, lower 2.02
#   two-thirds lines: 10 +/- 2/3 x 7.98 = 10 +/- 5.32 -> 15.32 and 4.68
# Neighbours sit on opposite sides of the mean, so the baseline itself fires no rule.
# The last baseline point (index 11) is 8.5, below the mean.
BASE = [11.5, 8.5] * 6


def after_base(*values, **options):
    """A chart whose limits are locked on BASE; ``values`` follow from index 12."""
    return xmr(series([*BASE, *values]), baseline=12, **options)


class TestWorkedExample:
    def test_mean_moving_ranges_and_limits_match_the_hand_calculation(self):
        chart = xmr(series(WORKED, MONTHS))

        (segment,) = chart.segments
        assert segment.mean == D(40)
        assert segment.mean_moving_range == D(5)
        assert segment.upper == D("53.3")
        assert segment.lower == D("26.7")
        # 40 + 26.6/3: exact inside, shown to 28 significant digits
        assert segment.near_upper == D("48.86666666666666666666666667")
        assert segment.near_lower == D("31.13333333333333333333333333")
        assert [p.moving_range for p in chart.points] == [
            None,
            *map(D, [3, 5, 6, 8, 1, 1, 7, 4, 11, 1, 8]),
        ]
        assert [p.label for p in chart.points] == MONTHS[:12]

    def test_the_worked_example_is_common_cause_with_full_limits(self):
        chart = xmr(series(WORKED, MONTHS), direction=Direction.UP)

        assert flagged(chart) == []
        assert chart.variation is Variation.COMMON_CAUSE
        assert not chart.segments[0].trial  # 12 points: no longer trial limits
        assert not chart.trial

    def test_later_points_are_judged_against_the_locked_baseline(self):
        # Months 13-15 arrive: 43, 55, 41. The limits stay those of the first 12
        # (the baseline), so the mean is still 40, not (480+43+55+41)/15 = 41.27,
        # and 55 > 53.3 is outside the upper limit.
        chart = xmr(series([*WORKED, 43, 55, 41], MONTHS), baseline=12, direction="up")

        (segment,) = chart.segments
        assert segment.baseline == 12
        assert (segment.mean, segment.upper, segment.lower) == (
            D(40),
            D("53.3"),
            D("26.7"),
        )
        assert flagged(chart) == [13]
        assert chart.points[13].rules == {Rule.OUTSIDE_LIMITS}
        assert chart.points[13].variation is Variation.IMPROVING_HIGH
        # The moving ranges still run on: |43-44| = 1, |55-43| = 12, |41-55| = 14.
        assert [p.moving_range for p in chart.points[12:]] == [D(1), D(12), D(14)]
        # The latest point (41) is common cause, so the chart is.
        assert chart.variation is Variation.COMMON_CAUSE

    def test_without_a_baseline_limit_every_point_counts(self):
        # baseline=None: all 15 points. Mean = (480 + 43 + 55 + 41) / 15 = 619/15.
        # Moving ranges: 55 + 1 + 12 + 14 = 82 over 14 -> 41/7.
        chart = xmr(series([*WORKED, 43, 55, 41]), baseline=None)

        segment = chart.segments[0]
        assert segment.baseline == 15
        assert segment.mean == D(619) / D(15)
        assert segment.mean_moving_range == D(41) / D(7)

    def test_the_default_baseline_is_twenty_points(self):
        values = [*WORKED, *WORKED]  # 24 points; the limits use the first 20
        chart = xmr(series(values))

        # First 20: 480 + (41+44+39+45+37+36+35+42) = 480 + 319 = 799 -> 799/20
        assert chart.segments[0].baseline == 20
        assert chart.segments[0].mean == D("39.95")

    def test_a_latest_point_outside_the_limits_sets_the_variation(self):
        chart = xmr(series([*WORKED, 20], MONTHS), baseline=12, direction="up")

        # 20 < 26.7: below the lower limit, and lower is worse when up is better.
        assert flagged(chart) == [12]
        assert chart.variation is Variation.CONCERNING_LOW


class TestOutsideTheLimits:
    def test_a_point_exactly_on_the_upper_limit_is_inside(self):
        chart = after_base(Decimal("17.98"))

        assert Rule.OUTSIDE_LIMITS not in chart.points[12].rules

    def test_a_point_just_above_the_upper_limit_is_outside(self):
        chart = after_base(Decimal("17.99"))

        assert chart.points[12].rules == {Rule.OUTSIDE_LIMITS}
        assert chart.points[12].side == 1

    def test_a_point_exactly_on_the_lower_limit_is_inside(self):
        chart = after_base(Decimal("2.02"))

        assert Rule.OUTSIDE_LIMITS not in chart.points[12].rules

    def test_a_point_just_below_the_lower_limit_is_outside(self):
        chart = after_base(Decimal("2.01"))

        assert chart.points[12].rules == {Rule.OUTSIDE_LIMITS}
        assert chart.points[12].side == -1

    def test_floats_are_read_by_their_decimal_form_so_the_boundary_holds(self):
        # 17.98 as a float is 17.980000000000000426...: read as 17.98, it is on
        # the limit, not above it.
        chart = after_base(17.98)

        assert chart.points[12].rules == set()


class TestShift:
    def test_seven_points_above_the_mean_are_all_flagged(self):
        chart = after_base(*[11] * 7)  # 11 > 10, inside every line

        assert flagged(chart, Rule.SHIFT) == list(range(12, 19))
        assert flagged(chart) == list(range(12, 19))

    def test_six_points_above_the_mean_are_not_a_shift(self):
        chart = after_base(*[11] * 6)

        assert flagged(chart) == []

    def test_eight_points_below_the_mean_are_all_flagged(self):
        # The baseline's last point (8.5, index 11) is below the mean too, so
        # 7 more below make a run of 8: indices 11-18.
        chart = after_base(*[9] * 7)

        assert flagged(chart, Rule.SHIFT) == list(range(11, 19))

    def test_a_point_on_the_mean_ends_the_run(self):
        chart = after_base(*[11] * 6, 10, *[11] * 6)

        assert flagged(chart) == []

    def test_a_shift_above_is_improving_when_up_is_better(self):
        chart = after_base(*[11] * 7, direction=Direction.UP)

        assert chart.variation is Variation.IMPROVING_HIGH
        assert {p.variation for p in chart.points[12:]} == {Variation.IMPROVING_HIGH}

    def test_a_shift_above_is_concerning_when_down_is_better(self):
        chart = after_base(*[11] * 7, direction=Direction.DOWN)

        assert chart.variation is Variation.CONCERNING_HIGH

    def test_a_shift_below_is_unusually_low_when_neither_way_is_better(self):
        chart = after_base(*[9] * 7)

        assert chart.variation is Variation.NEITHER_LOW


class TestTrend:
    # The baseline ends on 8.5; 7 is lower, so a rise starts at index 12.
    def test_seven_rising_points_are_a_trend(self):
        # 7 < 8 < 9 < 11 < 12 < 13 < 14: six increases in a row. The values cross
        # the mean, so no shift; none is beyond a two-thirds line (4.68-15.32).
        chart = after_base(7, 8, 9, 11, 12, 13, 14)

        assert flagged(chart, Rule.TREND) == list(range(12, 19))
        assert flagged(chart) == list(range(12, 19))

    def test_six_rising_points_are_not_a_trend(self):
        chart = after_base(7, 8, 9, 11, 12, 13)

        assert flagged(chart) == []

    def test_a_repeated_value_ends_the_trend(self):
        # 7 8 9 9 11 12 13 14: the repeat is neither an increase nor a decrease,
        # leaving runs of 3 and 5 points.
        chart = after_base(7, 8, 9, 9, 11, 12, 13, 14)

        assert flagged(chart) == []

    def test_seven_falling_points_are_a_trend_low(self):
        # Baseline ends 8.5; then 13 (a rise), then 13 > 12 > 11 > 9 > 8 > 7 > 6.
        chart = after_base(13, 12, 11, 9, 8, 7, 6, direction=Direction.UP)

        assert flagged(chart, Rule.TREND) == list(range(12, 19))
        # The points above the mean are flagged low: a trend reads by its direction.
        assert chart.points[12].side == -1
        assert chart.points[12].variation is Variation.CONCERNING_LOW
        assert chart.variation is Variation.CONCERNING_LOW

    def test_a_trend_decides_the_direction_over_a_shift(self):
        # 15 14.5 14 13 12 11 10.5: seven points above the mean (a shift, high)
        # that fall all the way (a trend, low). As in NHSRplotthedots, the trend
        # gives the direction: the process is heading down.
        chart = after_base(15, 14.5, 14, 13, 12, 11, 10.5, direction=Direction.UP)

        assert flagged(chart, Rule.SHIFT) == list(range(12, 19))
        assert flagged(chart, Rule.TREND) == list(range(12, 19))
        assert chart.variation is Variation.CONCERNING_LOW

    def test_a_rising_trend_is_improving_when_up_is_better(self):
        chart = after_base(7, 8, 9, 11, 12, 13, 14, direction=Direction.UP)

        assert chart.variation is Variation.IMPROVING_HIGH
        # Even the first point of the rise, below the mean, reads as the trend.
        assert chart.points[12].variation is Variation.IMPROVING_HIGH


class TestTwoOfThree:
    # Outer thirds: above 15.32 up to 17.98, and from 2.02 up to below 4.68.
    def test_two_of_three_beyond_the_upper_two_thirds_line_are_flagged(self):
        chart = after_base(16, 10.5, 16)

        assert flagged(chart, Rule.TWO_OF_THREE) == [12, 14]
        assert flagged(chart) == [12, 14]  # the middle point is not flagged

    def test_two_in_a_row_are_flagged(self):
        chart = after_base(3, 4)

        assert flagged(chart, Rule.TWO_OF_THREE) == [12, 13]
        assert chart.variation is Variation.NEITHER_LOW

    def test_one_of_three_is_not_enough(self):
        chart = after_base(16, 10.5, 9, 16)

        assert flagged(chart) == []

    def test_a_point_exactly_on_the_two_thirds_line_is_not_in_the_outer_third(self):
        chart = after_base(Decimal("15.32"), 10.5, 16)

        assert flagged(chart) == []

    def test_a_point_exactly_on_the_limit_is_in_the_outer_third(self):
        chart = after_base(Decimal("17.98"), 10.5, 16)

        assert flagged(chart) == [12, 14]
        assert chart.points[12].rules == {Rule.TWO_OF_THREE}

    def test_a_point_outside_the_limit_is_not_in_the_outer_third(self):
        # 19 is outside (flagged by itself), and is not one of the "2 of 3".
        chart = after_base(19, 10.5, 16)

        assert flagged(chart, Rule.TWO_OF_THREE) == []
        assert flagged(chart) == [12]

    def test_points_on_opposite_sides_do_not_count_together(self):
        chart = after_base(16, 4)

        assert flagged(chart) == []


class TestTrialLimitsAndShortSeries:
    def test_fewer_than_twelve_points_give_trial_limits(self):
        chart = xmr(series(WORKED[:11]))

        assert chart.segments[0].trial
        assert chart.trial

    def test_a_baseline_shorter_than_twelve_gives_trial_limits_however_long(self):
        chart = xmr(series(WORKED * 2), baseline=10)

        assert chart.segments[0].baseline == 10
        assert chart.trial

    def test_two_points_have_limits(self):
        # mean (4 + 6) / 2 = 5; one moving range of 2 -> limits 5 +/- 5.32
        chart = xmr(series([4, 6]))

        segment = chart.segments[0]
        assert (segment.mean, segment.upper, segment.lower) == (
            D(5),
            D("10.32"),
            D("-0.32"),
        )
        assert segment.trial

    def test_one_point_has_a_mean_but_no_limits(self):
        chart = xmr(series([4]))

        segment = chart.segments[0]
        assert segment.mean == D(4)
        assert segment.upper is None
        assert segment.mean_moving_range is None
        assert not segment.has_limits
        assert chart.variation is Variation.COMMON_CAUSE
        assert chart.assurance is Assurance.NONE

    def test_no_points_give_an_empty_chart(self):
        chart = xmr([], target=5, direction="up")

        assert chart.points == ()
        assert chart.segments == ()
        assert chart.latest is None
        assert chart.variation is Variation.COMMON_CAUSE
        assert chart.assurance is Assurance.NONE
        assert chart.trial


class TestRebase:
    def test_a_rebase_starts_a_segment_with_its_own_limits(self):
        # Segment 1: WORKED (mean 40, mean mR 5).
        # Segment 2 from index 12: 60 62 58 60 -> mean 240/4 = 60; moving ranges
        # |62-60| = 2, |58-62| = 4, |60-58| = 2 -> 8/3; limits 60 +/- 2.66 x 8/3
        # = 60 +/- 7.0933... (no moving range spans the re-base: |60-44| is unused).
        chart = xmr(series([*WORKED, 60, 62, 58, 60]), rebase_at=[12])

        first, second = chart.segments
        assert (first.start, first.stop, first.mean) == (0, 12, D(40))
        assert (second.start, second.stop, second.mean) == (12, 16, D(60))
        assert second.mean_moving_range == D(8) / D(3)
        assert second.upper == D(60) + D("2.66") * D(8) / D(3)
        assert second.trial
        assert chart.points[12].moving_range is None
        assert [p.segment for p in chart.points] == [0] * 12 + [1] * 4
        # Against the old limits (upper 53.3) all four would be outside; against
        # their own, none is.
        assert flagged(chart) == []

    def test_without_the_rebase_the_same_points_are_special_cause(self):
        chart = xmr(series([*WORKED, 60, 62, 58, 60]), baseline=12)

        assert flagged(chart, Rule.OUTSIDE_LIMITS) == [12, 13, 14, 15]

    def test_runs_do_not_cross_a_rebase(self):
        # Both segments have mean 10: (8+9+9+11+11+11+11) / 7 = 70 / 7 and
        # (11+11+11+9+9+9+10) / 7 = 70 / 7. The first ends with 4 points above
        # 10 and the second starts with 3: one run of 7 if read as one segment.
        first = [8, 9, 9, 11, 11, 11, 11]
        second = [11, 11, 11, 9, 9, 9, 10]

        split = xmr(series([*first, *second]), rebase_at=[7])
        whole = xmr(series([*first, *second]))

        assert [s.mean for s in split.segments] == [D(10), D(10)]
        assert flagged(split, Rule.SHIFT) == []
        assert flagged(whole, Rule.SHIFT) == [3, 4, 5, 6, 7, 8, 9]

    @pytest.mark.parametrize("bad", [0, 5, -1, 99])
    def test_a_rebase_must_fall_inside_the_series(self, bad):
        with pytest.raises(ValueError, match="re-base"):
            xmr(series([1, 2, 3, 4, 5]), rebase_at=[bad])


class TestFloorAndCeiling:
    def test_a_count_floors_its_lower_limit_at_zero(self):
        # 0 3 1 4 2: mean 10/5 = 2; moving ranges 3 2 3 2 -> 10/4 = 2.5;
        # lower = 2 - 2.66 x 2.5 = 2 - 6.65 = -4.65 -> a count cannot go below 0.
        chart = xmr(series([0, 3, 1, 4, 2]), floor=0)

        segment = chart.segments[0]
        assert segment.lower == D(0)
        assert segment.lower_floored
        assert segment.upper == D("8.65")
        assert segment.near_lower == D(2) - D("6.65") * 2 / 3
        assert flagged(chart) == []  # the 0 sits on the floored limit: inside

    def test_a_percentage_caps_its_upper_limit_at_100(self):
        # 96 100 98 100: mean 98.5; moving ranges 4 2 2 -> 8/3; upper would be
        # 98.5 + 7.09... = 105.59... > 100.
        chart = xmr(series([96, 100, 98, 100]), floor=0, ceiling=100)

        segment = chart.segments[0]
        assert segment.upper == D(100)
        assert segment.upper_capped
        assert not segment.lower_floored

    def test_a_value_beyond_the_floor_is_refused(self):
        with pytest.raises(ValueError, match="below the measure's floor"):
            xmr(series([1, -1, 2]), floor=0)


class TestAssurance:
    # WORKED: limits 26.7 to 53.3.
    @pytest.mark.parametrize(
        ("direction", "target", "expected"),
        [
            ("up", 25, Assurance.PASSING),  # even the lower limit beats it
            ("up", D("26.7"), Assurance.PASSING),  # on the lower limit: meets it
            ("up", 40, Assurance.HIT_AND_MISS),
            ("up", D("53.3"), Assurance.HIT_AND_MISS),  # only the top reaches it
            ("up", 55, Assurance.FAILING),  # even the upper limit falls short
            ("down", 55, Assurance.PASSING),
            ("down", D("53.3"), Assurance.PASSING),
            ("down", 40, Assurance.HIT_AND_MISS),
            ("down", D("26.7"), Assurance.HIT_AND_MISS),
            ("down", 25, Assurance.FAILING),
            ("neither", 40, Assurance.NONE),  # no better direction: no pass or fail
            ("up", None, Assurance.NONE),
        ],
    )
    def test_assurance_is_where_the_target_sits_against_the_limits(
        self, direction, target, expected
    ):
        chart = xmr(series(WORKED), direction=direction, target=target)

        assert chart.assurance is expected

    def test_assurance_uses_the_limits_in_force_after_a_rebase(self):
        # Segment 2 (60 62 58 60) has limits 52.9... to 67.09...: a target of 50
        # is consistently met, though the first segment would only hit and miss.
        chart = xmr(
            series([*WORKED, 60, 62, 58, 60]),
            rebase_at=[12],
            direction="up",
            target=50,
        )

        assert chart.assurance is Assurance.PASSING

    def test_a_steady_100_percent_meets_a_target_of_100(self):
        # All equal: the limits close onto the mean, 100; 100 >= 100 meets it.
        chart = xmr(series([100] * 12), direction="up", target=100, ceiling=100)

        assert chart.assurance is Assurance.PASSING


class TestInput:
    @pytest.mark.parametrize("bad", [None, "12", True])
    def test_a_missing_or_non_numeric_value_is_refused(self, bad):
        with pytest.raises((TypeError, ValueError)):
            xmr(series([1, bad, 2]))

    def test_nan_is_refused(self):
        with pytest.raises(ValueError, match="finite"):
            xmr(series([1, Decimal("NaN"), 2]))

    def test_a_baseline_of_one_point_is_refused(self):
        with pytest.raises(ValueError, match="at least two"):
            xmr(series([1, 2, 3]), baseline=1)

    def test_fractions_decimals_and_ints_mix(self):
        chart = xmr(series([Fraction(1, 2), Decimal("1.5"), 1]))

        assert chart.segments[0].mean == D(1)

    def test_labels_become_text(self):
        chart = xmr([(date(2025, 4, 1), 3), (date(2025, 5, 1), 4)])

        assert [p.label for p in chart.points] == ["2025-04-01", "2025-05-01"]

    def test_rule_variation_and_assurance_have_plain_english_labels(self):
        assert Rule.SHIFT.label.startswith("part of a run of 7")
        assert Variation.CONCERNING_LOW.label == (
            "Special cause variation: concerning, lower values"
        )
        assert Assurance.HIT_AND_MISS.label == (
            "Will sometimes meet and sometimes miss the target"
        )
