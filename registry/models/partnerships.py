"""Partnerships of cooperatives with each other and with outside parties (domain brief, section 3)."""

from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .areas import AreaQuerySet, Kecamatan
from .cooperatives import Cooperative
from .people import cooperative_kecamatans
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
        # Read from the partnership's own copies of both sides' kecamatan: through the two joins to
        # the cooperatives and their desa, PostgreSQL joined every partnership of the country to both
        # before testing the OR (one kecamatan's active count: 170-185 ms at national size).
        return self.filter(Q(kecamatan__in=codes) | Q(partner_kecamatan__in=codes))

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
    # Copies of the two sides' kecamatan (each cooperative's desa's), so that the area rule and the
    # `?kecamatan=` filter read two index ranges instead of joining every partnership to both
    # cooperatives and their desa (docs/benchmarks.md, "The partnerships' area at national size").
    # Never entered: `save()` sets them on a new partnership or one whose side changed (under the
    # share lock of `cooperative_kecamatans`, as members), bulk writers set them explicitly, and a
    # cooperative moved to another desa (or a desa to another kecamatan) rewrites them
    # (registry.services.member_areas). `kecamatan` is NOT NULL, so that a write path that forgets it
    # fails; `partner_kecamatan` is NULL when the partner is an outside party. Not in the history:
    # they are the cooperatives' facts, recorded in the cooperatives' history.
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan koperasi"), on_delete=models.PROTECT, related_name="+",
        editable=False, db_index=False,
    )
    partner_kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan koperasi mitra"), on_delete=models.PROTECT, related_name="+",
        editable=False, db_index=False, null=True, blank=True,
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
    history = HistoricalRecords(excluded_fields=["updated_at", "kecamatan", "partner_kecamatan"])

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
            # The partnerships of an area (either side's kecamatan), by status: the dashboard's active
            # count reads one range of each, combined by a bitmap OR.
            models.Index(fields=["kecamatan", "status"], name="partnership_kecamatan_status"),
            models.Index(fields=["partner_kecamatan", "status"], name="partnership_partner_kec_status"),
        ]

    def __str__(self):
        return f"{self.cooperative} – {self.partner_name} ({self.get_kind_display()})"

    def save(self, *args, **kwargs):
        """Saved with both sides' kecamatan when new or when a side changed."""
        update_fields = kwargs.get("update_fields")
        sides = {"cooperative", "cooperative_id", "partner_cooperative", "partner_cooperative_id"}
        moved = (
            bool(sides & set(update_fields))
            if update_fields is not None
            else self.sides() != getattr(self, "_stored_sides", self.sides())
        )
        if not (self._state.adding or moved):
            super().save(*args, **kwargs)
            return
        with transaction.atomic(using=router.db_for_write(type(self))):
            self.stamp_kecamatans(cooperative_kecamatans(filter(None, self.sides())))
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, *({"kecamatan", "partner_kecamatan"} - set(update_fields))]
            super().save(*args, **kwargs)
        self._stored_sides = self.sides()

    def sides(self):
        """The ids of the two cooperatives (the partner's None for an outside party)."""
        return self.cooperative_id, self.partner_cooperative_id

    def stamp_kecamatans(self, kecamatan_of):
        """Copy both sides' kecamatan from {cooperative id: kecamatan code} (`cooperative_kecamatans`)."""
        self.kecamatan_id = kecamatan_of[self.cooperative_id]
        self.partner_kecamatan_id = kecamatan_of[self.partner_cooperative_id] if self.partner_cooperative_id else None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_sides = (
            instance.__dict__.get("cooperative_id"), instance.__dict__.get("partner_cooperative_id"))
        return instance

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
