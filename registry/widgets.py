"""Form widgets and field groups rendered in Python where Django's per-option templates cost more
than the page's SQL."""

import hashlib

from django import forms
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup
from django.db.models.expressions import Col
from django.db.models.sql.where import WhereNode
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from . import access
from .models import Desa, Kecamatan

# Region choices are cached under the access token (registry/access.py), which every change of a
# kecamatan or desa renews; choices of any other model are read each time.
CACHED_CHOICE_MODELS = (Kecamatan, Desa)


class QuickSelect(forms.Select):
    """A <select> with the same markup as Django's, built without a template per option, its
    options rendered once and reused.

    Measured on the cooperative list at 130,000 rows (PostgreSQL): its filter form's selects
    (141 desa, 18 kecamatan, the choices) took 38 ms of an 80 ms page through Django's widget
    templates, against 4 ms for all the page's SQL. Built in Python they still took a quarter of
    the page's time on the demo district (docs/benchmarks.md, "Per-request work"), and the two
    region lists two of its queries: the options are now kept in Django's cache per language and
    list (a fixed list keyed by its own values and labels; the kecamatan and desa of a user's area
    keyed by their query's parts and the access token, renewed by any change of a region), and only
    the chosen option is marked per request.
    """

    def render(self, name, value, attrs=None, renderer=None):
        key = self.options_cache_key()
        options = cache.get(key) if key else None
        if options is None:
            options = self.render_options(name)
            if key:
                cache.set(key, options, access.CACHE_SECONDS)
        options = self.mark_selected(options, self.format_value(value))
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        return format_html('<select name="{}"{}>{}</select>', name, attributes(final_attrs), mark_safe(options))

    def options_cache_key(self):
        """The key of this list's options in this language, or None when they are not to be cached."""
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator):
            identity = region_choices_identity(choices.field)
            if identity is None:
                return None
        else:
            identity = plain_choices(choices)
        digest = hashlib.sha256(repr(identity).encode()).hexdigest()
        return f"registry:options:{get_language()}:{digest}"

    def render_options(self, name):
        """The <option>s (and <optgroup>s) with none chosen."""
        parts = []
        for group_name, options, _index in self.optgroups(name, []):
            rendered = format_html_join(
                "", "<option value=\"{}\"{}>{}</option>",
                ((option["value"] if option["value"] is not None else "", flatatt(option["attrs"]), option["label"])
                 for option in options),
            )
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered)
                         if group_name else rendered)
        return "".join(parts)

    def mark_selected(self, options, values):
        """Marks the chosen options as Django does: the first option of each chosen value (only the
        first value of a single select)."""
        for value in values if self.allow_multiple_selected else values[:1]:
            plain = f'<option value="{escape(value)}">'
            options = options.replace(plain, f'<option value="{escape(value)}" selected>', 1)
        return options


