"""The client's address, as far as it can be trusted: one helper for the audit trail
and for sign-in throttling (django-axes calls it through ``AXES_CLIENT_IP_CALLABLE``).

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only as
far as our own proxies wrote it. With ``CAREHUB_TRUSTED_PROXY_COUNT = N`` (default 0):

- ``N = 0``: no proxy in front; the address is ``REMOTE_ADDR`` and any
  ``X-Forwarded-For`` header is ignored (a client could have written it).
- ``N >= 1``: ``REMOTE_ADDR`` is our innermost proxy, and each of our N proxies appended
  the address it was connected from, so the client is the N-th entry from the right.
  Anything further left was written by the client and is ignored. When the header is
  missing or too short (a request that bypassed the proxies), ``REMOTE_ADDR`` is used.

Whatever the headers say, the result is a valid IP address or ``None``, so it can be
stored in PostgreSQL's ``inet`` columns.
"""

import ipaddress

from django.conf import settings
from ipware import get_client_ip


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request):
    """The client's IP address for this request, or None when there is none to trust."""
    if request is None:
        return None
    meta = getattr(request, "META", {})
    trusted = settings.CAREHUB_TRUSTED_PROXY_COUNT
    if trusted > 0:
        # python-ipware counts the proxies *listed* in the header (the innermost one
        # is REMOTE_ADDR, not listed): with N of ours it must list at least N - 1, and
        # the client is then the N-th address from the right. Invalid entries are
        # skipped; a header that yields nothing falls back to REMOTE_ADDR below.
        address, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=trusted - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        if address:
            return address
    return _valid_ip(meta.get("REMOTE_ADDR"))
