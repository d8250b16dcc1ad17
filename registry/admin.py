"""Django admin for the registry: accounts, reference data and records, with their history.

The admin is the Admin Dinas' tool for the whole district. Officers work in the registry pages,
where every list is limited to their kecamatan.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import nik as nik_codec
from .formats import rupiah
from .models import (
    BoardMember,
    Cooperative,
    Desa,
    Kecamatan,
    Member,
    RegionAlias,
    StatusChange,
    User,
    YearlyReport,
)
from .services.cooperatives import cooperative_change_status


def field_label(model, name):
    """A column title from the model field's verbose name, so admin and registry say the same."""
    return model._meta.get_field(name).verbose_name


# ---------------------------------------------------------------------------------------------
# Base classes
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------------------------


@admin.register(Kecamatan)
class KecamatanAdmin(HistoryAdmin):
    list_display = ["code", "name", "desa_count"]
    search_fields = ["name", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(desa_count=Count("desa_set"))

    @admin.display(description=_("jumlah desa/kelurahan"), ordering="desa_count")
    def desa_count(self, obj):
        return obj.desa_count


@admin.register(Desa)
class DesaAdmin(HistoryAdmin):
    list_display = ["code", "name", "level", "kecamatan"]
    list_filter = ["level", "kecamatan"]
    # Also the search behind the desa autocomplete of cooperatives and members.
    search_fields = ["name", "code", "kecamatan__name"]
    list_select_related = ["kecamatan"]


@admin.register(RegionAlias)
class RegionAliasAdmin(HistoryAdmin):
    list_display = ["alias", "canonical"]
    search_fields = ["alias", "canonical"]


# ---------------------------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------------------------


ROLES_AND_AREA = (_("Peran dan wilayah kerja"), {"fields": ["groups", "kecamatan"]})


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    """Accounts with their roles (groups) and their area (kecamatan; none = the whole district)."""

    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        ROLES_AND_AREA,
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    # A new account gets its role and area at once, not in a second step.
    add_fieldsets = [
        *auth_admin.UserAdmin.add_fieldsets,
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        ROLES_AND_AREA,
    ]
    filter_horizontal = ["groups", "user_permissions", "kecamatan"]
    list_display = ["username", "first_name", "last_name", "roles", "area", "is_staff", "is_active"]
    list_filter = ["groups", "kecamatan", "is_staff", "is_superuser", "is_active"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "kecamatan")

    @admin.display(description=_("peran"))
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all()) or None

    @admin.display(description=field_label(User, "kecamatan"))
    def area(self, obj):
        return ", ".join(kecamatan.name for kecamatan in obj.kecamatan.all()) or _("Seluruh kabupaten")


# ---------------------------------------------------------------------------------------------
# Cooperatives and their status history
# ---------------------------------------------------------------------------------------------


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

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, "status", "status_since"]

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
            if to_status == cooperative.status:
                self.add_error("to_status", _("Koperasi sudah berstatus ini."))
            elif not cooperative.can_change_status_to(to_status):
                self.add_error("to_status", _("Status %(from)s tidak bisa langsung menjadi %(to)s.") % {
                    "from": cooperative.get_status_display(),
                    "to": Cooperative.Status(to_status).label,
                })
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
    search_fields = ["cooperative__name", "cooperative__nomor_induk", "reason"]
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


# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------


class CurrentTermFilter(admin.SimpleListFilter):
    title = _("masa jabatan")
    parameter_name = "menjabat"

    def lookups(self, request, model_admin):
        return [("ya", _("Sedang menjabat")), ("tidak", _("Tidak sedang menjabat"))]

    def queryset(self, request, queryset):
        if self.value() == "ya":
            return queryset.current()
        if self.value() == "tidak":
            return queryset.exclude(pk__in=BoardMember.objects.current().values("pk"))
        return queryset


@admin.register(BoardMember)
class BoardMemberAdmin(VersionedRecordAdmin):
    fields = ["cooperative", "name", "role", "sex", "phone", "term_start", "term_end", "ended_on", "version"]
    readonly_fields = ["version"]
    autocomplete_fields = ["cooperative"]
    list_display = ["name", "role", "cooperative", "term_start", "term_end", "ended_on", "current"]
    list_filter = ["role", CurrentTermFilter, "sex", "cooperative__desa__kecamatan"]
    list_select_related = ["cooperative"]
    search_fields = ["name", "cooperative__name"]

    @admin.display(description=_("sedang menjabat"), boolean=True)
    def current(self, obj):
        return obj.is_current()


_UNIQUE_NIK = next(c for c in Member._meta.constraints if c.name == "member_unique_nik_in_cooperative")


