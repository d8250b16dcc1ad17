"""Export of a list (its current filters) as XLSX or CSV: streamed, logged, NIK masked unless asked."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from ..mixins import NoStoreMixin, RegistryPermissionMixin
from ..models import MAX_YEAR, MIN_YEAR, ExportLog, last_full_year
from ..selectors.recap import ministry_recap
from ..spreadsheets.list_exports import EXPORTS, csv_stream, recap_headers, recap_workbook, xlsx_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FULL_NIK_PARAM = "nik_lengkap"
NOT_FILTERS = {FULL_NIK_PARAM, "page", "format"}


class ListExportView(RegistryPermissionMixin, NoStoreMixin, View):
    """/ekspor/<list>/<xlsx|csv>/?<the list's filters>[&nik_lengkap=1]."""

    permission_required = "registry.export_data"

    def get(self, request, kind, fmt):
        export = EXPORTS.get(kind)
        if export is None or fmt not in {"xlsx", "csv"}:
            raise Http404
        # Pimpinan exports aggregates and lists without personal data only.
        if export.personal and not request.user.has_perm("registry.export_personal_data"):
            raise PermissionDenied
        full_nik = kind == "anggota" and request.GET.get(FULL_NIK_PARAM) == "1"
        if full_nik and not request.user.has_perm("registry.reveal_nik"):
            raise PermissionDenied
        query = request.GET.copy()
        for key in NOT_FILTERS:
            query.pop(key, None)
        log = ExportLog.objects.create(user=request.user, kind=kind, file_format=fmt, query=query.urlencode(),
                                       full_nik=full_nik)
        queryset, columns, ctx = export.rows(request), export.columns(), {"full_nik": full_nik}
        filename = f"{kind}-{timezone.localdate():%Y%m%d}.{fmt}"
        if fmt == "csv":
            def done(count):
                ExportLog.objects.filter(pk=log.pk).update(row_count=count)
            response = StreamingHttpResponse(csv_stream(queryset, columns, ctx, done),
                                             content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        handle, count = xlsx_file(queryset, columns, ctx, export.title)
        ExportLog.objects.filter(pk=log.pk).update(row_count=count)
        return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


class RecapView(RegistryPermissionMixin, TemplateView):
    """The per-kecamatan recap for the ministry (aggregates only): an A4 page, or XLSX with ?format=xlsx."""

    permission_required = "registry.export_data"
    template_name = "registry/exports/recap.html"

    def year(self):
        value = self.request.GET.get("tahun", "")
        return int(value) if value.isdigit() and MIN_YEAR <= int(value) <= MAX_YEAR else last_full_year()

    def get(self, request, *args, **kwargs):
        year = self.year()
        rows, total = ministry_recap(user=request.user, year=year)
        if request.GET.get("format") == "xlsx":
            ExportLog.objects.create(user=request.user, kind="rekap", file_format="xlsx", query=f"tahun={year}",
                                     row_count=len(rows))
            return FileResponse(recap_workbook(rows, total, year), as_attachment=True,
                                filename=f"rekap-koperasi-kutim-{year}.xlsx", content_type=XLSX)
        return self.render_to_response(self.get_context_data(
            rows=rows, total=total, year=year, headers=recap_headers(),
            years=range(last_full_year(), last_full_year() - 8, -1),
        ))
