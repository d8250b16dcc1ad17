"""What a query string may hold, checked before any view reads it.

Parameter names mean the same thing on every page (`tahun` is always a book year, `koperasi`
always a cooperative's number, `kecamatan` always a region code), so their form is checked here,
once, and a malformed value gets a 400 page that names the field, instead of reaching a filter,
an `int()` or the database (a NUL byte is refused by PostgreSQL with an error, a ten-thousand
character search is a full scan). Whether a well-formed value exists or lies in the user's area is
still each view's business (404, or a filter's message).
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The book years the registry holds (the model's own bounds): four ASCII digits, so that "²०२४"
# or full-width digits, which Python's int() accepts, never pass.
YEAR_MIN, YEAR_MAX = 1945, 2100
YEAR_PARAMS = frozenset({
    "tahun", "rat_tahun", "laporan_tahun", "rat_dilaporkan_tahun", "tanpa_rat_2_tahun", "akhir_tahun", "year",
})
# Record numbers and page numbers: ASCII digits, no sign, at most 18 (a bigint). `setelah` and
# `sebelum` are the row a list page continues from (registry/paginators.py).
ID_PARAMS = frozenset({"koperasi", "anggota", "page", "setelah", "sebelum"})
# Region codes as Kemendagri writes them: 64.08, 64.08.01, 64.08.01.2001.
REGION_PARAMS = frozenset({"kecamatan", "desa"})
# Free text typed into a search box.
SEARCH_PARAMS = frozenset({"q", "nik", "lemah"})
SEARCH_MAX = 100
VALUE_MAX = 200  # any other value (choices, orderings, formats) is far shorter
# Where to go after signing in or switching language: an address of ours, which the views check
# (url_has_allowed_host_and_scheme); a long one is harmless, so only a URL's practical length.
NEXT_MAX = 2000
PARAMS_MAX = 40  # more names than any of our forms sends
VALUES_MAX = 5  # repetitions of one name (no list filter takes more)

_YEAR = re.compile(r"[0-9]{4}", re.ASCII)
_ID = re.compile(r"[0-9]{1,18}", re.ASCII)
_REGION = re.compile(r"[0-9]{2}(?:\.[0-9]{1,4}){0,3}", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

LABELS = {
    "tahun": gettext_lazy("Tahun"),
    "koperasi": gettext_lazy("Nomor koperasi"),
    "anggota": gettext_lazy("Halaman anggota"),
    "page": gettext_lazy("Halaman"),
    "setelah": gettext_lazy("Halaman berikutnya"),
    "sebelum": gettext_lazy("Halaman sebelumnya"),
    "kecamatan": gettext_lazy("Kecamatan"),
    "desa": gettext_lazy("Desa/kelurahan"),
    "q": gettext_lazy("Pencarian"),
}


def _label(name):
    if name in LABELS:
        return LABELS[name]
    if name in YEAR_PARAMS:
        return LABELS["tahun"]
    return name


def problems(query, *, typed=True):
    """Why `query` (a QueryDict) cannot be served, as sentences for the user; empty when it can.

    `typed=False` checks only what no page can take (control characters, sizes): for Django
    admin, whose own parameters (`o`, `p`, lookups) follow its rules.
    """
    found = []
    if len(query) > PARAMS_MAX:
        return [_("Alamat ini membawa terlalu banyak isian (%(count)s).") % {"count": len(query)}]
    for name, values in query.lists():
        label = _label(name)
        if len(name) > VALUE_MAX or _CONTROL.search(name):
            found.append(_("Nama isian di alamat tidak valid."))
            continue
        if len(values) > VALUES_MAX:
            found.append(_("%(field)s diisi terlalu banyak kali.") % {"field": label})
            continue
        for value in values:
            problem = _problem(name, value, typed)
            if problem:
                message, values_of = problem
                found.append(message % {"field": label, **values_of})
                break
    return found


def _problem(name, value, typed):
    """(message, its values) for one value, or None."""
    if _CONTROL.search(value):
        return _("%(field)s berisi karakter kendali yang tidak boleh ada."), {}
    limit = SEARCH_MAX if name in SEARCH_PARAMS else NEXT_MAX if name == "next" else VALUE_MAX
    if len(value) > limit:
        return _("%(field)s terlalu panjang: paling banyak %(limit)s karakter."), {"limit": limit}
    if not typed or value == "":
        return None  # an empty value is the "semua" of a filter form
    if name in YEAR_PARAMS:
        if not _YEAR.fullmatch(value) or not YEAR_MIN <= int(value) <= YEAR_MAX:
            return _("%(field)s harus empat angka antara %(low)s dan %(high)s."), {"low": YEAR_MIN, "high": YEAR_MAX}
    elif name in ID_PARAMS:
        if not (_ID.fullmatch(value) or (name in ("page", "anggota") and value == "last")):
            return _("%(field)s harus berupa angka."), {}
    elif name in REGION_PARAMS:
        if not _REGION.fullmatch(value):
            return _("%(field)s harus berupa kode wilayah, misalnya 64.08.01."), {}
    return None
