"""Server-side SVG bar charts: they render in the page and in the PDF alike, with no
JavaScript and no inline style (presentation attributes only, which the CSP allows)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

BAR_COLOUR = "#1d4f6e"
SECOND_COLOUR = "#9bb8cc"


def bar_chart(rows, *, title, fmt=str, width=600, label_width=250, bar_height=22):
    """Horizontal bars. ``rows`` is a list of (label, value) with value >= 0."""
    rows = list(rows)
    gap = 8
    top = 6
    height = top + len(rows) * (bar_height + gap) + 4
    largest = max((value for _, value in rows), default=0) or 1
    room = width - label_width - 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_height + gap)
        length = max(int(room * float(value) / float(largest)), 1 if value else 0)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.0f}" '
            f'text-anchor="end" font-size="13" font-family="DejaVu Sans, sans-serif" '
            f'fill="#222">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" '
            f'fill="{BAR_COLOUR}" rx="2"/>'
        )
        parts.append(
            f'<text x="{label_width + length + 6}" y="{y + bar_height * 0.7:.0f}" '
            f'font-size="13" font-family="DejaVu Sans, sans-serif" fill="#222">'
            f"{escape(fmt(value))}</text>"
        )
    if not rows:
        parts.append(
            '<text x="8" y="20" font-size="13" font-family="DejaVu Sans, sans-serif" '
            'fill="#555">Nothing to show yet.</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label and value is escaped
