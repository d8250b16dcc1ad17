"""Numbers, money and shares as the reader's language writes them: 1.150, Rp 1.234.567, 58,0%.

The one implementation behind the template filters (`registry_format`), the dashboard, the
assessment inputs' explanations and the admin. Written with Python's own grouping rather than
Django's `number_format`, which cost a tenth of the dashboard's time (some 500 numbers a page);
tests/test_formats.py checks that both write the same.
"""

import functools
from decimal import Decimal

from django.utils.formats import get_format

from .render_scope import current_language

MISSING = "–"


def angka(value, decimals=0):
    """A grouped number: 1.150 (id), 1,150 (en); a dash for None."""
    if value is None or value == "":
        return MISSING
    return _grouped(value, decimals, *_separators(current_language()))


def angka_writer():
    """`angka` in the current language, looked up once: for a page that writes hundreds of numbers
    (the language lookup was a third of each `angka` call)."""
    separators = _separators(current_language())

    def write(value, decimals=0):
        if value is None or value == "":
            return MISSING
        return _grouped(value, decimals, *separators)

    return write


def _grouped(value, decimals, decimal_separator, thousand_separator):
    value = round(value, decimals) or 0  # no "-0"
    if isinstance(value, int):
        if not decimals:
            return f"{value:,}".replace(",", thousand_separator)
        value = Decimal(value)  # exact however large: int formatted with "f" goes through a float
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", decimal_separator).replace("\x00", thousand_separator)


@functools.cache
def _separators(language):
    """The decimal and thousand separators of a language, looked up once: two get_format calls per
    number were a tenth of the assessment list's rows."""
    return get_format("DECIMAL_SEPARATOR", language), get_format("THOUSAND_SEPARATOR", language)


def rupiah(value):
    """Rp 1.234.567; a loss shows as -Rp 1.234.567."""
    if value is None or value == "":
        return MISSING
    sign = "-" if value < 0 else ""
    return f"{sign}Rp {angka(abs(value))}"


def persen(value, decimals=1):
    """A share 0..1 as a percentage: 0,58 -> 58,0%."""
    if value is None or value == "":
        return MISSING
    return f"{angka(value * 100, decimals)}%"
