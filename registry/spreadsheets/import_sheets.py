"""Workbooks the import pages hand out: a template per kind, and the uploaded sheet with its errors."""

import datetime
import tempfile

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.protection import SheetProtection

from .columns import neutralise
from .kinds import SPECS
from .reading import open_sheet, printable


def _save(workbook):
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return handle


# Columns Excel must keep as typed: a 16-digit NIK held as a number loses its last digit, a
# number with a leading zero (telephone, postcode) loses the zero.
TEXT_KEYS = {"nik", "nomor_induk", "cooperative_nomor_induk", "legal_entity_number", "cooperative_legal_number",
             "member_number", "phone", "postcode"}
DATE_FORMAT = "DD/MM/YYYY"
MONEY_FORMAT = "#,##0"


def template_workbook(kind):
    """Sheet "Data": only the header row, frozen and locked (the sheet is protected without a
    password; the template's columns are open for typing, pasting, sorting and inserting rows),
    each column formatted for what it takes: NIK and other numbers as text ("@"), dates as dates.
    Sheet "Petunjuk": one example row, then what each column takes. The import reads only the
    data sheet, and a copy of the example row there is skipped (imports.py), so the example is
    never imported."""
    spec = SPECS[kind]
    columns = spec.all_columns()
    workbook = Workbook()
    data = workbook.active
    data.title = _("Data")
    data.append([str(column.header) for column in columns])
    for index, column in enumerate(columns, start=1):
        header = data.cell(1, index)
        header.font = Font(bold=True)
        header.protection = Protection(locked=True)
        dimension = data.column_dimensions[get_column_letter(index)]
        dimension.width = max(12, min(40, len(str(column.header)) + 4))
        dimension.number_format = _number_format(column) or "General"
        dimension.protection = Protection(locked=False)
    data.freeze_panes = "A2"
    data.protection = SheetProtection(
        sheet=True, formatCells=False, formatColumns=False, formatRows=False, insertRows=False, deleteRows=False,
        sort=False, autoFilter=False, selectLockedCells=False, selectUnlockedCells=False,
    )
    help_sheet = workbook.create_sheet(_("Petunjuk"))
    help_sheet.append([_("Contoh pengisian: baris ini hanya contoh dan tidak ikut diimpor. Isi data di lembar "
                         "\"Data\", mulai baris 2.")])
    help_sheet["A1"].font = Font(bold=True)
    help_sheet.append([str(column.header) for column in columns])
    help_sheet.append([_example_value(column) for column in columns])
    for index, column in enumerate(columns, start=1):
        help_sheet.cell(2, index).font = Font(bold=True)
        help_sheet.cell(3, index).number_format = _number_format(column) or "General"
        help_sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(str(column.header)) + 4))
    help_sheet.append([])
    help_sheet.append([_("Kolom"), _("Wajib"), _("Nama lain yang dikenali"), _("Isi")])
    for cell in help_sheet[help_sheet.max_row]:
        cell.font = Font(bold=True)
    for column in columns:
        required = column.key in spec.required_headers or column.required
        help_sheet.append([str(column.header), _("Ya") if required else "", ", ".join(column.aliases),
                           _describe(spec, column)])
    for line in [
        "",
        _("Satu baris = satu data; judul kolom di baris pertama lembar \"Data\" (terkunci, jangan diubah)."),
        _("Kolom NIK dan nomor lain sudah berformat Teks: bila Excel menampilkan 6,40801E+15, kolom itu berformat "
          "angka dan digit terakhir NIK sudah hilang. Format kolomnya sebagai Teks, lalu ketik ulang NIK-nya."),
        _("Tanggal ditulis hh/bb/tttt (17/08/2024) atau sebagai tanggal Excel. Tanggal gaya Amerika "
          "(bulan/hari/tahun, misalnya 08/17/2024) ditolak atau ditandai: periksa pengaturan wilayah Excel."),
        _("Angka boleh ditulis 1.234.567 atau 1.234.567,50."),
        _("Desa dan kecamatan boleh dengan nama atau kode Kemendagri (64.08.xx.xxxx)."),
        _("Pilihan boleh ditulis dengan labelnya (Simpan Pinjam) atau kodenya (simpan_pinjam)."),
        _("Jangan memakai rumus, sel gabungan (merge) atau lembar tersembunyi di lembar data."),
        _("Mengunggah berkas yang sama dua kali tidak mengubah apa-apa: data dicocokkan dengan kuncinya."),
    ]:
        help_sheet.append([line])
    return _save(workbook)


def _number_format(column):
    name = getattr(column.parse, "__qualname__", "")
    if column.key in TEXT_KEYS:
        return "@"
    if name.startswith("date."):
        return DATE_FORMAT
    if name in {"money", "signed_money"}:
        return MONEY_FORMAT
    return ""


def _example_value(column):
    """The example as Excel should hold it: a date as a date, money as a number, the rest as text."""
    example = column.example
    if isinstance(example, str) and example:
        kind = _number_format(column)
        if kind == DATE_FORMAT:
            return datetime.datetime.strptime(example, "%d/%m/%Y")
        if kind == MONEY_FORMAT:
            return int(example.replace(".", ""))
    return neutralise(example)


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
