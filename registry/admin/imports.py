"""Django admin for imports and exports: read-only records of who loaded or took out what.

Both name cooperatives and people of some area (a batch's file and rows, an export's filters), so
like the registry records they are shown to whole-district users only.
"""

from django.contrib import admin

from ..models import ExportLog, ImportBatch, MemberErasure
from .base import ReadOnlyAdmin


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "file_name", "user", "rows_created", "rows_updated", "rows_skipped", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "user__username"]
    list_select_related = ["user"]


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "file_format", "query", "status", "row_count", "full_nik", "purpose"]
    list_filter = ["kind", "file_format", "status", "full_nik"]
    search_fields = ["user__username", "query", "purpose"]
    list_select_related = ["user"]


@admin.register(MemberErasure)
class MemberErasureAdmin(ReadOnlyAdmin):
    """Who erased which member's data (the tombstone's id), when and why; the data itself is gone."""

    list_display = ["erased_at", "member_id", "source", "erased_by", "reason"]
    list_filter = ["source"]
    list_select_related = ["erased_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)
