"""Plan arithmetic in pounds and pence: Decimal, never float, and the one rounding
rule of ``sites.money`` (half a penny up)."""

from decimal import Decimal

from sites.money import to_pennies

WEEKS_PER_YEAR = Decimal(52)
ZERO = Decimal("0.00")


def pounds(value) -> Decimal:
    """``value`` rounded to the penny by the site-wide rule."""
    return to_pennies(value)


def annual(weekly: Decimal) -> Decimal:
    """A weekly amount over a year of 52 weeks (the convention councils budget with)."""
    return pounds(weekly * WEEKS_PER_YEAR)
