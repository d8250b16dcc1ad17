"""Export of a list (its current filters) as XLSX or CSV: logged, NIK masked unless asked; a large one is
prepared by the task worker and downloaded from "Ekspor saya"."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from .. import nik as nik_codec
from ..filters.active import active_filters
from ..forms.exports import FullNikExportForm
from ..mixins import NoStoreMixin, RegistryPermissionMixin
from ..models import MAX_YEAR, MIN_YEAR, ExportLog, Member, last_full_year
from ..models.imports import export_storage
from ..selectors.recap import ministry_recap
from ..services.exports import export_is_large, export_request, full_nik_export_log
from ..services.limits import LimitReached
from ..spreadsheets.list_exports import (
    EXPORTS,
    InvalidFilter,
    csv_stream,
    export_context,
    recap_headers,
    recap_workbook,
    xlsx_file,
)
from .limits import limit_reached

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The old GET switch of the full NIK column: now only an old link, sent to the form that asks why.
FULL_NIK_PARAM = "nik_lengkap"
NOT_FILTERS = {FULL_NIK_PARAM, "page", "format"}


def logged_query(request):
    """The export's filters as the log keeps them: no page or format, never a NIK."""
    query = request.GET.copy()
    for key in NOT_FILTERS:
        query.pop(key, None)
    for key in query:
        query.setlist(key, [nik_codec.redact_niks(value) for value in query.getlist(key)])
    return query.urlencode()


def invalid_filter(request, error):
    """400 naming the filters the list refuses: an export never drops a filter and exports more."""
    response = render(request, "400.html", {"problems": [
        _("Ekspor dibatalkan karena filternya tidak valid; tidak ada data yang diekspor."), *error.problems,
    ]}, status=400)
    response["Cache-Control"] = "no-store"
    return response


