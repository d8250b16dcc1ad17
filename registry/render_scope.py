"""What cannot change while one Jinja2 partial renders, read once for it.

The language, the URL configuration and its prefix, and the time zone live in Django's
request-locals (asgiref's Local: about a microsecond a read). A list's rows read them some four
hundred times a page, once per number, choice label, translated word, link and moment; that was
a tenth of the rows' time (docs/benchmarks.md, "The rows' request-locals read once").
`{% jinja_include %}` reads them once when the partial starts (`render_scope`), and the helpers
the partials call (registry/jinja_environment.py, registry/formats.py, the `display` filter) take
them from here. Outside a partial (a Django template, a view, a task) there is no scope and each
helper asks Django as before.
"""

import contextvars
import datetime
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.timezone import template_localtime
from django.utils.translation import get_language


@dataclass(frozen=True)
class RenderScope:
    language: str
    urlconf: object
    prefix: str
    timezone: datetime.tzinfo


_scope = contextvars.ContextVar("render_scope", default=None)


@contextmanager
def render_scope():
    """The current request's RenderScope for the duration of a render (a nested one keeps its own)."""
    token = _scope.set(RenderScope(get_language(), get_urlconf(), get_script_prefix(),
                                   timezone.get_current_timezone()))
    try:
        yield
    finally:
        _scope.reset(token)


def current_language():
    scope = _scope.get()
    return scope.language if scope is not None else get_language()


def current_urlconf_and_prefix():
    scope = _scope.get()
    return (scope.urlconf, scope.prefix) if scope is not None else (get_urlconf(), get_script_prefix())


def local_time(value):
    """`template_localtime`: a moment in the current time zone, as Django's engine hands it to a filter.

    Inside a scope, the scope's time zone: `template_localtime`'s second argument is whether to
    convert, not to which zone, and it asks Django for the current zone on every call."""
    scope = _scope.get()
    if scope is None or not isinstance(value, datetime.datetime):
        return template_localtime(value)
    if settings.USE_TZ and not timezone.is_naive(value) and getattr(value, "convert_to_local_time", True):
        return value.astimezone(scope.timezone)
    return value
