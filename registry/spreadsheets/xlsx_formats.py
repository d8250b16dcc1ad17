"""Number formats and column widths of the workbooks we write: Excel shows Rupiah, thousands,
shares and dates as they are meant (never `1,88806E+11`), with the header row frozen.

Write-only workbooks style cell by cell (`WriteOnlyCell`); use these for the small aggregate
workbooks (dashboard, recap, lists of findings or recommendations), not for million-row exports.
"""

import datetime
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# Excel's own format codes: the reader's Excel shows its locale's separators (1.234 in Indonesian).
FORMATS = {
    "angka": "#,##0",
    "rupiah": '"Rp" #,##0',
    "persen": "0.0%",
    "skor": "0.00",
    "tanggal": "dd/mm/yyyy",
    "teks": "@",
}
WIDTHS = {"angka": 12, "rupiah": 20, "persen": 10, "skor": 10, "tanggal": 12, "teks": 30}
HEADER_FONT = Font(bold=True)


def cell(sheet, value, kind=None):
    """A cell with the number format of `kind`; numbers stay numbers, a missing figure stays empty."""
    if isinstance(value, Decimal):
        value = float(value)
    result = WriteOnlyCell(sheet, value=value)
    if kind is None:
        kind = "tanggal" if isinstance(value, datetime.date) else None
    if kind in FORMATS and value is not None and kind != "teks":
        result.number_format = FORMATS[kind]
    return result


def formatted_sheet(workbook, title, header, rows, kinds, *, widths=None):
    """A sheet with a bold, frozen header, each column `kinds[i]` formatted and sized.

    A row's kind may also be given per cell: a (value, kind) pair overrides the column's kind (the
    dashboard's "figure" sheets mix counts, shares and scores in one column).
    """
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.freeze_panes = "A2"
    for index, kind in enumerate(kinds, start=1):
        width = (widths or {}).get(index - 1) or WIDTHS.get(kind, 14)
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_cells = []
    for text in header:
        header_cell = WriteOnlyCell(sheet, value=str(text))
        header_cell.font = HEADER_FONT
        header_cell.alignment = Alignment(wrap_text=True, vertical="top")
        header_cells.append(header_cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value, kind in zip(row, kinds, strict=True):
            if isinstance(value, tuple):
                value, kind = value
            cells.append(cell(sheet, value, kind))
        sheet.append(cells)
    return sheet
