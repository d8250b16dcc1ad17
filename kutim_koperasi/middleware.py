"""The site's 503 page when the database cannot be reached, instead of a 500 or a hung request."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger("kutim_koperasi.database")

# Seconds a client (or the proxy) is told to wait before trying again.
RETRY_AFTER = 30


def database_unavailable(exception):
    """An error that says the database did not answer (refused, timed out, dropped, locked, cancelled)."""
    return isinstance(exception, (OperationalError, InterfaceError))


def unavailable_response():
    """templates/503.html, rendered without the request (its user and session live in the database)."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that meets an unreachable database answers 503 with a page in the site's layout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_unavailable(exception):
            return None
        # One line, no query string (it may hold personal data): the cause and where it met it.
        first_line = str(exception).strip().splitlines()[0] if str(exception).strip() else ""
        logger.warning("Database unavailable: %s %s: %s: %s", request.method, request.path,
                       type(exception).__name__, first_line)
        return unavailable_response()


def server_error(request, template_name="500.html"):
    """handler500: the 503 page when the uncaught error is the database's, raised outside a view.

    A middleware that reads the session or the user (the session time-out, the second factor)
    meets the database before any view; Django turns its exception into a response right there,
    so it reaches this handler (debug off) rather than the middleware above.
    """
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response()
    return defaults.server_error(request, template_name)
