"""Header names and cell values as people type them in Indonesian spreadsheets.

Every parser takes a raw cell (text from CSV, or a number/date/text from XLSX) and returns the
Python value, or raises CellError with a message in the user's language and, where it helps, a
suggestion (the closest desa name).
"""

import datetime
import difflib
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext as _

from ..models import Desa, Kecamatan, RegionAlias

# Text cells an export neutralised against formula injection start with an apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell starting with = + - @ (or tab/CR) gets an apostrophe: never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class CellError(Exception):
    """A value that cannot be used; `column` names the column when a row-level step raises it."""

    def __init__(self, message, suggestion="", column=None, code=""):
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion
        self.column = column
        self.code = code


@lru_cache(maxsize=8192)
def _normalise(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def normalise_header(text):
    """`Tanggal Lahir*` -> `tanggal lahir`: lower case, accents and punctuation gone, single spaces."""
    return _normalise(str(text or ""))


def clean_text(value):
    """The cell as stripped text ('' for empty); undoes the apostrophe `neutralise` put before = + - @."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.startswith("'") and text[1:2] in FORMULA_STARTS:
        text = text[1:]
    return text


def is_blank(value):
    return clean_text(value) == ""


_NUMBER_RE = re.compile(r"-?[0-9]+")


def parse_decimal(value):
    """Indonesian numbers: `1.234.567`, `1.234.567,50`, `Rp 1.234.567`, `-500`; XLSX numbers as they are.

    A dot is a thousands separator and a comma the decimal mark, as in Indonesia; a single dot
    followed by other than three digits (`2.5`) is read as a decimal point, as spreadsheets
    exported in English write it.
    """
    if isinstance(value, bool):
        raise CellError(_("Bukan angka."))
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = clean_text(value).replace("\u00a0", " ")
    text = re.sub(r"(?i)^rp\.?\s*", "", text).replace(" ", "")
    if text.startswith("(") and text.endswith(")"):
        text = "-" + text[1:-1]
    if not text:
        raise CellError(_("Kosong."))
    if not re.fullmatch(r"-?[0-9.,]+", text) or not re.search(r"[0-9]", text):
        raise CellError(_("Bukan angka: tulis misalnya 1.234.567 atau 1.234.567,50."))
    if "," in text:
        whole, _sep, fraction = text.rpartition(",")
        if "," in whole or "." in fraction:
            raise CellError(_("Bukan angka: tulis misalnya 1.234.567 atau 1.234.567,50."))
        if "." in whole and not re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{3})+", whole):
            raise CellError(_("Pemisah ribuan tidak teratur: tulis misalnya 1.234.567,50."))
        text = whole.replace(".", "") + "." + fraction
    elif text.count(".") == 1 and not re.fullmatch(r"-?[0-9]{1,3}\.[0-9]{3}", text):
        pass  # `2.5`: a decimal point
    elif "." in text:
        if not re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{3})+", text):
            raise CellError(_("Pemisah ribuan tidak teratur: tulis misalnya 1.234.567."))
        text = text.replace(".", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CellError(_("Bukan angka: tulis misalnya 1.234.567 atau 1.234.567,50.")) from None


def parse_integer(value, *, minimum=0):
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise CellError(_("Harus bilangan bulat (tanpa sen)."))
    number = int(number)
    if minimum is not None and number < minimum:
        raise CellError(_("Tidak boleh negatif.") if minimum == 0 else _("Minimal %(min)s.") % {"min": minimum})
    return number


def parse_money(value):
    """Rupiah, never negative (SHU uses parse_signed_money)."""
    return parse_integer(value, minimum=0)


def parse_signed_money(value):
    return parse_integer(value, minimum=None)


_DATE_RE = re.compile(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})")
_ISO_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]00:00(?::00)?)?")
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(value, *, today=None, allow_future=False):
    """`dd/mm/yyyy` (also with `-` or `.`), ISO `yyyy-mm-dd`, a real Excel date, or an Excel serial number."""
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise CellError(_("Bukan tanggal: tulis hh/bb/tttt, misalnya 17/08/2024."))
        result = EXCEL_EPOCH + datetime.timedelta(days=int(value))
    else:
        text = clean_text(value)
        if match := _DATE_RE.fullmatch(text):
            day, month, year = (int(part) for part in match.groups())
            if month > 12 and 1 <= day <= 12 and month <= 31:
                raise CellError(
                    _("%(text)s tampaknya tanggal gaya Amerika (bulan/hari/tahun): tidak ada bulan ke-%(month)s. "
                      "Tulis hh/bb/tttt.") % {"text": text, "month": month},
                    _("Mungkin maksud Anda: %(date)s") % {"date": f"{month:02d}/{day:02d}/{year}"},
                    code="us_date",
                )
        elif match := _ISO_RE.fullmatch(text):
            year, month, day = (int(part) for part in match.groups())
        else:
            raise CellError(_("Bukan tanggal: tulis hh/bb/tttt, misalnya 17/08/2024."))
        try:
            result = datetime.date(year, month, day)
        except ValueError:
            raise CellError(_("Tanggal tidak ada di kalender.")) from None
    if result.year < 1900:
        raise CellError(_("Tahun sebelum 1900 tidak mungkin."))
    if not allow_future and result > (today or datetime.date.today()):
        raise CellError(_("Tanggal di masa depan."))
    return result


def parse_bool(value):
    text = normalise_header(value)
    if text in {"ya", "y", "iya", "yes", "true", "benar", "1", "v", "x"}:
        return True
    if text in {"tidak", "t", "tdk", "no", "n", "false", "salah", "0", "bukan"}:
        return False
    raise CellError(_("Tulis Ya atau Tidak."))


def parse_choice(value, choices):
    """A choice by its code (`simpan_pinjam`) or its label in either language (`Simpan Pinjam`)."""
    wanted = normalise_header(value)
    for code, _label in choices:
        if wanted == code:  # the common case, without translating every label
            return code
    for code, label in choices:
        if wanted in {normalise_header(code), normalise_header(label)}:
            return code
    with translation.override("id"):  # Indonesian labels also when the user works in English
        for code, label in choices:
            if wanted == normalise_header(label):
                return code
    # Labels such as `Perkebunan/plasma` also match by their first word.
    for code, label in choices:
        if normalise_header(label).split(" ")[:1] == wanted.split(" ") and wanted:
            return code
    labels = ", ".join(str(label) for _code, label in choices)
    raise CellError(_("Pilihan tidak dikenal. Pilih salah satu: %(labels)s.") % {"labels": labels})


class RegionIndex:
    """Desa and kecamatan by code or by name, with the known aliases (Kongbeng = Kombeng)."""

    def __init__(self):
        self._names = {}
        self.aliases = {normalise_header(a.alias): normalise_header(a.canonical) for a in RegionAlias.objects.all()}
        self.kecamatan = {}
        for kecamatan in Kecamatan.objects.all():
            self.kecamatan[kecamatan.code] = kecamatan
            self.kecamatan[self._name(kecamatan.name)] = kecamatan
        self.desa_by_code = {}
        self.desa_by_name = {}
        for desa in Desa.objects.select_related("kecamatan"):
            self.desa_by_code[desa.code] = desa
            self.desa_by_name.setdefault(self._name(desa.name), []).append(desa)

    def _name(self, text):
        if text in self._names:
            return self._names[text]
        self._names[text] = result = self._spell(text)
        return result

    def _spell(self, text):
        words = normalise_header(text)
        for alias, canonical in self.aliases.items():
            words = re.sub(rf"\b{re.escape(alias)}\b", canonical, words)
        return words

    def find_kecamatan(self, value):
        text = clean_text(value)
        found = self.kecamatan.get(text) or self.kecamatan.get(self._name(text))
        if found is None:
            names = sorted({k.name for k in self.kecamatan.values()})
            raise CellError(_("Kecamatan tidak dikenal."), self._suggest(text, names))
        return found

    def find_desa(self, value, kecamatan=None):
        text = clean_text(value)
        if text in self.desa_by_code:
            return self.desa_by_code[text]
        candidates = self.desa_by_name.get(self._name(text), [])
        if kecamatan is not None:
            candidates = [desa for desa in candidates if desa.kecamatan_id == kecamatan.code]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise CellError(_("Nama desa ini ada di beberapa kecamatan: isi juga kolom kecamatan."))
        pool = [d for ds in self.desa_by_name.values() for d in ds]
        if kecamatan is not None:
            pool = [desa for desa in pool if desa.kecamatan_id == kecamatan.code]
        message = _("Desa/kelurahan tidak dikenal")
        if kecamatan is not None:
            message += " " + _("di Kecamatan %(name)s") % {"name": kecamatan.name}
        return self._raise(message + ".", text, sorted({d.name for d in pool}))

    def _raise(self, message, text, names):
        raise CellError(message, self._suggest(text, names))

    def _suggest(self, text, names):
        by_key = {self._name(name): name for name in names}
        close = difflib.get_close_matches(self._name(text), list(by_key), n=1, cutoff=0.6)
        return _("Mungkin maksud Anda: %(name)s") % {"name": by_key[close[0]]} if close else ""
