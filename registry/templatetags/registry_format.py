"""Numbers, money and shares in templates: {{ n|angka }}, {{ n|rupiah }}, {{ share|persen }} (registry/formats.py);
a status code as its label ({{ code|status_label }})."""

from django import template

from .. import formats
from ..models import Cooperative

register = template.Library()

angka = register.filter("angka", formats.angka)
rupiah = register.filter("rupiah", formats.rupiah)
persen = register.filter("persen", formats.persen)


@register.filter
def status_label(value):
    """A cooperative status code as its label: "tidak_aktif" -> "Tidak aktif"."""
    return Cooperative.Status(value).label if value in Cooperative.Status.values else value
