"""Supervisory findings: the list (overdue ones flagged), record one for a cooperative, follow it up."""

from django.contrib import messages
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, UpdateView
from django_filters.views import FilterView

from ..filters.active import active_filters
from ..filters.partnerships import FindingFilter
from ..forms.partnerships import FindingForm
from ..mixins import CooperativeInAreaMixin, RegistryPermissionMixin, VersionedEditMixin
from ..paginators import KeysetPaginationMixin
from ..selectors import partnerships as selectors


class FindingListView(RegistryPermissionMixin, KeysetPaginationMixin, FilterView):
    permission_required = "registry.view_finding"
    filterset_class = FindingFilter
    template_name = "registry/findings/list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.finding_rows(user=self.request.user)

    def page_rows(self, rows):
        return selectors.with_finding_names(rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(active_filters=active_filters(self.filterset, self.request), **kwargs)
        today = timezone.localdate()
        for finding in context["object_list"]:
            finding.overdue = finding.is_overdue(today)
        context["overdue_count"] = selectors.finding_list(user=self.request.user).overdue(today).count()
        return context


def profile_url(cooperative_pk):
    return reverse("registry:cooperative_detail", args=[cooperative_pk]) + "#temuan"


class FindingCreateView(RegistryPermissionMixin, CooperativeInAreaMixin, CreateView):
    permission_required = "registry.add_finding"
    form_class = FindingForm
    template_name = "registry/findings/form.html"
    extra_context = {"title": _("Catat temuan pengawasan")}

    def form_valid(self, form):
        form.instance.cooperative = self.get_cooperative()
        form.instance._change_reason = form.cleaned_data.get("change_reason") or _("Temuan dicatat")
        messages.success(self.request, _("Temuan tercatat."))
        return super().form_valid(form)

    def get_success_url(self):
        return profile_url(self.object.cooperative_id)


class FindingUpdateView(RegistryPermissionMixin, CooperativeInAreaMixin, VersionedEditMixin, UpdateView):
    permission_required = "registry.change_finding"
    form_class = FindingForm
    template_name = "registry/findings/form.html"
    extra_context = {"title": _("Tindak lanjut temuan")}

    def get_queryset(self):
        return selectors.finding_list(user=self.request.user).filter(cooperative=self.kwargs["cooperative_pk"])

    def get_success_url(self):
        return profile_url(self.object.cooperative_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(record_history=selectors.record_history(self.object), **kwargs)
