"""A cooperative's board terms: add, edit, end early."""

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, UpdateView

from .. import data_quality
from ..forms.people import BoardMemberEndForm, BoardMemberForm
from ..mixins import CooperativeInAreaMixin, RegistryPermissionMixin, SaveWarningsMixin, VersionedEditMixin
from ..models import BoardMember


class BoardFormMixin:
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.form_class is BoardMemberForm:
            kwargs["user"] = self.request.user
        return kwargs


def board_url(cooperative_pk):
    return reverse("registry:cooperative_detail", args=[cooperative_pk]) + "#pengurus"


class BoardMemberCreateView(
    RegistryPermissionMixin, CooperativeInAreaMixin, SaveWarningsMixin, BoardFormMixin, CreateView
):
    permission_required = "registry.add_boardmember"
    form_class = BoardMemberForm
    template_name = "registry/cooperatives/child_form.html"
    extra_context = {"title": _("Tambah pengurus/pengawas")}

    def form_valid(self, form):
        form.instance.cooperative = self.get_cooperative()
        form.instance._change_reason = form.cleaned_data.get("change_reason") or _("Masa jabatan baru")
        response = super().form_valid(form)
        messages.success(self.request, _("Pengurus tercatat."))
        return response

    def save_warnings(self, instance):
        return data_quality.board_save_warnings(instance.cooperative)

    def get_success_url(self):
        return board_url(self.object.cooperative_id)


class BoardMemberUpdateView(
    RegistryPermissionMixin, CooperativeInAreaMixin, SaveWarningsMixin, BoardFormMixin, VersionedEditMixin, UpdateView
):
    permission_required = "registry.change_boardmember"
    form_class = BoardMemberForm
    template_name = "registry/cooperatives/child_form.html"
    extra_context = {"title": _("Ubah masa jabatan")}

    def get_queryset(self):
        return BoardMember.objects.for_user(self.request.user).filter(cooperative=self.kwargs["cooperative_pk"])

    def save_warnings(self, instance):
        return data_quality.board_save_warnings(instance.cooperative)

    def get_success_url(self):
        return board_url(self.object.cooperative_id)


class BoardMemberEndView(BoardMemberUpdateView):
    form_class = BoardMemberEndForm
    extra_context = {"title": _("Akhiri masa jabatan")}
    success_message = _("Masa jabatan diakhiri.")
