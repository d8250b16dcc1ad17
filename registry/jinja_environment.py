"""The Jinja2 environment for the hottest templates: the rows of the long lists.

A list page renders 25 rows of some ten cells each; Django's template engine resolves every
variable, filter and tag of them through its generic machinery, and that loop was half of the
cooperative list's rendering time (docs/benchmarks.md, "List rendering"). Jinja2 compiles a
template to Python, so the same rows cost a fraction. The pages themselves (layout, filter form,
pagination) stay Django templates; a row partial is included with `{% jinja_include %}`
(registry/templatetags/registry_jinja.py).

What the rows need of Django is here, so a partial writes the same HTML a Django template did:
- autoescaping (Django's SafeString has `__html__`, which Jinja2 honours);
- `_()` and `ngettext()` through Django's translation (the same catalogue; strings are escaped as
  `{% translate %}` escapes them), newstyle: `_("pada akhir tahun: %(status)s", status=label)`;
- `available_languages()` as `{% get_available_languages %}` (the language switch of every page,
  includes/_header_tools.html);
- `url(name, *args)` as `{% url %}`, `final_score(assessment)` as `{% final_score %}`,
  `person(request, user)` as `{% person %}`;
- the project's formatting filters (`angka`, `rupiah`, `persen`, `display`, `status_label`) and
  Django's `date` (in the current time zone, as Django's engine converts), `add`, `capfirst`,
  `truncatechars` and `localize` (a decimal as Django's engine writes one: `0,5` in Indonesian);
- a missing attribute renders as nothing, as in Django (ChainableUndefined: `a.b.c` with `a.b`
  missing is empty, not an error).
"""

import datetime
import functools
import unicodedata

from django.conf import settings
from django.template import defaultfilters
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.translation import gettext, gettext_noop, ngettext, npgettext, pgettext
from jinja2 import ChainableUndefined, Environment
from markupsafe import Markup

from .render_scope import current_language, current_urlconf_and_prefix, local_time
from .templatetags.registry_assessments import final_score
from .templatetags.registry_format import angka, display, persen, rupiah, status_label
from .templatetags.registry_people import person_on_page

# makemessages reads the partials' `_("...")` only when it has no values (it parses them as Django
# templates); the strings they use with values are marked here so the catalogue keeps them.
STRINGS_WITH_VALUES = [
    gettext_noop("pada akhir tahun: %(status)s"),
    # The profile (registry/cooperatives/_profile.html, _profile_assessments.html, _profile_activities.html)
    gettext_noop("menurut %(source)s"),
    gettext_noop("dibubarkan %(day)s"),
    gettext_noop("%(listed)s tercatat, %(active)s aktif"),
    gettext_noop("%(shown)s anggota pertama menurut nama."),
    gettext_noop("Semua anggota (%(n)s)"),
    gettext_noop("Anggota aktif (%(n)s)"),
    gettext_noop("Nilai tahun buku %(year)s"),
    gettext_noop("%(open)s terbuka, %(overdue)s lewat batas"),
    # The page links (includes/_pagination.html)
    gettext_noop("Halaman %(n)s dari %(total)s"),
]

# Stand-ins for integer arguments: a URL reversed once with them is a template for every row.
_PLACEHOLDERS = tuple(9_000_000_001 + i for i in range(4))


@functools.cache
def _url_parts(name, arity, urlconf, prefix):
    """The text around the stand-ins of `name` reversed with `arity` of them, or None when the
    pattern takes no such arguments (a converter narrower than digits)."""
    try:
        reversed_url = reverse(name, args=_PLACEHOLDERS[:arity], urlconf=urlconf)
    except NoReverseMatch:
        return None
    parts, rest = [], reversed_url
    for placeholder in _PLACEHOLDERS[:arity]:
        before, found, rest = rest.partition(str(placeholder))
        if not found:
            return None
        parts.append(before)
    parts.append(rest)
    return parts


@functools.lru_cache(maxsize=256)
def _reversed_with_words(name, args, urlconf, prefix, language):
    """`name` reversed with these text arguments (the export links' kinds and formats): the same
    arguments give the same URL in the same URL configuration, prefix and language."""
    return reverse(name, args=args, urlconf=urlconf)


