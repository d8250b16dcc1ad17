"""Partnerships of cooperatives with each other and with outside parties (domain brief, section 3)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .areas import AreaQuerySet, Kecamatan
from .cooperatives import Cooperative
from .time_rules import future_error


class ReferenceQuerySet(models.QuerySet):
    """Reference rows every signed-in user may see whatever their area (for_user keeps the one entry point)."""

    def for_user(self, user):
        return self if getattr(user, "is_authenticated", False) else self.none()


class OutsideParty(models.Model):
    """A partner outside the cooperatives: plantation company, bank, buyer, government body.

    A small table of its own, so the same company is written the same way on every partnership.
    """

    class Kind(models.TextChoices):
        PLANTATION = "perusahaan_perkebunan", _("Perusahaan perkebunan")
        BANK = "bank", _("Bank/lembaga keuangan")
        BUYER = "pembeli", _("Pembeli/offtaker")
        GOVERNMENT = "pemerintah", _("Instansi pemerintah")
        OTHER = "lainnya", _("Lainnya")

    name = models.CharField(_("nama"), max_length=200, unique=True)
    kind = models.CharField(_("jenis pihak"), max_length=30, choices=Kind.choices)
    notes = models.TextField(_("catatan"), blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    history = HistoricalRecords()

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("pihak luar")
        verbose_name_plural = pgettext_lazy("jamak", "pihak luar")

    def __str__(self):
        return self.name


class KecamatanNeighbour(models.Model):
    """Two kecamatan an administrator marks as neighbours (for partnership suggestions).

    Stored once per pair, the lower code first; `clean()` puts a pair in that order.
    """

    a = models.ForeignKey(Kecamatan, verbose_name=_("kecamatan"), on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Kecamatan, verbose_name=_("bertetangga dengan"), on_delete=models.CASCADE, related_name="+")
    history = HistoricalRecords()

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["a", "b"]
        verbose_name = _("kecamatan bertetangga")
        verbose_name_plural = pgettext_lazy("jamak", "kecamatan bertetangga")
        constraints = [
            models.UniqueConstraint(
                fields=["a", "b"], name="kecamatanneighbour_once",
                violation_error_message=_("Pasangan kecamatan ini sudah tercatat."),
            ),
            models.CheckConstraint(
                condition=Q(a__lt=models.F("b")), name="kecamatanneighbour_ordered",
                violation_error_message=_("Kecamatan tidak bisa bertetangga dengan dirinya sendiri."),
            ),
        ]

    def __str__(self):
        return f"{self.a} – {self.b}"

    def clean(self):
        super().clean()
        if self.a_id and self.b_id and self.a_id > self.b_id:
            self.a_id, self.b_id = self.b_id, self.a_id
        if self.a_id and self.a_id == self.b_id:
            raise ValidationError({"b": _("Kecamatan tidak bisa bertetangga dengan dirinya sendiri.")})


class PartnershipQuerySet(AreaQuerySet):
    """A partnership between two cooperatives is in the user's area when either side is."""

    def in_kecamatan(self, codes):
        return self.filter(
            Q(cooperative__desa__kecamatan__in=codes) | Q(partner_cooperative__desa__kecamatan__in=codes)
        )

    def involving(self, cooperative):
        return self.filter(Q(cooperative=cooperative) | Q(partner_cooperative=cooperative))

    def active_in_year(self, year):
        """Agreed partnerships (not merely proposed) whose period overlaps the year."""
        return self.exclude(status=Partnership.Status.PROPOSED).filter(
            Q(start_date__isnull=True) | Q(start_date__year__lte=year),
            Q(end_date__isnull=True) | Q(end_date__year__gte=year),
        )


