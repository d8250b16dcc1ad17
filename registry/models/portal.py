"""The cooperatives' own sign-ins: a board member's account, bound to one cooperative."""

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .areas import area_queryset
from .cooperatives import Cooperative
from .people import BoardMember, Sex

# The role group of a cooperative's board members (registry/roles.py).
BOARD_ROLE = "Pengurus Koperasi"


class CooperativeAccount(models.Model):
    """A sign-in of a sitting board member (ketua, sekretaris, bendahara), bound to one cooperative.

    A Petugas creates it with a one-time code (only its keyed hash is stored) printed on a letter;
    the board member chooses a username and password with the code, once, within its validity.
    The account ends when the board member's term ends: its user is deactivated.
    """

    # Who may receive an account: the board that signs the cooperative's reports.
    ELIGIBLE_ROLES = (BoardMember.Role.CHAIR, BoardMember.Role.SECRETARY, BoardMember.Role.TREASURER)

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("koperasi"), on_delete=models.PROTECT, related_name="accounts"
    )
    board_member = models.ForeignKey(
        BoardMember, verbose_name=_("masa jabatan"), on_delete=models.PROTECT, related_name="accounts"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("pengguna"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="cooperative_account",
    )
    email = models.EmailField(_("email"), blank=True)
    code_hash = models.CharField(_("hash kode undangan"), max_length=64, unique=True, editable=False)
    code_expires_at = models.DateTimeField(_("kode berlaku sampai"))
    code_used_at = models.DateTimeField(_("kode dipakai"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dibuat oleh"), on_delete=models.SET_NULL, null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, editable=False)
    ended_at = models.DateTimeField(_("berakhir"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["code_hash"])

    objects = area_queryset("cooperative__desa__kecamatan").as_manager()

    class Meta:
        ordering = ["cooperative", "-created_at"]
        verbose_name = _("akun pengurus koperasi")
        verbose_name_plural = pgettext_lazy("jamak", "akun pengurus koperasi")
        permissions = [("use_portal", _("Dapat memakai portal koperasi"))]
        constraints = [
            # One running account (or invitation) per board term.
            models.UniqueConstraint(
                fields=["board_member"], condition=Q(ended_at__isnull=True), name="cooperativeaccount_one_per_term",
                violation_error_message=_("Pengurus ini sudah punya akun atau undangan yang berlaku."),
            ),
        ]

    def __str__(self):
        return f"{self.board_member.name} ({self.cooperative})"

    @property
    def is_open(self):
        """Still waiting for its first sign-in."""
        return self.user_id is None and self.ended_at is None

    def code_expired(self, now=None):
        return (now or timezone.now()) >= self.code_expires_at


# ---------------------------------------------------------------------------------------------
# What a cooperative submits: a yearly report with its RAT, reviewed by the Dinas
# ---------------------------------------------------------------------------------------------

# The figures a submission carries into the yearly report when the Dinas accepts it.
SUBMITTED_COUNTS = ["members_male", "members_female", "employees", "managers"]
SUBMITTED_MONEY = [
    "modal_sendiri", "modal_luar", "total_assets", "business_volume", "revenue", "expenses", "shu", "cash",
]
SUBMITTED_RAT = ["rat_date", "rat_attendance", "rat_quorum"]
REPORT_FIELDS = SUBMITTED_COUNTS + SUBMITTED_MONEY + SUBMITTED_RAT


class Submission(models.Model):
    """A cooperative's yearly report and RAT for one closed book year, as its board submits it.

    Nothing here changes the registry: the values become the yearly report only when a Petugas
    accepts them (services/submissions.py), through the write path and history of staff edits.
    A draft may be incomplete; a submitted one passes the yearly report's own checks.
    """

    class Status(models.TextChoices):
        DRAFT = "draf", _("Draf")
        SUBMITTED = "disampaikan", _("Disampaikan, menunggu tinjauan")
        ACCEPTED = "diterima", _("Diterima")
        RETURNED = "dikembalikan", _("Dikembalikan untuk diperbaiki")

    # What the board may still change.
    EDITABLE = (Status.DRAFT, Status.RETURNED)

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("koperasi"), on_delete=models.PROTECT, related_name="submissions"
    )
    year = models.PositiveSmallIntegerField(_("tahun buku"))
    status = models.CharField(_("keadaan"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    members_male = models.PositiveIntegerField(_("anggota laki-laki"), null=True, blank=True)
    members_female = models.PositiveIntegerField(_("anggota perempuan"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("karyawan"), null=True, blank=True)
    managers = models.PositiveIntegerField(_("manajer"), null=True, blank=True)
    modal_sendiri = models.BigIntegerField(_("modal sendiri (Rp)"), null=True, blank=True)
    modal_luar = models.BigIntegerField(_("modal luar (Rp)"), null=True, blank=True)
    total_assets = models.BigIntegerField(_("total aset (Rp)"), null=True, blank=True)
    business_volume = models.BigIntegerField(_("volume usaha (Rp)"), null=True, blank=True)
    revenue = models.BigIntegerField(_("pendapatan (Rp)"), null=True, blank=True)
    expenses = models.BigIntegerField(_("biaya (Rp)"), null=True, blank=True)
    shu = models.BigIntegerField(_("SHU (Rp)"), null=True, blank=True, help_text=_("Boleh negatif (rugi)."))
    cash = models.BigIntegerField(_("kas (Rp)"), null=True, blank=True)
    rat_date = models.DateField(
        _("tanggal RAT"), null=True, blank=True, help_text=_("Kosongkan bila RAT tidak diadakan.")
    )
    rat_attendance = models.PositiveIntegerField(_("hadir dalam RAT"), null=True, blank=True)
    rat_quorum = models.BooleanField(_("RAT kuorum"), null=True, blank=True)
    rat_decisions = models.TextField(_("keputusan RAT"), blank=True, max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dibuat oleh"), on_delete=models.SET_NULL, null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("disampaikan oleh"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    submitted_at = models.DateTimeField(_("disampaikan"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ditinjau oleh"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    reviewed_at = models.DateTimeField(_("ditinjau"), null=True, blank=True)
    review_note = models.TextField(_("catatan Dinas"), blank=True)
    yearly_report = models.ForeignKey(
        "registry.YearlyReport", verbose_name=_("laporan tahunan"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="submissions",
    )
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = area_queryset("cooperative__desa__kecamatan").as_manager()

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = _("laporan dari koperasi")
        verbose_name_plural = pgettext_lazy("jamak", "laporan dari koperasi")
        permissions = [("review_submission", _("Dapat meninjau laporan dari koperasi"))]
        constraints = [
            # One submission under way per book year; accepted ones stay as the record of what was sent.
            models.UniqueConstraint(
                fields=["cooperative", "year"], condition=~Q(status="diterima"), name="submission_one_open_per_year",
                violation_error_message=_("Laporan tahun buku ini sedang disiapkan atau ditinjau."),
            ),
        ]

    def __str__(self):
        return f"{self.cooperative} {self.year}"

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    @property
    def members_total(self):
        return (self.members_male or 0) + (self.members_female or 0)


def document_storage():
    """Where submitted documents live (settings.STORAGES["documents"]): private, sealed, never served directly."""
    return storages["documents"]


class SubmissionDocument(models.Model):
    """A document attached to a submission: the RAT minutes, the financial report, photos of the meeting.

    It may name members: the file is stored sealed (encrypted with the NIK keys) under a random name,
    and leaves only through a view that checks who asks (the cooperative's own board, a reviewer of
    its area). Its type is read from its first bytes, never from its name.
    """

    class Kind(models.TextChoices):
        RAT_MINUTES = "berita_acara_rat", _("Berita acara RAT")
        FINANCIAL_REPORT = "laporan_keuangan", _("Laporan keuangan")
        PHOTO = "foto_rat", _("Foto RAT")
        OTHER = "lainnya", _("Lainnya")

    submission = models.ForeignKey(
        Submission, verbose_name=_("laporan dari koperasi"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("jenis dokumen"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("berkas"), storage=document_storage, upload_to="dokumen/%Y/%m/", max_length=200)
    original_name = models.CharField(_("nama berkas"), max_length=200)
    content_type = models.CharField(_("jenis isi"), max_length=40)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diunggah oleh"), on_delete=models.SET_NULL, null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("diunggah"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = area_queryset("submission__cooperative__desa__kecamatan").as_manager()

    class Meta:
        ordering = ["submission", "uploaded_at", "pk"]
        verbose_name = _("dokumen laporan")
        verbose_name_plural = pgettext_lazy("jamak", "dokumen laporan")

    def __str__(self):
        return self.original_name


# ---------------------------------------------------------------------------------------------
# What a cooperative asks to change: its board (a new term, a term ended) and its contact details
# ---------------------------------------------------------------------------------------------

# The cooperative's contact details its board may ask to change (the rest of the profile is the Dinas's).
CONTACT_FIELDS = ["address", "postcode", "phone", "email"]
# What an ended term's request remembers of the term as it stood when the request was made.
TERM_FIELDS = ["name", "role", "term_start", "term_end", "ended_on"]


class ChangeRequest(models.Model):
    """A change the cooperative's board asks for: a new board term, the end of a current term, or
    new contact details. Kept apart from the registry: the board member, the term or the
    cooperative change only when a Petugas accepts it (services/change_requests.py), through the
    write path and history of staff edits. `base_values` holds the record as it stood when the
    request was made, so the reviewer is told what changed on record since.
    """

    class Kind(models.TextChoices):
        NEW_TERM = "pengurus_baru", _("Pengurus baru")
        END_TERM = "akhir_jabatan", _("Masa jabatan berakhir")
        CONTACT = "kontak", _("Alamat dan kontak")

    # The same steps as a submitted yearly report (and the same badges).
    Status = Submission.Status
    EDITABLE = Submission.EDITABLE
    OPEN = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("koperasi"), on_delete=models.PROTECT, related_name="change_requests"
    )
    kind = models.CharField(_("jenis perubahan"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("keadaan"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # A new term (no NIK: a board term holds none). The phone of a board member is left to the Dinas.
    name = models.CharField(_("nama"), max_length=150, blank=True)
    role = models.CharField(_("jabatan"), max_length=20, choices=BoardMember.Role.choices, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    term_start = models.DateField(_("mulai menjabat"), null=True, blank=True)
    term_end = models.DateField(_("akhir masa jabatan"), null=True, blank=True)
    # The term that ends (for a new term: the one its acceptance created).
    board_member = models.ForeignKey(
        BoardMember, verbose_name=_("masa jabatan"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="change_requests",
    )
    ended_on = models.DateField(_("berhenti pada"), null=True, blank=True)
    end_reason = models.TextField(_("alasan berhenti"), blank=True, max_length=1000)
    # New contact details (the same rules as the cooperative's own fields).
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    postcode = models.CharField(
        _("kode pos"), max_length=5, blank=True, validators=[RegexValidator(r"^[0-9]{5}\Z", _("Kode pos 5 angka."))]
    )
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    base_values = models.JSONField(_("data tercatat saat permintaan dibuat"), default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dibuat oleh"), on_delete=models.SET_NULL, null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("disampaikan oleh"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    submitted_at = models.DateTimeField(_("disampaikan"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ditinjau oleh"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    reviewed_at = models.DateTimeField(_("ditinjau"), null=True, blank=True)
    review_note = models.TextField(_("catatan Dinas"), blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = area_queryset("cooperative__desa__kecamatan").as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("permintaan perubahan dari koperasi")
        verbose_name_plural = pgettext_lazy("jamak", "permintaan perubahan dari koperasi")
        constraints = [
            # One contact change under way per cooperative, one end per term: two would undo each other.
            models.UniqueConstraint(
                fields=["cooperative"], condition=Q(kind="kontak", status__in=["draf", "disampaikan", "dikembalikan"]),
                name="changerequest_one_open_contact",
                violation_error_message=_("Perubahan alamat dan kontak sedang disiapkan atau ditinjau."),
            ),
            models.UniqueConstraint(
                fields=["board_member"],
                condition=Q(kind="akhir_jabatan", status__in=["draf", "disampaikan", "dikembalikan"]),
                name="changerequest_one_open_end_per_term",
                violation_error_message=_("Akhir masa jabatan ini sedang disiapkan atau ditinjau."),
            ),
        ]

    def __str__(self):
        return f"{self.cooperative}: {self.get_kind_display()}"

    @property
    def is_editable(self):
        return self.status in self.EDITABLE
