"""The building blocks of the import specs: a column, the cell parsers, the row context.

A Column names its header (with other spellings), its parser and an example for the template.
The parsers turn a cell as people type it into a value or a CellError with a message; parse_nik
refuses an NIK that Excel may have rounded. Context is what a dry run knows besides the rows: the
user's area, the regions, the cooperatives already read. The specs in kinds.py put them together.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import nik as nik_codec
from ..models import Cooperative
from .columns import (
    CellError,
    RegionIndex,
    clean_text,
    normalise_header,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_integer,
    parse_money,
    parse_signed_money,
)


@dataclass
class Column:
    """A column: its model field (or helper key), header, other spellings, parser and export getter."""

    key: str
    header: str
    parse: object = None
    aliases: tuple = ()
    required: bool = False
    example: object = ""

    def names(self):
        return {normalise_header(self.header), normalise_header(self.key), *map(normalise_header, self.aliases)}


def text(max_length=None):
    def parse(value, ctx):
        result = clean_text(value)
        if max_length and len(result) > max_length:
            raise CellError(_("Terlalu panjang (maks. %(max)s huruf).") % {"max": max_length})
        return result
    return parse


def date(allow_future=False):
    def parse(value, ctx):
        return None if clean_text(value) == "" else parse_date(value, today=ctx.today, allow_future=allow_future)
    return parse


def choice(choices, default=""):
    def parse(value, ctx):
        return default if clean_text(value) == "" else parse_choice(value, choices)
    return parse


def boolean(default=False):
    def parse(value, ctx):
        return default if clean_text(value) == "" else parse_bool(value)
    return parse


def money(value, ctx):
    return 0 if clean_text(value) == "" else parse_money(value)


def signed_money(value, ctx):
    return 0 if clean_text(value) == "" else parse_signed_money(value)


def count(value, ctx):
    return 0 if clean_text(value) == "" else parse_integer(value)


def optional_count(value, ctx):
    return None if clean_text(value) == "" else parse_integer(value)


def optional_bool(value, ctx):
    return None if clean_text(value) == "" else parse_bool(value)


def coordinate(value, ctx):
    return None if clean_text(value) == "" else parse_decimal(value).quantize(Decimal("0.000001"))


# `6,40801E+15`: what Excel writes for a long number in a "General" cell, in either language.
_SCIENTIFIC_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)?[eE]\+?[0-9]+")
# Excel keeps 15 significant digits of a number: a longer one is rounded.
EXCEL_DIGITS = 15


def _scientific(text):
    return _("Tertulis %(value)s (notasi ilmiah): Excel sudah mengubah nomor ini menjadi angka dan membuang "
             "digit-digitnya, jadi nomor aslinya tidak bisa dibaca lagi. Format kolom ini sebagai Teks, ketik ulang "
             "nomornya, lalu unggah lagi.") % {"value": text}


def digits(max_length):
    """A number written with digits only (Nomor Induk Koperasi): text, or a number Excel kept whole."""
    def parse(value, ctx):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(_("Hanya angka 0-9, maks. %(max)s.") % {"max": max_length})
        if isinstance(value, int | float) and not isinstance(value, bool) and len(str(int(value))) > EXCEL_DIGITS:
            raise CellError(_("Tersimpan sebagai angka %(digits)s digit: Excel hanya menyimpan 15 digit pertama, "
                              "jadi digit terakhirnya mungkin sudah hilang. Format kolom ini sebagai Teks, ketik "
                              "ulang nomornya, lalu unggah lagi.") % {"digits": len(str(int(value)))})
        result = clean_text(value).replace(" ", "")
        if _SCIENTIFIC_RE.fullmatch(result):
            raise CellError(_scientific(result))
        if result and not (result.isascii() and result.isdigit() and len(result) <= max_length):
            raise CellError(_("Hanya angka 0-9, maks. %(max)s.") % {"max": max_length})
        return result or None
    return parse


def parse_nik(value, ctx):
    """Empty: the member has no NIK recorded. A masked NIK (`****`) cannot be imported.

    An NIK is refused where Excel may have rounded it: a cell holding a number (Excel keeps 15
    of its 16 digits and sets the last to 0), a number in scientific notation, or a serial 0000,
    which no NIK has. The whole file's NIKs ending in 0 are checked in MemberSpec.finish().
    """
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        shown = clean_text(value) if not isinstance(value, float) or value.is_integer() else str(value)
        raise CellError(_("NIK %(value)s tersimpan sebagai angka, bukan teks. Excel menyimpan angka hanya sampai 15 "
                          "digit dan mengganti digit ke-16 dengan 0, jadi NIK ini mungkin sudah berubah. Format "
                          "kolom NIK sebagai Teks, ketik ulang NIK-nya, lalu unggah lagi.") % {"value": shown})
    raw = clean_text(value)
    if raw == "" or normalise_header(raw) in {"tidak ada", "tanpa nik"}:
        return None
    if "*" in raw:
        raise CellError(_("NIK tersamar tidak bisa diimpor: ekspor ulang dengan NIK lengkap, atau isi NIK lengkap."))
    if _SCIENTIFIC_RE.fullmatch(raw.replace(" ", "")):
        raise CellError(_scientific(raw))
    nik = nik_codec.normalise_nik(raw)
    try:
        nik_codec.validate_nik(nik)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None
    if nik.endswith("0000"):
        raise CellError(_("NIK berakhiran 0000: nomor urut NIK dimulai dari 0001, jadi angka ini kemungkinan "
                          "dibulatkan Excel (digit terakhir hilang). Ketik ulang NIK di kolom berformat Teks."))
    return nik


def region_text(value, ctx):
    return clean_text(value)


COOPERATIVE_KEYS = [
    Column("cooperative_nomor_induk", gettext_lazy("Nomor Induk Koperasi"), digits(20),
           ("nik koperasi", "no induk koperasi", "nomor induk", "no induk"), example="6408010012345"),
    Column("cooperative_legal_number", gettext_lazy("Nomor badan hukum"), text(100),
           ("no badan hukum", "badan hukum", "nomor bh", "no bh"), example="006385/BH/M.KUKM.2/XI/2017"),
    Column("cooperative_name", gettext_lazy("Nama koperasi"), text(200), ("koperasi",),
           example="Koperasi Sawit Makmur"),
]


@dataclass
class Context:
    """What a dry run knows besides the rows: the user's area, regions, records already read.

    `row` is the row being checked; `warn` notes something the user should look at before saving
    (a likely duplicate, a rename) without refusing the row.
    """

    user: object
    cooperative: object = None  # chosen on the upload form for a member/board/report file
    today: datetime.date = field(default_factory=timezone.localdate)
    regions: RegionIndex = None
    cache: dict = field(default_factory=dict)
    row: int = 0
    notes: list = field(default_factory=list)

    def __post_init__(self):
        self.regions = self.regions or RegionIndex()

    def warn(self, column, message):
        self.notes.append((column, str(message)))

    def check_area(self, kecamatan_code):
        if not self.user.covers_kecamatan(kecamatan_code):
            raise CellError(_("Di luar wilayah kerja Anda: Anda tidak bisa menambah atau mengubah data di sana."))

    def cooperative_index(self):
        if "cooperatives" not in self.cache:
            by_id, by_nomor, by_legal = {}, {}, {}
            for row in Cooperative.objects.values("id", "name", "nomor_induk", "legal_entity_number",
                                                  "desa__kecamatan"):
                by_id[row["id"]] = row
                if row["nomor_induk"]:
                    by_nomor[row["nomor_induk"]] = row
                if row["legal_entity_number"]:
                    by_legal.setdefault(normalise_header(row["legal_entity_number"]), []).append(row)
            self.cache["cooperatives"] = (by_nomor, by_legal, by_id)
        return self.cache["cooperatives"]

    def cooperative_name(self, cooperative_id):
        return self.cooperative_index()[2][cooperative_id]["name"]

    def parent_cooperative(self, cooperative_id):
        """The cooperative of a child row, read once per import."""
        parents = self.cache.setdefault("parents", {})
        if cooperative_id not in parents:
            parents[cooperative_id] = Cooperative.objects.get(pk=cooperative_id)
        return parents[cooperative_id]

    def find_parent(self, values):
        """The cooperative a member/board/report row belongs to: its id, by the key columns or the form.

        Where a row names its cooperative in more than one way (number, legal entity number, name,
        the cooperative chosen on the form), every way must name the same cooperative.
        """
        nomor, legal = values.get("cooperative_nomor_induk"), values.get("cooperative_legal_number")
        by_nomor, by_legal, by_id = self.cooperative_index()
        if nomor:
            row = by_nomor.get(nomor)
            column = "cooperative_nomor_induk"
        elif legal:
            rows = by_legal.get(normalise_header(legal), [])
            if len(rows) > 1:
                raise CellError(_("Nomor badan hukum ini dipakai beberapa koperasi: isi Nomor Induk Koperasi."),
                                column="cooperative_legal_number")
            row = rows[0] if rows else None
            column = "cooperative_legal_number"
        elif self.cooperative is not None:
            row = by_id.get(self.cooperative.pk)
            column = "cooperative_name"
        else:
            raise CellError(_("Isi Nomor Induk Koperasi atau nomor badan hukum, atau pilih koperasinya saat "
                              "mengunggah."), column="cooperative_nomor_induk")
        if row is None:
            raise CellError(_("Koperasi tidak ditemukan."), column=column)
        if self.cooperative is not None and row["id"] != self.cooperative.pk:
            raise CellError(_("Baris ini untuk koperasi lain daripada yang Anda pilih."), column=column)
        self._check_agreement(row, values, by_legal)
        try:
            self.check_area(row["desa__kecamatan"])
        except CellError as error:
            error.column = column
            raise
        return row["id"]

    def _check_agreement(self, row, values, by_legal):
        legal, name = values.get("cooperative_legal_number"), values.get("cooperative_name")
        if legal and values.get("cooperative_nomor_induk"):
            owners = [other for other in by_legal.get(normalise_header(legal), []) if other["id"] != row["id"]]
            recorded = row["legal_entity_number"]
            if owners or (recorded and normalise_header(recorded) != normalise_header(legal)):
                raise CellError(
                    _("Nomor Induk Koperasi dan nomor badan hukum di baris ini menunjuk koperasi yang berbeda: Nomor "
                      "Induk %(nomor)s adalah %(name)s (badan hukum %(recorded)s).") % {
                        "nomor": row["nomor_induk"], "name": row["name"], "recorded": recorded or "-"},
                    column="cooperative_legal_number",
                )
        if name and normalise_header(name) != normalise_header(row["name"]):
            by = (_("Nomor Induk %(nomor)s") % {"nomor": row["nomor_induk"]} if values.get("cooperative_nomor_induk")
                  else _("Nomor badan hukum %(legal)s") % {"legal": row["legal_entity_number"]}
                  if values.get("cooperative_legal_number") else _("Koperasi yang dipilih"))
            raise CellError(
                _("%(by)s adalah %(found)s, bukan %(name)s: nomor dan nama koperasi harus menunjuk koperasi yang "
                  "sama. Periksa mana yang salah.") % {"by": by, "found": row["name"], "name": name},
                column="cooperative_name",
            )

    def find_desa(self, values, *, required):
        desa_text, kecamatan_text = values.get("desa"), values.get("kecamatan")
        if not desa_text:
            if required:
                raise CellError(_("Wajib diisi."), column="desa")
            return None
        kecamatan = None
        if kecamatan_text:
            try:
                kecamatan = self.regions.find_kecamatan(kecamatan_text)
            except CellError as error:
                error.column = "kecamatan"
                raise
        try:
            desa = self.regions.find_desa(desa_text, kecamatan)
            self.check_area(desa.kecamatan_id)
        except CellError as error:
            error.column = "desa"
            raise
        return desa
