"""Imports: upload and dry run, commit, the errors and templates as XLSX, the batches and their undo."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from ..forms.imports import ImportUploadForm
from ..mixins import NoStoreMixin, RegistryPermissionMixin
from ..models import Cooperative, ImportBatch, ImportKind
from ..spreadsheets import pending
from ..spreadsheets.import_sheets import errors_workbook, template_workbook
from ..spreadsheets.imports import (
    ImportRejected,
    UndoRefused,
    import_batch_undo,
    import_commit,
    import_dry_run,
    preview_plan,
)
from ..spreadsheets.kinds import SPECS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cooperative(request, info):
    if not info.get("cooperative"):
        return None
    return get_object_or_404(Cooperative.objects.for_user(request.user), pk=info["cooperative"])


class ImportBatchCreateView(RegistryPermissionMixin, NoStoreMixin, FormView):
    """/impor/: choose the kind, upload; every row is checked and the preview shows what would happen."""

    permission_required = "registry.add_importbatch"
    form_class = ImportUploadForm
    template_name = "registry/imports/upload.html"
    extra_context = {"kinds": ImportKind.choices}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        upload, cooperative = form.cleaned_data["file"], form.cleaned_data["cooperative"]
        data = upload.read()
        kind = form.cleaned_data["kind"]
        token = pending.store(self.request, data=data, file_name=upload.name, kind=kind,
                              cooperative_id=cooperative.pk if cooperative else None)
        result = import_dry_run(kind=kind, data=data, file_name=upload.name, user=self.request.user,
                                cooperative=cooperative, collect=True)
        pending.store_plan(token, preview_plan(result))
        return self.response_class(self.request, "registry/imports/preview.html", {
            "result": result, "token": token, "kind_label": ImportKind(kind).label, "cooperative": cooperative,
        })


class ImportBatchCommitView(RegistryPermissionMixin, NoStoreMixin, View):
    """POST: write the checked file in one transaction (the clean rows only after explicit confirmation)."""

    permission_required = "registry.add_importbatch"

    def post(self, request):
        token = request.POST.get("token", "")
        loaded = pending.load(request, token)
        if loaded is None:
            messages.error(request, _("Berkas yang diperiksa tidak ditemukan lagi: unggah ulang."))
            return HttpResponseRedirect(reverse("registry:importbatch_create"))
        info, data = loaded
        try:
            batch = import_commit(
                kind=info["kind"], data=data, file_name=info["name"], user=request.user,
                cooperative=_cooperative(request, info), skip_errors=request.POST.get("lewati") == "1",
                previewed=pending.load_plan(request, token),
            )
        except ImportRejected as rejected:
            messages.error(request, rejected.message)
            return HttpResponseRedirect(reverse("registry:importbatch_create"))
        pending.discard(request, token)
        messages.success(request, _("Impor tersimpan: %(created)s baru, %(updated)s diubah, %(unchanged)s tetap.")
                         % {"created": batch.rows_created, "updated": batch.rows_updated,
                            "unchanged": batch.rows_unchanged})
        if batch.rows_conflicted:
            messages.warning(request, _("%(count)s baris tidak disimpan karena datanya diubah orang lain setelah "
                                        "pratinjau: lihat daftarnya di bawah.") % {"count": batch.rows_conflicted})
        return HttpResponseRedirect(reverse("registry:importbatch_detail", args=[batch.pk]))


class ImportBatchErrorsView(RegistryPermissionMixin, NoStoreMixin, View):
    """The uploaded sheet with an added column of each row's errors (XLSX)."""

    permission_required = "registry.add_importbatch"

    def get(self, request, token):
        loaded = pending.load(request, token)
        if loaded is None:
            raise Http404
        info, data = loaded
        result = import_dry_run(kind=info["kind"], data=data, file_name=info["name"], user=request.user,
                                cooperative=_cooperative(request, info))
        if result.file_error:
            raise Http404
        name = info["name"].rsplit(".", 1)[0] + "-kesalahan.xlsx"
        return FileResponse(errors_workbook(data, info["name"], result), as_attachment=True, filename=name,
                            content_type=XLSX)


class ImportTemplateView(RegistryPermissionMixin, View):
    """The template of a kind: headers, an example row, an instructions sheet."""

    permission_required = "registry.add_importbatch"

    def get(self, request, kind):
        if kind not in SPECS:
            raise Http404
        return FileResponse(template_workbook(kind), as_attachment=True, filename=f"templat-impor-{kind}.xlsx",
                            content_type=XLSX)


class ImportBatchListView(RegistryPermissionMixin, ListView):
    permission_required = "registry.view_importbatch"
    template_name = "registry/imports/batch_list.html"
    paginate_by = 50

    def get_queryset(self):
        return ImportBatch.objects.for_user(self.request.user).select_related("user", "undone_by")


class ImportBatchDetailView(RegistryPermissionMixin, DetailView):
    permission_required = "registry.view_importbatch"
    template_name = "registry/imports/batch_detail.html"

    def get_queryset(self):
        return ImportBatch.objects.for_user(self.request.user).select_related("user", "undone_by")


class ImportBatchUndoView(RegistryPermissionMixin, DetailView):
    """GET asks for confirmation; POST deletes what the batch created and restores what it changed."""

    permission_required = "registry.undo_importbatch"
    template_name = "registry/imports/undo_confirm.html"

    def get_queryset(self):
        return ImportBatch.objects.for_user(self.request.user).select_related("user")

    def post(self, request, pk):
        batch = self.get_object()
        try:
            import_batch_undo(batch=batch, user=request.user)
        except UndoRefused as refused:
            messages.error(request, " ".join([refused.message, *map(str, refused.details)]))
        else:
            messages.success(request, _("Impor dibatalkan: data kembali seperti sebelum impor."))
        return HttpResponseRedirect(reverse("registry:importbatch_detail", args=[batch.pk]))
