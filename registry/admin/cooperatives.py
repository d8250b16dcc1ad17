"""Django admin for cooperatives and their status history."""

import functools
import operator

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Cooperative, Desa, StatusChange
from ..selectors.cooperatives import region_words
from ..services.cooperatives import check_status_step, cooperative_change_status
from .base import RecordAdmin, VersionedRecordAdmin


def cooperative_admin_search_q(text):
    """Every word of `text` in the name, the Nomor Induk, the legal entity number, the desa or the
    kecamatan (region aliases included, as in the registry's search), on indexed columns only.

    The admin first searched its three fields and then ORed in the registry's condition
    (selectors.cooperatives.cooperative_search_q), which joins desa and kecamatan: PostgreSQL then
    read all 130,000 cooperatives (0.4-0.8 s at national size). Here each word's desa are looked
    up first (one query over the 141 desa) and matched by code, so every condition is on the
    cooperative's own columns, each with an index: trigram for the three text columns (icontains
    is the UPPER(...) LIKE they answer, migration 0005), B-tree for the desa. A word may now match
    any of them, which finds what either search found before.
    """
    words = [word for word in text.split() if word][:8]
    if not words:
        return None
    condition = Q()
    for word, canonical in region_words(words):
        spellings = [word] if canonical is None else [word, canonical]
        desa = Desa.objects.filter(functools.reduce(
            operator.or_, (Q(name__icontains=s) | Q(kecamatan__name__icontains=s) for s in spellings),
        )).values_list("code", flat=True)
        condition &= (
            Q(name__icontains=word) | Q(nomor_induk__icontains=word) | Q(legal_entity_number__icontains=word)
            | Q(desa__in=list(desa))
        )
    return condition


@admin.register(Cooperative)
class CooperativeAdmin(VersionedRecordAdmin):
    """Cooperatives: never deleted, and their status moves only through a recorded step.

    The status is editable when a cooperative is added (it may be entered already inactive) and
    read-only afterwards: a change must go through `cooperative_change_status`, which checks the
    lifecycle and keeps the date and reason. In the admin that is "Riwayat status > Tambah".
    """

    fieldsets = [
        (_("Identitas dan badan hukum"), {"fields": [
            "name",
            "nomor_induk",
            ("certificate_status", "certificate_expiry"),
            "ods_grade",
            ("legal_entity_number", "legal_entity_date"),
            ("amendment_number", "amendment_date"),
        ]}),
        (_("Klasifikasi"), {"fields": [
            "jenis", ("bentuk", "membership_area"), "kelompok", "sector", "pattern", "palm_oil", "merah_putih",
        ]}),
        (_("Lokasi"), {"fields": ["desa", "address", "postcode", ("latitude", "longitude"), "field_verified_on"]}),
        (_("Kontak"), {"fields": ["phone", "email"]}),
        (_("Status"), {
            "fields": ["status", "status_since"],
            "description": _("Untuk koperasi yang sudah tercatat, status diubah lewat Riwayat status > Tambah, "
                             "dengan tanggal berlaku dan alasan."),
        }),
        (_("Catatan sistem"), {"fields": ["version", "created_at", "updated_at"]}),
    ]
    readonly_fields = ["version", "created_at", "updated_at"]
    autocomplete_fields = ["desa"]
    list_display = ["name", "nomor_induk", "kecamatan", "jenis", "kelompok", "status", "updated_at"]
    list_filter = [
        "status", "jenis", "kelompok", "sector", "palm_oil", "merah_putih", "certificate_status", "desa__kecamatan",
    ]
    list_select_related = ["desa__kecamatan"]
    search_fields = ["name", "nomor_induk", "legal_entity_number"]

    def get_search_results(self, request, queryset, search_term):
        # The search fields above, and the desa or kecamatan (aliases included) as the staff
        # pages find them, in one condition over indexed columns (cooperative_admin_search_q).
        # Also the search behind the autocomplete of every cooperative foreign key.
        condition = cooperative_admin_search_q(search_term)
        return (queryset if condition is None else queryset.filter(condition)), False

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is None else [*fields, "status", "status_since"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("kecamatan"), ordering="desa__kecamatan__name")
    def kecamatan(self, obj):
        return obj.desa.kecamatan


class StatusChangeForm(forms.ModelForm):
    """A new status step, checked against the lifecycle before the service records it."""

    class Meta:
        model = StatusChange
        fields = ["cooperative", "to_status", "changed_on", "reason"]

    def clean(self):
        cleaned = super().clean()
        cooperative, to_status = cleaned.get("cooperative"), cleaned.get("to_status")
        if self.instance.pk is None and cooperative and to_status:
            # The service checks the same under a row lock; here the officer gets a form error.
            try:
                check_status_step(cooperative, to_status=to_status, changed_on=cleaned.get("changed_on"))
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(StatusChange)
class StatusChangeAdmin(RecordAdmin):
    """Status steps. Adding one moves the cooperative's status; recorded steps stay.

    Only the reason of a recorded step can be corrected: its statuses and date are what the
    cooperative went through.
    """

    form = StatusChangeForm
    list_display = ["cooperative", "changed_on", "from_status", "to_status", "changed_by", "created_at"]
    list_filter = ["to_status", "from_status", "cooperative__desa__kecamatan"]
    list_select_related = ["cooperative", "changed_by"]
    # The cooperative's trigram-indexed columns only (migration 0005); the reason has no index.
    search_fields = ["cooperative__name", "cooperative__nomor_induk"]
    search_help_text = _("Nama atau Nomor Induk koperasi.")
    date_hierarchy = "changed_on"
    autocomplete_fields = ["cooperative"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["cooperative", "to_status", "changed_on", "reason"]
        return ["cooperative", "from_status", "to_status", "changed_on", "reason", "changed_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["cooperative", "from_status", "to_status", "changed_on", "changed_by", "created_at"]

    def get_changeform_initial_data(self, request):
        return {"changed_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        step = cooperative_change_status(
            cooperative=obj.cooperative,
            to_status=obj.to_status,
            reason=obj.reason,
            changed_on=obj.changed_on,
            user=request.user,
        )
        # The admin goes on with `obj` (log entry, message, redirect): make it the recorded step.
        for field in StatusChange._meta.concrete_fields:
            setattr(obj, field.attname, getattr(step, field.attname))
        obj._state.adding = False
