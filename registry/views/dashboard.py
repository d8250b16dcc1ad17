"""The district dashboard: the page, its XLSX export, and recomputing the summary."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_tasks import TaskResultStatus

from .. import dashboard, dashboard_charts, scoring
from ..formats import angka
from ..mixins import DashboardMixin, RegistryPermissionMixin
from ..models import Condition
from ..services.summary import summary_refresh_request
from ..spreadsheets.dashboard_export import dashboard_workbook


class DashboardView(RegistryPermissionMixin, DashboardMixin, TemplateView):
    """How the district (or the user's area) stands: figures, per kecamatan, trends, needs attention."""

    permission_required = "registry.view_dashboard"
    template_name = "registry/dashboard.html"

    def get_context_data(self, **kwargs):
        d, links = self.dashboard, self.links
        measure = self.request.GET.get("ukuran", "aktif")
        measure = measure if measure in dashboard.MEASURES else "aktif"
        trends = dashboard.trend_rows(d)
        return super().get_context_data(
            d=d, year=self.year, area=self.area, kecamatan_code=self.kecamatan_code, sections=self.sections,
            kecamatan_rows=dashboard.kecamatan_rows(d, links), dimension_rows=dashboard.dimension_rows(d, links),
            trend_rows=trends, trend_table=dashboard.trend_table(trends, links),
            charts=dashboard_charts.dashboard_charts(d, self.sections, measure), measure=measure,
            measures=dashboard.measure_labels(), condition_rows=dashboard_charts.condition_table(d),
            conditions=Condition.choices, bands=scoring.PREDICATE_MINIMUM,
            years=sorted({*d.years, self.year}, reverse=True), **kwargs,
        )


class DashboardExportView(RegistryPermissionMixin, DashboardMixin, View):
    """Every table of the dashboard as one XLSX workbook (aggregates only, no personal data)."""

    permission_required = ("registry.view_dashboard", "registry.export_data")

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            dashboard_workbook(self.dashboard, self.links),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"dasbor-koperasi-{self.year}{'-' + self.kecamatan_code if self.kecamatan_code else ''}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class SummaryRefreshView(RegistryPermissionMixin, View):
    """Queue a summary refresh now (Admin Dinas) through the single-flight path, then back to the dashboard."""

    permission_required = "registry.refresh_summary"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        result = summary_refresh_request(requested_by=request.user)
        if result is None:
            messages.info(request, _("Penghitungan ulang sudah dijadwalkan; angka dasbor diperbarui dalam "
                                     "beberapa detik."))
        elif result.status == TaskResultStatus.SUCCESSFUL and result.return_value:
            messages.success(request, _("Ringkasan dihitung ulang dalam %(seconds)s detik.") % {
                "seconds": angka(result.return_value["seconds"], 1)})
        elif result.status == TaskResultStatus.FAILED:
            messages.error(request, _("Penghitungan ulang gagal; kesalahannya sudah dicatat untuk admin."))
        else:
            messages.success(request, _("Penghitungan ulang dijadwalkan; angka dasbor diperbarui dalam "
                                        "beberapa detik."))
        return HttpResponseRedirect(reverse("registry:dashboard"))