def url(name, *args):
    """`{{ url("registry:cooperative_detail", koperasi.pk) }}`, as `{% url %}`.

    Reversing walks the resolver for every row (a fifth of the rows' time); with integer arguments
    (primary keys) or none the URL is reversed once per name and filled in per row. With text
    arguments (a kind of export, a format) it is reversed once per name and arguments.
    """
    if len(args) <= len(_PLACEHOLDERS) and all(type(arg) is int and arg >= 0 for arg in args):
        parts = _url_parts(name, len(args), *current_urlconf_and_prefix())
        if parts is not None:
            return "".join(part + str(arg) for part, arg in zip(parts[:-1], args, strict=True)) + parts[-1]
    elif all(isinstance(arg, str) for arg in args):  # a SafeString from a Django template too
        return _reversed_with_words(name, args, *current_urlconf_and_prefix(), current_language())
    return reverse(name, args=args or None)


def date(value, arg=None):
    """Django's `date` filter on the value in the current time zone, as Django's engine hands it;
    the office's d/m/Y directly (Django's formatter took a third of the rows' time)."""
    if arg == "d/m/Y" and isinstance(value, datetime.date):
        value = local_time(value)
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if isinstance(value, datetime.datetime):  # a history entry's moment, for people and for <time>
        if arg == "d/m/Y H:i":
            value = local_time(value)
            return f"{value.day:02d}/{value.month:02d}/{value.year:04d} {value.hour:02d}:{value.minute:02d}"
        if arg == "c":
            return local_time(value).isoformat()
    return defaultfilters.date(local_time(value), arg)


def querystring(request, **changes):
    """`{% querystring %}` of Django's engine: the request's query string with `changes` (None drops
    a key), "?" and the encoded rest, or "" when both are empty."""
    query = request.GET
    params = query.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        elif isinstance(value, (list, tuple)):
            params.setlist(key, value)
        else:
            params[key] = value
    if not params and not query:
        return ""
    return f"?{params.urlencode()}"


def truncatechars(value, length):
    """Django's `truncatechars`; a text no longer than `length` (most finding descriptions) is
    returned as Django returns it (NFC-normalised) without its walk over every character, which was
    a fifth of the findings rows' time."""
    text = str(value)
    if type(text) is str and type(length) is int and 0 < len(text) <= length:  # not a SafeString: Django keeps it safe
        return unicodedata.normalize("NFC", text)
    return defaultfilters.truncatechars(value, length)


def _escaped(translate):
    """A translation escaped as `{% translate %}` escapes it (a translator's `&` stays text)."""
    def translated(*args):
        return conditional_escape(translate(*args))
    return translated


def _escaped_kept(translate):
    """`_escaped`, kept per language and message: a catalogue does not change within a process, and
    Django's lookup of the active translation was two fifths of the profile's partial (some ninety
    strings a request). For messages without a count only: a count would make a key per number."""
    kept = {}

    def translated(*args):
        key = (current_language(), args)
        try:
            return kept[key]
        except KeyError:
            kept[key] = value = conditional_escape(translate(*args))
            return value
    return translated


def _newstyle_gettext_kept(translate):
    """`_("...")` as Jinja2's newstyle gettext writes it (the translation escaped, then formatted with
    the variables: `%%` is `%` even without any), kept per language and message as `_escaped_kept`.

    Called directly rather than through the i18n extension's alias, which resolves `gettext` in the
    context and calls it through the context twice: that was a fifth of the profile partial's time
    (some ninety strings a request). The environment always escapes (Django's Jinja2 backend), so
    the translation is always Markup, as the extension makes it then.
    """
    kept, formatted = {}, {}

    def gettext(message, **variables):
        key = (current_language(), message)
        if not variables:
            try:
                return formatted[key]
            except KeyError:
                pass
        try:
            translated = kept[key]
        except KeyError:
            translated = kept[key] = Markup(conditional_escape(translate(message)))
        if variables:
            return translated % variables
        formatted[key] = result = translated % {}
        return result
    return gettext


def available_languages():
    """`{% get_available_languages %}`: each language's code and its name in the current language."""
    return [(code, gettext(name)) for code, name in settings.LANGUAGES]


def environment(**options):
    options["undefined"] = ChainableUndefined
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = Environment(**options)
    env.install_gettext_callables(
        _escaped_kept(gettext), _escaped(ngettext), newstyle=True,
        pgettext=_escaped_kept(pgettext), npgettext=_escaped(npgettext),
    )
    env.globals["_"] = _newstyle_gettext_kept(gettext)
    env.globals["url"] = url
    env.globals["final_score"] = final_score
    env.globals["person"] = person_on_page
    env.globals["querystring"] = querystring
    env.globals["available_languages"] = available_languages
    env.filters.update({
        "angka": angka,
        "rupiah": rupiah,
        "persen": persen,
        "display": display,
        "status_label": status_label,
        "date": date,
        "add": defaultfilters.add,
        "capfirst": defaultfilters.capfirst,
        "truncatechars": truncatechars,
        "localize": formats.localize,
    })
    return env
