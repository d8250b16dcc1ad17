"""Open an uploaded spreadsheet as rows: XLSX streamed, or CSV with its separator and encoding found.

`open_sheet` decides from the bytes, not the file name, and refuses clearly what it cannot read
well: a renamed non-spreadsheet, an old .xls, a hidden sheet, merged cells, UTF-16 text, a
damaged file. It also refuses what would cost the server more than a real file of this size
could: an archive that expands out of proportion, cells far beyond the template's columns,
more rows than an import takes. Everything is read as a stream; nothing waits for the whole
sheet in memory.
"""

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ..formats import angka

MAX_BYTES = getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024)
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 20_000)

# An XLSX is a zip archive: its size says little about what it holds. A real sheet of 20,000
# rows and 30 columns expands to some 25 MB of XML, at a ratio of 5 to 20 (docs/benchmarks.md).
MAX_EXPANDED_BYTES = getattr(settings, "IMPORT_MAX_EXPANDED_BYTES", 100 * 1024 * 1024)
# Parts openpyxl reads whole into memory (shared strings, styles, the workbook) get less.
MAX_PART_BYTES = getattr(settings, "IMPORT_MAX_PART_BYTES", 16 * 1024 * 1024)
MAX_RATIO = 100  # expanded / compressed, for parts over 1 MB
MAX_ENTRIES = 1000
# Excel itself keeps at most 32,767 characters in a cell; escaped as XML that is under 200 KB.
MAX_TEXT_RUN = 200 * 1024
# Cells past the template's last column: a few are tolerated (they get their own messages), but
# a row padded out to column XFD is refused before it costs 16,384 cells a row.
COLUMN_SLACK = 10

_MAGIC = [
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\xd0\xcf\x11\xe0", "Excel 97-2003 (.xls), Word (.doc) atau Excel berkata sandi"),
    (b"Rar!", "RAR"),
    (b"\x1f\x8b", "gzip"),
]

# Control characters XML (so XLSX) cannot hold, and the bytes a decoder could not read
# (kept by "surrogateescape" as U+DC80..U+DCFF so the row can name them).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BAD_BYTE_RE = re.compile("[\udc80-\udcff]")
_UNPRINTABLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\udc80-\udcff]")
_NON_ASCII_RE = re.compile("[^\x00-\x7f\udc80-\udcff]")


class FileError(Exception):
    """The whole file cannot be read: one message for the user, nothing is checked further."""


@dataclass
class Sheet:
    """The header row and an iterator of (row number as the user sees it, [cells]), with warnings.

    `encoding` is the text encoding of a CSV ("utf-8" or "cp1252"), empty for an XLSX.
    """

    headers: list
    rows: object
    warnings: list = field(default_factory=list)
    header_row: int = 1
    encoding: str = ""
    title: str = ""


class Formula(str):
    """A formula cell: imports refuse it (type the value), exports never write one."""


class ExcelError(str):
    """A cell holding an Excel error value (#N/A, #VALUE!, #REF!): never a value to import."""


