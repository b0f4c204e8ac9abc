"""Disclosure control for figures that cross sites, by NHS England's rule for
sub-national statistics. Pure: no Django.

- A count of 0 is shown as 0.
- A count from 1 to 7 is shown as ``*``, explained as "fewer than 8".
- Every other count is rounded to the nearest 5 (8 and 9 show as 10).
- Percentages are worked out from the rounded figures, and are ``*`` when either
  figure is suppressed.
- Totals add up the rounded figures *shown*: a suppressed cell adds nothing. So a
  total never gives a hidden cell away (with 5 hidden beside 20 and 30, a total of
  the true 55 would reveal it: 55 - 20 - 30 = 5; the shown total is 50). A total
  that leaves cells out is marked ``partial`` and the table's notes say so.

Half-way: counts are whole numbers, so none is ever half-way between two multiples
of 5 (that would take 12.5): 12 shows as 10 and 13 as 15. A count that is not a whole
number is refused rather than rounded, because it means an average or a share was
passed where a count belongs. Percentages round half up to whole numbers (12.5% ->
13%).

Nothing here keeps the true count: a ``Cell`` holds only what may be shown, so a
template cannot leak it by accident. This protects one table; pages must also not
offer two filters whose results could be subtracted to reveal a small group.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SMALLEST_SHOWN = 8  # counts from 1 to 7 are suppressed
ROUND_TO = 5
SUPPRESSED = "*"
NOT_APPLICABLE = "\u2013"  # an en dash: a share of nothing

RULE_NOTE = (
    "To protect people's privacy, counts are rounded to the nearest 5 and counts of "
    "1 to 7 are shown as * (fewer than 8). Percentages and totals are worked out "
    "from the rounded figures, so they may not add up exactly."
)
SUPPRESSED_NOTE = "* means fewer than 8."
PARTIAL_NOTE = "Totals add up the figures shown and leave out the cells shown as *."


@dataclass(frozen=True)
class Cell:
    """One figure, ready to show. ``value`` is what is shown, never the true count."""

    display: str
    value: int | None  # the rounded count (or whole percentage); None when hidden
    suppressed: bool = False
    partial: bool = False  # a total that leaves out one or more suppressed cells

    def __str__(self) -> str:
        return self.display

    @property
    def explanation(self) -> str:
        if self.suppressed:
            return "fewer than 8"
        if self.partial:
            return "leaves out figures shown as *"
        if self.display == NOT_APPLICABLE:
            return "nothing to compare with"
        return ""


def rounded(count: int) -> int | None:
    """The figure that may be shown for a count: None when it must be hidden."""
    count = _count(count)
    if count == 0:
        return 0
    if count < SMALLEST_SHOWN:
        return None
    return ROUND_TO * ((count + ROUND_TO // 2) // ROUND_TO)


def disclose(count: int) -> Cell:
    """One count, ready to show."""
    shown = rounded(count)
    if shown is None:
        return Cell(SUPPRESSED, None, suppressed=True)
    return Cell(_thousands(shown), shown)


def share(numerator: Cell, denominator: Cell) -> Cell:
    """``numerator`` as a whole percentage of ``denominator``, from shown figures."""
    if numerator.suppressed or denominator.suppressed:
        return Cell(SUPPRESSED, None, suppressed=True)
    if not denominator.value:
        return Cell(NOT_APPLICABLE, None)
    percent = (Decimal(numerator.value) * 100 / Decimal(denominator.value)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return Cell(f"{percent}%", int(percent))


def disclose_share(numerator: int, denominator: int) -> Cell:
    """A percentage of two counts, worked out from their rounded figures."""
    return share(disclose(numerator), disclose(denominator))


def total(cells: Iterable[Cell]) -> Cell:
    """Add up the shown figures; suppressed cells add nothing and mark it partial."""
    cells = list(cells)
    value = sum(cell.value for cell in cells if not cell.suppressed)
    partial = any(cell.suppressed for cell in cells)
    return Cell(_thousands(value), value, partial=partial)


@dataclass(frozen=True)
class DisclosedRow:
    label: str
    cells: tuple[Cell, ...]
    total: Cell
    shares: tuple[Cell, ...]  # each cell as a % of the row's total, when asked for


@dataclass(frozen=True)
class DisclosedTable:
    categories: tuple[str, ...]
    rows: tuple[DisclosedRow, ...]
    column_totals: tuple[Cell, ...]
    grand_total: Cell
    notes: tuple[str, ...]

    @property
    def any_suppressed(self) -> bool:
        return any(cell.suppressed for row in self.rows for cell in row.cells)


def disclose_table(
    rows: Iterable[tuple[str, Sequence[int]]],
    categories: Sequence[str],
    *,
    shares: bool = False,
) -> DisclosedTable:
    """A table of counts (rows x categories), with totals and optional row shares."""
    categories = tuple(categories)
    shown_rows = []
    for label, counts in rows:
        counts = list(counts)
        if len(counts) != len(categories):
            raise ValueError(
                f"Row {label!r} has {len(counts)} counts for {len(categories)} "
                "categories."
            )
        cells = tuple(disclose(count) for count in counts)
        row_total = total(cells)
        shown_rows.append(
            DisclosedRow(
                label=str(label),
                cells=cells,
                total=row_total,
                shares=tuple(share(c, row_total) for c in cells) if shares else (),
            )
        )
    column_totals = tuple(
        total(row.cells[i] for row in shown_rows) for i in range(len(categories))
    )
    every_cell = [cell for row in shown_rows for cell in row.cells]
    notes = [RULE_NOTE]
    if any(cell.suppressed for cell in every_cell):
        notes += [SUPPRESSED_NOTE, PARTIAL_NOTE]
    return DisclosedTable(
        categories=categories,
        rows=tuple(shown_rows),
        column_totals=column_totals,
        grand_total=total(every_cell),
        notes=tuple(notes),
    )


def _count(value) -> int:
    """A whole, non-negative count; whole Decimals and floats (from SQL) are accepted."""
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        whole = (
            value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        )
        if whole and value == int(value):
            value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(
            "A count must be a whole number (was an average or a share passed?)."
        )
    if value < 0:
        raise ValueError("A count cannot be negative.")
    return value


def _thousands(value: int) -> str:
    return f"{value:,}"
