"""Trainings: the list, record and edit an event, add participants, coverage per kecamatan."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView
from django_filters.views import FilterView

from .. import figures
from ..filters.active import active_filters
from ..filters.partnerships import TrainingFilter
from ..forms.cooperative_choice import CooperativePickForm
from ..forms.partnerships import ParticipantsAddForm, TrainingForm, TrainingParticipantForm, cooperative_choices
from ..mixins import CooperativeInAreaMixin, RegistryPermissionMixin, VersionedEditMixin
from ..models import Training, TrainingParticipant
from ..paginators import KeysetPaginationMixin
from ..selectors import partnerships as selectors
from ..services.creation import AlreadyRecorded
from ..services.partnerships import training_add_participants
from ..spreadsheets.coverage_export import coverage_workbook


class TrainingListView(RegistryPermissionMixin, KeysetPaginationMixin, FilterView):
    permission_required = "registry.view_training"
    filterset_class = TrainingFilter
    template_name = "registry/trainings/list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.training_rows(user=self.request.user)

    def page_rows(self, rows):
        # The participants are counted for the rows shown only: the list's count reads trainings alone.
        return rows.with_participant_count(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(active_filters=active_filters(self.filterset, self.request), **kwargs)


class TrainingDetailView(RegistryPermissionMixin, DetailView):
    """The event and its participants from the user's area."""

    permission_required = "registry.view_training"
    template_name = "registry/trainings/detail.html"

    def get_queryset(self):
        return Training.objects.for_user(self.request.user).select_related("kecamatan")

    def get_context_data(self, **kwargs):
        participants = selectors.training_participants(training=self.object, user=self.request.user)
        return super().get_context_data(
            participants=participants, record_history=selectors.record_history(self.object),
            changeable=self.object.changeable_by(self.request.user), **kwargs
        )


class TrainingFormMixin:
    form_class = TrainingForm
    template_name = "registry/trainings/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url(self):
        return reverse("registry:training_detail", args=[self.object.pk])


class TrainingCreateView(RegistryPermissionMixin, TrainingFormMixin, CreateView):
    permission_required = "registry.add_training"

    def form_valid(self, form):
        form.instance._change_reason = form.cleaned_data.get("change_reason") or _("Pelatihan dicatat")
        messages.success(self.request, _("Pelatihan tercatat. Tambahkan pesertanya."))
        return super().form_valid(form)


class TrainingUpdateView(RegistryPermissionMixin, TrainingFormMixin, VersionedEditMixin, UpdateView):
    """Change a training held in the user's area; any other is not found (Training.editable_by)."""

    permission_required = "registry.change_training"

    def get_queryset(self):
        return Training.objects.editable_by(self.request.user)


class TrainingParticipantAddView(RegistryPermissionMixin, CooperativeInAreaMixin, FormView):
    """Pick a cooperative (?koperasi=<id>, a GET form), then tick its board members and type its staff."""

    permission_required = "registry.add_trainingparticipant"
    form_class = ParticipantsAddForm
    template_name = "registry/trainings/participants_form.html"

    @cached_property
    def training(self):
        return get_object_or_404(Training.objects.for_user(self.request.user), pk=self.kwargs["pk"])

    def get_cooperative_pk(self):
        return self.request.GET.get("koperasi") or self.request.POST.get("koperasi") or None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "training": self.training, "cooperative": self.get_cooperative()}

    def get(self, request, *args, **kwargs):
        if self.get_cooperative() is None:
            # The cooperative is typed (with suggestions where JavaScript runs) and resolved in the area.
            pick = CooperativePickForm(request.GET if "pilih_koperasi" in request.GET else None,
                                       queryset=cooperative_choices(request.user))
            if pick.is_valid():
                url = reverse("registry:trainingparticipant_add", args=[self.training.pk])
                return redirect(f"{url}?koperasi={pick.cleaned_data['pilih_koperasi'].pk}")
            return self.render_to_response(self.get_context_data(form=None, pick_form=pick))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.get_cooperative() is None:
            return redirect("registry:trainingparticipant_add", self.training.pk)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        cooperative = self.get_cooperative()
        try:
            added = training_add_participants(
                training=self.training, cooperative=cooperative,
                board_members=list(form.cleaned_data["board_members"]), staff=form.cleaned_data["staff"],
                attended=form.cleaned_data["attended"],
            )
        except AlreadyRecorded as taken:
            form.add_error(None, format_html(
                "{} " + gettext("Belum ada yang tersimpan dari isian Anda, yang masih ada di bawah. "
                                "<a href=\"{url}\">Lihat peserta yang tercatat</a>."),
                taken.messages[0], url=reverse("registry:training_detail", args=[self.training.pk]),
            ))
            return self.form_invalid(form)
        messages.success(self.request, ngettext("%(n)s peserta dari %(name)s tercatat.",
                                                 "%(n)s peserta dari %(name)s tercatat.", len(added))
                         % {"n": len(added), "name": cooperative.name})
        return redirect("registry:training_detail", self.training.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(training=self.training, **kwargs)


class TrainingParticipantUpdateView(RegistryPermissionMixin, VersionedEditMixin, UpdateView):
    permission_required = "registry.change_trainingparticipant"
    form_class = TrainingParticipantForm
    template_name = "registry/trainings/participant_form.html"

    def get_queryset(self):
        return TrainingParticipant.objects.for_user(self.request.user).filter(training=self.kwargs["training_pk"])

    def get_success_url(self):
        return reverse("registry:training_detail", args=[self.object.training_id])


class TrainingCoverageView(RegistryPermissionMixin, TemplateView):
    """Per kecamatan, the share of active cooperatives whose board was trained in the last two years,
    and the active cooperatives whose board was never trained."""

    permission_required = "registry.view_training"
    template_name = "registry/trainings/coverage.html"

    def get_context_data(self, **kwargs):
        rows, since = selectors.training_coverage(user=self.request.user)
        active = sum(r["active"] for r in rows)
        trained = sum(r["trained"] for r in rows)
        never = selectors.never_trained(user=self.request.user)
        # ?kecamatan=<code> narrows the never-trained list to one kecamatan of the table.
        kecamatan = next((r for r in rows if r["code"] == self.request.GET.get("kecamatan")), None)
        if kecamatan:
            never = never.filter(desa__kecamatan=kecamatan["code"])
        return super().get_context_data(
            rows=rows, since=since, total_active=active, total_trained=trained,
            total_share=figures.trained_board_share(trained, active), kecamatan=kecamatan,
            never_trained=list(never), **kwargs
        )


class TrainingCoverageExportView(RegistryPermissionMixin, View):
    """The coverage table and the never-trained list as XLSX (the same figures as the page)."""

    permission_required = ("registry.view_training", "registry.export_data")

    def get(self, request, *args, **kwargs):
        rows, since = selectors.training_coverage(user=request.user)
        never = selectors.never_trained(user=request.user)
        response = HttpResponse(coverage_workbook(rows, since, never),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="cakupan-pelatihan-{since:%Y%m%d}.xlsx"'
        return response
