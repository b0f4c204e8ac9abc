"""Server-side SVG bar charts: they render in the page and in the PDF alike, with no
JavaScript and no inline style (presentation attributes only, which the CSP allows).
The SVG primitives are shared with every app in ``sites.charts``."""

from math import ceil

from django.utils.safestring import mark_safe

from sites.charts import MUTED, svg_open, text

BAR_COLOUR = "#1d4f6e"
SECOND_COLOUR = "#9bb8cc"


def bar_chart(rows, *, title, fmt=str, width=600, label_width=250, bar_height=22):
    """Horizontal bars. ``rows`` is a list of (label, value) with value >= 0."""
    rows = list(rows)
    # Labels are right-aligned against the bars, so a label longer than its column
    # ran off the chart's left edge ("…pproved in part or at a lower amount"): the
    # column grows to the longest label (13 px DejaVu Sans averages under 0.62 em a
    # character), leaving the bars at least a third of the width.
    longest = max((len(str(label)) for label, _ in rows), default=0)
    label_width = max(label_width, min(8 + ceil(longest * 13 * 0.62), width // 2))
    gap = 8
    top = 6
    height = top + len(rows) * (bar_height + gap) + 4
    largest = max((value for _, value in rows), default=0) or 1
    room = width - label_width - 90
    parts = [svg_open(width=width, height=height, title=title)]
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_height + gap)
        length = max(int(room * float(value) / float(largest)), 1 if value else 0)
        parts.append(
            text(label_width - 8, f"{y + bar_height * 0.7:.0f}", label, anchor="end")
        )
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" '
            f'fill="{BAR_COLOUR}" rx="2"/>'
        )
        parts.append(
            text(label_width + length + 6, f"{y + bar_height * 0.7:.0f}", fmt(value))
        )
    if not rows:
        parts.append(text(8, 20, "Nothing to show yet.", fill=MUTED))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label and value is escaped
