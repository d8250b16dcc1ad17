"""Numbers, money and shares in the reader's language: 1.150 and Rp 1.234.567 in Indonesian."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def angka(value, decimals=0):
    """A grouped number: 1.150 (id), 1,150 (en); a dash for None."""
    if value is None or value == "":
        return "–"
    # number_format truncates floats (57.99 -> 57); round first so 0.58 shows as 58,0%.
    return number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def rupiah(value):
    """Rp 1.234.567; a loss shows as -Rp 1.234.567."""
    if value is None or value == "":
        return "–"
    sign = "-" if value < 0 else ""
    return f"{sign}Rp {angka(abs(value))}"


@register.filter
def persen(value, decimals=1):
    """A share 0..1 as a percentage: 0,58 -> 58,0%."""
    if value is None or value == "":
        return "–"
    return f"{angka(value * 100, decimals)}%"
