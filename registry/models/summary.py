"""Precomputed dashboard figures: summed per kecamatan, year and one classification, refreshed by command.

Counting 130,000 cooperatives and their reports on every request is too slow for the dashboard,
so `refresh_summary` (registry/services/summary.py) writes these rows and the dashboard only sums
them. A row per kecamatan keeps an area-limited user's figures exact: they are the sum of their
kecamatan's rows.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .areas import Kecamatan, area_queryset

# `year` of the rows holding the state of the registry at the refresh (status, certificate, ...).
CURRENT = 0


def _count(label):
    return models.PositiveIntegerField(label, default=0)


def _money(label):
    return models.BigIntegerField(label, default=0)


def _score_sum(label):
    return models.DecimalField(label, max_digits=14, decimal_places=2, default=0)


class SummaryCell(models.Model):
    """Figures of the cooperatives of one kecamatan for one year, whole or split by one classification.

    `dimension` "" holds the kecamatan's whole figures; "jenis", "kelompok" and "sektor" one row per
    value (`key`). Rows with `year` 0 (CURRENT) hold the state at the refresh (status, certificate,
    board); rows of a book year hold its status at the year's end (from the status history), its
    yearly reports and its assessments.
    """

    class Dimension(models.TextChoices):
        TOTAL = "", _("seluruhnya")
        JENIS = "jenis", _("jenis")
        KELOMPOK = "kelompok", _("kelompok")
        SECTOR = "sektor", _("sektor usaha")

    year = models.PositiveSmallIntegerField(_("tahun"))
    kecamatan = models.ForeignKey(Kecamatan, verbose_name=_("kecamatan"), on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(_("rincian"), max_length=10, choices=Dimension.choices, blank=True)
    key = models.CharField(_("nilai rincian"), max_length=30, blank=True)
    # Cooperatives and their status (at the refresh, or at the end of the book year).
    cooperatives = _count(_("koperasi"))
    status_aktif = _count(_("aktif"))
    status_tidak_aktif = _count(_("tidak aktif"))
    status_dalam_pembinaan = _count(_("dalam pembinaan"))
    status_diusulkan_bubar = _count(_("diusulkan bubar"))
    status_dibubarkan = _count(_("dibubarkan"))
    # State at the refresh (CURRENT rows only).
    certificate_valid = _count(_("sertifikat NIK berlaku"))
    certificate_expired = _count(_("sertifikat NIK kedaluwarsa"))
    merah_putih = _count(_("Koperasi Merah Putih"))
    board_incomplete = _count(_("pengurus tidak lengkap"))
    board_trained = _count(_("pengurus dilatih dalam dua tahun"))
    findings_overdue = _count(_("temuan lewat batas tindak lanjut"))
    # Yearly reports of the book year.
    reported = _count(_("menyampaikan laporan tahunan"))
    members_male = _money(_("anggota laki-laki"))
    members_female = _money(_("anggota perempuan"))
    rat_held = _count(_("RAT diadakan"))
    rat_reported_on_time = _count(_("RAT dilaporkan tepat waktu"))
    active_without_rat = _count(_("aktif tanpa RAT dua tahun"))
    business_volume = _money(_("volume usaha (Rp)"))
    shu = _money(_("SHU (Rp)"))
    total_assets = _money(_("total aset (Rp)"))
    modal_sendiri = _money(_("modal sendiri (Rp)"))
    # The RAT season of the book year (registry/rat_season.py): cooperatives Aktif at the refresh and
    # founded by the year's end, and their RAT; those without one are "overdue" or "still in time"
    # by the date the page is read, so only their number (the rest) is stored.
    season_cooperatives = _count(_("koperasi aktif dalam musim RAT"))
    season_reported = _count(_("RAT diadakan dan dilaporkan"))
    season_reported_portal = _count(_("RAT dilaporkan lewat portal"))
    season_held_not_reported = _count(_("RAT diadakan, belum dilaporkan"))
    # Assessments of the book year.
    assessed = _count(_("dinilai"))
    predicate_sehat = _count(_("Sehat"))
    predicate_cukup_sehat = _count(_("Cukup Sehat"))
    predicate_dalam_pengawasan = _count(_("Dalam Pengawasan"))
    predicate_dalam_pengawasan_khusus = _count(_("Dalam Pengawasan Khusus"))
    label_sehat = _count(_("label Sehat (RAT)"))
    label_setengah_sehat = _count(_("label Setengah Sehat"))
    label_tidak_sehat = _count(_("label Tidak Sehat"))
    big_drop = _count(_("penurunan tajam suatu kondisi"))
    score_kelembagaan_sum = _score_sum(_("jumlah nilai kelembagaan"))
    score_kelembagaan_n = _count(_("dinilai kelembagaan"))
    score_keuangan_sum = _score_sum(_("jumlah nilai keuangan usaha"))
    score_keuangan_n = _count(_("dinilai keuangan usaha"))
    score_operasional_sum = _score_sum(_("jumlah nilai operasional usaha"))
    score_operasional_n = _count(_("dinilai operasional usaha"))
    score_reputasi_sum = _score_sum(_("jumlah nilai reputasi"))
    score_reputasi_n = _count(_("dinilai reputasi"))
    overall_score_sum = _score_sum(_("jumlah nilai akhir"))
    overall_score_n = _count(_("dinilai nilai akhir"))

    objects = area_queryset("kecamatan").as_manager()

    class Meta:
        ordering = ["year", "kecamatan", "dimension", "key"]
        verbose_name = _("ringkasan dasbor")
        verbose_name_plural = pgettext_lazy("jamak", "ringkasan dasbor")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kecamatan", "dimension", "key"], name="summarycell_once",
                violation_error_message=_("Ringkasan ini sudah ada."),
            ),
            models.CheckConstraint(
                condition=Q(dimension="", key="") | (~Q(dimension="") & ~Q(key="")),
                name="summarycell_key_with_dimension",
                violation_error_message=_("Rincian dan nilainya diisi bersama."),
            ),
        ]
        indexes = [models.Index(fields=["dimension", "year", "kecamatan"], name="summarycell_dim_year")]

    def __str__(self):
        return f"{self.year} {self.kecamatan_id} {self.dimension}={self.key}"


class KecamatanSummary(models.Model):
    """Desa of a kecamatan and those with a Koperasi Merah Putih, at the refresh (not additive by jenis)."""

    kecamatan = models.OneToOneField(
        Kecamatan, verbose_name=_("kecamatan"), on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    desa = _count(_("desa/kelurahan"))
    desa_merah_putih = _count(_("desa/kelurahan dengan Koperasi Merah Putih"))
    refreshed_at = models.DateTimeField(_("dihitung pada"))

    objects = area_queryset("kecamatan").as_manager()

    class Meta:
        ordering = ["kecamatan"]
        verbose_name = _("ringkasan kecamatan")
        verbose_name_plural = pgettext_lazy("jamak", "ringkasan kecamatan")

    def __str__(self):
        return str(self.kecamatan_id)


class SummaryRefresh(models.Model):
    """One run of the summary refresh: when, by whom, how long, how many rows."""

    finished_at = models.DateTimeField(_("selesai"))
    seconds = models.FloatField(_("lama (detik)"))
    cells = models.PositiveIntegerField(_("baris ringkasan"))
    # Whether these records exist at all: the dashboard shows their sections only then.
    partnerships = models.PositiveIntegerField(_("kemitraan tercatat"), default=0)
    trainings = models.PositiveIntegerField(_("pelatihan tercatat"), default=0)
    findings = models.PositiveIntegerField(_("temuan tercatat"), default=0)
    # Whether this refresh counted the RAT seasons (SummaryCell.season_*): rows written before those
    # columns existed hold 0 there, and the dashboard counts the season live until the next refresh.
    rat_seasons = models.BooleanField(_("musim RAT dihitung"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diminta oleh"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-finished_at"]
        verbose_name = _("penghitungan ringkasan")
        verbose_name_plural = pgettext_lazy("jamak", "penghitungan ringkasan")
        permissions = [("refresh_summary", _("Dapat menghitung ulang ringkasan dasbor"))]

    def __str__(self):
        return f"{self.finished_at:%Y-%m-%d %H:%M}"


class AttentionCase(models.Model):
    """A cooperative named under a needs-attention figure: a few per kecamatan, reason and year.

    The dashboard names some cooperatives behind each count (the linked list has them all);
    `year` 0 for reasons about the state at the refresh (board, certificate, findings).
    """

    class Reason(models.TextChoices):
        WITHOUT_RAT = "tanpa_rat", _("tanpa RAT dua tahun")
        DPK = "dpk", _("Dalam Pengawasan Khusus")
        BOARD = "pengurus", _("pengurus tidak lengkap")
        CERTIFICATE = "sertifikat_expired", _("sertifikat NIK kedaluwarsa")
        BIG_DROP = "turun_tajam", _("suatu kondisi turun tajam")
        FINDINGS = "temuan", _("temuan lewat batas")

    year = models.PositiveSmallIntegerField(_("tahun"))
    kecamatan = models.ForeignKey(Kecamatan, verbose_name=_("kecamatan"), on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("alasan"), max_length=20, choices=Reason.choices)
    cooperative = models.ForeignKey(
        "registry.Cooperative", verbose_name=_("koperasi"), on_delete=models.CASCADE, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(_("urutan"))

    objects = area_queryset("kecamatan").as_manager()

    class Meta:
        ordering = ["reason", "rank", "kecamatan"]
        verbose_name = _("koperasi perlu perhatian")
        verbose_name_plural = pgettext_lazy("jamak", "koperasi perlu perhatian")
        indexes = [models.Index(fields=["year", "kecamatan"], name="attentioncase_year_kecamatan")]

    def __str__(self):
        return f"{self.year} {self.reason} {self.cooperative_id}"
