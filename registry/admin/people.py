"""Django admin for board terms and members (the NIK masked, searched through its keyed hash)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .. import masks
from .. import nik as nik_codec
from ..models import BoardMember, Member, NikSearch
from ..security import client_ip
from ..services.limits import LimitReached, enforce_daily_limit
from .base import VersionedRecordAdmin


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
    # Indexed columns only (trigram index, migration 0033): with the cooperative's name beside it,
    # one OR across two tables reads all 770,000 board terms at national size. A cooperative's
    # board is on its page in the registry.
    search_fields = ["name"]
    search_help_text = _("Nama pengurus atau pengawas.")

    @admin.display(description=_("sedang menjabat"), boolean=True)
    def current(self, obj):
        return obj.is_current()

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if masks.sees_personal_data(request.user):
            return fields
        return [field for field in fields if field != "phone"]


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

    A full 16-digit NIK typed into the search box finds the member through the keyed hash, for a
    user with `reveal_nik` only, logged and limited like the registry's search; the stored NIK is
    never decrypted for searching. History diffs leave out the ciphertext and the hash
    (simple-history skips non-editable fields), so each version shows its NIK masked instead.
    Without `reveal_nik` the birth date shows as its year.
    """

    form = MemberAdminForm
    history_list_display = ["nik"]
    readonly_fields = ["nik_recorded", "version", "birth_year"]
    autocomplete_fields = ["cooperative", "desa"]
    list_display = ["name", "nik_short", "cooperative", "member_number", "sex", "joined_on", "left_on"]
    list_filter = ["has_nik", "sex", "left_on", "cooperative__desa__kecamatan"]
    list_select_related = ["cooperative"]
    # Indexed columns only: the name (trigram index, migration 0033) and, below, the full NIK
    # through its keyed hash. The member number has no index, and the cooperative's name beside
    # the member's would be one OR across two tables: each reads all 3 million members at
    # national size. A cooperative's members are listed on its page and in /anggota/?koperasi=.
    search_fields = ["name"]
    search_help_text = _("Nama anggota, atau NIK lengkap (16 angka) bila Anda berhak membuka NIK.")

    def has_delete_permission(self, request, obj=None):
        # A deleted row would leave its history (name, birth date, NIK ciphertext) behind, and a
        # revealed member cannot be deleted at all: members are erased instead, on the member's page
        # ("Hapus data pribadi", registry.services.erasure), which keeps a tombstone.
        return False

    def get_fieldsets(self, request, obj=None):
        nik_fields = ["has_nik", "nik"] if obj is None else ["nik_recorded", "has_nik", "nik"]
        birth = "birth_date" if masks.sees_personal_data(request.user) else "birth_year"
        return [
            (None, {"fields": ["cooperative", "name", "member_number"]}),
            (_("NIK"), {"fields": nik_fields}),
            (_("Data pribadi"), {"fields": ["sex", birth, "desa"]}),
            (_("Keanggotaan"), {"fields": ["joined_on", "left_on"]}),
            (_("Catatan sistem"), {"fields": ["version"]}),
        ]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        nik = nik_codec.normalise_nik(search_term)
        if nik_codec.NIK_RE.fullmatch(nik) and masks.sees_personal_data(request.user):
            found = queryset.filter(nik_hash=nik_codec.hash_nik(nik))
            try:
                with transaction.atomic():
                    enforce_daily_limit(user=request.user, recent=NikSearch.objects.filter(user=request.user),
                                        time_field="searched_at", limit=settings.NIK_SEARCH_DAILY_LIMIT,
                                        what=_("mencari NIK"))
                    NikSearch.objects.create(user=request.user, ip_address=client_ip(request),
                                             nik_hash=nik_codec.hash_nik(nik), found=found.count())
            except LimitReached as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                results |= found
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
        """The NIK of one historical version, masked."""
        return self.nik_recorded(record.instance)

    @admin.display(description=_("NIK tercatat"))
    def nik_recorded(self, obj):
        if not obj.has_nik:
            return _("tidak punya NIK")
        return obj.nik_masked or None

    @admin.display(description=_("tahun lahir"))
    def birth_year(self, obj):
        return obj.birth_year or "–"
