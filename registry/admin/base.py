"""What every registry admin shares: history read-only, registry records for whole-district users only."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


def field_label(model, name):
    """A column title from the model field's verbose name, so admin and registry say the same."""
    return model._meta.get_field(name).verbose_name


class HistoryAdmin(SimpleHistoryAdmin):
    """History can be read, never reverted.

    A revert writes an old row back whole: past the status lifecycle, past the optimistic lock's
    version and onto fields this admin keeps read-only. Whoever needs an old value enters it
    again, and that edit is recorded like any other.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The revert button is hidden, but the view would still accept a POST.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class RecordAdmin(HistoryAdmin):
    """Registry records (cooperatives and what belongs to them) for whole-district users only.

    A user limited to some kecamatan must not see records outside them. The admin's changelists,
    autocomplete and history views know nothing of areas, so rather than scope each of them, such
    a user gets no registry records here at all and works in the registry pages.
    """

    def _whole_district(self, request):
        return request.user.covers_whole_district

    def has_view_permission(self, request, obj=None):
        return self._whole_district(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._whole_district(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._whole_district(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._whole_district(request) and super().has_delete_permission(request, obj)


class VersionedRecordAdmin(RecordAdmin):
    """Records with optimistic locking: an admin save bumps `version` like any edit does.

    A registry form opened before the admin's save then reports a conflict instead of silently
    overwriting the admin's change.
    """

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
