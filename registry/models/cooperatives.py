"""Cooperatives and their status lifecycle."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .areas import Desa, area_queryset
from .time_rules import day_text, future_error

# ---------------------------------------------------------------------------------------------
# Cooperatives
# ---------------------------------------------------------------------------------------------


class CooperativeStatus(models.TextChoices):
    ACTIVE = "aktif", _("Aktif")
    INACTIVE = "tidak_aktif", _("Tidak aktif")
    COACHING = "dalam_pembinaan", _("Dalam pembinaan")
    PROPOSED_DISSOLUTION = "diusulkan_bubar", _("Diusulkan bubar")
    DISSOLVED = "dibubarkan", _("Dibubarkan")


class FoundedSource(models.TextChoices):
    """Where a cooperative's founding date comes from."""

    LEGAL_ENTITY = "badan_hukum", _("tanggal badan hukum")
    REGISTERED = "terdaftar", _("tanggal didaftarkan di sistem")


class Cooperative(models.Model):
    """A cooperative (koperasi) registered in Kutai Timur. Never deleted: its status changes.

    Its life runs from `founded_on` to its dissolution (`dissolved_on`): yearly reports,
    assessments, partnerships, training attendance and status steps outside it are refused, and
    the dashboard counts a cooperative in a year only from its founding year on.
    """

    Status = CooperativeStatus
    FoundedSource = FoundedSource

    # The lifecycle of domain.md: forward one step at a time, and back to aktif from any stage.
    STATUS_TRANSITIONS = {
        Status.ACTIVE: {Status.INACTIVE, Status.COACHING},
        Status.INACTIVE: {Status.COACHING, Status.ACTIVE, Status.PROPOSED_DISSOLUTION},
        Status.COACHING: {Status.PROPOSED_DISSOLUTION, Status.ACTIVE, Status.INACTIVE},
        Status.PROPOSED_DISSOLUTION: {Status.DISSOLVED, Status.ACTIVE, Status.COACHING},
        Status.DISSOLVED: {Status.ACTIVE},
    }

    class CertificateStatus(models.TextChoices):
        NONE = "belum", _("Belum Bersertifikat")
        VALID = "sudah", _("Sudah Bersertifikat")
        EXPIRED = "expired", _("Sertifikat Expired")

    class OdsGrade(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C1 = "C1", "C1"
        C2 = "C2", "C2"
        D = "D", "D"

    class Jenis(models.TextChoices):
        SAVINGS_LOANS = "simpan_pinjam", _("Simpan Pinjam")
        CONSUMER = "konsumen", _("Konsumen")
        PRODUCER = "produsen", _("Produsen")
        MARKETING = "pemasaran", _("Pemasaran")
        SERVICES = "jasa", _("Jasa")

    class Bentuk(models.TextChoices):
        PRIMARY = "primer", _("Primer")
        SECONDARY = "sekunder", _("Sekunder")

    class MembershipArea(models.TextChoices):
        KABUPATEN = "kabupaten", _("Kabupaten")
        PROVINSI = "provinsi", _("Provinsi")
        NASIONAL = "nasional", _("Nasional")

    class Kelompok(models.TextChoices):
        KUD = "kud", _("KUD")
        PLANTATION = "perkebunan", _("Perkebunan/plasma")
        EMPLOYEES = "karyawan", _("Karyawan")
        WOMEN = "wanita", _("Wanita")
        PESANTREN = "pesantren", _("Pesantren")
        MULTI = "serba_usaha", _("Serba Usaha")
        MERAH_PUTIH = "merah_putih", _("Merah Putih")
        OTHER = "lainnya", _("Lainnya")

    class Sector(models.TextChoices):
        # KBLI-style headings, as the office groups them.
        PALM_OIL = "perkebunan_sawit", _("Perkebunan kelapa sawit (KBLI 01262)")
        AGRICULTURE = "pertanian", _("Pertanian dan perkebunan lain (KBLI 01)")
        FISHERY = "perikanan", _("Perikanan (KBLI 03)")
        TRANSPORT = "angkutan", _("Angkutan barang (KBLI 49431)")
        TRADE = "perdagangan", _("Perdagangan (KBLI 47)")
        FINANCE = "simpan_pinjam", _("Simpan pinjam (KBLI 64141)")
        PROCESSING = "industri", _("Industri pengolahan (KBLI 10)")
        SERVICES = "jasa_lain", _("Jasa lainnya")

    class Pattern(models.TextChoices):
        CONVENTIONAL = "konvensional", _("Konvensional")
        SHARIA = "syariah", _("Syariah")

    name = models.CharField(_("nama koperasi"), max_length=200, db_index=True)
    nomor_induk = models.CharField(
        _("Nomor Induk Koperasi"),
        max_length=20,
        null=True,
        blank=True,
        # Stored as text: leading zeros matter and 20 digits overflow a bigint.
        validators=[RegexValidator(r"^[0-9]{1,20}\Z", _("Nomor Induk Koperasi hanya berisi angka 0-9 (maks. 20)."))],
        help_text=_("Angka saja; kosongkan bila belum punya."),
    )
    certificate_status = models.CharField(
        _("status sertifikat NIK"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.NONE
    )
    certificate_expiry = models.DateField(_("sertifikat berlaku sampai"), null=True, blank=True)
    ods_grade = models.CharField(_("grade ODS"), max_length=2, choices=OdsGrade.choices, blank=True)
    legal_entity_number = models.CharField(_("nomor badan hukum"), max_length=100, blank=True, db_index=True)
    legal_entity_date = models.DateField(_("tanggal badan hukum"), null=True, blank=True)
    amendment_number = models.CharField(_("nomor perubahan anggaran dasar terakhir"), max_length=100, blank=True)
    amendment_date = models.DateField(_("tanggal perubahan anggaran dasar"), null=True, blank=True)
    jenis = models.CharField(_("jenis"), max_length=20, choices=Jenis.choices)
    bentuk = models.CharField(_("bentuk"), max_length=10, choices=Bentuk.choices, default=Bentuk.PRIMARY)
    membership_area = models.CharField(
        _("wilayah keanggotaan"), max_length=10, choices=MembershipArea.choices, default=MembershipArea.KABUPATEN
    )
    kelompok = models.CharField(_("kelompok"), max_length=20, choices=Kelompok.choices)
    sector = models.CharField(_("sektor usaha"), max_length=20, choices=Sector.choices)
    palm_oil = models.BooleanField(
        _("terkait kelapa sawit"), default=False, help_text=_("Plasma, angkutan TBS, simpan pinjam petani sawit, dll.")
    )
    pattern = models.CharField(_("pola"), max_length=12, choices=Pattern.choices, default=Pattern.CONVENTIONAL)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    # No index of its own: the three indexes on (desa, ...) below begin with it (see Meta.indexes).
    desa = models.ForeignKey(
        Desa, verbose_name=_("desa/kelurahan"), on_delete=models.PROTECT, related_name="cooperatives", db_index=False
    )
    postcode = models.CharField(
        _("kode pos"), max_length=5, blank=True, validators=[RegexValidator(r"^[0-9]{5}\Z", _("Kode pos 5 angka."))]
    )
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    merah_putih = models.BooleanField(_("Koperasi Desa/Kelurahan Merah Putih"), default=False)
    field_verified_on = models.DateField(_("diverifikasi di lapangan"), null=True, blank=True)
    # Indexed with the id (Meta.indexes): the list sorted by status pages by (status, id).
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_since = models.DateField(_("status sejak"), null=True, blank=True)
    # Kept in step with the legal entity date by clean() (set_founded_on); a database check
    # refuses a write path that changes one without the other.
    founded_on = models.DateField(
        _("berdiri sejak"), default=timezone.localdate, editable=False, db_index=True,
        help_text=_("Tanggal badan hukum; bila belum diisi, tanggal koperasi didaftarkan di sistem."),
    )
    founded_on_source = models.CharField(
        _("sumber tanggal berdiri"), max_length=12, choices=FoundedSource.choices, default=FoundedSource.REGISTERED,
        editable=False,
    )
    # Optimistic locking: every edit form carries the version it started from.
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = area_queryset("desa__kecamatan").as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("koperasi")
        verbose_name_plural = pgettext_lazy("jamak", "koperasi")
        permissions = [
            ("view_dashboard", _("Dapat melihat dasbor kabupaten")),
            ("export_data", _("Dapat mengekspor data")),
            ("change_status", _("Dapat mengubah status koperasi")),
            ("revert_change", _("Dapat mengembalikan satu perubahan dari riwayat")),
            ("view_data_quality", _("Dapat melihat daftar mutu data kabupaten")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["nomor_induk"],
                condition=Q(nomor_induk__isnull=False),
                name="cooperative_unique_nomor_induk",
                violation_error_message=_("Nomor Induk Koperasi ini sudah dipakai koperasi lain."),
            ),
            models.CheckConstraint(
                condition=~Q(nomor_induk=""), name="cooperative_nomor_induk_not_blank",
                violation_error_message=_("Nomor Induk Koperasi kosong harus disimpan sebagai tidak ada."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=CooperativeStatus.values), name="cooperative_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(founded_on_source=FoundedSource.LEGAL_ENTITY, founded_on=F("legal_entity_date"))
                | Q(founded_on_source=FoundedSource.REGISTERED, legal_entity_date__isnull=True),
                name="cooperative_founded_on_follows_legal_entity_date",
                violation_error_message=_("Tanggal berdiri harus sama dengan tanggal badan hukum bila ada."),
            ),
        ]
        indexes = [
            models.Index(fields=["desa", "status"], name="cooperative_desa_status"),
            # The ids of a kecamatan's cooperatives from the index alone: the member list filtered by
            # kecamatan (or limited to a Petugas's area) counts each of those cooperatives' members in
            # the member index. With the desa's index alone PostgreSQL read the cooperative table
            # instead (a sequential scan until it had enough cooperatives, or a row per cooperative for
            # its id): the national count of one kecamatan's women took 12.5 ms, 5.4 ms with this one
            # (docs/benchmarks.md, "The member list's counts at national size").
            models.Index(fields=["desa", "id"], name="cooperative_desa_id"),
            models.Index(fields=["status", "id"], name="cooperative_status_id"),
            # Another cooperative of the same name in the desa (data_quality.same_name_in_desa, on every
            # profile): PostgreSQL answered the case-blind equality from the trigram index, 8-16 ms at
            # national size; this index answers it directly.
            models.Index(F("desa"), Upper("name"), name="cooperative_desa_upper_name"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.nomor_induk == "":
            self.nomor_induk = None
        errors = {}
        if self.certificate_status == self.CertificateStatus.VALID and not self.certificate_expiry:
            errors["certificate_expiry"] = _("Sertifikat yang berlaku harus punya tanggal berlaku sampai.")
        for name in ("legal_entity_date", "amendment_date", "field_verified_on"):
            message = future_error(getattr(self, name))
            if message:
                errors[name] = message
        if self.amendment_date and self.legal_entity_date and self.amendment_date < self.legal_entity_date:
            errors["amendment_date"] = _("Perubahan anggaran dasar tidak bisa sebelum tanggal badan hukum.")
        if errors:
            raise ValidationError(errors)
        self.set_founded_on()
        message = self.records_before_founding()
        if message:
            raise ValidationError({"legal_entity_date": message})

    def set_founded_on(self):
        """The founding date from the legal entity date, else the day the cooperative was registered here."""
        if self.legal_entity_date:
            self.founded_on, self.founded_on_source = self.legal_entity_date, FoundedSource.LEGAL_ENTITY
        else:
            registered = timezone.localdate(self.created_at) if self.created_at else timezone.localdate()
            self.founded_on, self.founded_on_source = registered, FoundedSource.REGISTERED

    def records_before_founding(self):
        """A message naming the earliest record that a (moved) founding date would leave before the life, or None.

        Asked only when the founding date moves later than the stored one: four small queries.
        """
        if self.pk is None:
            return None
        stored = Cooperative.objects.filter(pk=self.pk).values_list("founded_on", flat=True).first()
        if stored is None or self.founded_on <= stored:
            return None
        founded = self.founded_on
        checks = [
            (self.yearly_reports.filter(year__lt=founded.year).order_by("year").values_list("year", flat=True),
             gettext("laporan tahunan %(value)s")),
            (self.assessments.filter(year__lt=founded.year).order_by("year").values_list("year", flat=True),
             gettext("penilaian tahun %(value)s")),
            (self.status_changes.filter(changed_on__lt=founded).order_by("changed_on")
             .values_list("changed_on", flat=True), gettext("perubahan status %(value)s")),
            (self.partnerships.filter(start_date__lt=founded).order_by("start_date")
             .values_list("start_date", flat=True), gettext("kemitraan mulai %(value)s")),
        ]
        for rows, text in checks:
            first = rows.first()
            if first is not None:
                value = day_text(first) if hasattr(first, "strftime") else first
                return gettext("Tanggal berdiri %(founded)s jatuh setelah %(record)s yang sudah tercatat: periksa "
                               "tanggalnya.") % {"founded": day_text(founded), "record": text % {"value": value}}
        return None

    @property
    def dissolved_on(self):
        """The day the cooperative was dissolved (its life ends), or None while it is not dissolved."""
        return self.status_since if self.status == self.Status.DISSOLVED else None

    def _founded_text(self):
        return gettext("%(day)s, menurut %(source)s") % {
            "day": day_text(self.founded_on), "source": self.get_founded_on_source_display(),
        }

    def _registered_hint(self):
        if self.founded_on_source == FoundedSource.REGISTERED:
            return " " + gettext("Bila koperasi berdiri lebih awal, isi dulu tanggal badan hukumnya.")
        return ""

    def founding_error_on(self, day):
        """The message refusing an event on `day` before the cooperative was founded, or None."""
        if day is None or self.founded_on is None or day >= self.founded_on:
            return None
        return gettext("Tanggal %(day)s sebelum %(name)s berdiri (%(founded)s).") % {
            "day": day_text(day), "name": self.name, "founded": self._founded_text(),
        } + self._registered_hint()

    def dissolution_error_on(self, day):
        """The message refusing an event on `day` after the cooperative was dissolved, or None."""
        dissolved = self.dissolved_on
        if day is None or dissolved is None or day <= dissolved:
            return None
        return gettext("Tanggal %(day)s setelah %(name)s dibubarkan (%(dissolved)s).") % {
            "day": day_text(day), "name": self.name, "dissolved": day_text(dissolved),
        }

    def life_error_on(self, day):
        """The message refusing an event on `day` outside the cooperative's life, or None."""
        return self.founding_error_on(day) or self.dissolution_error_on(day)

    def life_error_in_year(self, year):
        """The message refusing book year `year` outside the cooperative's life (founding to dissolution), or None."""
        if year is None or self.founded_on is None:
            return None
        if year < self.founded_on.year:
            return gettext("Tahun buku %(year)s sebelum %(name)s berdiri (%(founded)s).") % {
                "year": year, "name": self.name, "founded": self._founded_text(),
            } + self._registered_hint()
        dissolved = self.dissolved_on
        if dissolved and year > dissolved.year:
            return gettext("Tahun buku %(year)s setelah %(name)s dibubarkan (%(dissolved)s).") % {
                "year": year, "name": self.name, "dissolved": day_text(dissolved),
            }
        return None

    @property
    def kecamatan(self):
        return self.desa.kecamatan

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    def can_change_status_to(self, new_status):
        return new_status in self.STATUS_TRANSITIONS.get(self.status, set())


class StatusChange(models.Model):
    """One step in a cooperative's status lifecycle, dated and reasoned."""

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("koperasi"), on_delete=models.PROTECT, related_name="status_changes"
    )
    changed_on = models.DateField(_("tanggal berlaku"))
    from_status = models.CharField(_("dari"), max_length=20, choices=Cooperative.Status.choices, blank=True)
    to_status = models.CharField(_("menjadi"), max_length=20, choices=Cooperative.Status.choices)
    reason = models.TextField(_("alasan"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)
    history = HistoricalRecords()

    objects = area_queryset("cooperative__desa__kecamatan").as_manager()

    class Meta:
        ordering = ["-changed_on", "-id"]
        verbose_name = _("perubahan status")
        verbose_name_plural = _("riwayat status")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="statuschange_reason_required"),
            models.CheckConstraint(condition=~Q(from_status=models.F("to_status")), name="statuschange_changes"),
        ]

    def __str__(self):
        return f"{self.cooperative}: {self.get_from_status_display()} -> {self.get_to_status_display()}"

    @staticmethod
    def date_error(cooperative, changed_on, *, today=None):
        """The message refusing a new step of `cooperative` dated `changed_on` (future, before the founding), or None.

        The lifecycle and the order of the steps are checked with it by services.cooperatives.check_status_step.
        """
        # Only the founding bounds a step: after a dissolution the lifecycle allows only "back to aktif".
        return future_error(changed_on, today=today) or cooperative.founding_error_on(changed_on)