def too_large(size):
    """The message for a file of `size` bytes over MAX_BYTES (the upload form says the same)."""
    return _("Berkas terlalu besar (%(size)s MB); batasnya %(max)s MB. Pecah menjadi beberapa berkas.") % {
        "size": angka(size / 2**20, 1), "max": angka(MAX_BYTES // 2**20),
    }


def bad_bytes(value):
    """The bytes of a text cell the file's encoding could not read, as hex (`E9 81`), or ''."""
    if not isinstance(value, str):
        return ""
    return " ".join(f"{ord(ch) - 0xDC00:02X}" for ch in _BAD_BYTE_RE.findall(value))


def control_characters(value):
    return isinstance(value, str) and bool(_CONTROL_RE.search(value))


def printable(value):
    """Text safe to show on a page or write to XLSX: unreadable bytes and control characters as `<E9>`."""
    if not isinstance(value, str) or not _UNPRINTABLE_RE.search(value):
        return value
    return _UNPRINTABLE_RE.sub(
        lambda m: f"<{(ord(m.group()) - 0xDC00) if ord(m.group()) >= 0xDC80 else ord(m.group()):02X}>", value
    )


def open_sheet(data, file_name, *, columns=None):
    """A Sheet for the bytes of an uploaded file, or FileError with a message for the user.

    `columns` is the template's number of columns: cells far beyond it refuse the file.
    """
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
    limit = (columns + COLUMN_SLACK) if columns else None
    if data.startswith(b"PK\x03\x04"):
        return _open_xlsx(data, limit)
    if data.startswith(b"PK"):
        raise FileError(_("Berkas XLSX rusak atau tidak lengkap."))
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        raise FileError(_("Berkas berakhiran .xlsx tetapi isinya bukan XLSX. Simpan ulang dari Excel."))
    return _open_csv(data, limit)


# XLSX ---------------------------------------------------------------------------------------


def checked_archive(data):
    """The XLSX bytes as a zip archive whose parts are in proportion, or FileError.

    Anything that opens an upload with openpyxl asks this first: openpyxl reads the shared
    strings and the other parts whole, whatever they expand to.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise FileError(_("Berkas XLSX rusak atau tidak lengkap.")) from None
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        raise FileError(_("Berkas ini arsip ZIP (misalnya .docx), bukan lembar kerja XLSX."))
    _check_archive(entries)
    return archive


def _open_xlsx(data, limit):
    from openpyxl import load_workbook

    archive = checked_archive(data)
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
    if not workbook.worksheets:
        raise FileError(_("Berkas tidak punya lembar data (hanya grafik?). Taruh data di lembar pertama."))
    sheet = _data_sheet(workbook)
    path = sheet._worksheet_path
    try:
        _check_text_runs(archive, path)
        if _has_merged_cells(archive, path):
            raise FileError(
                _("Lembar %(name)s punya sel yang digabung (merge). Pisahkan sel gabungan, lalu unggah lagi.")
                % {"name": sheet.title}
            )
    except (zipfile.BadZipFile, KeyError, EOFError, OSError, ValueError):
        raise FileError(_("Berkas XLSX rusak atau tidak bisa dibaca.")) from None
    rows = _guarded(_xlsx_rows(workbook, sheet, limit), _("Berkas XLSX rusak atau tidak bisa dibaca."))
    return _sheet_from_rows(rows, [], "", sheet.title)


def _check_archive(entries):
    """Refuse an archive whose parts expand out of proportion, before any of it is parsed.

    The sizes are the archive's own statements; a part that expands beyond its stated size is
    cut there by zipfile and then fails its checksum, so the statement bounds what is read.
    """
    refuse = _("Berkas XLSX ini tidak wajar: isinya membengkak jauh melebihi ukuran berkasnya (%(detail)s). "
               "Simpan ulang dari Excel sebagai .xlsx biasa, atau pecah menjadi beberapa berkas.")
    if len(entries) > MAX_ENTRIES:
        raise FileError(refuse % {"detail": _("%(count)s bagian") % {"count": angka(len(entries))}})
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise FileError(_("Berkas XLSX ini dienkripsi atau berkata sandi. Buka proteksinya, simpan, lalu "
                              "unggah lagi."))
        expanded, packed = entry.file_size, max(entry.compress_size, 1)
        total += expanded
        # Worksheets are streamed; the other XML parts are parsed whole by openpyxl.
        streamed = entry.filename.startswith("xl/worksheets/") or not entry.filename.endswith((".xml", ".rels"))
        if expanded > (MAX_EXPANDED_BYTES if streamed else MAX_PART_BYTES):
            detail = _("%(name)s %(size)s MB") % {"name": entry.filename, "size": angka(expanded / 2**20, 1)}
        elif expanded > 2**20 and expanded > MAX_RATIO * packed:
            detail = _("%(name)s %(ratio)s kali lipat") % {"name": entry.filename, "ratio": angka(expanded // packed)}
        elif total > MAX_EXPANDED_BYTES:
            detail = _("%(size)s MB setelah dibuka") % {"size": angka(total / 2**20, 1)}
        else:
            continue
        raise FileError(refuse % {"detail": detail})


def _check_text_runs(archive, path):
    """Refuse a cell longer than Excel allows before the XML parser builds it as one string.

    A run of bytes without `<` or `>` is a text (or an attribute); chunks are smaller than the
    limit, so only the run carried over from earlier chunks can pass it.
    """
    for part in (path, "xl/sharedStrings.xml"):
        try:
            stream = archive.open(part)
        except KeyError:
            continue
        with stream:
            run = 0
            while chunk := stream.read(1 << 16):
                first = min((i for i in (chunk.find(b"<"), chunk.find(b">")) if i >= 0), default=-1)
                if first < 0:
                    run += len(chunk)
                else:
                    run += first
                    if run <= MAX_TEXT_RUN:
                        run = len(chunk) - 1 - max(chunk.rfind(b"<"), chunk.rfind(b">"))
                if run > MAX_TEXT_RUN:
                    raise FileError(_("Ada sel yang lebih panjang dari batas Excel (32.767 huruf). Periksa "
                                      "berkasnya, lalu simpan ulang dari Excel."))


def _data_sheet(workbook):
    """The sheet named like the template's data sheet, else the first one."""
    wanted = {_("Data").lower(), "data"}
    for sheet in workbook.worksheets:
        if sheet.title.strip().lower() in wanted:
            return sheet
    return workbook.worksheets[0]


def _has_merged_cells(archive, path):
    """openpyxl's read-only mode ignores merges: look for them in the sheet's XML, in chunks."""
    with archive.open(path) as stream:
        tail = b""
        while chunk := stream.read(1 << 16):
            if b"<mergeCell " in tail + chunk or b"<mergeCell>" in tail + chunk:
                return True
            tail = chunk[-16:]
    return False


def _xlsx_rows(workbook, sheet, limit):
    """(row number, [values]) from the sheet's XML as it streams; rows are never padded past the
    last cell, and a cell far past the template's columns refuses the file at its row."""
    from openpyxl.worksheet._reader import WorkSheetParser

    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source, sheet._shared_strings, data_only=False, epoch=workbook.epoch,
            date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            values = []
            for cell in cells:
                column, value, kind = cell["column"], cell["value"], cell["data_type"]
                if value is None:
                    if limit and column > limit * 4:
                        raise FileError(_too_wide(number, column, limit))
                    continue
                if limit and column > limit:
                    raise FileError(_too_wide(number, column, limit))
                if column > len(values):
                    values.extend([None] * (column - len(values)))
                if kind == "f":
                    value = Formula(value)
                elif kind == "e":
                    value = ExcelError(value)
                values[column - 1] = value
            yield number, values


def _too_wide(row, column, limit):
    return _("Sel %(cell)s jauh di luar kolom templat (templat ini sampai kolom %(last)s). Hapus kolom-kolom di "
             "kanan data (termasuk yang hanya diberi format), lalu unggah lagi.") % {
        "cell": f"{get_column_letter(min(column, 16384))}{row}", "last": get_column_letter(limit - COLUMN_SLACK)}


# CSV ----------------------------------------------------------------------------------------


def _open_csv(data, limit):
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        raise FileError(_("Berkas berisi byte NUL: pengodean tidak dikenal (UTF-16 atau biner). Simpan sebagai "
                          "\"CSV UTF-8\"."))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    text, encoding, warnings = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = _guarded(_csv_rows(reader, limit), _("Berkas CSV tidak bisa dibaca (tanda kutip tidak berpasangan atau "
                                                "sel terlalu panjang)."))
    return _sheet_from_rows(rows, warnings, encoding)


def _decode(data):
    """(text, encoding, warnings). UTF-8, or Windows-1252 only when the file is Windows-1252 throughout.

    A file with real UTF-8 letters (é as two bytes) and a few bytes that are not UTF-8 is a UTF-8
    file with stray bytes: read as Windows-1252 every é in it would become "Ã©". It stays UTF-8,
    and the rows holding the stray bytes become errors that show them. A file without any UTF-8
    letter but with bytes over 127 was written in Windows-1252 (Excel's "CSV" in Indonesia).
    """
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "surrogateescape")
    if _NON_ASCII_RE.search(text):
        count = len(_BAD_BYTE_RE.findall(text))
        return text, "utf-8", [
            _("Berkas ini UTF-8 tetapi memuat %(count)s byte yang bukan UTF-8; baris yang memuatnya ditandai "
              "salah dan bytenya ditunjukkan. Perbaiki huruf itu, atau simpan ulang sebagai \"CSV UTF-8\".")
            % {"count": angka(count)}
        ]
    text = data.decode("cp1252", "surrogateescape")
    return text, "cp1252", [
        _("Berkas dibaca sebagai Windows-1252, bukan UTF-8: periksa huruf beraksen pada baris-baris di pratinjau "
          "di bawah. Lain kali simpan sebagai \"CSV UTF-8\".")
    ]


