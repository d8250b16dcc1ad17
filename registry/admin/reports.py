"""Django admin for yearly reports (keragaan) with their RAT."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..formats import rupiah
from ..models import YearlyReport
from .base import BookYearFilter, VersionedRecordAdmin, field_label


@admin.register(YearlyReport)
class YearlyReportAdmin(VersionedRecordAdmin):
    fieldsets = [
        (None, {"fields": ["cooperative", "year"]}),
        (_("Anggota dan pengelola"), {"fields": [("members_male", "members_female"), "employees", "managers"]}),
        (_("Keuangan"), {"fields": [
            ("modal_sendiri", "modal_luar"), "total_assets", "business_volume", ("revenue", "expenses"), "shu",
            "cash", "financial_report",
        ]}),
        (_("Rapat Anggota Tahunan (RAT)"), {"fields": ["rat_date", "rat_attendance", "rat_quorum", "rat_reported_on"]}),
        (_("Catatan sistem"), {"fields": ["version", "updated_at"]}),
    ]
    readonly_fields = ["version", "updated_at"]
    autocomplete_fields = ["cooperative"]
    list_display = ["cooperative", "year", "members", "assets", "surplus", "rat_date", "rat_reported_on"]
    list_filter = [BookYearFilter, "financial_report", "rat_quorum", "cooperative__desa__kecamatan"]
    list_select_related = ["cooperative"]
    search_fields = ["cooperative__name", "cooperative__nomor_induk"]

    @admin.display(description=_("jumlah anggota"))
    def members(self, obj):
        return obj.members_total

    @admin.display(description=field_label(YearlyReport, "total_assets"), ordering="total_assets")
    def assets(self, obj):
        return rupiah(obj.total_assets)

    @admin.display(description=field_label(YearlyReport, "shu"), ordering="shu")
    def surplus(self, obj):
        return rupiah(obj.shu)
