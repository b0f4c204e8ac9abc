"""Blocks that higher apps add to a member's site home page.

The home page lives in this, the lowest app, yet should say what is waiting in the
apps above it (overdue reviews …). As ``assessments.extensions`` does for the person
page, higher apps register a provider from their ``AppConfig.ready()``; each returns a
template to include and its context, already evaluated (no queries from templates),
or None when it has nothing to show this member.
"""

from collections.abc import Callable

# provider(request) -> (template name, context dict) or None
HomeProvider = Callable[[object], tuple[str, dict] | None]
HOME_PAGE_PROVIDERS: list[HomeProvider] = []


def home_page_extras(request):
    extras = []
    for provide in HOME_PAGE_PROVIDERS:
        result = provide(request)
        if result is not None:
            extras.append({"template": result[0], **result[1]})
    return extras
