"""The dashboard page's pictures: the SVG charts (registry/charts.py) and the kecamatan x condition
table coloured by predicate band. Only the HTML page draws them; the figures themselves, with their
links, are registry/dashboard.py's, shared with the export and the API."""

from django.utils.translation import gettext as _

from . import charts, scoring
from .dashboard import MEASURES, Links, billions, fmt, measure_labels, per, state_date, trend_rows
from .formats import angka
from .models import Predicate


def score_class(value):
    """The predicate band of a score, for the colours of the kecamatan x condition table."""
    return "score-missing" if value is None else f"score-{scoring.predicate(value)}"


def dashboard_charts(d, sections, measure):
    """The SVG charts of the page."""
    y = d.year
    tiles_value, tiles_kind = MEASURES[measure]
    label = measure_labels()[measure]
    links = Links("")
    tiles = [
        (row.code, row.name, tiles_value(row), fmt(tiles_value(row), tiles_kind),
         links.cooperatives(kecamatan=row.code))
        for row in d.per_kecamatan
    ]
    trends = trend_rows(d)
    years = [str(row["year"]) for row in trends]
    return {
        "tiles": charts.tile_map(
            title=_("Peta petak kecamatan: %(measure)s") % {"measure": label},
            desc=_("Setiap petak satu kecamatan, warna lebih gelap berarti nilai lebih tinggi. Angkanya ada di "
                   "tabel per kecamatan."), tiles=tiles, format_value=lambda value: fmt(value, tiles_kind)),
        "status": charts.bar_chart(
            title=_("Koperasi menurut status"), desc=_("Jumlah koperasi per status %(when)s.") % {
                "when": per(state_date(d))},
            items=[(f.label, f.value, angka(f.value)) for f in sections["statuses"]]),
        "predicates": charts.stacked_bars(
            title=_("Sebaran predikat per kecamatan, %(year)s") % {"year": y},
            desc=_("Porsi setiap predikat di antara penilaian tiap kecamatan."),
            rows=[(row.name, [row.year[f"predicate_{p.value}"] for p in Predicate]) for row in d.per_kecamatan],
            legend=[(p.label, f"seg-{p.value}") for p in Predicate]),
        "cooperatives_trend": charts.line_chart(
            title=_("Koperasi dan koperasi aktif per akhir tahun"),
            desc=_("Jumlah koperasi dan yang aktif pada akhir setiap tahun, %(a)s-%(b)s.") % {"a": years[0],
                                                                                             "b": years[-1]},
            years=years, axis=angka, series=[(_("koperasi"), "line-1", [r["cooperatives"] for r in trends]),
                                 (_("aktif"), "line-2", [r["active"] for r in trends])]),
        "members_trend": charts.line_chart(
            title=_("Anggota menurut laporan tahunan"),
            desc=_("Jumlah anggota dalam laporan tahunan; tahun tanpa laporan dibiarkan kosong."),
            years=years, axis=angka, series=[(_("anggota"), "line-1", [r["members"] for r in trends])]),
        "money_trend": charts.line_chart(
            title=_("Volume usaha, SHU, aset dan modal sendiri (Rp)"),
            desc=_("Jumlah dari laporan tahunan; tahun tanpa laporan dibiarkan kosong."),
            years=years, axis=billions, series=[
                (_("volume usaha"), "line-1", [r["business_volume"] for r in trends]),
                (_("aset"), "line-2", [r["total_assets"] for r in trends]),
                (_("modal sendiri"), "line-3", [r["modal_sendiri"] for r in trends]),
                (_("SHU"), "line-4", [r["shu"] for r in trends]),
            ]),
    }


def condition_table(d):
    """The kecamatan x condition table: each score written and coloured by its predicate band."""
    return [
        (row, [(fmt(score, "skor"), score_class(score)) for score in scores],
         (fmt(overall, "skor"), score_class(overall)))
        for row, scores, overall in d.condition_rows()
    ]
