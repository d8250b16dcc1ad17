"""Open an uploaded spreadsheet as rows: XLSX read-only streaming, or CSV with its separator sniffed.

`open_sheet` decides from the bytes, not the file name, and refuses clearly what it cannot read
well: a renamed non-spreadsheet, an old .xls, a hidden sheet, merged cells, UTF-16 text.
"""

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from ..formats import angka

MAX_BYTES = getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024)
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 20_000)

_MAGIC = [
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\xd0\xcf\x11\xe0", "Excel 97-2003 (.xls) / Word (.doc)"),
    (b"Rar!", "RAR"),
    (b"\x1f\x8b", "gzip"),
]


class FileError(Exception):
    """The whole file cannot be read: one message for the user, nothing is checked further."""


@dataclass
class Sheet:
    """The header row and an iterator of (row number as the user sees it, [cells]), with warnings."""

    headers: list
    rows: object
    warnings: list = field(default_factory=list)
    header_row: int = 1


def too_large(size):
    """The message for a file of `size` bytes over MAX_BYTES (the upload form says the same)."""
    return _("Berkas terlalu besar (%(size)s MB); batasnya %(max)s MB. Pecah menjadi beberapa berkas.") % {
        "size": angka(size / 2**20, 1), "max": angka(MAX_BYTES // 2**20),
    }


def open_sheet(data, file_name):
    """A Sheet for the bytes of an uploaded file, or FileError with a message for the user."""
    if len(data) > MAX_BYTES:
        raise FileError(too_large(len(data)))
    if not data.strip():
        raise FileError(_("Berkas kosong."))
    for magic, name in _MAGIC:
        if data.startswith(magic):
            raise FileError(
                _("Berkas ini bukan XLSX atau CSV (isinya %(kind)s). Simpan sebagai Excel (.xlsx) atau CSV.")
                % {"kind": name}
            )
    if data.startswith(b"PK\x03\x04"):
        return _open_xlsx(data)
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        raise FileError(_("Berkas berakhiran .xlsx tetapi isinya bukan XLSX. Simpan ulang dari Excel."))
    return _open_csv(data)


def _open_xlsx(data):
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise FileError(_("Berkas XLSX rusak atau tidak lengkap.")) from None
    if "xl/workbook.xml" not in names:
        raise FileError(_("Berkas ini arsip ZIP (misalnya .docx), bukan lembar kerja XLSX."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on damaged files
        raise FileError(_("Berkas XLSX rusak atau tidak bisa dibaca.")) from None
    hidden = [ws.title for ws in workbook.worksheets if ws.sheet_state != "visible"]
    if hidden:
        raise FileError(
            _("Berkas punya lembar tersembunyi (%(names)s). Tampilkan atau hapus lembar itu agar tidak ada data "
              "yang terlewat.") % {"names": ", ".join(hidden)}
        )
    sheet = workbook.worksheets[0]
    if _has_merged_cells(archive, workbook):
        raise FileError(_("Lembar pertama punya sel yang digabung (merge). Pisahkan sel gabungan, lalu unggah lagi."))
    rows = sheet.iter_rows(values_only=False)
    return _sheet_from_rows(
        ([_xlsx_value(cell) for cell in row] for row in rows), []
    )


def _has_merged_cells(archive, workbook):
    """openpyxl's read-only mode ignores merges: look for them in the first sheet's XML, in chunks."""
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    first = re.search(r"<(?:\w+:)?sheet\b[^>]*?r:id=\"([^\"]+)\"", book)
    target = None
    if first:
        match = re.search(rf"Id=\"{re.escape(first.group(1))}\"[^>]*Target=\"([^\"]+)\"", rels) or re.search(
            rf"Target=\"([^\"]+)\"[^>]*Id=\"{re.escape(first.group(1))}\"", rels
        )
        target = match and match.group(1).lstrip("/")
    if not target:
        return False
    path = target if target.startswith("xl/") else f"xl/{target}"
    with archive.open(path) as stream:
        tail = b""
        while chunk := stream.read(1 << 16):
            if b"<mergeCell " in tail + chunk or b"<mergeCell>" in tail + chunk:
                return True
            tail = chunk[-16:]
    return False


class Formula(str):
    """A formula cell: imports refuse it (type the value), exports never write one."""


def _xlsx_value(cell):
    if getattr(cell, "data_type", None) == "f":
        return Formula(cell.value)
    return cell.value


def _open_csv(data):
    warnings = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise FileError(_("Pengodean berkas tidak dikenal (UTF-16 atau biner). Simpan sebagai \"CSV UTF-8\"."))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise FileError(_("Pengodean berkas tidak dikenal. Simpan sebagai \"CSV UTF-8\".")) from None
        warnings.append(
            _("Berkas dibaca sebagai Windows-1252, bukan UTF-8: periksa huruf beraksen di pratinjau. "
              "Lain kali simpan sebagai \"CSV UTF-8\".")
        )
    first_line = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _sheet_from_rows(reader, warnings)


def _sheet_from_rows(rows, warnings):
    rows = iter(rows)
    row_number = 0
    for row in rows:
        row_number += 1
        if any(not _blank(cell) for cell in row):
            headers = _trim([cell for cell in row])
            return Sheet(headers=headers, rows=_numbered(rows, row_number), warnings=warnings, header_row=row_number)
    raise FileError(_("Berkas kosong: tidak ada baris judul kolom."))


def _numbered(rows, header_row):
    number = header_row
    for row in rows:
        number += 1
        if number - header_row > MAX_ROWS:
            raise FileError(
                _("Berkas lebih dari %(max)s baris data. Pecah menjadi beberapa berkas.") % {"max": angka(MAX_ROWS)}
            )
        if any(not _blank(cell) for cell in row):
            yield number, list(row)


def _blank(cell):
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _trim(cells):
    while cells and _blank(cells[-1]):
        cells.pop()
    return cells
