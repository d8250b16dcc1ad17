"""The form of an export with the full NIK column: why it is needed, and in which format."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import nik as nik_codec

PURPOSE_MIN = 10
PURPOSE_MAX = 500


class FullNikExportForm(forms.Form):
    """The purpose is kept in the export log (UU 27/2022: a purpose for every processing)."""

    purpose = forms.CharField(
        label=_("Keperluan"), min_length=PURPOSE_MIN, max_length=PURPOSE_MAX,
        help_text=_("Untuk apa NIK lengkap diperlukan (misalnya: pencocokan data penerima bantuan dengan "
                    "Dinas Sosial, surat nomor ...). Dicatat di log ekspor atas nama Anda."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", "XLSX"), ("csv", "CSV")], initial="xlsx", widget=forms.RadioSelect,
    )

    def clean_purpose(self):
        value = " ".join(self.cleaned_data["purpose"].split())
        # The log keeps the purpose in clear: a NIK typed into it would be a NIK at rest unencrypted.
        if nik_codec.contains_nik(value):
            raise forms.ValidationError(_("Keperluan tidak boleh memuat NIK."))
        if len(value) < PURPOSE_MIN:
            raise forms.ValidationError(
                _("Tulis keperluannya, paling sedikit %(min)s karakter.") % {"min": PURPOSE_MIN}
            )
        return value
