"""Figures for other systems: /api/ringkasan.json?tahun=&kecamatan= (documented in docs/api.md)."""

from django.http import JsonResponse
from django.views import View

from ..mixins import RegistryPermissionMixin
from .dashboard import DashboardMixin, trend_rows


def _number(value):
    return float(value) if value is not None and not isinstance(value, int) else value


class SummaryApiView(RegistryPermissionMixin, DashboardMixin, View):
    """The dashboard's figures as JSON: the same numbers, links and explanations as the page."""

    permission_required = "registry.view_dashboard"

    def get(self, request, *args, **kwargs):
        d, sections = self.dashboard, self.sections
        body = {
            "tahun": d.year,
            "kecamatan": [{"kode": code, "nama": name} for code, name in d.kecamatan],
            "dihitung_pada": d.refreshed_at.isoformat() if d.refreshed_at else None,
            **{key: [figure.as_dict() for figure in figures] for key, figures in sections.items()},
            "per_kecamatan": [
                {
                    "kode": row.code, "nama": row.name, "koperasi": row.now["cooperatives"],
                    "aktif": row.now["status_aktif"], "anggota": row.year.members, "porsi_rat": row.year.rat_share,
                    "nilai_kondisi": {code: _number(v) for code, v in row.year.condition_averages().items()},
                    "nilai_akhir": _number(row.year.overall),
                    "predikat": {code: count for code, _label, count in row.year.predicate_counts()},
                }
                for row in d.per_kecamatan
            ],
            "tren": trend_rows(d),
        }
        response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
        response["Cache-Control"] = "private, max-age=60"
        return response
