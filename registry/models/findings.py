"""Supervisory findings (temuan pengawasan) and their follow-up; they feed the reputation condition."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .areas import Kecamatan, area_queryset
from .cooperatives import Cooperative
from .people import KeepsCooperativeKecamatan
from .time_rules import future_error


# The area rule reads the finding's own copy of its cooperative's kecamatan: joined to the
# cooperatives and desa of the area, a limited Petugas's list counted many times slower than the
# district's (docs/benchmarks.md, "The findings' area at national size").
class FindingQuerySet(area_queryset("kecamatan")):
    def open(self):
        return self.exclude(follow_up_status=Finding.FollowUp.DONE)

    def overdue(self, on=None):
        """Not followed up and past the due date."""
        return self.open().filter(due_date__lt=on or timezone.localdate())


class Finding(KeepsCooperativeKecamatan, models.Model):
    """A finding of the office's supervision of a cooperative, with its recommendation and follow-up."""

    class Kind(models.TextChoices):
        ADMINISTRATIVE = "administrasi", _("Temuan administrasi")
        VIOLATION = "pelanggaran", _("Pelanggaran")
        SANCTION = "sanksi", _("Sanksi")
        LEGAL_CASE = "kasus_hukum", _("Kasus hukum")

    class Risk(models.TextChoices):
        LOW = "rendah", _("Rendah")
        MEDIUM = "sedang", _("Sedang")
        HIGH = "tinggi", _("Tinggi")

    class FollowUp(models.TextChoices):
        OPEN = "belum", _("Belum ditindaklanjuti")
        IN_PROGRESS = "proses", _("Dalam proses")
        DONE = "selesai", _("Selesai")

    # Kinds that count as "violations, sanctions or legal cases" for the reputation condition.
    SERIOUS_KINDS = (Kind.VIOLATION, Kind.SANCTION, Kind.LEGAL_CASE)

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("koperasi"), on_delete=models.PROTECT, related_name="findings"
    )
    # A copy of the cooperative's kecamatan (its desa's), so that a kecamatan-limited Petugas's list
    # (and the list filtered by kecamatan) counts its rows and its overdue ones from one index range
    # instead of joining every finding to its cooperative and desa (docs/benchmarks.md, "The
    # findings' area at national size"). Never entered: `save()` sets it on a new finding or one
    # moved to another cooperative (KeepsCooperativeKecamatan), the demo seed from the desa, and a
    # cooperative moved to another desa (or a desa to another kecamatan) rewrites it
    # (registry.services.member_areas), as for members and assessments. NOT NULL, so that a write
    # path that forgets it fails instead of leaving a finding out of its kecamatan's list. Not in the
    # history: it is the cooperative's fact, recorded in the cooperative's.
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan koperasi"), on_delete=models.PROTECT, related_name="+",
        editable=False, db_index=False,
    )
    found_on = models.DateField(_("tanggal temuan"))
    kind = models.CharField(_("jenis temuan"), max_length=20, choices=Kind.choices, default=Kind.ADMINISTRATIVE)
    description = models.TextField(_("uraian temuan"))
    risk = models.CharField(_("tingkat risiko"), max_length=10, choices=Risk.choices, default=Risk.MEDIUM)
    recommendation = models.TextField(_("rekomendasi"), blank=True)
    due_date = models.DateField(_("batas tindak lanjut"))
    follow_up_status = models.CharField(
        _("status tindak lanjut"), max_length=10, choices=FollowUp.choices, default=FollowUp.OPEN, db_index=True
    )
    followed_up_on = models.DateField(_("tanggal tindak lanjut selesai"), null=True, blank=True)
    follow_up_notes = models.TextField(_("catatan tindak lanjut"), blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "kecamatan"])

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        # The list's order: its pages seek by (due_date, id) (registry/paginators.py).
        indexes = [
            models.Index(fields=["due_date", "id"], name="finding_due_date_id"),
            # A kecamatan's findings (a limited Petugas's list, the list filtered by kecamatan) in the
            # list's order, counted from one range of this index alone; the follow-up status rides in
            # it, so that the overdue count (open, due before today) reads no table row either.
            models.Index(fields=["kecamatan", "due_date", "id"], name="finding_kecamatan_due_date",
                         include=["follow_up_status"]),
            # The district's overdue count above the list (open, due before today): a range of the
            # open findings' due dates, not every finding read to test its status (14,696 findings
            # at national size: 2.3 ms, 0.6 ms with this index).
            models.Index(fields=["due_date"], condition=~Q(follow_up_status="selesai"),
                         name="finding_open_due_date"),
        ]
        verbose_name = _("temuan pengawasan")
        verbose_name_plural = pgettext_lazy("jamak", "temuan pengawasan")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("found_on")), name="finding_due_after_found",
                violation_error_message=_("Batas tindak lanjut harus setelah tanggal temuan."),
            ),
            models.CheckConstraint(
                condition=~Q(follow_up_status="selesai") | Q(followed_up_on__isnull=False),
                name="finding_done_has_date",
                violation_error_message=_("Tindak lanjut selesai harus bertanggal."),
            ),
            models.CheckConstraint(
                condition=~Q(description=""), name="finding_has_description",
                violation_error_message=_("Uraian temuan wajib diisi."),
            ),
        ]

    def __str__(self):
        return f"{self.cooperative}: {self.get_kind_display()} {self.found_on:%d/%m/%Y}"

    def clean(self):
        super().clean()
        if self.found_on and self.due_date and self.due_date < self.found_on:
            raise ValidationError({"due_date": _("Batas tindak lanjut harus setelah tanggal temuan.")})
        if self.follow_up_status == self.FollowUp.DONE and not self.followed_up_on:
            raise ValidationError({"followed_up_on": _("Tindak lanjut selesai harus bertanggal.")})
        if self.followed_up_on and self.found_on and self.followed_up_on < self.found_on:
            raise ValidationError({"followed_up_on": _("Tanggal tindak lanjut harus setelah tanggal temuan.")})
        errors = {}
        for name in ("found_on", "followed_up_on"):
            message = future_error(getattr(self, name))
            if message:
                errors[name] = message
        if "found_on" not in errors and self.found_on and self.cooperative_id:
            message = self.cooperative.life_error_on(self.found_on)
            if message:
                errors["found_on"] = message
        if errors:
            raise ValidationError(errors)

    def is_overdue(self, on=None):
        on = on or timezone.localdate()
        return self.follow_up_status != self.FollowUp.DONE and self.due_date < on

    @property
    def followed_up_on_time(self):
        return self.follow_up_status == self.FollowUp.DONE and self.followed_up_on <= self.due_date
