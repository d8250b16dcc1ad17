"""The dashboard's tables as one XLSX workbook (openpyxl, write-only): aggregates, no member-level data."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from ..dashboard import dashboard_sections, dimension_rows, trend_rows
from .xlsx_formats import formatted_sheet

# The kind of each figure as Excel shows it (a dashboard figure's `kind` is angka, persen or skor).
FIGURE_FORMAT = {"angka": "angka", "persen": "persen", "skor": "skor", "rupiah": "rupiah"}


def _figure_row(f):
    kind = FIGURE_FORMAT.get(f.kind, "angka")
    change_kind = "persen" if kind == "persen" else kind
    return [str(f.label), (f.value, kind), (f.previous, kind), (f.change, change_kind), f.count, str(f.as_of),
            str(f.note)]


def dashboard_workbook(d, links):
    """The dashboard's tables, one sheet each; numbers as numbers, a missing figure as an empty cell."""
    sections, trends, dimensions = dashboard_sections(d, links), trend_rows(d), dimension_rows(d, links)
    workbook = Workbook(write_only=True)
    value_header = [_("Angka"), _("Nilai"), _("Tahun sebelumnya / akhir tahun"), _("Perubahan"),
                    _("Baris di daftar"), _("Tanggal angka"), _("Cara menghitung")]
    for key, title in [
        ("headline", _("Angka utama")), ("statuses", _("Status")), ("members", _("Anggota")),
        ("conditions", _("Nilai kondisi")), ("predicates", _("Predikat")), ("labels", _("Label RAT Kutim")),
        ("attention", _("Perlu perhatian")), ("rat_season", _("Musim RAT")),
    ]:
        formatted_sheet(workbook, title, value_header, [_figure_row(f) for f in sections[key]],
                        ["teks", "angka", "angka", "angka", "angka", "teks", "teks"], widths={6: 60})
    formatted_sheet(workbook, _("Per kecamatan"), [
        _("Kode"), _("Kecamatan"), _("Koperasi"), _("Aktif"), _("Anggota"), _("Porsi RAT"),
        *[_("Nilai %(condition)s") % {"condition": name} for name in ("kelembagaan", "keuangan", "operasional",
                                                                        "reputasi")],
        _("Nilai akhir"), _("Sehat"), _("Cukup Sehat"), _("Dalam Pengawasan"), _("Dalam Pengawasan Khusus"),
    ], [
        (row.code, row.name, row.state["cooperatives"], row.state["status_aktif"], row.year.members,
         row.year.rat_share, *row.year.condition_averages().values(), row.year.overall,
         *[count for _code, _label, count in row.year.predicate_counts()])
        for row in d.per_kecamatan
    ], ["teks", "teks", "angka", "angka", "angka", "persen", "skor", "skor", "skor", "skor", "skor",
        "angka", "angka", "angka", "angka"], widths={0: 14, 1: 22})
    for dimension, rows in dimensions.items():
        formatted_sheet(workbook, _("Per %(dimension)s") % {"dimension": dimension},
                        [dimension, _("Koperasi"), _("Aktif"), _("Anggota")],
                        [(str(r["label"]), r["cooperatives"].value, r["active"].value, r["members"].value)
                         for r in rows], ["teks", "angka", "angka", "angka"])
    formatted_sheet(workbook, _("Tren"), [
        _("Tahun"), _("Koperasi (akhir tahun)"), _("Aktif (akhir tahun)"), _("Laporan"), _("Anggota"),
        _("Volume usaha (Rp)"), _("SHU (Rp)"), _("Aset (Rp)"), _("Modal sendiri (Rp)"),
    ], [
        (r["year"], r["cooperatives"], r["active"], r["reported"], r["members"], r["business_volume"], r["shu"],
         r["total_assets"], r["modal_sendiri"])
        for r in trends
    ], ["teks", "angka", "angka", "angka", "angka", "rupiah", "rupiah", "rupiah", "rupiah"], widths={0: 8})
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
