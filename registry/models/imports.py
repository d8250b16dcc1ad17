"""Spreadsheet imports (a batch with the rows it created or changed, so it can be undone) and exports."""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportKind(models.TextChoices):
    COOPERATIVES = "koperasi", _("Koperasi")
    BOARD = "pengurus", _("Pengurus dan pengawas")
    MEMBERS = "anggota", _("Anggota")
    REPORTS = "laporan", _("Laporan tahunan (keragaan)")


class ImportBatchQuerySet(models.QuerySet):
    def for_user(self, user):
        """Batches hold no area of their own: an area-limited user sees the batches they made."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self if user.covers_whole_district else self.filter(user=user)


class ImportBatch(models.Model):
    """One committed import of a spreadsheet: who, when, which file, what it did; undoable as a whole."""

    class Status(models.TextChoices):
        COMMITTED = "tersimpan", _("Tersimpan")
        UNDONE = "dibatalkan", _("Dibatalkan")

    Kind = ImportKind

    kind = models.CharField(_("jenis data"), max_length=10, choices=ImportKind.choices)
    file_name = models.CharField(_("nama berkas"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.COMMITTED)
    rows_total = models.PositiveIntegerField(_("baris"), default=0)
    rows_created = models.PositiveIntegerField(_("baru"), default=0)
    rows_updated = models.PositiveIntegerField(_("diubah"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("tetap"), default=0)
    rows_skipped = models.PositiveIntegerField(_("dilewati karena salah"), default=0)
    skipped_rows = models.JSONField(_("baris yang dilewati"), default=list, blank=True)
    # Rows whose record someone else changed after it was read for this import: not written.
    rows_conflicted = models.PositiveIntegerField(_("tidak disimpan karena diubah orang lain"), default=0)
    conflicted_rows = models.JSONField(_("baris yang bentrok"), default=list, blank=True)
    undone_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dibatalkan oleh"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("impor")
        verbose_name_plural = _("riwayat impor")
        default_permissions = ("view", "add")
        permissions = [("undo_importbatch", _("Dapat membatalkan seluruh impor"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="tersimpan") | Q(undone_at__isnull=False),
                name="importbatch_undone_has_date",
                violation_error_message=_("Impor yang dibatalkan harus punya tanggal pembatalan."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def change_reason(self):
        return f"Impor #{self.pk}: {self.file_name}"[:100]


class ImportedRow(models.Model):
    """A record an import created or changed, with its values before, so undo restores them exactly."""

    class Action(models.TextChoices):
        CREATED = "baru", _("Baru")
        UPDATED = "diubah", _("Diubah")

    batch = models.ForeignKey(ImportBatch, verbose_name=_("impor"), on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(_("baris di berkas"))
    object_id = models.PositiveBigIntegerField(_("id data"))
    action = models.CharField(_("tindakan"), max_length=6, choices=Action.choices)
    previous = models.JSONField(_("nilai sebelumnya"), null=True, blank=True)
    version_after = models.PositiveIntegerField(_("versi setelah impor"))

    class Meta:
        ordering = ["batch", "row_number"]
        verbose_name = _("baris impor")
        verbose_name_plural = pgettext_lazy("jamak", "baris impor")
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(action="baru") | Q(previous__isnull=False),
                name="importedrow_update_keeps_previous",
                violation_error_message=_("Baris yang diubah harus menyimpan nilai sebelumnya."),
            ),
        ]

    def __str__(self):
        return f"{self.batch_id}:{self.row_number} {self.action}"


class PendingImport(models.Model):
    """An uploaded file between its check (dry run) and its commit, and the state of the work on it.

    Kept in the database, not on one server's disk, so any web server and any task worker can reach
    it: a file checked through one server can be committed through another. The file and the check's
    result hold names and NIKs in clear, so both are stored encrypted (the NIK keys, Fernet) and
    wiped once committed; the purge deletes what is left after IMPORT_PENDING_HOURS. Its id (random)
    is the only thing a URL carries; only the user who uploaded it may see or commit it.
    """

    class Status(models.TextChoices):
        CHECKING = "diperiksa", _("Sedang diperiksa")
        CHECKED = "siap", _("Sudah diperiksa")
        COMMITTING = "disimpan", _("Sedang disimpan")
        COMMITTED = "tersimpan", _("Tersimpan")
        FAILED = "gagal", _("Gagal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.CASCADE,
                             related_name="+")
    kind = models.CharField(_("jenis data"), max_length=10, choices=ImportKind.choices)
    cooperative = models.ForeignKey("registry.Cooperative", verbose_name=_("koperasi"), on_delete=models.CASCADE,
                                    null=True, blank=True, related_name="+")
    file_name = models.CharField(_("nama berkas"), max_length=255)
    size = models.PositiveIntegerField(_("ukuran berkas"))
    data = models.BinaryField(_("isi berkas (terenkripsi)"), editable=False)
    result = models.BinaryField(_("hasil pemeriksaan (terenkripsi)"), null=True, editable=False)
    # What the preview promised per row (imports.preview_plan: action, record id, version): the commit
    # writes no row whose record changed since. Ids and versions only, no personal data.
    plan = models.JSONField(_("rencana pratinjau"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    skip_errors = models.BooleanField(_("lewati baris salah"), default=False)
    rows_total = models.PositiveIntegerField(_("perkiraan jumlah baris"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("baris selesai"), default=0)
    error = models.TextField(_("kesalahan"), blank=True)
    batch = models.OneToOneField(ImportBatch, verbose_name=_("impor"), on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    created_at = models.DateTimeField(_("diunggah"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("diperbarui"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("berkas impor tertunda")
        verbose_name_plural = pgettext_lazy("jamak", "berkas impor tertunda")
        default_permissions = ()

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name} ({self.get_status_display()})"

    @property
    def percent(self):
        """Rows done of the estimated total, 0-100, or None when the total is not known."""
        if not self.rows_total:
            return None
        return min(100, round(100 * self.rows_done / self.rows_total))


def export_storage():
    """Where prepared export files live (settings.STORAGES["exports"]): private, shared by every server."""
    return storages["exports"]


class ExportLog(models.Model):
    """One export of a list: who, when, which list and filter, how many rows, whether NIK was in full.

    A small export is answered at once; a large one is prepared by the task worker into `file` (the
    export storage) and downloaded by its owner until `expires_at`. `row_count` and the status
    "selesai" are written only when the whole file is there: a failed or unfinished export never
    shows a count or a file.
    """

    class Status(models.TextChoices):
        PREPARING = "disiapkan", _("Sedang disiapkan")
        DONE = "selesai", _("Selesai")
        FAILED = "gagal", _("Gagal")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    kind = models.CharField(_("daftar"), max_length=20)
    file_format = models.CharField(_("format"), max_length=4)
    query = models.TextField(_("filter"), blank=True)
    row_count = models.PositiveIntegerField(_("jumlah baris"), null=True, blank=True)
    full_nik = models.BooleanField(_("NIK lengkap"), default=False)
    # Why the full NIK column was needed, as the user stated it (required for a full-NIK export).
    purpose = models.TextField(_("keperluan"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DONE)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    # A random name in the export storage (no personal data); emptied when the file is purged.
    file = models.FileField(_("berkas"), storage=export_storage, max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(_("ukuran berkas"), null=True, blank=True)
    expires_at = models.DateTimeField(_("berkas tersedia sampai"), null=True, blank=True, db_index=True)
    error = models.CharField(_("kesalahan"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("log ekspor")
        verbose_name_plural = pgettext_lazy("jamak", "log ekspor")
        default_permissions = ("view",)
        permissions = [
            ("export_personal_data", _("Dapat mengekspor data pribadi anggota")),
            ("export_full_nik", _("Dapat mengekspor NIK lengkap anggota (dengan keperluan, dibatasi per hari)")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="selesai") | Q(row_count__isnull=False),
                name="exportlog_done_has_row_count",
                violation_error_message=_("Ekspor yang selesai harus punya jumlah baris."),
            ),
            models.CheckConstraint(
                condition=Q(status="selesai") | Q(file=""),
                name="exportlog_file_only_when_done",
                violation_error_message=_("Hanya ekspor yang selesai yang punya berkas."),
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.kind}.{self.file_format} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def filename(self):
        """The name the download is saved under: the list and the day, never a filter value; a file
        with full NIKs says so in its name, so that nobody mistakes it for the masked one."""
        full = "-NIK-LENGKAP" if self.full_nik else ""
        return f"{self.kind}{full}-{timezone.localtime(self.created_at):%Y%m%d-%H%M}.{self.file_format}"

    def downloadable(self, now=None):
        return bool(self.file) and self.expires_at is not None and self.expires_at > (now or timezone.now())
