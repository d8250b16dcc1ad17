"""Trainings of cooperative boards and staff (pelatihan, bimtek, diklat) and who took part."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, OuterRef, Q, Subquery
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .areas import Kecamatan, area_queryset
from .cooperatives import Cooperative
from .partnerships import ReferenceQuerySet
from .people import BoardMember
from .time_rules import future_error


class TrainingQuerySet(ReferenceQuerySet):
    def with_participant_count(self, user):
        """`participant_count`: the participants from the user's area (a training itself is seen by all).

        A count per training in its own subquery, not a join and GROUP BY: grouped, PostgreSQL
        joins and counts the participants of every training before it sorts and keeps a page's 50
        (44 ms at national size, 47,559 participants); a subquery in the select list is computed
        after the sort and the limit, for the rows shown only (docs/benchmarks.md)."""
        participants = TrainingParticipant.objects.filter(training=OuterRef("pk"))
        codes = user.area_codes
        if codes is not None:
            participants = participants.filter(cooperative__desa__kecamatan__in=codes)
        # COUNT as a plain function, so Django adds no GROUP BY: one row, 0 for none.
        counted = participants.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
        return self.annotate(participant_count=Subquery(counted, output_field=models.IntegerField()))

    def editable_by(self, user):
        """The trainings a user may change: held in their area; one held district-wide (no kecamatan)
        only by a whole-district user. Seeing a training is not changing it: every user sees all."""
        codes = user.area_codes
        return self if codes is None else self.filter(kecamatan__in=codes)


class Training(models.Model):
    """A training event. Visible to every user; its participants are limited by area.

    Its area, for changing it, is where it is held (`kecamatan`; empty for one held for the whole
    district): an area-limited Petugas changes the trainings held in their kecamatan only. Its
    participants' cooperatives do not decide it: a training gets its first participants after it
    is recorded, and people from several kecamatan attend one event.
    """

    class Kind(models.TextChoices):
        TRAINING = "pelatihan", _("Pelatihan")
        BIMTEK = "bimtek", _("Bimtek")
        DIKLAT = "diklat", _("Diklat")

    class Topic(models.TextChoices):
        ACCOUNTING = "akuntansi", _("Akuntansi koperasi")
        MANAGEMENT = "manajemen", _("Manajemen")
        RAT = "rat", _("RAT")
        PARTNERSHIP = "kemitraan", _("Kemitraan")
        DIGITAL = "digital", _("Digital")
        PLANTATION = "perkebunan", _("Budidaya dan perkebunan")
        GOVERNANCE = "tata_kelola", _("Tata kelola dan pengawasan")
        OTHER = "lainnya", _("Lainnya")

    title = models.CharField(_("judul"), max_length=200)
    kind = models.CharField(_("bentuk kegiatan"), max_length=12, choices=Kind.choices, default=Kind.TRAINING)
    topic = models.CharField(_("topik"), max_length=20, choices=Topic.choices)
    start_date = models.DateField(_("mulai"))
    end_date = models.DateField(_("selesai"))
    organiser = models.CharField(_("penyelenggara"), max_length=200)
    place = models.CharField(_("tempat"), max_length=200, blank=True)
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan penyelenggaraan"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="trainings",
        help_text=_("Kosongkan untuk pelatihan tingkat kabupaten. Petugas kecamatan hanya dapat mengubah pelatihan "
                    "di kecamatannya."),
    )
    notes = models.TextField(_("catatan"), blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        # The list's order, read backwards: its pages seek by (start_date, id) (registry/paginators.py).
        indexes = [models.Index(fields=["start_date", "id"], name="training_start_date_id")]
        verbose_name = _("pelatihan")
        verbose_name_plural = pgettext_lazy("jamak", "pelatihan")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="training_end_after_start",
                violation_error_message=_("Tanggal selesai harus sama dengan atau setelah tanggal mulai."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.start_date:%d/%m/%Y})"

    def changeable_by(self, user):
        """The rule of TrainingQuerySet.editable_by for one training, without a query."""
        codes = user.area_codes
        return codes is None or self.kecamatan_id in codes

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Tanggal selesai harus sama dengan atau setelah tanggal mulai.")})
        if self.pk and self.start_date and self.end_date:
            # New dates must keep the recorded participants within the rules of TrainingParticipant.
            if self.participants.filter(attended=True).exists():
                message = future_error(self.start_date)
                if message:
                    raise ValidationError({"start_date": gettext(
                        "Pelatihan ini sudah punya peserta yang hadir. %(reason)s") % {"reason": message}})
            late = self.participants.filter(cooperative__founded_on__gt=self.end_date).select_related("cooperative")
            participant = late.first()
            if participant:
                raise ValidationError({"end_date": gettext("Peserta %(name)s: %(reason)s") % {
                    "name": participant.name, "reason": participant.cooperative.founding_error_on(self.end_date)}})


class TrainingParticipant(models.Model):
    """A person of a cooperative at a training: a board member, or staff named here; attended or not."""

    training = models.ForeignKey(
        Training, verbose_name=_("pelatihan"), on_delete=models.CASCADE, related_name="participants"
    )
    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("koperasi"), on_delete=models.PROTECT, related_name="training_participants"
    )
    board_member = models.ForeignKey(
        BoardMember, verbose_name=_("pengurus/pengawas"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="training_participations",
    )
    name = models.CharField(_("nama"), max_length=150, help_text=_("Untuk karyawan/staf yang bukan pengurus."))
    position = models.CharField(_("jabatan"), max_length=100, blank=True)
    attended = models.BooleanField(_("hadir"), default=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    history = HistoricalRecords()

    objects = area_queryset("cooperative__desa__kecamatan").as_manager()

    class Meta:
        ordering = ["training", "cooperative__name", "name", "id"]
        verbose_name = _("peserta pelatihan")
        verbose_name_plural = pgettext_lazy("jamak", "peserta pelatihan")
        constraints = [
            models.UniqueConstraint(
                fields=["training", "board_member"], condition=Q(board_member__isnull=False),
                name="trainingparticipant_once_per_training",
                violation_error_message=_("Pengurus ini sudah tercatat sebagai peserta pelatihan ini."),
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="trainingparticipant_has_name",
                violation_error_message=_("Peserta harus bernama."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.cooperative})"

    def clean(self):
        super().clean()
        if self.board_member_id and self.cooperative_id and self.board_member.cooperative_id != self.cooperative_id:
            raise ValidationError({"board_member": _("Pengurus ini bukan dari koperasi yang dipilih.")})
        message = self.time_error()
        if message:
            raise ValidationError(message)

    def time_error(self):
        """Attendance is recorded once the training started, and only for a cooperative alive during it."""
        if not (self.training_id and self.cooperative_id):
            return None
        training = self.training
        if self.attended:
            message = future_error(training.start_date)
            if message:
                return gettext("Kehadiran dicatat setelah pelatihan dimulai. %(reason)s") % {"reason": message}
        # The training's days meet the cooperative's life: it ended after the founding, began before a dissolution.
        return (self.cooperative.founding_error_on(training.end_date)
                or self.cooperative.dissolution_error_on(training.start_date))
