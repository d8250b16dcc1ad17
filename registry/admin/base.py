"""What every registry admin shares: history read-only, registry records for whole-district users only,
changelists that stay fast at national size, and the versioned records' change forms saved through
the same write path as the registry's forms."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from ..models import last_full_year
from ..paginators import BoundedCountPaginator
from ..services.creation import AlreadyRecorded, insert_once
from ..services.versioning import EditConflict, lock_at_version, remember_loaded, save_versioned


def field_label(model, name):
    """A column title from the model field's verbose name, so admin and registry say the same."""
    return model._meta.get_field(name).verbose_name


class HistoryAdmin(SimpleHistoryAdmin):
    """History can be read, never reverted; a new record is inserted through `insert_once`.

    A revert writes an old row back whole: past the status lifecycle, past the optimistic lock's
    version and onto fields this admin keeps read-only. Whoever needs an old value enters it
    again, and that edit is recorded like any other.
    """

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        obj._history_user = request.user
        insert_once(instance=obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except AlreadyRecorded as taken:
            # Someone else added the same record while this one was saved (the whole save was rolled
            # back). Checked again, the form now meets it and says so with the model's own message,
            # the input kept; should it still pass (a field the form does not check), the add page
            # opens again with the refusal.
            self.message_user(request, taken.messages[0], level=messages.WARNING)
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except AlreadyRecorded:
                self.message_user(request, taken.messages[0], level=messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The revert button is hidden, but the view would still accept a POST.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class WholeDistrictOnlyMixin:
    """Records for whole-district users only.

    A user limited to some kecamatan must not see records outside them. The admin's changelists,
    autocomplete and history views know nothing of areas, so rather than scope each of them, such
    a user gets no registry records here at all and works in the registry pages.
    """

    def _whole_district(self, request):
        return request.user.covers_whole_district

    def has_view_permission(self, request, obj=None):
        return self._whole_district(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._whole_district(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._whole_district(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._whole_district(request) and super().has_delete_permission(request, obj)


class BoundedCountMixin:
    """A changelist that never counts a whole large table: the registry's own bounded count.

    Django admin counts every row matching the filters for the paginator, then the whole table
    again for "N total": two full COUNT(*) per page, most of the member changelist's time at
    national size (3 million members). Here the count stops at `BoundedCountPaginator.count_limit`
    + 1 rows ("more than 10,000", pages stop there: refine the filter); an unfiltered, unsearched
    list is the whole table, so PostgreSQL's planner estimate stands in beyond the bound ("about").
    The autocomplete of a foreign key to these records pages through the same paginator.
    Below the bound (every table at Kutim's own size) the count is exact, as before.
    """

    paginator = BoundedCountPaginator
    show_full_result_count = False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # No condition at all in the query: neither a filter nor a search (nor a scope) narrows it.
        whole_table = not queryset.query.where
        return self.paginator(
            queryset, per_page, orphans, allow_empty_first_page,
            estimate_table=self.model._meta.db_table if whole_table else None,
        )


class BookYearFilter(admin.SimpleListFilter):
    """The book year, offered for the last `YEARS` closed years rather than read from the table.

    Django's filter on a plain column lists the column's distinct values: a SELECT DISTINCT over
    615,000 yearly reports (about 110 ms at national size) on every page of the changelist. The
    parameter is the one Django's filter used (`year__exact`), so older years and links made
    before still work when typed.
    """

    title = gettext_lazy("tahun buku")
    parameter_name = "year__exact"
    YEARS = 15

    def lookups(self, request, model_admin):
        last = last_full_year()
        years = list(range(last, last - self.YEARS, -1))
        if self.value() and self.value().isdigit() and int(self.value()) not in years:
            years.append(int(self.value()))  # a year typed in the address stays shown as chosen
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if not (self.value().isascii() and self.value().isdigit()):
            raise IncorrectLookupParameters(self.value())
        return queryset.filter(year=int(self.value()))


class ReadOnlyAdmin(BoundedCountMixin, WholeDistrictOnlyMixin, admin.ModelAdmin):
    """Records the admin shows but never writes: logs, and what changes only through a service."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RecordAdmin(BoundedCountMixin, WholeDistrictOnlyMixin, HistoryAdmin):
    """Registry records (cooperatives and what belongs to them), with history, for whole-district users only."""


class VersionCheckedForm(forms.ModelForm):
    """A change form that saves only over the version it was opened at (a hidden field).

    The check runs in `clean()` under the row lock: the admin validates and saves in one
    transaction, so the row stays locked until `save_model` has written it.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 1

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        version = cleaned.get("version")
        if version is None:
            raise ValidationError(_("Formulir ini tidak membawa versi data: buka lagi halamannya."))
        try:
            lock_at_version(type(self.instance), self.instance.pk, version)
        except EditConflict as conflict:
            fields = ", ".join(str(change.label) for change in conflict.changes) or _("beberapa isian")
            raise ValidationError(
                _("Tidak disimpan: %(who)s mengubah data ini pada %(when)s (%(fields)s) setelah Anda membukanya. "
                  "Buka lagi halaman ini untuk melihat data terbaru, lalu ulangi perubahan Anda.")
                % {
                    "who": (conflict.changed_by.get_full_name() or conflict.changed_by.get_username())
                    if conflict.changed_by else _("pengguna lain"),
                    "when": date_format(localtime(conflict.changed_at), "d/m/Y H:i") if conflict.changed_at else "-",
                    "fields": fields,
                },
                code="edit_conflict",
            ) from None
        return cleaned


class VersionedRecordAdmin(RecordAdmin):
    """Records with optimistic locking, saved through `save_versioned` like every registry form.

    The change form carries the version it was opened at (hidden) and refuses a save when someone
    saved since, with who, when and what; a save writes only the fields that differ from the stored
    row and moves the version on, so a registry form opened before reports a conflict instead of
    silently overwriting the admin's change. The version is never shown as an editable field.
    """

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        return None if obj is None else remember_loaded(obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, VersionCheckedForm):
            return form
        return type(form.__name__, (VersionCheckedForm, form), {})

    def get_exclude(self, request, obj=None):
        # The model's `version` is not editable; the form's hidden field of that name stands in.
        return ["version", *(super().get_exclude(request, obj) or [])]

    def get_readonly_fields(self, request, obj=None):
        return [name for name in super().get_readonly_fields(request, obj) if name != "version"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if "version" in flatten_fieldsets(fieldsets):
            return fieldsets
        # The hidden field has to be rendered: add it to the first fieldset (a hidden row).
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "version"]}), *rest]

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        obj._history_user = request.user
        save_versioned(instance=obj, expected_version=form.cleaned_data["version"])
