"""Numbers, money and shares in templates: {{ n|angka }}, {{ n|rupiah }}, {{ share|persen }} (registry/formats.py)."""

from django import template

from .. import formats

register = template.Library()

angka = register.filter("angka", formats.angka)
rupiah = register.filter("rupiah", formats.rupiah)
persen = register.filter("persen", formats.persen)
