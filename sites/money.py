"""Money, once: one rounding rule and one way of writing pounds and pence.

Every amount a person reads (pages, PDFs, messages, charts) goes through
``format_gbp``; every amount the code rounds goes through ``to_pennies``. Amounts are
stored as ``Decimal`` (or, inside JSON, as plain strings such as ``"41.54"``), never
as formatted text, so they are put into words only when shown.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

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


# --- The most an amount may be (issue 11, item 13) -----------------------------------
#
# Money columns hold ten digits with two places (up to £99,999,999.99), and amounts are
# multiplied: a cost each time by up to 500 times a week, a week by 52 for a year, a
# plan's responses added up. A hostile run typed £99,999,999.99, 500 times a week: the
# plan was accepted, then every panel page failed (SQLite) or the decision overflowed
# its column (PostgreSQL). So every amount a person types, and every weekly total
# worked out from them (a response's, a plan's), is capped here, at what the business
# allows: no care and support costs £100,000 a week, and the cap keeps a year of it
# (£5.2 million) and any sum of snapshots far inside the columns.
MAX_AMOUNT = Decimal("100000.00")
NOT_NEGATIVE_MESSAGE = "An amount cannot be below zero."


def too_much_message(what="An amount") -> str:
    return f"{what} cannot be more than {format_gbp(MAX_AMOUNT)}."


def amount_validators(*, not_negative=NOT_NEGATIVE_MESSAGE):
    """The validators of every money field, on models and forms alike: not below
    zero, not above ``MAX_AMOUNT``."""
    return [
        MinValueValidator(0, message=not_negative),
        MaxValueValidator(MAX_AMOUNT, message=too_much_message()),
    ]


def check_total(value, *, what, field=None):
    """Refuse a worked-out amount (a weekly cost, a plan's total) above the cap."""
    if value is not None and value > MAX_AMOUNT:
        error = ValidationError(too_much_message(what), code="too_much")
        raise ValidationError({field: error}) if field else error