def _csv_rows(reader, limit):
    for number, row in enumerate(reader, start=1):
        if limit and len(row) > limit:
            beyond = next((i for i, cell in enumerate(row[limit:], start=limit) if cell.strip()), None)
            if beyond is not None:
                raise FileError(_too_wide(number, beyond + 1, limit))
            if len(row) > limit * 4:
                raise FileError(_too_wide(number, len(row), limit))
            del row[limit:]
        yield number, row


# Both ---------------------------------------------------------------------------------------


def _guarded(rows, message):
    """Rows as they stream; a damaged part found on the way is a FileError, never a server error."""
    try:
        yield from rows
    except FileError:
        raise
    except Exception:  # XML, zip checksum, csv and openpyxl errors of a damaged file
        raise FileError(message) from None


def _sheet_from_rows(rows, warnings, encoding, title=""):
    rows = _bounded(rows)
    for number, row in rows:
        if any(not _blank(cell) for cell in row):
            return Sheet(headers=_trim(list(row)), rows=_numbered(rows), warnings=warnings,
                         header_row=number, encoding=encoding, title=title)
    raise FileError(_("Berkas kosong: tidak ada baris judul kolom."))


def _bounded(rows):
    """Every row the reader produces counts, blank ones too: a file of empty lines is refused early."""
    for count, (number, row) in enumerate(rows, start=1):
        if count > 5 * MAX_ROWS:
            raise FileError(_("Berkas punya terlalu banyak baris (termasuk baris kosong). Hapus baris kosong di "
                              "bawah data, atau pecah menjadi beberapa berkas."))
        yield number, row


def _numbered(rows):
    count = 0
    for number, row in rows:
        if any(not _blank(cell) for cell in row):
            count += 1
            if count > MAX_ROWS:
                raise FileError(_("Berkas lebih dari %(max)s baris data. Pecah menjadi beberapa berkas.")
                                % {"max": angka(MAX_ROWS)})
            yield number, list(row)


def _blank(cell):
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _trim(cells):
    while cells and _blank(cells[-1]):
        cells.pop()
    return cells
