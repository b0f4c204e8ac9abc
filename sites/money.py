"""Money, once: one rounding rule and one way of writing pounds and pence.

Every amount a person reads (pages, PDFs, messages, charts) goes through
``format_gbp``; every amount the code rounds goes through ``to_pennies``. Amounts are
stored as ``Decimal`` (or, inside JSON, as plain strings such as ``"41.54"``), never
as formatted text, so they are put into words only when shown.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")
ROUNDING = ROUND_HALF_UP  # half a penny rounds up (away from zero), as people expect
MINUS = "\u2212"  # a true minus sign, not a hyphen


def to_pennies(value) -> Decimal:
    """``value`` as pounds and pence, rounded half up to the penny.

    Raises ``InvalidOperation``, ``TypeError`` or ``ValueError`` for what is not a
    number. A float goes through its shortest decimal text, so 1.005 is 1.01.
    """
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(PENNY, rounding=ROUNDING)


def as_data(value) -> str:
    """An amount for JSON (routing reasons, audit details): ``"1234.50"``."""
    return str(to_pennies(value))


def format_gbp(value, *, signed=False) -> str:
    """``£1,234.50``; below zero, a true minus sign (U+2212) before the pound sign;
    with ``signed``, ``+£26.50`` above zero.

    Anything that is not an amount (``None``, text) gives an empty string, so a page
    shows nothing rather than failing.
    """
    try:
        amount = to_pennies(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    if not amount.is_finite():
        return ""
    if amount < 0:
        sign = MINUS
    elif amount > 0 and signed:
        sign = "+"
    else:
        sign = ""
    return f"{sign}£{abs(amount):,.2f}"
