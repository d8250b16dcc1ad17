"""The upload form of an import: which kind of data, the file, and (for rows of one cooperative) which."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Cooperative, ImportKind
from ..spreadsheets.reading import MAX_BYTES, too_large
from .cooperative_choice import CooperativeField


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("jenis data"), choices=ImportKind.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("berkas"),
        help_text=_("Excel (.xlsx) atau CSV (pemisah ; , atau tab), maks. %(mb)s MB.") % {"mb": MAX_BYTES // 2**20},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )
    # Typed with suggestions, never a list of every cooperative (1.150 here, 130.000 nationally).
    cooperative = CooperativeField(
        label=_("koperasi"), queryset=Cooperative.objects.none(), required=False,
        help_text=_("Untuk daftar anggota, pengurus atau laporan satu koperasi tanpa kolom Nomor Induk Koperasi: "
                    "ketik nama, Nomor Induk, desa atau kecamatan. Kosongkan bila berkas punya kolom Nomor Induk "
                    "Koperasi."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cooperative"].queryset = Cooperative.objects.for_user(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(too_large(upload.size))
        if not upload.name.lower().endswith((".xlsx", ".xlsm", ".csv", ".txt")):
            raise forms.ValidationError(_("Hanya berkas .xlsx atau .csv."))
        return upload
