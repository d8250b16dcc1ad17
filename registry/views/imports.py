"""Imports: upload and dry run, commit, the errors and templates as XLSX, the batches and their undo."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from ..formats import angka
from ..forms.imports import ImportUploadForm
from ..mixins import NoStoreMixin, RegistryPermissionMixin
from ..models import ImportBatch, ImportKind, PendingImport
from ..paginators import KeysetPaginationMixin
from ..services.import_jobs import pending_commit_request, pending_data, pending_result, pending_upload
from ..spreadsheets.commit import UndoRefused, import_batch_undo, may_undo
from ..spreadsheets.import_sheets import errors_workbook, template_workbook
from ..spreadsheets.kinds import SPECS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _own_pending(request, token):
    """The user's own upload by its token, or None: anyone else's is as good as absent.

    The file and its check (up to 10 MB) are read only by the views that use them, not by every
    reload of the progress page.
    """
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return (PendingImport.objects.filter(user=request.user, pk=token).select_related("cooperative")
            .defer("data", "result").first())


def _preview(request, pending):
    return TemplateResponse(request, "registry/imports/preview.html", {
        "result": pending_result(pending), "token": pending.pk, "pending": pending,
        "kind_label": ImportKind(pending.kind).label, "cooperative": pending.cooperative,
    })


class ImportBatchCreateView(RegistryPermissionMixin, NoStoreMixin, FormView):
    """/impor/: choose the kind, upload; every row is checked and the preview shows what would happen.

    A large file is checked by the task worker: the user goes to its progress page.
    """

    permission_required = "registry.add_importbatch"
    form_class = ImportUploadForm
    template_name = "registry/imports/upload.html"
    extra_context = {"kinds": ImportKind.choices}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        pending = pending_upload(user=self.request.user, kind=form.cleaned_data["kind"],
                                 cooperative=form.cleaned_data["cooperative"], file_name=upload.name,
                                 data=upload.read())
        if pending.status == PendingImport.Status.CHECKED:
            return _preview(self.request, pending)
        return HttpResponseRedirect(reverse("registry:pendingimport_detail", args=[pending.pk]))


class PendingImportDetailView(RegistryPermissionMixin, NoStoreMixin, View):
    """/impor/berkas/<token>/: a large file's check or commit under way (rows done, percentage; the page
    reloads itself), then its preview, or where its commit went. The uploader's own only."""

    permission_required = "registry.add_importbatch"

    def get(self, request, pk):
        pending = _own_pending(request, pk)
        if pending is None:
            raise Http404
        if pending.status == PendingImport.Status.COMMITTED:
            return HttpResponseRedirect(reverse("registry:importbatch_detail", args=[pending.batch_id]))
        if pending.status == PendingImport.Status.CHECKED:
            if pending.error:
                messages.error(request, _(pending.error))
            return _preview(request, pending)
        return TemplateResponse(request, "registry/imports/progress.html", {
            "pending": pending, "kind_label": ImportKind(pending.kind).label,
        })


class ImportBatchCommitView(RegistryPermissionMixin, NoStoreMixin, View):
    """POST: write the checked file in one transaction (the clean rows only after explicit confirmation)."""

    permission_required = "registry.add_importbatch"

    def post(self, request):
        pending = _own_pending(request, request.POST.get("token", ""))
        if pending is None or pending.status not in (PendingImport.Status.CHECKED, PendingImport.Status.COMMITTING,
                                                     PendingImport.Status.COMMITTED):
            messages.error(request, _("Berkas yang diperiksa tidak ditemukan lagi: unggah ulang."))
            return HttpResponseRedirect(reverse("registry:importbatch_create"))
        if pending.status == PendingImport.Status.CHECKED:
            pending = pending_commit_request(pending=pending, skip_errors=request.POST.get("lewati") == "1")
        if pending.status == PendingImport.Status.COMMITTED:
            batch = pending.batch
            messages.success(request, saved_message(batch))
            if batch.rows_conflicted:
                messages.warning(request, ngettext(
                    "%(count)s baris tidak disimpan karena datanya diubah orang lain setelah pratinjau: lihat "
                    "daftarnya di bawah.",
                    "%(count)s baris tidak disimpan karena datanya diubah orang lain setelah pratinjau: lihat "
                    "daftarnya di bawah.",
                    batch.rows_conflicted) % {"count": angka(batch.rows_conflicted)})
            return HttpResponseRedirect(reverse("registry:importbatch_detail", args=[batch.pk]))
        if pending.status == PendingImport.Status.FAILED:
            messages.error(request, _(pending.error))
            return HttpResponseRedirect(reverse("registry:importbatch_create"))
        return HttpResponseRedirect(reverse("registry:pendingimport_detail", args=[pending.pk]))


