"""The office's own settings that an Admin Dinas keeps in Django admin: the letterhead and signatory
of the letters the system prints, and the RAT season's due dates."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class OfficeSettings(models.Model):
    """One row (pk 1). The defaults follow the national rules: a cooperative holds its RAT within
    six months after the book year (Permenkop: by 30 June) and reports it to the Dinas within a month."""

    office_name = models.CharField(_("nama kantor"), max_length=200,
                                   default="Dinas Koperasi dan Usaha Kecil Menengah Kabupaten Kutai Timur")
    government = models.CharField(_("pemerintah daerah"), max_length=200,
                                  default="Pemerintah Kabupaten Kutai Timur")
    address = models.CharField(_("alamat kantor"), max_length=300,
                               default="Kawasan Perkantoran Bukit Pelangi, Sangatta, Kutai Timur")
    place = models.CharField(_("tempat surat"), max_length=100, default="Sangatta")
    signatory_name = models.CharField(_("nama penanda tangan"), max_length=150, blank=True)
    signatory_title = models.CharField(_("jabatan penanda tangan"), max_length=150, default="Kepala Dinas")
    signatory_nip = models.CharField(_("NIP penanda tangan"), max_length=30, blank=True)
    rat_due_months = models.PositiveSmallIntegerField(
        _("RAT paling lambat (bulan setelah tahun buku)"), default=6,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("6: RAT tahun buku 2025 paling lambat 30/06/2026."),
    )
    rat_report_days = models.PositiveSmallIntegerField(
        _("RAT dilaporkan paling lambat (hari setelah RAT)"), default=31,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pengaturan kantor")
        verbose_name_plural = _("pengaturan kantor")

    def __str__(self):
        return str(self.office_name)

    def clean(self):
        super().clean()
        if self.pk not in (None, 1):
            raise ValidationError(_("Pengaturan kantor hanya satu."))

    @classmethod
    def current(cls):
        """The settings row, created with the defaults the first time it is read."""
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings

    def rat_due(self, year):
        """The last day a cooperative may hold the RAT of book year `year`."""
        month = self.rat_due_months  # months after 31 December of `year`
        first_of_next = datetime.date(year + 1 + month // 12, month % 12 + 1, 1)
        return first_of_next - datetime.timedelta(days=1)

    def report_due(self, rat_date):
        """The last day the RAT held on `rat_date` may be reported to the Dinas."""
        return rat_date + datetime.timedelta(days=self.rat_report_days)
