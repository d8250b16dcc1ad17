"""A cooperative's change history, and undoing one change of it (Admin Dinas) after a confirmation page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .. import masks
from ..mixins import CooperativeInAreaMixin, NoStoreMixin, RegistryPermissionMixin
from ..models import BoardMember, Cooperative, Member, YearlyReport
from ..selectors.cooperatives import cooperative_for_history, display_value, history_entries
from ..services.history import history_revert, revertable_fields
from ..services.versioning import EditConflict

HISTORY_KINDS = {"koperasi": Cooperative, "pengurus": BoardMember, "laporan": YearlyReport, "anggota": Member}


class CooperativeHistoryView(RegistryPermissionMixin, NoStoreMixin, CooperativeInAreaMixin, TemplateView):
    """The latest changes to a cooperative, its board, yearly reports and members, newest first, as
    differences; personal fields masked as the viewer's role says (`masks`)."""

    permission_required = "registry.view_cooperative"
    template_name = "registry/cooperatives/history.html"

    def get_cooperative(self):
        if not hasattr(self, "_cooperative"):
            queryset = cooperative_for_history(user=self.request.user)
            self._cooperative = get_object_or_404(queryset, pk=self.kwargs["cooperative_pk"])
        return self._cooperative

    def get_context_data(self, **kwargs):
        history = history_entries(cooperative=self.get_cooperative(),
                                  full_personal=masks.sees_personal_data(self.request.user))
        return super().get_context_data(history=history, **kwargs)


class HistoryRevertView(RegistryPermissionMixin, CooperativeInAreaMixin, TemplateView):
    """GET shows what comes back; POST applies it as a new, versioned change with its reason."""

    permission_required = "registry.revert_change"
    template_name = "registry/cooperatives/revert_confirm.html"

    def get_record(self):
        model = HISTORY_KINDS.get(self.kwargs["kind"])
        if model is None:
            raise Http404
        cooperative = self.get_cooperative()
        record = get_object_or_404(model.history.select_related("history_user"), history_id=self.kwargs["history_id"])
        owner = record.id if model is Cooperative else record.cooperative_id
        if owner != cooperative.pk:
            raise Http404
        instance = get_object_or_404(model.objects.for_user(self.request.user), pk=record.id)
        return model, record, instance

    def get_context_data(self, **kwargs):
        model, record, instance = self.get_record()
        rows = []
        fields = revertable_fields(record)
        status_step = model is Cooperative and fields.get("status", instance.status) != instance.status
        full = masks.sees_personal_data(self.request.user)
        for name, old in fields.items():
            model_field = model._meta.get_field(name)
            now = getattr(instance, model_field.attname)
            rows.append({
                "label": model_field.verbose_name,
                "back": display_value(model_field, masks.shown(model, name, old, full=full)),
                "now": display_value(model_field, masks.shown(model, name, now, full=full)),
            })
        return super().get_context_data(record=record, instance=instance, rows=rows, status_step=status_step,
                                        **kwargs)

    def post(self, request, *args, **kwargs):
        model, record, instance = self.get_record()
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None  # a confirmation page from before the version was carried: the record as it is now
        try:
            history_revert(record=record, instance=instance, user=request.user, expected_version=version)
        except EditConflict:
            messages.error(request, _("Data ini sudah diubah orang lain setelah halaman konfirmasi dibuka: "
                                      "periksa lagi nilai yang akan dikembalikan."))
            return redirect(request.path)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Perubahan #%(id)s dikembalikan.") % {"id": record.history_id})
        return redirect("registry:cooperative_history", self.get_cooperative().pk)
