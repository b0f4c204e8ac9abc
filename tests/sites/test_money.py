from decimal import Decimal

import pytest

from careplans.money import annual, pounds
from sites.money import as_data, format_gbp, to_pennies
from sites.templatetags.money import gbp, gbp_abs, gbp_signed


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("103.5"), "£103.50"),
        (Decimal("5382"), "£5,382.00"),
        (Decimal("-68"), "\u2212£68.00"),
        (0, "£0.00"),
        ("not money", ""),
        (None, ""),
    ],
)
def test_amounts_read_as_pounds_and_pence(value, shown):
    assert gbp(value) == shown


def test_differences_carry_their_sign():
    assert gbp_signed(Decimal("26.5")) == "+£26.50"
    assert gbp_signed(Decimal("-2831.92")) == "\u2212£2,831.92"
    assert gbp_signed(Decimal("0")) == "£0.00"
    assert gbp_abs(Decimal("-54.46")) == "£54.46"


# --- One formatter, one rounding rule (sites/money.py) ---------------------------------

MINUS = "\u2212"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        # Half a penny rounds up, away from zero: never to the even penny.
        (Decimal("0.125"), "£0.13"),
        (Decimal("2.675"), "£2.68"),
        (Decimal("0.005"), "£0.01"),
        (Decimal("-0.125"), f"{MINUS}£0.13"),
        (Decimal("41.545"), "£41.55"),
        # Thousands separators and pence, however large.
        (Decimal("1234567.891"), "£1,234,567.89"),
        (Decimal("999.995"), "£1,000.00"),
        # A float goes through its shortest decimal text.
        (1.005, "£1.01"),
        (41.54, "£41.54"),
        ("1234.5", "£1,234.50"),
        # Less than half a penny below zero is nothing: no minus sign before £0.00.
        (Decimal("-0.004"), "£0.00"),
        (Decimal("NaN"), ""),
        (Decimal("Infinity"), ""),
        ("", ""),
    ],
)
def test_the_one_formatter_writes_pounds_and_pence_rounding_half_up(value, shown):
    assert format_gbp(value) == shown
    assert gbp(value) == shown


def test_a_signed_amount_has_a_plus_or_a_true_minus_sign():
    assert format_gbp(Decimal("1234.5"), signed=True) == "+£1,234.50"
    assert format_gbp(Decimal("-1234.5"), signed=True) == f"{MINUS}£1,234.50"
    assert format_gbp(Decimal("-0.001"), signed=True) == "£0.00"
    assert "-" not in format_gbp(Decimal("-5"))
    assert gbp_signed(Decimal("0.125")) == "+£0.13"
    assert gbp_abs(Decimal("-0.125")) == "£0.13"
    assert gbp_abs("not money") == ""


@pytest.mark.parametrize(
    "value", ["0.125", "2.675", "-0.125", "41.545", "0.005", "1234.565"]
)
def test_plan_arithmetic_rounds_by_the_same_rule_as_the_formatter(value):
    """careplans.money rounds sums and annual figures; what it rounds is what is shown."""
    amount = Decimal(value)
    assert format_gbp(pounds(amount)) == format_gbp(amount)
    assert pounds(amount) == to_pennies(amount)
    assert as_data(amount) == str(pounds(amount))


def test_an_annual_figure_is_52_weeks_rounded_once():
    assert annual(Decimal("41.54")) == Decimal("2160.08")
    assert format_gbp(annual(Decimal("41.54"))) == "£2,160.08"
