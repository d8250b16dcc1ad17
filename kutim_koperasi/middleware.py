"""Site-wide answers before any view: the 503 page when the database cannot be reached (instead of
a 500 or a hung request), and the 413 page for a request body over the limit, before it is read."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

from registry.formats import angka

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


class RequestBodyLimitMiddleware:
    """Refuses a request whose body is larger than REQUEST_MAX_BYTES before any of it is read: 413.

    Django reads an upload whole (into memory or a temporary file) before a form can say it is too
    large; the declared length is known first. A body without a declared length is read by Django
    as empty, so it cannot bypass this. The import form refuses a file just over the import limit
    with its own message; this answers what is far over it, and anything else oversized.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads a body with an unreadable length as empty as well
        if length > settings.REQUEST_MAX_BYTES:
            return too_large_response(length)
        return self.get_response(request)


def too_large_response(length):
    """templates/413.html: rendered without the request, so no session or database is touched."""
    page = loader.get_template("413.html").render({
        "size_mb": angka(length / 2**20, 1), "max_mb": angka(settings.IMPORT_MAX_BYTES // 2**20),
        "request_mb": angka(settings.REQUEST_MAX_BYTES / 2**20, 0),
    })
    response = HttpResponse(page, status=413)
    response["Cache-Control"] = "no-store"
    response["Connection"] = "close"
    return response
