"""Forms of the cooperative record: identity and classification, and a status change."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Cooperative
from .inputs import use_typed_inputs
from .regions import check_desa_in_kecamatan, setup_desa_fields
from .versioning import VersionedModelForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CooperativeForm(VersionedModelForm):
    """Create or edit a cooperative; the status changes through CooperativeStatusForm."""

    class Meta:
        model = Cooperative
        fields = [
            "name", "nomor_induk", "certificate_status", "certificate_expiry", "ods_grade",
            "legal_entity_number", "legal_entity_date", "amendment_number", "amendment_date",
            "jenis", "bentuk", "membership_area", "kelompok", "sector", "palm_oil", "pattern", "merah_putih",
            "address", "desa", "postcode", "latitude", "longitude", "phone", "email", "field_verified_on",
        ]
        widgets = {
            name: DATE for name in ["certificate_expiry", "legal_entity_date", "amendment_date", "field_verified_on"]
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        setup_desa_fields(self, user)

    def clean_nomor_induk(self):
        value = (self.cleaned_data.get("nomor_induk") or "").strip() or None
        if value:
            others = Cooperative.objects.filter(nomor_induk=value).exclude(pk=self.instance.pk)
            if others.exists():
                # All cooperatives, not just the user's area: the number is unique in the district.
                raise forms.ValidationError(_("Nomor Induk Koperasi ini sudah dipakai koperasi lain."))
        return value

    def clean(self):
        cleaned_data = super().clean()
        check_desa_in_kecamatan(self, cleaned_data)
        return cleaned_data


class CooperativeStatusForm(forms.Form):
    """A step in the lifecycle: the new status, from when, and why (kept in the history)."""

    to_status = forms.ChoiceField(label=_("status baru"))
    changed_on = forms.DateField(label=_("tanggal berlaku"), widget=DATE)
    reason = forms.CharField(label=_("alasan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    # The record's version when the form was opened: a status changed meanwhile is not overwritten.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = cooperative.version
        allowed = Cooperative.STATUS_TRANSITIONS.get(cooperative.status, set())
        self.fields["to_status"].choices = [(s.value, s.label) for s in Cooperative.Status if s in allowed]
        today = timezone.localdate()
        self.fields["changed_on"].initial = today
        # The browser's date picker offers the allowed days; the service checks them again.
        self.fields["changed_on"].widget = forms.DateInput(
            attrs={"type": "date", "min": cooperative.founded_on.isoformat(), "max": today.isoformat()},
            format="%Y-%m-%d",
        )
        self.fields["changed_on"].help_text = _("Tidak sebelum koperasi berdiri (%(founded)s) dan tidak setelah "
                                                "hari ini.") % {"founded": cooperative.founded_on.strftime("%d/%m/%Y")}
        use_typed_inputs(self)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Alasan perubahan status wajib diisi."))
        return reason
