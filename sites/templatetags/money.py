"""Pounds and pence for people: £1,234.50, and signed differences (+£26.50, and a true minus sign)."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()
MINUS = "\u2212"  # a true minus sign, not a hyphen


def _pounds(value):
    try:
        return Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def gbp(value):
    amount = _pounds(value)
    if amount is None:
        return ""
    sign = MINUS if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


@register.filter
def gbp_signed(value):
    amount = _pounds(value)
    if amount is None:
        return ""
    if amount > 0:
        return f"+£{amount:,.2f}"
    return gbp(amount)


@register.filter
def gbp_abs(value):
    amount = _pounds(value)
    return "" if amount is None else gbp(abs(amount))
