"""Searches kept out of addresses.

What people search for here is personal data (names, NHS numbers, postcodes). In a
URL it would land in access logs, proxies and the browser's history, so a search is
posted, and the text is kept in the searcher's own session under a random token; the
results page and its pages carry only ``?search=<token>``. The same address in
another browser, or after signing out, finds nothing.
"""

import secrets

KEY = "searches"
KEPT = 10  # the latest searches of a session; older tokens expire


def remember(request, text: str) -> str:
    """Keep ``text`` for this session and this site; the token to put in the URL."""
    searches = dict(request.session.get(KEY, {}))
    token = secrets.token_urlsafe(9)
    searches[token] = [request.site.slug, text]
    request.session[KEY] = dict(list(searches.items())[-KEPT:])
    return token


def recall(request, token: str | None) -> str | None:
    """The text this session searched under ``token`` at this site, or None."""
    kept = request.session.get(KEY, {}).get(token or "")
    if kept and kept[0] == request.site.slug:
        return kept[1]
    return None
