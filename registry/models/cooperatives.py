"""Cooperatives and their status lifecycle."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .areas import Desa, area_queryset

# ---------------------------------------------------------------------------------------------
# Cooperatives
# ---------------------------------------------------------------------------------------------


class CooperativeStatus(models.TextChoices):
    ACTIVE = "aktif", _("Aktif")
    INACTIVE = "tidak_aktif", _("Tidak aktif")
    COACHING = "dalam_pembinaan", _("Dalam pembinaan")
    PROPOSED_DISSOLUTION = "diusulkan_bubar", _("Diusulkan bubar")
    DISSOLVED = "dibubarkan", _("Dibubarkan")


class Cooperative(models.Model):
    """A cooperative (koperasi) registered in Kutai Timur. Never deleted: its status changes."""

    Status = CooperativeStatus

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
    desa = models.ForeignKey(
        Desa, verbose_name=_("desa/kelurahan"), on_delete=models.PROTECT, related_name="cooperatives"
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
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    status_since = models.DateField(_("status sejak"), null=True, blank=True)
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
        ]
        indexes = [models.Index(fields=["desa", "status"], name="cooperative_desa_status")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.nomor_induk == "":
            self.nomor_induk = None
        if self.certificate_status == self.CertificateStatus.VALID and not self.certificate_expiry:
            raise ValidationError(
                {"certificate_expiry": _("Sertifikat yang berlaku harus punya tanggal berlaku sampai.")}
            )

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
