"""``{% for reason in plan.routing_reasons|in_words %}``: routing reasons as sentences,
written by ``careplans.routing.reasons_in_words`` (the one place that words them)."""

from django import template

from careplans.routing import reasons_in_words

register = template.Library()


@register.filter
def in_words(reasons):
    return reasons_in_words(reasons)
