"""Numbers, money and shares in templates: {{ n|angka }}, {{ n|rupiah }}, {{ share|persen }} (registry/formats.py);
a status code as its label ({{ code|status_label }}); a field's choice label ({{ row|display:"jenis" }})."""

import functools

from django import template
from django.utils import translation

from .. import formats
from ..models import Cooperative
from ..render_scope import current_language

register = template.Library()

angka = register.filter("angka", formats.angka)
rupiah = register.filter("rupiah", formats.rupiah)
persen = register.filter("persen", formats.persen)


@register.filter
def status_label(value):
    """A cooperative status code as its label: "tidak_aktif" -> "Tidak aktif"."""
    return Cooperative.Status(value).label if value in Cooperative.Status.values else value


@functools.cache
def _choice_labels(model, field_name, language):
    """value -> label in `language` of a field with choices, built once per process and language
    (str() of a lazy label looks the catalogue up anew each time: a fifth of the list rows' time)."""
    with translation.override(language):
        return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


@register.filter
def display(instance, field_name):
    """What `instance.get_<field>_display` shows, for list rows.

    Django's get_FOO_display() rebuilds the whole choices dict, hashing every lazy label, on each
    call: on the cooperative list its three per row took a sixth of the page's time under the
    profiler (docs/benchmarks.md, "Per-request work"). Here the dict is built once per model field
    and language.
    """
    if instance is None:
        return ""
    value = getattr(instance, field_name)
    if value is None:
        return value
    return str(_choice_labels(type(instance), field_name, current_language()).get(value, value))
