"""Recommendations as XLSX: the district's (every cooperative behind every action, the same rows as
the page, without the page's cut-off of names) and one cooperative's (its weak indicators)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from ..models import Condition, Helper
from .xlsx_formats import formatted_sheet


def _save(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def district_recommendation_workbook(rows, year):
    """`rows`: (indicator code, recommendation, helper, cooperative id, name, kecamatan), as
    `selectors.assessments.district_recommendation_rows` reads them."""
    workbook = Workbook(write_only=True)
    counts = {}
    for code, recommendation, helper, _pk, _name, _kecamatan in rows:
        key = (code, recommendation, helper)
        counts[key] = counts.get(key, 0) + 1
    formatted_sheet(
        workbook, _("Per tindakan %(year)s") % {"year": year},
        [_("Kode indikator"), _("Rekomendasi"), _("Yang dapat membantu"), _("Koperasi")],
        [(code, recommendation, str(Helper(helper).label), count)
         for (code, recommendation, helper), count in counts.items()],
        ["teks", "teks", "teks", "angka"], widths={0: 12, 1: 70, 2: 28},
    )
    formatted_sheet(
        workbook, _("Per koperasi"),
        [_("Koperasi"), _("Kecamatan"), _("Kode indikator"), _("Rekomendasi"), _("Yang dapat membantu")],
        [(name, kecamatan, code, recommendation, str(Helper(helper).label))
         for code, recommendation, helper, _pk, name, kecamatan in rows],
        ["teks", "teks", "teks", "teks", "teks"], widths={0: 40, 1: 20, 2: 12, 3: 70, 4: 28},
    )
    return _save(workbook)


def cooperative_recommendation_workbook(assessment, weak, without_data):
    workbook = Workbook(write_only=True)
    formatted_sheet(
        workbook, _("Rekomendasi"),
        [_("Kondisi"), _("Kode"), _("Indikator"), _("Nilai"), _("Rekomendasi"), _("Yang dapat membantu")],
        [(str(Condition(score.indicator.condition.code).label), score.indicator.code, score.indicator.text,
          score.level, score.indicator.recommendation, str(Helper(score.indicator.helper).label)) for score in weak],
        ["teks", "teks", "teks", "angka", "teks", "teks"], widths={0: 22, 1: 8, 2: 50, 3: 7, 4: 70, 5: 28},
    )
    if without_data:
        formatted_sheet(
            workbook, _("Tanpa data"), [_("Kondisi"), _("Kode"), _("Indikator"), _("Nilai")],
            [(str(Condition(score.indicator.condition.code).label), score.indicator.code, score.indicator.text,
              score.level) for score in without_data],
            ["teks", "teks", "teks", "angka"], widths={0: 22, 1: 8, 2: 50},
        )
    return _save(workbook)