class Partnership(models.Model):
    """A partnership (kemitraan) of a cooperative with another cooperative or with an outside party."""

    class Kind(models.TextChoices):
        PLASMA = "plasma_inti", _("Plasma-inti")
        FFB_TRANSPORT = "angkutan_tbs", _("Angkutan TBS")
        OFFTAKE = "offtake", _("Offtake/pemasaran")
        SUPPLY = "pasokan", _("Pasokan")
        FINANCING = "pembiayaan", _("Pembiayaan")
        BETWEEN_COOPERATIVES = "antar_koperasi", _("Antar koperasi")

    class Status(models.TextChoices):
        PROPOSED = "diusulkan", _("Diusulkan")
        ACTIVE = "aktif", _("Aktif")
        FINISHED = "selesai", _("Selesai")
        STOPPED = "dihentikan", _("Dihentikan")

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("koperasi"), on_delete=models.PROTECT, related_name="partnerships"
    )
    partner_cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("koperasi mitra"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="partnerships_as_partner",
    )
    outside_party = models.ForeignKey(
        OutsideParty, verbose_name=_("pihak luar"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="partnerships",
    )
    kind = models.CharField(_("jenis kemitraan"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    start_date = models.DateField(_("mulai"), null=True, blank=True)
    end_date = models.DateField(_("berakhir"), null=True, blank=True)
    value = models.DecimalField(
        _("nilai (Rp)"), max_digits=18, decimal_places=0, null=True, blank=True,
        help_text=_("Nilai perjanjian dalam Rupiah, bila ada."),
    )
    agreement_number = models.CharField(_("nomor perjanjian"), max_length=100, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("kemitraan")
        verbose_name_plural = pgettext_lazy("jamak", "kemitraan")
        constraints = [
            models.CheckConstraint(
                condition=(Q(partner_cooperative__isnull=False) & Q(outside_party__isnull=True))
                | (Q(partner_cooperative__isnull=True) & Q(outside_party__isnull=False)),
                name="partnership_one_partner",
                violation_error_message=_("Pilih satu mitra: koperasi lain atau pihak luar."),
            ),
            models.CheckConstraint(
                condition=~Q(partner_cooperative=models.F("cooperative")), name="partnership_not_with_itself",
                violation_error_message=_("Koperasi tidak bisa bermitra dengan dirinya sendiri."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="partnership_end_after_start",
                violation_error_message=_("Tanggal berakhir harus setelah tanggal mulai."),
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="partnership_value_not_negative",
                violation_error_message=_("Nilai kemitraan tidak boleh negatif."),
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "status"], name="partnership_kind_status"),
            # The list's order, read backwards (NULL dates first): its pages seek by (start_date, id).
            models.Index(fields=["start_date", "id"], name="partnership_start_date_id"),
        ]

    def __str__(self):
        return f"{self.cooperative} – {self.partner_name} ({self.get_kind_display()})"

    @property
    def partner_name(self):
        return str(self.partner_cooperative or self.outside_party or "")

    def other_side(self, cooperative):
        """The partner seen from `cooperative` (either side of a partnership between two cooperatives)."""
        if self.partner_cooperative_id and self.partner_cooperative_id == cooperative.pk:
            return self.cooperative
        return self.partner_cooperative or self.outside_party

    def clean(self):
        super().clean()
        if bool(self.partner_cooperative_id) == bool(self.outside_party_id):
            raise ValidationError(_("Pilih satu mitra: koperasi lain atau pihak luar."))
        if self.partner_cooperative_id and self.partner_cooperative_id == self.cooperative_id:
            raise ValidationError({"partner_cooperative": _("Koperasi tidak bisa bermitra dengan dirinya sendiri.")})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Tanggal berakhir harus setelah tanggal mulai.")})
        if self.status == self.Status.ACTIVE and not self.start_date:
            raise ValidationError({"start_date": _("Kemitraan aktif harus punya tanggal mulai.")})
        errors = self.period_errors()
        if errors:
            raise ValidationError(errors)

    def period_errors(self):
        """The period's time rules: an agreed partnership started by today, a finished one ended by today,
        and both within the life of each cooperative in it. {field: message}."""
        errors = {}
        if self.status != self.Status.PROPOSED:  # a proposal may name a planned start
            message = future_error(self.start_date)
            if message:
                errors["start_date"] = message
        if self.status in (self.Status.FINISHED, self.Status.STOPPED):
            message = future_error(self.end_date)
            if message:
                errors["end_date"] = message
        sides = [self.cooperative if self.cooperative_id else None,
                 self.partner_cooperative if self.partner_cooperative_id else None]
        for side in filter(None, sides):
            # It starts within the cooperative's life. (Its end may be recorded after a dissolution:
            # that is the record catching up, not an event after it.)
            if self.start_date:
                message = side.life_error_on(self.start_date)
                if message:
                    errors.setdefault("start_date", message)
            else:
                message = side.founding_error_on(self.end_date)
                if message:
                    errors.setdefault("end_date", message)
        return errors
