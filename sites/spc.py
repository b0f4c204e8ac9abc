"""XmR charts by NHS England's *Making Data Count* (MDC) rules. Pure: no Django.

An XmR chart plots each period's value (X) and reads it against **natural process
limits** worked out from the moving ranges (mR, the gap between one value and the
next): mean ± 2.66 x mean moving range. Points are then tested for **special cause**
variation by the four MDC rules:

(a) **Outside the limits**: strictly above the upper or below the lower limit. A point
    exactly on a limit is inside.
(b) **Shift**: 7 or more consecutive points on the same side of the mean; every point
    of the run is flagged. A point exactly on the mean is on neither side, so it ends
    a run (as in NHS-R's NHSRplotthedots, which follows the MDC tools).
(c) **Trend**: 7 or more consecutive points each strictly higher than the one before
    (six increases in a row), or each strictly lower. A repeated value is neither an
    increase nor a decrease, so it ends the trend. Every point of the trend, the
    first one included, is flagged.
(d) **Two of three**: 2 (or 3) of 3 consecutive points in the *outer third* on the same
    side, that is beyond the line two thirds of the way from the mean to the limit
    (mean ± 2/3 x 2.66 x mean mR) and not outside the limit itself (a point exactly on
    the limit counts; one exactly on the two-thirds line does not). The points in the
    outer third are flagged; the third point of the window may sit anywhere.

All rules are judged within a **segment**. Limits are **locked** over a baseline (the
first ``baseline`` points of a segment, 20 by default, or all of them when there are
fewer) and move only by an explicit **re-base**: each index in ``rebase_at`` starts a
new segment with its own mean, moving ranges and limits (no moving range spans a
re-base). Limits worked out from fewer than 12 points are **trial limits**.

A measure that cannot go below (or above) a bound, such as a count or a percentage,
passes ``floor=0`` (and ``ceiling=100``): the drawn limit is clipped to the bound and a
point is outside only beyond the clipped limit. The two-thirds lines are not clipped:
they describe the process's spread, not the measure's range. Values beyond the bound
are refused.

Numbers: values may be ``int``, ``Decimal``, ``Fraction`` or ``float`` (a float is read
by its shortest decimal form, so 0.1 is 1/10). All arithmetic is exact
(``fractions.Fraction``), so whether a point is on or beyond a limit never depends on
binary rounding, and hand-worked examples agree to the last digit. Results are
``Decimal`` (money and every other figure in CareHub are Decimal).

**Variation** is read from the latest point (the MDC variation icon); **assurance**
from where a target sits against the latest segment's limits (the assurance icon).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum
from fractions import Fraction

LIMIT_FACTOR = Fraction(266, 100)  # 2.66: 3 / d2 for a moving range of two points
OUTER_THIRD = Fraction(
    2, 3
)  # the two-thirds line, as a share of the distance to the limit
RUN_LENGTH = 7  # shifts and trends: 7 or more points
TRIAL_BELOW = 12  # limits from fewer than 12 points are trial limits
DEFAULT_BASELINE = 20  # points each segment's limits are locked over


class Direction(StrEnum):
    """Which way is better for a measure."""

    UP = "up"
    DOWN = "down"
    NEITHER = "neither"


class Rule(StrEnum):
    OUTSIDE_LIMITS = "outside_limits"
    SHIFT = "shift"
    TREND = "trend"
    TWO_OF_THREE = "two_of_three"

    @property
    def label(self) -> str:
        return _RULE_LABELS[self]


_RULE_LABELS = {
    Rule.OUTSIDE_LIMITS: "outside the process limits",
    Rule.SHIFT: "part of a run of 7 or more points on one side of the average",
    Rule.TREND: "part of 7 or more points in a row rising or falling",
    Rule.TWO_OF_THREE: "one of 2 out of 3 points in a row close to a process limit",
}


class Variation(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVING_HIGH = "improving_high"
    IMPROVING_LOW = "improving_low"
    CONCERNING_HIGH = "concerning_high"
    CONCERNING_LOW = "concerning_low"
    NEITHER_HIGH = "neither_high"
    NEITHER_LOW = "neither_low"

    @property
    def label(self) -> str:
        return _VARIATION_LABELS[self]

    @property
    def special_cause(self) -> bool:
        return self is not Variation.COMMON_CAUSE

    @property
    def kind(self) -> str:
        """ "common", "improving", "concerning" or "neither"."""
        return self.value.split("_")[0]

    @property
    def high(self) -> bool:
        return self.value.endswith("_high")


_VARIATION_LABELS = {
    Variation.COMMON_CAUSE: "Common cause variation: no significant change",
    Variation.IMPROVING_HIGH: "Special cause variation: improving, higher values",
    Variation.IMPROVING_LOW: "Special cause variation: improving, lower values",
    Variation.CONCERNING_HIGH: "Special cause variation: concerning, higher values",
    Variation.CONCERNING_LOW: "Special cause variation: concerning, lower values",
    Variation.NEITHER_HIGH: "Special cause variation: unusually high values",
    Variation.NEITHER_LOW: "Special cause variation: unusually low values",
}


class Assurance(StrEnum):
    NONE = "none"
    PASSING = "passing"
    FAILING = "failing"
    HIT_AND_MISS = "hit_and_miss"

    @property
    def label(self) -> str:
        return _ASSURANCE_LABELS[self]


_ASSURANCE_LABELS = {
    Assurance.NONE: "No target to check against",
    Assurance.PASSING: "Will consistently meet the target",
    Assurance.FAILING: "Will consistently miss the target",
    Assurance.HIT_AND_MISS: "Will sometimes meet and sometimes miss the target",
}


@dataclass(frozen=True)
class Segment:
    """A stretch of points between re-bases, with its own locked limits."""

    start: int  # index of the first point
    stop: int  # one past the last point
    baseline: int  # how many points the mean and limits were worked out from
    mean: Decimal
    mean_moving_range: Decimal | None  # None: a single point has no moving range
    upper: Decimal | None  # upper process limit (after any ceiling)
    lower: Decimal | None  # lower process limit (after any floor)
    near_upper: Decimal | None  # the two-thirds line above the mean
    near_lower: Decimal | None
    lower_floored: bool  # the lower limit was raised to the measure's floor
    upper_capped: bool  # the upper limit was lowered to the measure's ceiling

    @property
    def trial(self) -> bool:
        """Limits from fewer than 12 points: they will move as data arrives."""
        return self.baseline < TRIAL_BELOW

    @property
    def has_limits(self) -> bool:
        return self.upper is not None

    def __len__(self) -> int:
        return self.stop - self.start


@dataclass(frozen=True)
class Point:
    index: int
    label: str
    value: Decimal
    segment: int  # index into XmR.segments
    moving_range: Decimal | None  # None for the first point of each segment
    rules: frozenset[Rule]
    side: int  # +1 special cause high, -1 special cause low, 0 common cause
    variation: Variation

    @property
    def special_cause(self) -> bool:
        return bool(self.rules)


@dataclass(frozen=True)
class XmR:
    points: tuple[Point, ...]
    segments: tuple[Segment, ...]
    direction: Direction
    target: Decimal | None
    variation: Variation  # of the latest point
    assurance: Assurance

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def current_segment(self) -> Segment | None:
        return self.segments[-1] if self.segments else None

    @property
    def trial(self) -> bool:
        """True when the limits in force (the latest segment's) are trial limits."""
        segment = self.current_segment
        return segment is None or segment.trial

    @property
    def special_cause_points(self) -> tuple[Point, ...]:
        return tuple(p for p in self.points if p.special_cause)


def xmr(
    series: Iterable[tuple[object, object]],
    *,
    direction: Direction | str = Direction.NEITHER,
    target=None,
    baseline: int | None = DEFAULT_BASELINE,
    rebase_at: Iterable[int] = (),
    floor=None,
    ceiling=None,
) -> XmR:
    """Compute an XmR chart from ordered (period label, value) pairs.

    ``baseline``: points each segment's limits are locked over (None: all points).
    ``rebase_at``: indices of points that start a new segment with new limits.
    ``floor`` / ``ceiling``: bounds the measure cannot cross (0 for counts, 0 and
    100 for percentages); limits are clipped to them.
    """
    direction = Direction(direction)
    labels, values = [], []
    for label, value in series:
        labels.append(str(label))
        values.append(_exact(value, what="Each value"))
    floor_ = None if floor is None else _exact(floor, what="The floor")
    ceiling_ = None if ceiling is None else _exact(ceiling, what="The ceiling")
    target_ = None if target is None else _exact(target, what="The target")
    if floor_ is not None and ceiling_ is not None and floor_ > ceiling_:
        raise ValueError("The floor must not be above the ceiling.")
    for label, value in zip(labels, values, strict=True):
        if floor_ is not None and value < floor_:
            raise ValueError(f"The value for {label} is below the measure's floor.")
        if ceiling_ is not None and value > ceiling_:
            raise ValueError(f"The value for {label} is above the measure's ceiling.")
    if baseline is not None and (
        isinstance(baseline, bool) or not isinstance(baseline, int) or baseline < 2
    ):
        raise ValueError("A baseline needs at least two points (or None for all).")
    bounds = _segment_bounds(len(values), rebase_at)

    segments: list[Segment] = []
    points: list[Point] = []
    limits = None
    for number, (start, stop) in enumerate(itertools.pairwise(bounds)):
        xs = values[start:stop]
        limits = _limits(xs, baseline, floor_, ceiling_)
        segments.append(limits.segment(start, stop))
        rules, sides = _special_causes(xs, limits)
        for offset, x in enumerate(xs):
            side = sides[offset]
            points.append(
                Point(
                    index=start + offset,
                    label=labels[start + offset],
                    value=_decimal(x),
                    segment=number,
                    moving_range=(
                        None if offset == 0 else _decimal(abs(x - xs[offset - 1]))
                    ),
                    rules=frozenset(rules[offset]),
                    side=side,
                    variation=_variation(side, direction),
                )
            )
    return XmR(
        points=tuple(points),
        segments=tuple(segments),
        direction=direction,
        target=None if target_ is None else _decimal(target_),
        variation=points[-1].variation if points else Variation.COMMON_CAUSE,
        assurance=_assurance(limits, target_, direction),
    )


# -- limits ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Limits:
    """A segment's limits, kept exact for the rules."""

    baseline: int
    mean: Fraction
    mean_moving_range: Fraction | None
    upper: Fraction | None
    lower: Fraction | None
    near_upper: Fraction | None
    near_lower: Fraction | None
    lower_floored: bool
    upper_capped: bool

    def segment(self, start: int, stop: int) -> Segment:
        return Segment(
            start=start,
            stop=stop,
            baseline=self.baseline,
            mean=_decimal(self.mean),
            mean_moving_range=_optional_decimal(self.mean_moving_range),
            upper=_optional_decimal(self.upper),
            lower=_optional_decimal(self.lower),
            near_upper=_optional_decimal(self.near_upper),
            near_lower=_optional_decimal(self.near_lower),
            lower_floored=self.lower_floored,
            upper_capped=self.upper_capped,
        )


def _limits(xs, baseline, floor, ceiling) -> _Limits:
    size = len(xs) if baseline is None else min(baseline, len(xs))
    base = xs[:size]
    mean = sum(base, Fraction(0)) / size
    if size < 2:
        return _Limits(size, mean, None, None, None, None, None, False, False)
    ranges = [abs(b - a) for a, b in itertools.pairwise(base)]
    mean_range = sum(ranges, Fraction(0)) / len(ranges)
    spread = LIMIT_FACTOR * mean_range
    upper, lower = mean + spread, mean - spread
    floored = floor is not None and lower < floor
    capped = ceiling is not None and upper > ceiling
    return _Limits(
        baseline=size,
        mean=mean,
        mean_moving_range=mean_range,
        upper=ceiling if capped else upper,
        lower=floor if floored else lower,
        near_upper=mean + OUTER_THIRD * spread,
        near_lower=mean - OUTER_THIRD * spread,
        lower_floored=floored,
        upper_capped=capped,
    )


def _segment_bounds(count: int, rebase_at: Iterable[int]) -> list[int]:
    starts = sorted(set(rebase_at))
    for index in starts:
        if isinstance(index, bool) or not isinstance(index, int):
            raise ValueError("Re-base points are given by their index in the series.")
        if not 0 < index < count:
            raise ValueError(
                f"A re-base must start at a point after the first one (index {index} "
                f"is not between 1 and {count - 1})."
            )
    return [0, *starts, count] if count else []


# -- the four rules --------------------------------------------------------------


def _special_causes(xs, limits: _Limits):
    """Return, for each point of a segment, its set of rules and its side (+1/-1/0)."""
    count = len(xs)
    rules = [set() for _ in xs]
    # The side a rule gives a point, by precedence: outside > trend > 2 of 3 > shift
    # (the order NHSRplotthedots reads a point's direction in).
    found = [{} for _ in xs]
    above = [_sign(x - limits.mean) for x in xs]

    if limits.upper is not None:
        for i, x in enumerate(xs):
            if x > limits.upper or x < limits.lower:
                rules[i].add(Rule.OUTSIDE_LIMITS)
                found[i][Rule.OUTSIDE_LIMITS] = above[i]

    # (b) shift: runs of one side of the mean; a point on the mean belongs to none.
    for side, run in _runs(above):
        if side and len(run) >= RUN_LENGTH:
            for i in run:
                rules[i].add(Rule.SHIFT)
                found[i][Rule.SHIFT] = side

    # (c) trend: runs of strict increases (or decreases) between neighbours.
    steps = [_sign(b - a) for a, b in itertools.pairwise(xs)]
    for step, run in _runs(steps):
        if step and len(run) >= RUN_LENGTH - 1:
            # step j joins points j and j + 1
            for i in range(run[0], run[-1] + 2):
                rules[i].add(Rule.TREND)
                # A peak ends one trend and starts another: the trend it completes
                # gives its direction.
                found[i].setdefault(Rule.TREND, step)

    # (d) two of three in the outer third, on the same side.
    if limits.upper is not None:
        near = [_outer_third(x, limits) for x in xs]
        for start in range(count - 2):
            window = range(start, start + 3)
            for side in (1, -1):
                members = [i for i in window if near[i] == side]
                if len(members) >= 2:
                    for i in members:
                        rules[i].add(Rule.TWO_OF_THREE)
                        found[i][Rule.TWO_OF_THREE] = side

    order = (Rule.OUTSIDE_LIMITS, Rule.TREND, Rule.TWO_OF_THREE, Rule.SHIFT)
    sides = [next((f[rule] for rule in order if rule in f), 0) for f in found]
    return rules, sides


def _outer_third(x: Fraction, limits: _Limits) -> int:
    """+1 / -1 when x is beyond the two-thirds line but not outside the limit."""
    if limits.near_upper < x <= limits.upper:
        return 1
    if limits.lower <= x < limits.near_lower:
        return -1
    return 0


def _runs(signs: Sequence[int]):
    """Yield (sign, [indices]) for each stretch of equal consecutive signs."""
    index = 0
    for sign, group in itertools.groupby(signs):
        length = len(list(group))
        yield sign, list(range(index, index + length))
        index += length


def _variation(side: int, direction: Direction) -> Variation:
    if side == 0:
        return Variation.COMMON_CAUSE
    high = side > 0
    if direction is Direction.NEITHER:
        return Variation.NEITHER_HIGH if high else Variation.NEITHER_LOW
    if high == (direction is Direction.UP):
        return Variation.IMPROVING_HIGH if high else Variation.IMPROVING_LOW
    return Variation.CONCERNING_HIGH if high else Variation.CONCERNING_LOW


def _assurance(limits: _Limits | None, target, direction: Direction) -> Assurance:
    """Where the target sits against the limits in force.

    A value equal to the target meets it. So, when higher is better, the process
    consistently meets the target when even its lower limit does (lower >= target),
    and consistently misses it when even its upper limit falls short (upper <
    target); when lower is better, the mirror image. Otherwise hit and miss.
    """
    if (
        target is None
        or direction is Direction.NEITHER
        or limits is None
        or limits.upper is None
    ):
        return Assurance.NONE
    upper, lower = limits.upper, limits.lower
    if direction is Direction.UP:
        if lower >= target:
            return Assurance.PASSING
        if upper < target:
            return Assurance.FAILING
    else:
        if upper <= target:
            return Assurance.PASSING
        if lower > target:
            return Assurance.FAILING
    return Assurance.HIT_AND_MISS


# -- numbers ---------------------------------------------------------------------


def _exact(value, *, what: str) -> Fraction:
    if value is None:
        raise ValueError(f"{what} is missing: every period needs a value.")
    if isinstance(value, bool):
        raise TypeError(f"{what} must be a number, not True or False.")
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{what} must be a finite number.")
        return Fraction(value)
    if isinstance(value, int | Fraction):
        return Fraction(value)
    raise TypeError(f"{what} must be a number.")


def _decimal(value: Fraction) -> Decimal:
    """Exact when the fraction terminates within 28 significant digits."""
    with localcontext() as context:
        context.prec = 28
        return Decimal(value.numerator) / Decimal(value.denominator)


def _optional_decimal(value: Fraction | None) -> Decimal | None:
    return None if value is None else _decimal(value)


def _sign(value) -> int:
    return (value > 0) - (value < 0)
