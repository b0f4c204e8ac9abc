"""``{{ response.description|shorten:80 }}``: whole words, then "…" (see sites/text.py)."""

from django import template

from sites.text import shorten as shorten_text

register = template.Library()


@register.filter
def shorten(value, limit):
    return shorten_text(value, int(limit))