class QuickInputMixin:
    """An <input> with the same markup as Django's input template, built in Python (a filter form
    has up to six: the search box and the years)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value_html = format_html(' value="{}"', widget["value"]) if widget["value"] is not None else ""
        return format_html('<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value_html,
                           attributes(widget["attrs"]))


class QuickTextInput(QuickInputMixin, forms.TextInput):
    pass


class QuickNumberInput(QuickInputMixin, forms.NumberInput):
    pass


def attributes(attrs):
    """HTML attributes as Django's widget template writes them: in their order, True as the bare
    name, False left out (django.forms.utils.flatatt sorts them instead)."""
    return mark_safe("".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items() if value is not False
    ))


def region_choices_identity(field):
    """What the options of a kecamatan or desa ModelChoiceField are made of, for a cache key: its
    query (region_queryset_identity) and labels; None when they are not to be cached."""
    query = region_queryset_identity(field.queryset)
    if query is None:
        return None
    return (query, getattr(field, "to_field_name", None), str(field.empty_label),
            str(getattr(field, "null_label", None)))


def region_queryset_identity(queryset):
    """What a queryset of kecamatan or desa reads, for a cache key: its query and the access token
    (renewed by every change of a region); None when it is not to be cached (another model, an
    empty query, outside a signed-in request).

    The query is described by its parts (query_identity) rather than its SQL: compiling the SQL of
    the two region lists took a tenth of the cooperative list's time. The user's area is part of
    those parts (`code__in`), so two users of different areas never share a list.
    """
    token = access.request_token.get()
    if token is None or queryset is None or queryset.model not in CACHED_CHOICE_MODELS:
        return None
    query = query_identity(queryset)
    if query is None:
        try:
            query = str(queryset.query)
        except EmptyResultSet:
            return None
    return (query, str(token))


def query_identity(queryset):
    """A description of a plain queryset that differs whenever its SQL can (model, tables and joins,
    conditions with their values, order, limits), or None for anything else (annotations, extra,
    subqueries, expressions, combined queries): the caller then compiles the SQL instead.

    Plain is what the region choices are: a model filtered by `field__in=<codes>` (the user's area)
    or not at all, in a fixed order.
    """
    query = queryset.query
    if (query.annotations or query.extra or query.combinator or query.distinct_fields or query.values_select
            or query.extra_order_by or query.deferred_loading != (frozenset(), True) or query.select_for_update):
        return None
    if not all(isinstance(order, str) for order in query.order_by):
        return None
    where = _where_identity(query.where)
    if where is None:
        return None
    tables = tuple((alias, getattr(table, "join_type", None), *(str(part) for part in table.identity))
                   for alias, table in query.alias_map.items())
    return (queryset.model._meta.label, type(queryset).__qualname__, tables, where, tuple(query.order_by),
            query.default_ordering, repr(query.select_related), query.distinct, query.low_mark, query.high_mark)


def _where_identity(node):
    if isinstance(node, WhereNode):
        children = [_where_identity(child) for child in node.children]
        if any(child is None for child in children):
            return None
        return ("node", node.connector, node.negated, *children)
    if isinstance(node, Lookup) and isinstance(node.lhs, Col):
        rhs = node.rhs
        if isinstance(rhs, (list, tuple, set, frozenset)):
            if not all(type(value) in PLAIN_VALUES for value in rhs):
                return None
            rhs = (type(node.rhs).__name__, *(sorted(rhs, key=repr) if isinstance(rhs, (set, frozenset)) else rhs))
        elif type(rhs) not in PLAIN_VALUES:
            return None
        lhs = node.lhs
        return (type(node).__qualname__, node.lookup_name, lhs.alias, lhs.target.model._meta.label,
                lhs.target.column, repr(rhs))
    return None  # NothingNode (an empty queryset), expressions, subqueries


PLAIN_VALUES = (str, int, bool, type(None))


def plain_choices(choices):
    """The choices as plain strings (labels in the active language), groups nested."""
    return [(str(value), plain_choices(label) if isinstance(label, (list, tuple)) else str(label))
            for value, label in choices]


def field_group(bound_field):
    """A filter field as Django's `as_field_group` renders it (label, errors, widget), without the
    two templates per field: half of the cooperative list's rendering time went to them.

    Fields with help text, errors or a fieldset (radio buttons, check boxes) take Django's own path.
    """
    field = bound_field.field
    if bound_field.help_text or bound_field.errors or bound_field.use_fieldset:
        return bound_field.as_field_group()
    label = ""
    if bound_field.label:
        text = str(bound_field.label)
        suffix = field.label_suffix if field.label_suffix is not None else bound_field.form.label_suffix
        if suffix and text and text[-1] not in ":?.!":
            text += str(suffix)
        label_attrs = {}
        id_for_label = bound_field.id_for_label
        if id_for_label:
            label_attrs["for"] = id_for_label
        if field.required and bound_field.form.required_css_class:
            label_attrs["class"] = bound_field.form.required_css_class
        label = format_html("<label{}>{}</label>", flatatt(label_attrs), text)
    return format_html("{}\n{}", label, bound_field.as_widget())