def export_response(request, export, log, queryset, *, full_nik):
    """The file of a small export, answered in the request; its log row finished once written."""
    ctx = export_context(request.user, full_nik=full_nik)
    columns = export.columns(ctx)

    def done(count):
        ExportLog.objects.filter(pk=log.pk).update(status=ExportLog.Status.DONE, row_count=count,
                                                   finished_at=timezone.now())

    filename = log.filename
    if log.file_format == "csv":
        response = StreamingHttpResponse(csv_stream(queryset, columns, ctx, done),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    handle, count = xlsx_file(queryset, columns, ctx, export.title)
    done(count)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


def prepared_elsewhere(request, log):
    if log.status == ExportLog.Status.PREPARING:
        messages.info(request, _("Ekspor sedang disiapkan. Tautan unduhnya muncul di halaman ini setelah "
                                 "selesai; halaman ini boleh ditinggalkan."))
    return HttpResponseRedirect(reverse("registry:exportlog_list"))


class ListExportView(RegistryPermissionMixin, NoStoreMixin, View):
    """/ekspor/<list>/<xlsx|csv>/?<the list's filters>: NIK masked (the full column: FullNikExportView)."""

    permission_required = "registry.export_data"

    def get(self, request, kind, fmt):
        export = EXPORTS.get(kind)
        if export is None or fmt not in {"xlsx", "csv"}:
            raise Http404
        # Pimpinan exports aggregates and lists without personal data only.
        if export.personal and not request.user.has_perm("registry.export_personal_data"):
            raise PermissionDenied
        if kind == "anggota" and FULL_NIK_PARAM in request.GET:
            query = request.GET.copy()
            query.pop(FULL_NIK_PARAM)
            return HttpResponseRedirect(f"{reverse('registry:member_full_nik_export')}?{query.urlencode()}")
        try:
            queryset = export.rows(request.user, request.GET, request.session)
        except InvalidFilter as error:
            return invalid_filter(request, error)
        query = logged_query(request)
        if export_is_large(queryset):
            log = export_request(user=request.user, kind=kind, file_format=fmt, query=query, full_nik=False)
            return prepared_elsewhere(request, log)
        log = ExportLog.objects.create(user=request.user, kind=kind, file_format=fmt, query=query,
                                       full_nik=False, status=ExportLog.Status.PREPARING)
        return export_response(request, export, log, queryset, full_nik=False)


class FullNikExportView(RegistryPermissionMixin, NoStoreMixin, FormView):
    """/ekspor/anggota-nik-lengkap/?<the member list's filters>: members with the full NIK column.

    Its own permission (`export_full_nik`, Admin Dinas unless granted), a page that states the
    filters and asks for the purpose, a POST (CSRF), a daily limit, a file named `-NIK-LENGKAP-`,
    and the purpose in the export log.
    """

    permission_required = ("registry.export_data", "registry.export_personal_data", "registry.export_full_nik")
    form_class = FullNikExportForm
    template_name = "registry/exports/full_nik.html"

    def dispatch(self, request, *args, **kwargs):
        self.export = EXPORTS["anggota"]
        return super().dispatch(request, *args, **kwargs)

    def rows(self):
        return self.export.rows(self.request.user, self.request.GET, self.request.session)

    def get(self, request, *args, **kwargs):
        try:
            self.rows()
        except InvalidFilter as error:
            return invalid_filter(request, error)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            self.queryset = self.rows()
        except InvalidFilter as error:
            return invalid_filter(request, error)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        filterset = self.export.filterset(self.request.GET, queryset=Member.objects.none(), request=self.request)
        return super().get_context_data(
            filters=active_filters(filterset, self.request), query=self.request.GET.urlencode(),
            daily_limit=settings.FULL_NIK_EXPORT_DAILY_LIMIT, **kwargs,
        )

    def form_valid(self, form):
        large = export_is_large(self.queryset)
        try:
            log = full_nik_export_log(
                user=self.request.user, file_format=form.cleaned_data["file_format"],
                query=logged_query(self.request), purpose=form.cleaned_data["purpose"], large=large,
            )
        except LimitReached as error:
            return limit_reached(self.request, error)
        logger.info("full NIK export %s by user %s", log.pk, self.request.user.pk)
        if large:
            return prepared_elsewhere(self.request, log)
        return export_response(self.request, self.export, log, self.queryset, full_nik=True)


class ExportLogListView(RegistryPermissionMixin, NoStoreMixin, ListView):
    """/ekspor/saya/: the user's own exports; a large one shows "sedang disiapkan", then its download."""

    permission_required = "registry.export_data"
    template_name = "registry/exports/mine.html"
    paginate_by = 50

    def get_queryset(self):
        return ExportLog.objects.filter(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["now"] = timezone.now()
        context["preparing"] = any(log.status == ExportLog.Status.PREPARING for log in context["object_list"])
        context["export_file_hours"] = settings.EXPORT_FILE_HOURS
        for log in context["object_list"]:
            log.title = EXPORTS[log.kind].title if log.kind in EXPORTS else _("Rekap untuk kementerian")
        return context


class ExportLogDownloadView(RegistryPermissionMixin, NoStoreMixin, View):
    """The file of one's own prepared export, from the export storage; anyone else's is not found."""

    permission_required = "registry.export_data"

    def get(self, request, pk):
        log = get_object_or_404(ExportLog.objects.filter(user=request.user), pk=pk)
        export = EXPORTS.get(log.kind)
        # The rights the export needed are checked again: they may have been taken away since.
        if export and export.personal and not request.user.has_perm("registry.export_personal_data"):
            raise PermissionDenied
        if log.full_nik and not request.user.has_perm("registry.export_full_nik"):
            raise PermissionDenied
        if not log.downloadable():
            messages.error(request, _("Berkas ekspor ini tidak tersedia lagi (kedaluwarsa atau belum selesai). "
                                      "Ekspor ulang dari daftarnya."))
            return HttpResponseRedirect(reverse("registry:exportlog_list"))
        try:
            handle = export_storage().open(log.file.name, "rb")
        except OSError:
            logger.error("Export %s: its file is missing from the export storage", log.pk)
            messages.error(request, _("Berkas ekspor tidak ditemukan di penyimpanan. Ekspor ulang dari daftarnya."))
            return HttpResponseRedirect(reverse("registry:exportlog_list"))
        content_type = XLSX if log.file_format == "xlsx" else "text/csv; charset=utf-8"
        return FileResponse(handle, as_attachment=True, filename=log.filename, content_type=content_type)


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
                                     row_count=len(rows), finished_at=timezone.now())
            return FileResponse(recap_workbook(rows, total, year), as_attachment=True,
                                filename=f"rekap-koperasi-kutim-{year}.xlsx", content_type=XLSX)
        return self.render_to_response(self.get_context_data(
            rows=rows, total=total, year=year, headers=recap_headers(),
            years=range(last_full_year(), last_full_year() - 8, -1),
        ))
