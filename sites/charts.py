"""Server-side SVG charts and icons, shared by every app (panels imports these).

They render the same in the page and in WeasyPrint PDFs: no JavaScript, no ``style``
attribute and no ``<style>`` element (the Content-Security-Policy forbids inline
styles), only presentation attributes. Every label is escaped. Charts scale with
their ``viewBox`` and carry no fixed pixel width, so they reflow with the page.

- ``svg_open`` / ``text`` / ``number``: the primitives (used by ``panels.charts``).
- ``xmr_chart``: an XmR chart from ``sites.spc.xmr`` with its text alternative.
- ``variation_icon`` / ``assurance_icon``: the Making Data Count summary icons, as our
  own simple drawings (a ring, a letter and a small sketch).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .spc import Assurance, Rule, Variation, XmR

FONT = "DejaVu Sans, sans-serif"
INK = "#222"
MUTED = "#555"
GRID = "#d9d9d9"
LINE = "#6c757d"  # the series and common-cause points

# Making Data Count's colour meanings, each paired with a shape so that colour is
# never the only signal: improving blue squares, concerning orange triangles,
# neither-better-nor-worse purple diamonds, common cause small grey circles.
IMPROVING = "#1f5fa8"
CONCERNING = "#c25400"
NEITHER = "#6a3d9a"
TARGET = "#a4262c"

_KIND_COLOUR = {
    "common": LINE,
    "improving": IMPROVING,
    "concerning": CONCERNING,
    "neither": NEITHER,
}
_KIND_LEGEND = {
    "common": "Common cause",
    "improving": "Special cause: improving",
    "concerning": "Special cause: concerning",
    "neither": "Special cause: unusual",
}


# -- primitives ------------------------------------------------------------------


def svg_open(
    *, width, height, title, description=None, fluid=False, display=None
) -> str:
    """The opening ``<svg>`` with its accessible name (and optional description).

    ``width`` and ``height`` size the viewBox. ``fluid=True`` leaves out the pixel
    size: the chart fills its container and keeps its proportions. ``display=(w, h)``
    draws the viewBox at another pixel size.
    """
    if fluid:
        size = ""
    else:
        shown_width, shown_height = display or (width, height)
        size = f'width="{shown_width}" height="{shown_height}" '
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'{size}role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    if description:
        parts.append(f"<desc>{escape(description)}</desc>")
    return "".join(parts)


def text(
    x, y, content, *, anchor=None, size=13, fill=INK, weight=None, extra=""
) -> str:
    """A ``<text>`` element with escaped content."""
    anchor_attr = f'text-anchor="{anchor}" ' if anchor else ""
    weight_attr = f' font-weight="{weight}"' if weight else ""
    extra_attr = f" {extra}" if extra else ""
    return (
        f'<text x="{x}" y="{y}" {anchor_attr}font-size="{size}" '
        f'font-family="{FONT}" fill="{fill}"{weight_attr}{extra_attr}>'
        f"{escape(content)}</text>"
    )


def number(value) -> str:
    """A figure for people: at most 2 decimal places, no trailing zeros, 1,234."""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    shown = f"{amount:,f}"
    if "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    return "0" if shown == "-0" else shown.replace("-", "\u2212")


def _c(value: float) -> str:
    """A coordinate, to one decimal place."""
    shown = f"{value:.1f}"
    return shown[:-2] if shown.endswith(".0") else shown


# -- the XmR chart ---------------------------------------------------------------


@dataclass(frozen=True)
class RenderedChart:
    """The SVG and its text alternative (one or two sentences)."""

    svg: SafeString
    text: str

    def __html__(self) -> str:
        return self.svg

    def __str__(self) -> str:
        return self.svg


WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 96, 30, 250  # the plot area's edges
RIGHT_EDGE = WIDTH - RIGHT
MAX_X_LABELS = 8


def xmr_chart(
    chart: XmR, *, title: str, fmt=number, y_label: str = "", x_label: str = ""
) -> RenderedChart:
    """Draw an XmR chart: series, mean, limits, target, special causes, re-bases."""
    alternative = describe_xmr(chart, title=title, fmt=fmt)
    parts = [
        svg_open(
            width=WIDTH,
            height=HEIGHT,
            title=title,
            fluid=True,
            description=alternative,
        )
    ]
    if not chart.points:
        parts.append(text(LEFT, TOP + 20, "Nothing to show yet.", fill=MUTED))
        parts.append("</svg>")
        return RenderedChart(mark_safe("".join(parts)), alternative)  # noqa: S308

    low, high = _y_range(chart)
    ticks = _ticks(low, high)
    low, high = ticks[0], ticks[-1]
    count = len(chart.points)

    def x_at(index: float) -> float:
        if count == 1:
            return (LEFT + RIGHT_EDGE) / 2
        return LEFT + index * (RIGHT_EDGE - LEFT) / (count - 1)

    def y_at(value) -> float:
        return BOTTOM - (float(value) - low) * (BOTTOM - TOP) / (high - low)

    # Grid and y axis
    for tick in ticks:
        y = _c(y_at(tick))
        parts.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{RIGHT_EDGE}" y2="{y}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            text(
                LEFT - 6,
                _c(y_at(tick) + 4),
                fmt(Decimal(str(tick))),
                anchor="end",
                size=11,
                fill=MUTED,
            )
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT_EDGE}" y2="{BOTTOM}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    if y_label:
        middle = _c((TOP + BOTTOM) / 2)
        parts.append(
            text(
                14,
                middle,
                y_label,
                anchor="middle",
                size=11,
                fill=MUTED,
                extra=f'transform="rotate(-90 14 {middle})"',
            )
        )

    # Segments: mean, limits, trial marking, re-base breaks
    for number_, segment in enumerate(chart.segments):
        left = x_at(segment.start) if len(segment) > 1 else x_at(segment.start) - 8
        right = x_at(segment.stop - 1) if len(segment) > 1 else left + 16
        if number_:
            gap = _c((x_at(segment.start - 1) + x_at(segment.start)) / 2)
            parts.append(
                f'<line x1="{gap}" y1="{TOP - 8}" x2="{gap}" y2="{BOTTOM}" '
                f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="2 2"/>'
            )
            parts.append(text(gap, TOP - 12, "Re-based", anchor="middle", size=10))
        parts.append(_hline(left, right, y_at(segment.mean), INK, "1.5", None))
        if segment.has_limits:
            dash = "2 3" if segment.trial else "6 4"
            for limit in (segment.upper, segment.lower):
                parts.append(_hline(left, right, y_at(limit), LINE, "1.2", dash))
        if segment.trial:
            parts.append(
                text(
                    _c((left + right) / 2),
                    TOP - 2,
                    "Trial limits",
                    anchor="middle",
                    size=10,
                    fill=MUTED,
                )
            )

    if chart.target is not None:
        parts.append(
            _hline(LEFT, RIGHT_EDGE, y_at(chart.target), TARGET, "1.5", "8 3 2 3")
        )

    # The series, then its points on top
    coordinates = " ".join(
        f"{_c(x_at(p.index))},{_c(y_at(p.value))}" for p in chart.points
    )
    parts.append(
        f'<polyline points="{coordinates}" fill="none" stroke="{LINE}" '
        f'stroke-width="1.5" stroke-linejoin="round"/>'
    )
    for point in chart.points:
        parts.append(_mark(point, x_at(point.index), y_at(point.value), fmt))

    parts.extend(_line_labels(chart, y_at, fmt))
    parts.extend(_x_labels(chart, x_at))
    if x_label:
        parts.append(
            text(
                _c((LEFT + RIGHT_EDGE) / 2),
                BOTTOM + 38,
                x_label,
                anchor="middle",
                size=11,
                fill=MUTED,
            )
        )
    parts.extend(_legend(chart))
    parts.append("</svg>")
    # Every label and figure above is escaped; coordinates are numbers we made.
    return RenderedChart(mark_safe("".join(parts)), alternative)  # noqa: S308


def describe_xmr(chart: XmR, *, title: str, fmt=number) -> str:
    """The chart in words: what it shows, the latest value, any special cause."""
    if not chart.points:
        return f"{title}: no figures yet."
    first, latest = chart.points[0], chart.points[-1]
    span = (
        f"in {latest.label}"
        if len(chart.points) == 1
        else f"from {first.label} to {latest.label}"
    )
    opening = (
        f"{title}, {span}: the latest value is {fmt(latest.value)} ({latest.label})."
    )
    notes = []
    if latest.special_cause:
        reasons = " and ".join(rule.label for rule in _ORDER if rule in latest.rules)
        notes.append(
            "The latest point shows special cause variation, "
            f"{_VARIATION_PHRASE[chart.variation]}: it is {reasons}"
        )
    else:
        earlier = [p for p in chart.points if p.special_cause]
        if earlier:
            many = len(earlier) > 1
            notes.append(
                f"No special cause at the latest point, but {len(earlier)} earlier "
                f"point{'s' if many else ''} show{'' if many else 's'} it, most "
                f"recently {earlier[-1].label}"
            )
        else:
            notes.append("No special cause variation")
    if chart.assurance is not Assurance.NONE:
        notes.append(
            f"on current limits the measure {chart.assurance.label.lower()} of "
            f"{fmt(chart.target)}"
        )
    if chart.trial:
        notes.append("the limits are trial limits, from fewer than 12 points")
    return f"{opening} {'; '.join(notes)}."


_VARIATION_PHRASE = {
    Variation.IMPROVING_HIGH: "improving (higher values)",
    Variation.IMPROVING_LOW: "improving (lower values)",
    Variation.CONCERNING_HIGH: "concerning (higher values)",
    Variation.CONCERNING_LOW: "concerning (lower values)",
    Variation.NEITHER_HIGH: "unusually high",
    Variation.NEITHER_LOW: "unusually low",
}
_ORDER = (Rule.OUTSIDE_LIMITS, Rule.TREND, Rule.TWO_OF_THREE, Rule.SHIFT)


def _y_range(chart: XmR) -> tuple[float, float]:
    figures = [float(p.value) for p in chart.points]
    for segment in chart.segments:
        figures.append(float(segment.mean))
        if segment.has_limits:
            figures += [float(segment.upper), float(segment.lower)]
    if chart.target is not None:
        figures.append(float(chart.target))
    low, high = min(figures), max(figures)
    if math.isclose(low, high):
        low, high = low - 1, high + 1
    else:
        pad = (high - low) * 0.06
        low, high = low - pad, high + pad
    # A measure with no negative figure (a count, a share) needs no negative axis.
    if min(figures) >= 0:
        low = max(low, 0.0)
    return low, high


def _ticks(low: float, high: float) -> list[float]:
    """About five round-numbered ticks covering low to high."""
    raw = (high - low) / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(
        m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw - 1e-12
    )
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _hline(x1, x2, y, colour, width, dash) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{_c(x1)}" y1="{_c(y)}" x2="{_c(x2)}" y2="{_c(y)}" '
        f'stroke="{colour}" stroke-width="{width}"{dash_attr}/>'
    )


def _mark(point, x: float, y: float, fmt) -> str:
    """A point: its shape and colour say its kind; a tooltip says why."""
    kind = point.variation.kind
    colour = _KIND_COLOUR[kind]
    tip = f"{point.label}: {fmt(point.value)}"
    if point.special_cause:
        reasons = " and ".join(rule.label for rule in _ORDER if rule in point.rules)
        tip += f" ({point.variation.label.lower()}; {reasons})"
    title = f"<title>{escape(tip)}</title>"
    return _shape(kind, x, y, colour, title)


def _shape(kind: str, x: float, y: float, colour: str, inner: str = "") -> str:
    if kind == "common":
        return f'<circle cx="{_c(x)}" cy="{_c(y)}" r="3.5" fill="{colour}">{inner}</circle>'
    if kind == "improving":
        return (
            f'<rect x="{_c(x - 5)}" y="{_c(y - 5)}" width="10" height="10" '
            f'fill="{colour}" stroke="#fff" stroke-width="1">{inner}</rect>'
        )
    if kind == "concerning":
        points = (
            f"{_c(x)},{_c(y - 7)} {_c(x + 6.5)},{_c(y + 5)} {_c(x - 6.5)},{_c(y + 5)}"
        )
    else:  # neither
        points = f"{_c(x)},{_c(y - 7)} {_c(x + 6)},{_c(y)} {_c(x)},{_c(y + 7)} {_c(x - 6)},{_c(y)}"
    return (
        f'<polygon points="{points}" fill="{colour}" stroke="#fff" '
        f'stroke-width="1">{inner}</polygon>'
    )


def _line_labels(chart: XmR, y_at, fmt) -> list[str]:
    """Name the lines in force at the right-hand edge, spaced so they never overlap."""
    segment = chart.segments[-1]
    labels = [(y_at(segment.mean), f"Mean {fmt(segment.mean)}", INK)]
    if segment.has_limits:
        labels.append((y_at(segment.upper), f"Upper {fmt(segment.upper)}", MUTED))
        labels.append((y_at(segment.lower), f"Lower {fmt(segment.lower)}", MUTED))
    if chart.target is not None:
        labels.append((y_at(chart.target), f"Target {fmt(chart.target)}", TARGET))
    labels.sort(key=lambda item: item[0])
    placed, previous = [], -math.inf
    for y, label, colour in labels:
        y = max(y + 4, previous + 12)
        previous = y
        placed.append(text(RIGHT_EDGE + 6, _c(y), label, size=11, fill=colour))
    return placed


def _x_labels(chart: XmR, x_at) -> list[str]:
    count = len(chart.points)
    step = max(1, math.ceil(count / MAX_X_LABELS))
    shown = set(range(0, count, step))
    # Always name the latest period; drop the one before it if they would collide.
    if count - 1 not in shown:
        shown.discard(max(shown))
        shown.add(count - 1)
    return [
        text(_c(x_at(i)), BOTTOM + 18, chart.points[i].label, anchor="middle", size=11)
        for i in sorted(shown)
    ]


def _legend(chart: XmR) -> list[str]:
    kinds = [
        kind
        for kind in _KIND_LEGEND
        if any(p.variation.kind == kind for p in chart.points)
    ]
    parts, x, y = [], LEFT, HEIGHT - 14
    for kind in kinds:
        parts.append(_shape(kind, x + 6, y - 4, _KIND_COLOUR[kind]))
        label = _KIND_LEGEND[kind]
        parts.append(text(x + 16, y, label, size=11, fill=MUTED))
        x += 30 + int(len(label) * 6.3)
    return parts


# -- the Making Data Count summary icons -----------------------------------------


def variation_icon(variation: Variation, *, size: int = 40) -> SafeString:
    """A ring with a small run of dots: grey and level for common cause; coloured,
    rising or falling, lettered H (high) or L (low) for special cause.

    Icons keep a fixed size (``size`` pixels square), unlike charts: they sit beside
    a chart's title, not across the page."""
    kind = variation.kind
    colour = _KIND_COLOUR[kind]
    label = variation.label
    if variation.special_cause:
        ys = [29, 26, 23, 19, 15] if variation.high else [15, 19, 23, 26, 29]
        letter = "H" if variation.high else "L"
    else:
        ys = [24, 20, 23, 19, 22]
        letter = ""
    dots = list(zip((11, 15.5, 20, 24.5, 29), ys, strict=True))
    line = " ".join(f"{x},{y}" for x, y in dots)
    parts = [
        _icon_open(label, size),
        f'<circle cx="20" cy="20" r="17.5" fill="#fff" stroke="{colour}" '
        f'stroke-width="3"/>',
        f'<polyline points="{line}" fill="none" stroke="{LINE}" stroke-width="1.2"/>',
    ]
    for index, (x, y) in enumerate(dots):
        # The last dots carry the colour of the signal; earlier ones stay grey.
        fill = colour if variation.special_cause and index >= 3 else LINE
        parts.append(f'<circle cx="{x}" cy="{y}" r="2" fill="{fill}"/>')
    if letter:
        # In the empty corner: top left above a rise, top right above a fall.
        x_letter = 12 if variation.high else 28
        parts.append(
            text(
                x_letter,
                16,
                letter,
                anchor="middle",
                size=10,
                fill=colour,
                weight="bold",
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - the only text is our own label


def assurance_icon(assurance: Assurance, *, size: int = 40) -> SafeString:
    """A ring with the target as a dashed line and a letter: P (consistently
    passing), F (consistently failing) or ? (hit and miss). No target: no icon."""
    if assurance is Assurance.NONE:
        return mark_safe("")
    colour, letter = {
        Assurance.PASSING: (IMPROVING, "P"),
        Assurance.FAILING: (CONCERNING, "F"),
        Assurance.HIT_AND_MISS: (LINE, "?"),
    }[assurance]
    parts = [
        _icon_open(assurance.label, size),
        f'<circle cx="20" cy="20" r="17.5" fill="#fff" stroke="{colour}" '
        f'stroke-width="3"/>',
        f'<line x1="8" y1="29" x2="32" y2="29" stroke="{TARGET}" stroke-width="1.5" '
        f'stroke-dasharray="3 2"/>',
        text(20, 24, letter, anchor="middle", size=16, fill=colour, weight="bold"),
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - the only text is our own label


def _icon_open(label: str, size: int) -> str:
    return svg_open(width=40, height=40, title=label, display=(int(size), int(size)))
