"""Extension points for higher apps (care plans, panels) on assessment pages.

A lower app never imports a higher one, yet the person page should show that person's
plans. Higher apps register a provider here from their AppConfig.ready(); each provider
returns a template to include and the context it needs (already evaluated: no queries
from templates).
"""

from collections.abc import Callable

# provider(request, person) -> (template name, context dict) or None
PersonPageProvider = Callable[[object, object], tuple[str, dict] | None]
PERSON_PAGE_PROVIDERS: list[PersonPageProvider] = []


def person_page_extras(request, person):
    extras = []
    for provide in PERSON_PAGE_PROVIDERS:
        result = provide(request, person)
        if result is not None:
            extras.append({"template": result[0], **result[1]})
    return extras
