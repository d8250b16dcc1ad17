"""Form fields in templates: {{ field|field_group }}, Django's as_field_group built in Python
(registry/widgets.py), and a list's filter form rendered once and reused:

    {% cached_filter_form filter [vary ...] %} ...the form's markup... {% end_cached_filter_form %}
"""

import hashlib

from django import template
from django.core.cache import caches
from django.forms import ChoiceField, ModelChoiceField
from django.utils.translation import get_language
from django_filters.fields import ChoiceIterator
from django_filters.filters import QuerySetRequestMixin

from .. import access
from ..widgets import field_group, plain_choices, region_queryset_identity

register = template.Library()

register.filter("field_group", field_group)

# Field groups of unbound forms, drawn once per process (see `unbound_field_group`).
_unbound_field_groups = {}


@register.filter
def unbound_field_group(bound_field):
    """`field_group`, for a field of a form that is shown empty on every request (the member list's
    NIK search): drawn once per form, field and language and reused. Its label, help text and
    widget were two fifths of a millisecond of every member list page through Django's form
    templates. A bound form (errors, the value typed) or one with initial values is drawn afresh."""
    form = bound_field.form
    if form.is_bound or form.initial or bound_field.initial not in (None, ""):
        return field_group(bound_field)
    key = (type(form), form.prefix, form.auto_id, bound_field.name, get_language())
    try:
        return _unbound_field_groups[key]
    except KeyError:
        _unbound_field_groups[key] = drawn = field_group(bound_field)
        return drawn


def filter_form_cache_key(filterset, fragment, vary=()):
    """The cache key of a list's filter form as `fragment` draws it, or None when it is to be drawn
    afresh (a form with errors, a choice list that cannot be keyed, outside a signed-in request).

    Made of everything the drawn form is made of: the FilterSet, the fragment (template and line),
    the language, the access token (renewed by every change of a region, group or permission), the
    submitted values of the form's own fields (so ?page=2 and ?setelah= share the entry; an empty
    value is drawn as a missing one), the kecamatan and desa choices by their query (the user's area
    is part of it), the choices a filter reads from the data (declared by a callable, such as the
    assessment years: their values), and `vary`, anything else the fragment shows.

    A list without a query string filters nothing, and its view never builds the form: the key is
    then read from the FilterSet's filters, so that a hit builds no form, field or widget at all
    (measured on the cooperative list, demo district: about 1 ms of CPU saved besides the 2 to 3 ms
    of drawing). A FilterSet whose form changes per request in any other way (choices or fields by
    user) must declare that change by a callable choice list, or its form must not be drawn
    through this tag.
    """
    token = access.request_token.get()
    if token is None:
        return None
    parts = [type(filterset).__module__, type(filterset).__qualname__, fragment, get_language(), str(token),
             repr(tuple(vary))]
    if not filterset.is_bound and not hasattr(filterset, "_form"):  # django-filter's built form
        parts += ["unbound", filterset.form_prefix, tuple(filterset.filters)]
        choices = _choices_of_filters(filterset)
    else:
        form = filterset.form
        if form.errors:
            return None  # bad input: drawn afresh with its messages
        parts += ["form", form.prefix, tuple(form.fields)]
        if form.is_bound:
            for name, field in form.fields.items():
                value = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
                if value not in (None, "", [], ()):
                    parts.append(("value", name, value))
        choices = _choices_of_form(filterset, form)
    if choices is None:
        return None
    parts.append(choices)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"registry:filter-form:{digest}"


def _choices_of_filters(filterset):
    """The choices that vary between requests, as the form built from these filters would have
    them; None when one of them cannot be keyed."""
    parts = []
    for name, filter_ in filterset.filters.items():
        if isinstance(filter_, QuerySetRequestMixin):
            identity = region_queryset_identity(filter_.get_queryset(filterset.request))
            if identity is None:
                return None
            parts.append((name, identity))
        elif callable(filter_.extra.get("choices")):
            # Read once here and given to the filter: a miss builds the form without reading them again.
            filter_.extra["choices"] = choices = list(filter_.extra["choices"]())
            parts.append((name, plain_choices(choices)))
    return parts


def _choices_of_form(filterset, form):
    parts = []
    for name, field in form.fields.items():
        if isinstance(field, ModelChoiceField):
            identity = region_queryset_identity(field.queryset)
            if identity is None:
                return None
            parts.append((name, identity))
        elif isinstance(field, ChoiceField) and _reads_choices(filterset, name):
            choices = field.choices
            if isinstance(choices, ChoiceIterator):
                choices = choices.choices  # without the empty choice, which the field adds to what it is given
            if callable(choices):
                choices = choices()
            # Read once here and kept on the field: a miss draws them without reading them again.
            field.choices = list(choices)
            parts.append((name, plain_choices(field.choices)))
    return parts


def _reads_choices(filterset, name):
    """Whether a filter's choices come from a callable (the data), not from its declaration."""
    filter_ = filterset.filters.get(name)
    return filter_ is not None and callable(filter_.extra.get("choices"))


# A cache of its own (settings.CACHES), so that forms never evict the users' access data.
FORMS_CACHE = "filter_forms"


class CachedFilterFormNode(template.Node):
    def __init__(self, nodelist, filterset, vary, fragment):
        self.nodelist = nodelist
        self.filterset = filterset
        self.vary = vary
        self.fragment = fragment

    def render(self, context):
        key = filter_form_cache_key(self.filterset.resolve(context), self.fragment,
                                    [value.resolve(context) for value in self.vary])
        forms = caches[FORMS_CACHE]
        html = forms.get(key) if key else None
        if html is None:
            html = self.nodelist.render(context)
            if key:
                forms.set(key, html, access.CACHE_SECONDS)
        return html


@register.tag("cached_filter_form")
def cached_filter_form(parser, token):
    """A list's filter form drawn once per key (filter_form_cache_key) and reused.

    Measured on the cooperative list (demo district): drawing its form took 4 of the page's 13 ms of
    CPU, the same markup for every request with the same filters. Whatever else the block shows must
    be passed as `vary` (the cooperative list's open panel), or left outside it (links that depend
    on the page or the query string).
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes the FilterSet and optionally what else the form shows")
    nodelist = parser.parse(("end_cached_filter_form",))
    parser.delete_first_token()
    fragment = f"{getattr(parser.origin, 'template_name', None)}:{token.lineno}"
    return CachedFilterFormNode(nodelist, parser.compile_filter(bits[1]),
                                [parser.compile_filter(bit) for bit in bits[2:]], fragment)
