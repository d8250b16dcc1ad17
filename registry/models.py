"""The cooperative registry of Kutai Timur: regions, cooperatives, boards, members, yearly reports."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import nik as nik_codec

MIN_YEAR = 1945  # the first Indonesian cooperatives; nothing in the registry is older
MAX_YEAR = 2100


# ---------------------------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------------------------


class Kecamatan(models.Model):
    """A district (kecamatan) of Kutai Timur with its Kemendagri code (64.08.xx)."""

    code = models.CharField(_("kode"), max_length=8, primary_key=True)
    name = models.CharField(_("nama"), max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self):
        return self.name


class Desa(models.Model):
    """A village (desa) or urban village (kelurahan) with its Kemendagri code (64.08.xx.xxxx)."""

    class Level(models.TextChoices):
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan"), on_delete=models.PROTECT, related_name="desa_set"
    )
    level = models.CharField(_("jenis wilayah"), max_length=10, choices=Level.choices, default=Level.DESA)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = _("desa/kelurahan")
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "name"], name="desa_unique_name_in_kecamatan"),
        ]

    def __str__(self):
        return self.name


class RegionAlias(models.Model):
    """A known other spelling of a region name word (Kongbeng for Kombeng), accepted on import."""

    alias = models.CharField(_("ejaan lain"), max_length=100, unique=True)
    canonical = models.CharField(_("ejaan resmi"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        ordering = ["alias"]
        verbose_name = _("alias nama wilayah")
        verbose_name_plural = _("alias nama wilayah")

    def __str__(self):
        return f"{self.alias} = {self.canonical}"


# ---------------------------------------------------------------------------------------------
# Users and their area
# ---------------------------------------------------------------------------------------------


class User(AbstractUser):
    """A person who signs in: Dinas staff, officials, administrators.

    `kecamatan` limits what the user sees and edits; empty means the whole district.
    """

    kecamatan = models.ManyToManyField(
        Kecamatan,
        verbose_name=_("wilayah kerja (kecamatan)"),
        blank=True,
        related_name="users",
        help_text=_("Kosongkan untuk seluruh kabupaten."),
    )
    # Who may see which area, and in which role, is itself audit data.
    history = HistoricalRecords(m2m_fields=["kecamatan", "groups"], excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    @cached_property
    def area_codes(self):
        """The kecamatan codes this user is limited to, or None for the whole district."""
        codes = sorted(self.kecamatan.values_list("code", flat=True)) if self.pk else []
        return codes or None

    @cached_property
    def role_names(self):
        return sorted(self.groups.values_list("name", flat=True)) if self.pk else []


class AreaQuerySet(models.QuerySet):
    """Querysets that know the path from their rows to a kecamatan code.

    `for_user()` is the one entry point that limits records to a user's area: every view reaches
    registry records through it, so a record outside the area is simply not found (404).
    """

    area_lookup = "desa__kecamatan"

    def for_user(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        codes = user.area_codes
        if codes is None:
            return self
        return self.filter(**{f"{self.area_lookup}__in": codes})

    def in_kecamatan(self, codes):
        return self.filter(**{f"{self.area_lookup}__in": codes})


def area_queryset(lookup):
    return type(f"AreaQuerySet_{lookup}", (AreaQuerySet,), {"area_lookup": lookup})


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
        verbose_name_plural = _("koperasi")
        permissions = [
            ("view_dashboard", _("Dapat melihat dasbor kabupaten")),
            ("export_data", _("Dapat mengekspor data")),
            ("change_status", _("Dapat mengubah status koperasi")),
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


# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class BoardMemberQuerySet(area_queryset("cooperative__desa__kecamatan")):
    def current(self, on=None):
        """Terms running on a date (today by default): started, not yet ended early, not past their end."""
        on = on or timezone.localdate()
        return self.filter(term_start__lte=on).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=on), Q(ended_on__isnull=True) | Q(ended_on__gt=on)
        )


class BoardMember(models.Model):
    """A term of office on a cooperative's board (pengurus), supervisors (pengawas) or management."""

    class Role(models.TextChoices):
        CHAIR = "ketua", _("Ketua")
        VICE_CHAIR = "wakil_ketua", _("Wakil Ketua")
        SECRETARY = "sekretaris", _("Sekretaris")
        TREASURER = "bendahara", _("Bendahara")
        SUPERVISOR = "pengawas", _("Pengawas")
        MANAGER = "manajer", _("Manajer")

    # A board is complete when these hold a current term (and at least one pengawas).
    REQUIRED_ROLES = (Role.CHAIR, Role.SECRETARY, Role.TREASURER, Role.SUPERVISOR)

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("koperasi"), on_delete=models.PROTECT, related_name="board_members"
    )
    name = models.CharField(_("nama"), max_length=150)
    role = models.CharField(_("jabatan"), max_length=20, choices=Role.choices)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    term_start = models.DateField(_("mulai menjabat"))
    term_end = models.DateField(_("akhir masa jabatan"), null=True, blank=True)
    ended_on = models.DateField(
        _("berhenti pada"), null=True, blank=True, help_text=_("Isi bila berhenti sebelum masa jabatan berakhir.")
    )
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    history = HistoricalRecords()

    objects = BoardMemberQuerySet.as_manager()

    class Meta:
        ordering = ["cooperative", "role", "-term_start"]
        verbose_name = _("pengurus/pengawas")
        verbose_name_plural = _("pengurus dan pengawas")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="boardmember_term_end_after_start",
                violation_error_message=_("Akhir masa jabatan harus setelah mulai menjabat."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("term_start")),
                name="boardmember_ended_after_start",
                violation_error_message=_("Tanggal berhenti harus setelah mulai menjabat."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    def clean(self):
        super().clean()
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": _("Akhir masa jabatan harus setelah mulai menjabat.")})
        if self.term_start and self.ended_on and self.ended_on < self.term_start:
            raise ValidationError({"ended_on": _("Tanggal berhenti harus setelah mulai menjabat.")})

    def is_current(self, on=None):
        on = on or timezone.localdate()
        return (
            self.term_start <= on
            and (self.ended_on is None or self.ended_on > on)
            and (self.term_end is None or self.term_end >= on)
        )


def board_is_complete(current_roles):
    """Whether a set of roles holding current terms makes a complete board."""
    return all(role in current_roles for role in BoardMember.REQUIRED_ROLES)


class Member(models.Model):
    """A member (anggota) of a cooperative.

    The NIK is stored encrypted with its keyed hash beside it; a member without an NIK says so
    explicitly (`has_nik` false), never with a placeholder such as "0".
    """

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("koperasi"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("nama"), max_length=150)
    has_nik = models.BooleanField(_("punya NIK tercatat"), default=True)
    nik_encrypted = models.TextField(_("NIK (terenkripsi)"), blank=True, editable=False)
    nik_hash = models.CharField(_("hash NIK"), max_length=64, null=True, blank=True, editable=False, db_index=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    desa = models.ForeignKey(
        Desa, verbose_name=_("desa/kelurahan"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    member_number = models.CharField(_("nomor anggota"), max_length=30, blank=True)
    joined_on = models.DateField(_("tanggal masuk"), null=True, blank=True)
    left_on = models.DateField(_("tanggal keluar"), null=True, blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    history = HistoricalRecords()

    objects = area_queryset("cooperative__desa__kecamatan").as_manager()

    class Meta:
        ordering = ["cooperative", "name", "id"]
        verbose_name = _("anggota")
        verbose_name_plural = _("anggota")
        permissions = [("reveal_nik", _("Dapat membuka NIK lengkap anggota"))]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "nik_hash"],
                condition=Q(nik_hash__isnull=False),
                name="member_unique_nik_in_cooperative",
                violation_error_message=_("NIK ini sudah terdaftar sebagai anggota koperasi ini."),
            ),
            models.CheckConstraint(
                condition=(Q(has_nik=True) & Q(nik_hash__isnull=False) & ~Q(nik_encrypted=""))
                | (Q(has_nik=False) & Q(nik_hash__isnull=True) & Q(nik_encrypted="")),
                name="member_nik_recorded_or_explicitly_absent",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="member_left_after_joined",
                violation_error_message=_("Tanggal keluar harus setelah tanggal masuk."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def nik(self):
        """The plain NIK (decrypted on demand), or None."""
        return nik_codec.decrypt_nik(self.nik_encrypted) if self.has_nik else None

    @nik.setter
    def nik(self, value):
        if value:
            value = nik_codec.normalise_nik(value)
            nik_codec.validate_nik(value)
            self.has_nik = True
            self.nik_encrypted = nik_codec.encrypt_nik(value)
            self.nik_hash = nik_codec.hash_nik(value)
        else:
            self.has_nik = False
            self.nik_encrypted = ""
            self.nik_hash = None

    @property
    def nik_masked(self):
        return nik_codec.mask_nik_short(self.nik)

    @property
    def nik_profile_masked(self):
        return nik_codec.mask_nik_profile(self.nik)

    @property
    def is_active(self):
        return self.left_on is None or self.left_on > timezone.localdate()

    def clean(self):
        super().clean()
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("Tanggal keluar harus setelah tanggal masuk.")})


# ---------------------------------------------------------------------------------------------
# Yearly report (keragaan) with the annual member meeting (RAT)
# ---------------------------------------------------------------------------------------------


class YearlyReport(models.Model):
    """A cooperative's figures for one book year (keragaan), with its RAT."""

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
        verbose_name_plural = _("laporan tahunan (keragaan)")
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


def last_full_year(today=None):
    """The most recent book year that has ended."""
    return (today or timezone.localdate()).year - 1