class MemberAdminForm(forms.ModelForm):
    """Records or replaces a member's NIK without ever showing the stored one.

    `nik` is not a model field: the model keeps only the ciphertext and the keyed hash, written
    by the `Member.nik` setter. Left empty, the recorded NIK stays. The uniqueness constraint
    rests on `nik_hash`, which is no form field, so the form checks it itself.
    """

    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=32,
        help_text=_("16 angka (0-9); spasi, titik dan tanda hubung diabaikan. "
                    "Untuk anggota yang sudah tercatat, kosongkan agar NIK lama tetap."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    class Meta:
        model = Member
        fields = "__all__"
        help_texts = {"has_nik": _("Hapus centang bila anggota tidak punya NIK; NIK yang tercatat ikut dihapus.")}

    def clean_nik(self):
        nik = nik_codec.normalise_nik(self.cleaned_data["nik"])
        if nik:
            nik_codec.validate_nik(nik)
        return nik

    def clean(self):
        cleaned = super().clean()
        if "nik" in self.errors:
            return cleaned
        nik = cleaned.get("nik")
        if not cleaned.get("has_nik"):
            if nik:
                self.add_error("nik", _("Kosongkan NIK, atau centang bahwa anggota punya NIK."))
            return cleaned
        nik_hash = nik_codec.hash_nik(nik) if nik else self.instance.nik_hash
        if nik_hash is None:
            self.add_error("nik", _("Isi NIK, atau hapus centang bila anggota tidak punya NIK."))
            return cleaned
        cooperative = cleaned.get("cooperative")
        others = Member.objects.filter(cooperative=cooperative, nik_hash=nik_hash).exclude(pk=self.instance.pk)
        if cooperative and others.exists():
            # On a kept NIK, it is the move to another cooperative that collides.
            self.add_error("nik" if nik else "cooperative", _UNIQUE_NIK.violation_error_message)
        return cleaned

    def save(self, commit=True):
        if not self.cleaned_data["has_nik"]:
            self.instance.nik = None
        elif self.cleaned_data["nik"]:
            self.instance.nik = self.cleaned_data["nik"]
        return super().save(commit)


@admin.register(Member)
class MemberAdmin(VersionedRecordAdmin):
    """Members, whose NIK is personal data (UU 27/2022): masked in lists and forms.

    A full 16-digit NIK typed into the search box finds the member through the keyed hash; the
    stored NIK is never decrypted for searching. History diffs leave out the ciphertext and the
    hash (simple-history skips non-editable fields), so each version shows its NIK masked instead.
    """

    form = MemberAdminForm
    history_list_display = ["nik"]
    readonly_fields = ["nik_recorded", "version"]
    autocomplete_fields = ["cooperative", "desa"]
    list_display = ["name", "nik_short", "cooperative", "member_number", "sex", "joined_on", "left_on"]
    list_filter = ["has_nik", "sex", "left_on", "cooperative__desa__kecamatan"]
    list_select_related = ["cooperative"]
    search_fields = ["name", "member_number", "cooperative__name"]

    def get_fieldsets(self, request, obj=None):
        nik_fields = ["has_nik", "nik"] if obj is None else ["nik_recorded", "has_nik", "nik"]
        return [
            (None, {"fields": ["cooperative", "name", "member_number"]}),
            (_("NIK"), {"fields": nik_fields}),
            (_("Data pribadi"), {"fields": ["sex", "birth_date", "desa"]}),
            (_("Keanggotaan"), {"fields": ["joined_on", "left_on"]}),
            (_("Catatan sistem"), {"fields": ["version"]}),
        ]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        nik = nik_codec.normalise_nik(search_term)
        if nik_codec.NIK_RE.fullmatch(nik):
            results |= queryset.filter(nik_hash=nik_codec.hash_nik(nik))
        return results, may_have_duplicates

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        nik = form.cleaned_data.get("nik")
        if nik and nik_codec.nik_outside_kutim(nik):
            # Members move: a NIK from elsewhere is worth a look, not an error.
            self.message_user(
                request, _("NIK ini terdaftar di luar Kutai Timur (kode wilayah %(prefix)s): periksa lagi.")
                % {"prefix": nik[:6]}, messages.WARNING,
            )

    @admin.display(description=_("NIK"))
    def nik_short(self, obj):
        if not obj.has_nik:
            return _("tidak punya NIK")
        return obj.nik_masked or None

    def nik(self, record):
        """The NIK of one historical version, masked as on a profile."""
        return self.nik_recorded(record.instance)

    @admin.display(description=_("NIK tercatat"))
    def nik_recorded(self, obj):
        if not obj.has_nik:
            return _("tidak punya NIK")
        return obj.nik_profile_masked or None


# ---------------------------------------------------------------------------------------------
# Yearly reports
# ---------------------------------------------------------------------------------------------


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
    list_filter = ["year", "financial_report", "rat_quorum", "cooperative__desa__kecamatan"]
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


from . import admin_assessments, admin_imports, admin_partnerships  # noqa: E402,F401
