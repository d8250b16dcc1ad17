"""Forms of a cooperative's people: board terms and members (with their NIK)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import masks
from .. import nik as nik_codec
from ..models import BoardMember, Member
from .cooperatives import DATE
from .regions import check_desa_in_kecamatan, setup_desa_fields
from .versioning import VersionedModelForm


class BoardMemberForm(VersionedModelForm):
    """Add or edit a term on the board, the supervisors or the management.

    The phone number is personal data: someone without `reveal_nik` neither sees nor changes it.
    """

    class Meta:
        model = BoardMember
        fields = ["name", "role", "sex", "phone", "term_start", "term_end", "ended_on"]
        widgets = {"term_start": DATE, "term_end": DATE, "ended_on": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not masks.sees_personal_data(user):
            del self.fields["phone"]


class BoardMemberEndForm(VersionedModelForm):
    """End a term early: the date it ended."""

    class Meta:
        model = BoardMember
        fields = ["ended_on"]
        widgets = {"ended_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].required = True


class MemberForm(VersionedModelForm):
    """Add or edit a member. The NIK is typed in full, checked, then stored encrypted and hashed.

    Editing never shows the stored NIK (that would be a reveal): the field stays empty and only a
    new number typed there replaces it. Someone without `reveal_nik` gets no birth date field:
    the form would show the full date.
    """

    nik = forms.CharField(
        label=_("NIK"), required=False, max_length=40,
        help_text=_("16 angka. Kosongkan bila anggota tidak punya NIK tercatat."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Member
        fields = ["name", "nik", "sex", "birth_date", "desa", "member_number", "joined_on", "left_on"]
        widgets = {"birth_date": DATE, "joined_on": DATE, "left_on": DATE}

    def __init__(self, *args, user, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperative = cooperative
        self.warnings = []
        if self.instance.pk and self.instance.has_nik:
            self.fields["nik"].help_text = _("Tersimpan: %(masked)s. Isi hanya untuk mengganti NIK.") % {
                "masked": self.instance.nik_masked
            }
        if not masks.sees_personal_data(user):
            del self.fields["birth_date"]
        setup_desa_fields(self, user, required=False)

    def clean_nik(self):
        value = nik_codec.normalise_nik(self.cleaned_data.get("nik"))
        if not value:
            return ""
        nik_codec.validate_nik(value)
        others = Member.objects.filter(cooperative=self.cooperative, nik_hash=nik_codec.hash_nik(value))
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("NIK ini sudah terdaftar sebagai anggota koperasi ini."))
        if nik_codec.nik_outside_kutim(value):
            self.warnings.append(_("NIK ini berkode wilayah di luar Kutai Timur. Tersimpan; periksa bila perlu."))
        return value

    def clean(self):
        cleaned_data = super().clean()
        check_desa_in_kecamatan(self, cleaned_data)
        nik = cleaned_data.get("nik")
        if nik:
            self.instance.nik = nik
        elif not self.instance.pk:
            self.instance.nik = None  # recorded explicitly as "no NIK", never as a placeholder
        return cleaned_data


class MemberEndForm(VersionedModelForm):
    """A member leaves the cooperative: the date they left."""

    class Meta:
        model = Member
        fields = ["left_on"]
        widgets = {"left_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_on"].required = True


class NoEchoTextInput(forms.TextInput):
    """A text box that never writes the typed value back into the page (a NIK after an error)."""

    def format_value(self, value):
        return None


class NikSearchForm(forms.Form):
    """A full NIK to look up, sent in a POST body: never in a URL, a log line or the browser history."""

    nik = forms.CharField(
        label=_("NIK lengkap"), max_length=40,
        help_text=_("16 angka. Dicocokkan persis (melalui hash), tidak pernah sebagian; setiap pencarian dicatat."),
        widget=NoEchoTextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_nik(self):
        value = nik_codec.normalise_nik(self.cleaned_data["nik"])
        if not nik_codec.NIK_RE.fullmatch(value):
            raise forms.ValidationError(_("Tulis NIK lengkap: tepat 16 angka (0-9)."))
        return value


class MemberErasureForm(forms.Form):
    """Why a member's personal data is erased (the request, its letter): kept in the erasure log."""

    reason = forms.CharField(
        label=_("Alasan penghapusan"), min_length=10, max_length=500,
        help_text=_("Misalnya: permintaan tertulis anggota tanggal ..., nomor surat .... Jangan menulis NIK."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_reason(self):
        value = " ".join(self.cleaned_data["reason"].split())
        if nik_codec.contains_nik(value):
            raise forms.ValidationError(_("Alasan tidak boleh memuat NIK."))
        if len(value) < 10:
            raise forms.ValidationError(_("Tulis alasannya, paling sedikit 10 karakter."))
        return value
