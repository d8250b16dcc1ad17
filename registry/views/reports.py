"""A cooperative's yearly reports (keragaan) with the RAT: add and edit."""

from django.contrib import messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, UpdateView

from ..forms.reports import YearlyReportForm
from ..mixins import CooperativeInAreaMixin, InsertOnceMixin, RegistryPermissionMixin, VersionedEditMixin
from ..models import YearlyReport


def reports_url(cooperative_pk):
    return reverse("registry:cooperative_detail", args=[cooperative_pk]) + "#laporan"


class YearlyReportCreateView(RegistryPermissionMixin, CooperativeInAreaMixin, InsertOnceMixin, CreateView):
    permission_required = "registry.add_yearlyreport"
    form_class = YearlyReportForm
    template_name = "registry/cooperatives/child_form.html"
    extra_context = {"title": _("Tambah laporan tahunan")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cooperative": self.get_cooperative()}

    def form_valid(self, form):
        form.instance._change_reason = form.cleaned_data.get("change_reason") or _("Laporan tahunan baru")
        response = super().form_valid(form)
        messages.success(self.request, _("Laporan tahun %(year)s tercatat.") % {"year": self.object.year})
        return response

    def already_recorded_message(self, existing):
        # Recorded meanwhile by a colleague, or by a reviewer accepting the cooperative's own submission.
        return format_html(
            gettext("Laporan tahun {year} koperasi ini baru saja dicatat orang lain ketika Anda menyimpan. "
                    "Isian Anda belum tersimpan dan masih ada di bawah. <a href=\"{url}\">Buka laporan yang "
                    "tercatat</a> untuk membandingkan, lalu ubah di sana bila perlu."),
            year=existing.year,
            url=reverse("registry:yearlyreport_update", args=[existing.cooperative_id, existing.pk]),
        )

    def get_success_url(self):
        return reports_url(self.object.cooperative_id)


class YearlyReportUpdateView(RegistryPermissionMixin, CooperativeInAreaMixin, VersionedEditMixin, UpdateView):
    permission_required = "registry.change_yearlyreport"
    form_class = YearlyReportForm
    template_name = "registry/cooperatives/child_form.html"
    extra_context = {"title": _("Ubah laporan tahunan")}

    def get_queryset(self):
        reports = YearlyReport.objects.for_user(self.request.user).select_related("cooperative")
        return reports.filter(cooperative=self.kwargs["cooperative_pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cooperative": self.get_cooperative()}

    def get_success_url(self):
        return reports_url(self.object.cooperative_id)
