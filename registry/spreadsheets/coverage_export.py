"""Training coverage as an XLSX workbook: the coverage page's table (with its total) and the active
cooperatives whose board was never trained. Aggregates and cooperative names only."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .. import figures
from .xlsx_formats import formatted_sheet


def coverage_workbook(rows, since, never_trained):
    workbook = Workbook(write_only=True)
    active = sum(r["active"] for r in rows)
    trained = sum(r["trained"] for r in rows)
    formatted_sheet(
        workbook, _("Cakupan pelatihan"),
        [_("Kode"), _("Kecamatan"), _("Koperasi aktif"),
         _("Pengurus terlatih sejak %(since)s") % {"since": since.strftime("%d/%m/%Y")}, _("Porsi")],
        [*[(r["code"], r["name"], r["active"], r["trained"], r["share"]) for r in rows],
         ("", _("Jumlah"), active, trained, figures.trained_board_share(trained, active))],
        ["teks", "teks", "angka", "angka", "persen"], widths={0: 14, 1: 24, 3: 26},
    )
    formatted_sheet(
        workbook, _("Belum pernah dilatih"), [_("Nomor Induk Koperasi"), _("Koperasi"), _("Kecamatan")],
        [(c.nomor_induk or "", c.name, c.desa.kecamatan.name) for c in never_trained],
        ["teks", "teks", "teks"], widths={0: 18, 1: 40, 2: 24},
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
