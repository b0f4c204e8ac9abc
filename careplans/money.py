"""Money rules in one place: pounds and pence as Decimal, never float."""

from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
WEEKS_PER_YEAR = Decimal(52)
ZERO = Decimal("0.00")


def pounds(value) -> Decimal:
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def annual(weekly: Decimal) -> Decimal:
    """A weekly amount over a year of 52 weeks (the convention councils budget with)."""
    return pounds(weekly * WEEKS_PER_YEAR)
