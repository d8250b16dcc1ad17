"""The district dashboard: the page, its XLSX export, and recomputing the summary."""

import hashlib
import zlib
from functools import partial

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
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

BODY_NAMES = ("d", "sections", "kecamatan_rows", "dimension_rows", "trend_rows", "trend_table", "charts",
              "condition_rows", "conditions", "bands")


class DashboardView(RegistryPermissionMixin, DashboardMixin, TemplateView):
    """How the district (or the user's area) stands: figures, per kecamatan, trends, needs attention.

    The figures, tables and charts (includes/_dashboard_body.html) are rendered once and kept in the
    cache under everything they are made of: the summary refresh they were summed from, what is read
    live beside it (the active partnerships, the office's RAT due date and today), the year, the
    kecamatan shown, the area, the map's measure and the language. Any write that moves a figure queues
    a refresh, whose new id is a new key; so a kept body is never older than the figures the page
    would compute now. A body whose RAT season was counted live (a year the summary does not hold) is
    not kept: it could move without a refresh.
    """

    permission_required = "registry.view_dashboard"
    template_name = "registry/dashboard.html"
    body_template = "includes/_dashboard_body.html"
    body_seconds = 600

    @cached_property
    def measure(self):
        measure = self.request.GET.get("ukuran", "aktif")
        return measure if measure in dashboard.MEASURES else "aktif"

    def body_key(self):
        """The cache key of the body: None before the first refresh (the season is then counted live)."""
        refresh = self.refresh
        if not refresh:
            return None
        made_of = (
            sorted(refresh.items()), self.active_partnerships,
            self.season.rat_due.isoformat(), self.season.today.isoformat(), self.year, self.kecamatan_code,
            self.area, self.measure, get_language(),
        )
        return "dashboard-body:" + hashlib.sha256(repr(made_of).encode()).hexdigest()

    @cached_property
    def body_context(self):
        """What the body shows (BODY_NAMES)."""
        d, links = self.dashboard, self.links
        trends = dashboard.trend_rows(d)
        return {
            "d": d, "sections": self.sections,
            "kecamatan_rows": dashboard.kecamatan_rows(d, links), "dimension_rows": dashboard.dimension_rows(d, links),
            "trend_rows": trends, "trend_table": dashboard.trend_table(trends, links),
            "charts": dashboard_charts.dashboard_charts(d, self.sections, self.measure),
            "condition_rows": dashboard_charts.condition_table(d), "conditions": Condition.choices,
            "bands": scoring.PREDICATE_MINIMUM,
        }

    def body_value(self, name):
        return self.body_context[name]

    def get_context_data(self, **kwargs):
        key = self.body_key()
        kept = cache.get(key) if key else None
        if kept is None:
            shown = self.body_context
            body = render_to_string(self.body_template, {**shown, "year": self.year})
            years = self.dashboard.years
            if key and not self.dashboard.rat_counted_live:
                cache.set(key, (zlib.compress(body.encode(), 1), years), self.body_seconds)
        else:
            packed, years = kept
            body = mark_safe(zlib.decompress(packed).decode())  # the template's own output, kept above
            # Not rendered again, but still in the context for whoever reads it (the tests): computed if read.
            shown = {name: SimpleLazyObject(partial(self.body_value, name)) for name in BODY_NAMES}
        return super().get_context_data(**{
            **shown, "body": body, "year": self.year, "area": self.area, "kecamatan_code": self.kecamatan_code,
            "measure": self.measure, "measures": dashboard.measure_labels(),
            "refreshed_at": self.refresh.get("finished_at"), "years": sorted({*years, self.year}, reverse=True),
            **kwargs,
        })


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