def saved_message(batch):
    """What a commit did, every count in Indonesian numbers (10.000): saved (new and changed),
    unchanged, and skipped for their errors."""
    saved = batch.rows_created + batch.rows_updated
    parts = [
        ngettext("%(count)s baris disimpan (%(created)s baru, %(updated)s diubah)",
                 "%(count)s baris disimpan (%(created)s baru, %(updated)s diubah)", saved)
        % {"count": angka(saved), "created": angka(batch.rows_created), "updated": angka(batch.rows_updated)},
        ngettext("%(count)s tidak berubah", "%(count)s tidak berubah", batch.rows_unchanged)
        % {"count": angka(batch.rows_unchanged)},
        ngettext("%(count)s dilewati karena salah", "%(count)s dilewati karena salah", batch.rows_skipped)
        % {"count": angka(batch.rows_skipped)},
    ]
    return _("Impor tersimpan: %(counts)s.") % {"counts": ", ".join(parts)}


class ImportBatchErrorsView(RegistryPermissionMixin, NoStoreMixin, View):
    """The uploaded sheet with an added column of each row's errors (XLSX)."""

    permission_required = "registry.add_importbatch"

    def get(self, request, token):
        pending = _own_pending(request, token)
        result = pending_result(pending) if pending is not None else None
        if result is None or result.file_error:
            raise Http404
        name = pending.file_name.rsplit(".", 1)[0] + "-kesalahan.xlsx"
        return FileResponse(errors_workbook(pending_data(pending), pending.file_name, result), as_attachment=True,
                            filename=name, content_type=XLSX)


class ImportTemplateView(RegistryPermissionMixin, View):
    """The template of a kind: headers, an example row, an instructions sheet."""

    permission_required = "registry.add_importbatch"

    def get(self, request, kind):
        if kind not in SPECS:
            raise Http404
        return FileResponse(template_workbook(kind), as_attachment=True, filename=f"templat-impor-{kind}.xlsx",
                            content_type=XLSX)


class ImportBatchListView(RegistryPermissionMixin, KeysetPaginationMixin, ListView):
    permission_required = "registry.view_importbatch"
    template_name = "registry/imports/batch_list.html"
    paginate_by = 50

    def get_queryset(self):
        # Only what a row shows (registry/imports/_rows.html): the rows skipped and in conflict (lists
        # that can run to thousands of entries) are read on the batch's own page, and of the user only
        # the name. Fifty whole batches with two whole accounts each were most of the page's time.
        return (ImportBatch.objects.for_user(self.request.user).select_related("user")
                .only("created_at", "file_name", "kind", "status", "rows_created", "rows_updated", "rows_skipped",
                      "user__username", "user__first_name", "user__last_name"))


class ImportBatchDetailView(RegistryPermissionMixin, DetailView):
    permission_required = "registry.view_importbatch"
    template_name = "registry/imports/batch_detail.html"

    def get_queryset(self):
        return ImportBatch.objects.for_user(self.request.user).select_related("user", "undone_by")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_undo": may_undo(self.request.user, self.object)}


class ImportBatchUndoView(RegistryPermissionMixin, NoStoreMixin, DetailView):
    """GET asks for confirmation; POST deletes what the batch created and restores what it changed.

    An Admin Dinas undoes any batch, whoever may import their own (commit.may_undo); another's
    batch is 403 (it is listed for them), one they cannot see is 404.
    """

    permission_required = "registry.add_importbatch"
    template_name = "registry/imports/undo_confirm.html"

    def get_queryset(self):
        return ImportBatch.objects.for_user(self.request.user).select_related("user")

    def get_object(self, queryset=None):
        batch = super().get_object(queryset)
        if not may_undo(self.request.user, batch):
            raise PermissionDenied
        return batch

    def post(self, request, pk):
        batch = self.get_object()
        try:
            import_batch_undo(batch=batch, user=request.user)
        except UndoRefused as refused:
            messages.error(request, " ".join([refused.message, *map(str, refused.details)]))
        else:
            messages.success(request, _("Impor dibatalkan: data kembali seperti sebelum impor."))
        return HttpResponseRedirect(reverse("registry:importbatch_detail", args=[batch.pk]))
