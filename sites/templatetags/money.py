"""Pounds and pence in templates: ``{{ amount|gbp }}`` → £1,234.50 (see sites/money.py)."""

from django import template

from sites.money import format_gbp, to_pennies

register = template.Library()


@register.filter
def gbp(value):
    return format_gbp(value)


@register.filter
def gbp_signed(value):
    """A difference: +£26.50, a true minus sign before a fall, or £0.00."""
    return format_gbp(value, signed=True)


@register.filter
def gbp_abs(value):
    """The size of a difference, without its sign (the sentence says which way)."""
    try:
        return format_gbp(abs(to_pennies(value)))
    except (ArithmeticError, TypeError, ValueError):
        return ""
