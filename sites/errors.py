"""Error pages that say what happened.

When the database cannot be reached (PostgreSQL restarting, a fail-over, a network
blip), every page would otherwise answer "Something went wrong". It is not the
person's mistake and nothing they saved is lost, so the page says so, answers 503
with ``Retry-After`` (for load balancers and monitoring), and the next request after
the database is back simply works: connections are health-checked at the start of
each request (``conn_health_checks``), so the app needs no restart.

Rendered without a request context: the context processors would query the database
that is not there.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

RETRY_AFTER_SECONDS = 30


def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        page = loader.get_template("503.html").render()
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)
