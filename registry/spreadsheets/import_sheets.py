"""Workbooks the import pages hand out: a template per kind, and the uploaded sheet with its errors."""

import datetime
import tempfile

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .columns import neutralise
from .kinds import SPECS
from .reading import open_sheet, printable


def _save(workbook):
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return handle


def template_workbook(kind):
    """Sheet 1: the headers and one example row; sheet 2: what each column takes."""
    spec = SPECS[kind]
    workbook = Workbook()
    data = workbook.active
    data.title = _("Data")
    columns = spec.all_columns()
    data.append([str(column.header) for column in columns])
    for cell in data[1]:
        cell.font = Font(bold=True)
    data.append([neutralise(column.example) for column in columns])
    help_sheet = workbook.create_sheet(_("Petunjuk"))
    help_sheet.append([_("Kolom"), _("Wajib"), _("Nama lain yang dikenali"), _("Isi")])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in columns:
        required = column.key in spec.required_headers or column.required
        help_sheet.append([str(column.header), _("Ya") if required else "", ", ".join(column.aliases),
                           _describe(spec, column)])
    for line in [
        "",
        _("Hapus baris contoh sebelum mengunggah. Satu baris = satu data; baris judul di baris pertama."),
        _("Angka boleh ditulis 1.234.567 atau 1.234.567,50. Tanggal hh/bb/tttt atau tanggal Excel."),
        _("Desa dan kecamatan boleh dengan nama atau kode Kemendagri (64.08.xx.xxxx)."),
        _("Pilihan boleh ditulis dengan labelnya (Simpan Pinjam) atau kodenya (simpan_pinjam)."),
        _("Jangan memakai rumus, sel gabungan (merge) atau lembar tersembunyi di lembar data."),
        _("Mengunggah berkas yang sama dua kali tidak mengubah apa-apa: data dicocokkan dengan kuncinya."),
    ]:
        help_sheet.append([line])
    return _save(workbook)


def _describe(spec, column):
    name = getattr(column.parse, "__qualname__", "")
    field = None
    try:
        field = spec.model._meta.get_field(column.key)
    except Exception:  # helper columns (kecamatan, cooperative keys) are no model fields
        pass
    if field is not None and field.choices:
        return ", ".join(f"{label} ({code})" for code, label in field.choices)
    if "date" in name:
        return _("tanggal hh/bb/tttt")
    if name in {"money", "signed_money", "count"}:
        return _("angka")
    if "boolean" in name or "bool" in name:
        return _("Ya / Tidak")
    return ""


def errors_workbook(data, file_name, result):
    """The uploaded sheet as it was, with an added last column listing each row's errors."""
    sheet = open_sheet(data, file_name, columns=len(SPECS[result.kind].all_columns()))
    workbook = Workbook(write_only=True)
    out = workbook.create_sheet(_("Kesalahan"))
    header_errors = "; ".join(result.error_rows.get(sheet.header_row, []))
    out.append([neutralise(_cell(value)) for value in sheet.headers] + [_("Kesalahan") + (
        f": {header_errors}" if header_errors else "")])
    width = len(sheet.headers)
    for row_number, cells in sheet.rows:
        cells = [neutralise(_cell(value)) for value in cells] + [None] * max(0, width - len(cells))
        out.append(cells[:max(width, len(cells))] + ["; ".join(result.error_rows.get(row_number, []))])
    return _save(workbook)


def _cell(value):
    if isinstance(value, datetime.datetime | datetime.date | int | float) or value is None:
        return value
    return printable(str(value))
