"""The office's settings (letterhead, signatory, RAT due dates): one row, kept by an Admin Dinas."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import OfficeSettings
from .base import VersionedRecordAdmin


@admin.register(OfficeSettings)
class OfficeSettingsAdmin(VersionedRecordAdmin):
    fieldsets = [
        (None, {"fields": ["government", "office_name", "address", "place"]}),
        (_("Penanda tangan surat"), {"fields": ["signatory_name", "signatory_title", "signatory_nip"]}),
        (_("Musim RAT"), {"fields": ["rat_due_months", "rat_report_days"]}),
    ]

    def has_add_permission(self, request, *args):
        # One row, created with its defaults the first time it is read (and by the changelist).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        OfficeSettings.current()
        return super().changelist_view(request, extra_context)
