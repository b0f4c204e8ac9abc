from decimal import Decimal

import pytest

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
