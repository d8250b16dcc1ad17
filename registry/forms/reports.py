"""The yearly report (keragaan) form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import YearlyReport, last_full_year
from .cooperatives import DATE
from .inputs import RupiahField
from .versioning import VersionedModelForm

MONEY_FIELDS = ["modal_sendiri", "modal_luar", "total_assets", "business_volume", "revenue", "expenses", "shu", "cash"]


class YearlyReportForm(VersionedModelForm):
    """Add or edit one book year's figures and RAT of a cooperative."""

    class Meta:
        model = YearlyReport
        exclude = ["cooperative", "version"]
        widgets = {"rat_date": DATE, "rat_reported_on": DATE}
        field_classes = {name: RupiahField for name in MONEY_FIELDS}

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperative = cooperative
        self.instance.cooperative = cooperative
        # Closed book years within the cooperative's life; the model refuses others with the reason.
        self.fields["year"].widget.attrs.update(min=cooperative.founded_on.year, max=last_full_year())

    def clean_year(self):
        year = self.cleaned_data["year"]
        taken = YearlyReport.objects.filter(cooperative=self.cooperative, year=year).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Laporan tahun ini sudah ada untuk koperasi ini."))
        return year
