"""A cooperative's yearly figures (keragaan) with its annual member meeting (RAT)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .areas import area_queryset
from .cooperatives import Cooperative
from .time_rules import future_error, open_year_error

MIN_YEAR = 1945  # the first Indonesian cooperatives; nothing in the registry is older
MAX_YEAR = 2100

# ---------------------------------------------------------------------------------------------
# Yearly report (keragaan) with the annual member meeting (RAT)
# ---------------------------------------------------------------------------------------------


class YearlyReport(models.Model):
    """A cooperative's figures for one book year (keragaan), with its RAT.

    Only for a closed book year within the cooperative's life; the RAT and its report are dated
    when they happened, never in the future.
    """

    class FinancialReport(models.TextChoices):
        NONE = "tidak_ada", _("Tidak ada")
        LATE = "terlambat", _("Terlambat")
        SUBMITTED = "disampaikan", _("Disampaikan")
        AUDITED = "diaudit", _("Diaudit")

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("koperasi"), on_delete=models.PROTECT, related_name="yearly_reports"
    )
    year = models.PositiveSmallIntegerField(
        _("tahun buku"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    members_male = models.PositiveIntegerField(_("anggota laki-laki"), default=0)
    members_female = models.PositiveIntegerField(_("anggota perempuan"), default=0)
    employees = models.PositiveIntegerField(_("karyawan"), default=0)
    managers = models.PositiveIntegerField(_("manajer"), default=0)
    # Rupiah as whole numbers: the office reports no cents.
    modal_sendiri = models.BigIntegerField(_("modal sendiri (Rp)"), default=0, validators=[MinValueValidator(0)])
    modal_luar = models.BigIntegerField(_("modal luar (Rp)"), default=0, validators=[MinValueValidator(0)])
    total_assets = models.BigIntegerField(_("total aset (Rp)"), default=0, validators=[MinValueValidator(0)])
    business_volume = models.BigIntegerField(_("volume usaha (Rp)"), default=0, validators=[MinValueValidator(0)])
    revenue = models.BigIntegerField(_("pendapatan (Rp)"), default=0, validators=[MinValueValidator(0)])
    expenses = models.BigIntegerField(_("biaya (Rp)"), default=0, validators=[MinValueValidator(0)])
    shu = models.BigIntegerField(_("SHU (Rp)"), default=0, help_text=_("Boleh negatif (rugi)."))
    cash = models.BigIntegerField(_("kas (Rp)"), default=0, validators=[MinValueValidator(0)])
    financial_report = models.CharField(
        _("laporan keuangan"), max_length=12, choices=FinancialReport.choices, default=FinancialReport.NONE
    )
    rat_date = models.DateField(_("tanggal RAT"), null=True, blank=True, help_text=_("Kosong bila RAT tidak diadakan."))
    rat_attendance = models.PositiveIntegerField(_("hadir dalam RAT"), null=True, blank=True)
    rat_quorum = models.BooleanField(_("RAT kuorum"), null=True, blank=True)
    rat_reported_on = models.DateField(_("RAT dilaporkan ke Dinas"), null=True, blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = area_queryset("cooperative__desa__kecamatan").as_manager()

    class Meta:
        ordering = ["cooperative", "-year"]
        verbose_name = _("laporan tahunan (keragaan)")
        verbose_name_plural = pgettext_lazy("jamak", "laporan tahunan (keragaan)")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "year"], name="yearlyreport_one_per_year",
                violation_error_message=_("Laporan tahun ini sudah ada untuk koperasi ini."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR), name="yearlyreport_year_range"
            ),
            models.CheckConstraint(
                condition=Q(modal_sendiri__gte=0) & Q(modal_luar__gte=0) & Q(total_assets__gte=0)
                & Q(business_volume__gte=0) & Q(revenue__gte=0) & Q(expenses__gte=0) & Q(cash__gte=0),
                name="yearlyreport_money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(rat_reported_on__isnull=True) | Q(rat_date__isnull=False),
                name="yearlyreport_reported_rat_was_held",
                violation_error_message=_("RAT yang dilaporkan harus punya tanggal RAT."),
            ),
        ]

    def __str__(self):
        return f"{self.cooperative} {self.year}"

    def clean(self):
        super().clean()
        errors = {}
        year_error = open_year_error(self.year)
        if year_error is None and self.cooperative_id:
            year_error = self.cooperative.life_error_in_year(self.year)
        if year_error:
            errors["year"] = year_error
        for name in ("rat_date", "rat_reported_on"):
            message = future_error(getattr(self, name))
            if message:
                errors[name] = message
        if errors:
            raise ValidationError(errors)
        if self.rat_date and self.year and self.rat_date.year < self.year:
            errors["rat_date"] = _("RAT untuk tahun buku %(year)s tidak bisa diadakan sebelum tahun itu.") % {
                "year": self.year
            }
        if self.rat_reported_on and not self.rat_date:
            errors["rat_reported_on"] = _("Isi tanggal RAT lebih dulu.")
        elif self.rat_reported_on and self.rat_date and self.rat_reported_on < self.rat_date:
            errors["rat_reported_on"] = _("Laporan RAT tidak bisa sebelum RAT diadakan.")
        members = (self.members_male or 0) + (self.members_female or 0)
        if self.rat_attendance is not None and members and self.rat_attendance > members:
            errors["rat_attendance"] = _("Yang hadir (%(hadir)s) melebihi jumlah anggota (%(anggota)s).") % {
                "hadir": self.rat_attendance, "anggota": members,
            }
        if errors:
            raise ValidationError(errors)

    @property
    def members_total(self):
        return self.members_male + self.members_female

    @property
    def rat_held(self):
        return self.rat_date is not None

    @property
    def rat_reported_within_month(self):
        return bool(self.rat_date and self.rat_reported_on and (self.rat_reported_on - self.rat_date).days <= 31)

    @property
    def equity_ratio(self):
        """Modal sendiri / total assets, or None when assets are unknown."""
        return self.modal_sendiri / self.total_assets if self.total_assets else None

    @property
    def return_on_assets(self):
        return self.shu / self.total_assets if self.total_assets else None

    @property
    def efficiency(self):
        """Expenses / revenue: lower is better."""
        return self.expenses / self.revenue if self.revenue else None
