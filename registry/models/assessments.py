"""Yearly assessments of cooperatives across the four conditions, and the rubric they are scored with.

The rubric is data (domain brief, section 4): a version per year with its conditions and
indicators, editable in Django admin. An assessment keeps the rubric version it was scored with.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .. import scoring
from .areas import Kecamatan, area_queryset
from .cooperatives import Cooperative
from .people import KeepsCooperativeKecamatan
from .reports import MAX_YEAR, MIN_YEAR
from .time_rules import open_year_error

LEVEL_VALIDATORS = [MinValueValidator(scoring.MIN_LEVEL), MaxValueValidator(scoring.MAX_LEVEL)]


class Condition(models.TextChoices):
    """The four conditions the office judges (domain brief, section 1)."""

    INSTITUTIONAL = "kelembagaan", _("Kelembagaan")
    FINANCE = "keuangan", _("Keuangan usaha")
    OPERATIONS = "operasional", _("Operasional usaha")
    REPUTATION = "reputasi", _("Reputasi")


class Predicate(models.TextChoices):
    SEHAT = scoring.SEHAT, _("Sehat")
    CUKUP_SEHAT = scoring.CUKUP_SEHAT, _("Cukup Sehat")
    DALAM_PENGAWASAN = scoring.DALAM_PENGAWASAN, _("Dalam Pengawasan")
    DALAM_PENGAWASAN_KHUSUS = scoring.DALAM_PENGAWASAN_KHUSUS, _("Dalam Pengawasan Khusus")


class KutimLabel(models.TextChoices):
    SEHAT = scoring.KUTIM_SEHAT, _("Sehat (RAT)")
    SETENGAH_SEHAT = scoring.KUTIM_SETENGAH_SEHAT, _("Setengah Sehat")
    TIDAK_SEHAT = scoring.KUTIM_TIDAK_SEHAT, _("Tidak Sehat")


class Helper(models.TextChoices):
    """Who can help a cooperative act on a recommendation."""

    FIELD_OFFICER = "petugas_lapangan", _("Petugas lapangan Dinas (PPKL)")
    DINAS = "dinas", _("Dinas Koperasi dan UKM")
    BANK = "bank", _("Bank / lembaga keuangan")
    PLANTATION = "perusahaan_perkebunan", _("Perusahaan perkebunan (inti)")
    COOPERATIVE = "koperasi_lain", _("Koperasi lain")
    ACCOUNTANT = "akuntan", _("Akuntan publik / KJA")
    LEGAL = "notaris", _("Notaris / Kemenkumham")


# ---------------------------------------------------------------------------------------------
# Rubric
# ---------------------------------------------------------------------------------------------


class RubricFrozen(ValidationError):
    """A change to a rubric version that submitted or verified assessments were scored with."""


def frozen_message(rubric):
    return _(
        "Versi rubrik \"%(name)s\" sudah dipakai penilaian yang diajukan atau diverifikasi: bobot, rentang, "
        "uraian nilai dan indikatornya tidak bisa diubah lagi, agar nilai lama tetap sesuai rubriknya. Pakai "
        "aksi \"Salin ke versi baru\" lalu ubah salinannya."
    ) % {"name": rubric.name}


def _refuse_if_frozen(instance, rubric, fields, *, stored_rubric=None):
    """Refuse adding, or changing `fields` of, a row of a frozen rubric version.

    Called by clean() (the admin's message beside the form) and by save() and delete(): a rubric
    row is written from the admin, the shell, data migrations and the copy service, and the freeze
    must hold on every one of them, not only on forms.
    """
    if instance.pk is None:
        if rubric is not None and rubric.is_frozen():
            raise RubricFrozen(frozen_message(rubric))
        return
    stored = type(instance).objects.filter(pk=instance.pk).values(*fields).first()
    if stored is None:
        return
    field_names = {f: type(instance)._meta.get_field(f).attname for f in fields}
    changed = [f for f in fields if stored[f] != getattr(instance, field_names[f])]
    if not changed:
        return
    for version in {rubric, stored_rubric} - {None}:
        if version.is_frozen():
            raise RubricFrozen(frozen_message(version))


class RubricVersion(models.Model):
    """The rubric used for the assessments of one year; copy last year's to make the next one.

    A year may have several revisions: once a submitted or verified assessment uses a version it
    is frozen (`is_frozen`), and a change is made on a copy, the next revision of the same year,
    which new assessments of that year then use. Old assessments keep the version they were
    scored with.
    """

    year = models.PositiveSmallIntegerField(
        _("tahun penilaian"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    revision = models.PositiveSmallIntegerField(
        _("revisi"), default=1, validators=[MinValueValidator(1)],
        help_text=_("Revisi ke berapa untuk tahun ini; penilaian baru memakai revisi terakhir."),
    )
    name = models.CharField(_("nama"), max_length=200)
    notes = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-revision"]
        verbose_name = _("versi rubrik penilaian")
        verbose_name_plural = pgettext_lazy("jamak", "versi rubrik penilaian")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "revision"], name="rubricversion_one_per_year_and_revision",
                violation_error_message=_("Revisi ini sudah ada untuk tahun ini."),
            ),
        ]

    # Which year a version serves; its name and notes stay editable.
    FROZEN_FIELDS = ("year",)

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.pk is not None:
            _refuse_if_frozen(self, self, self.FROZEN_FIELDS)
        super().save(*args, **kwargs)

    @classmethod
    def for_year(cls, year):
        """The version in force for a year: that year's latest revision, or else the latest earlier one."""
        return cls.objects.filter(year__lte=year).order_by("-year", "-revision").first()

    def is_frozen(self):
        """Whether a submitted or verified assessment was scored with this version (one query)."""
        return self.pk is not None and self.assessments.filter(status__in=Assessment.FROZEN_STATUSES).exists()

    def clean(self):
        super().clean()
        _refuse_if_frozen(self, self if self.pk else None, self.FROZEN_FIELDS)


class RubricCondition(models.Model):
    """One of the four conditions in a rubric version, with its weight in the overall score."""

    rubric = models.ForeignKey(
        RubricVersion, verbose_name=_("versi rubrik"), on_delete=models.CASCADE, related_name="conditions"
    )
    code = models.CharField(_("kondisi"), max_length=20, choices=Condition.choices)
    weight = models.DecimalField(
        _("bobot"), max_digits=6, decimal_places=2, default=25, validators=[MinValueValidator(0)]
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["rubric", "order", "id"]
        verbose_name = _("kondisi rubrik")
        verbose_name_plural = pgettext_lazy("jamak", "kondisi rubrik")
        constraints = [
            models.UniqueConstraint(
                fields=["rubric", "code"], name="rubriccondition_once_per_rubric",
                violation_error_message=_("Kondisi ini sudah ada dalam versi rubrik ini."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0), name="rubriccondition_weight_not_negative",
                violation_error_message=_("Bobot tidak boleh negatif."),
            ),
        ]

    # What scores depend on; changing any of them in a frozen version is refused.
    FROZEN_FIELDS = ("rubric", "code", "weight")

    def __str__(self):
        return f"{self.rubric.year} {self.get_code_display()}"

    def save(self, *args, **kwargs):
        _refuse_if_frozen(self, self.rubric, self.FROZEN_FIELDS, stored_rubric=self._stored_rubric())
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.rubric.is_frozen():
            raise RubricFrozen(frozen_message(self.rubric))
        return super().delete(*args, **kwargs)

    def _stored_rubric(self):
        if self.pk is None:
            return None
        return RubricVersion.objects.filter(conditions=self.pk).first()

    def clean(self):
        super().clean()
        if self.rubric_id is not None:
            _refuse_if_frozen(self, self.rubric, self.FROZEN_FIELDS, stored_rubric=self._stored_rubric())


class RubricIndicator(models.Model):
    """An indicator of a condition: how it is scored 1-4, and what to recommend when it scores low.

    `source` names the computation in registry/assessment_inputs.py for `ratio` and `derived`
    indicators; `bands` holds a ratio indicator's ranges as [{"min": 0.4, "max": 0.6, "level": 4},
    ...] (bounds inclusive, first match wins); `checklist_items` a checklist indicator's items.
    """

    class Method(models.TextChoices):
        MANUAL = "manual", _("Manual (dipilih penilai)")
        RATIO = "ratio", _("Rasio (dari laporan tahunan)")
        DERIVED = "derived", _("Turunan (dari catatan)")
        CHECKLIST = "checklist", _("Daftar periksa")

    # The computations a `ratio` or `derived` indicator may name as its source. Each is implemented
    # in registry/assessment_inputs.py, which refuses to load if the two lists disagree.
    SOURCES = {
        Method.RATIO: ("equity_ratio", "return_on_assets", "efficiency", "business_volume_growth", "member_growth"),
        Method.DERIVED: (
            "rat_held", "rat_reported", "board_complete", "certificate", "financial_report", "management_staff",
            "board_training", "partnerships", "findings", "violations",
        ),
    }

    condition = models.ForeignKey(
        RubricCondition, verbose_name=_("kondisi"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("kode"), max_length=10)
    text = models.CharField(_("indikator"), max_length=300)
    weight = models.DecimalField(
        _("bobot"), max_digits=6, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    method = models.CharField(_("metode"), max_length=10, choices=Method.choices, default=Method.MANUAL)
    source = models.CharField(
        _("sumber perhitungan"), max_length=40, blank=True,
        help_text=_("Nama perhitungan untuk metode rasio atau turunan, mis. equity_ratio."),
    )
    level_1 = models.TextField(_("uraian nilai 1"))
    level_2 = models.TextField(_("uraian nilai 2"))
    level_3 = models.TextField(_("uraian nilai 3"))
    level_4 = models.TextField(_("uraian nilai 4"))
    bands = models.JSONField(_("rentang nilai (rasio)"), default=list, blank=True)
    checklist_items = models.JSONField(_("butir daftar periksa"), default=list, blank=True)
    recommendation = models.TextField(_("rekomendasi bila nilai 1-2"))
    helper = models.CharField(_("yang dapat membantu"), max_length=30, choices=Helper.choices)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["condition__order", "order", "id"]
        verbose_name = _("indikator rubrik")
        verbose_name_plural = pgettext_lazy("jamak", "indikator rubrik")
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "code"], name="rubricindicator_code_once_per_condition",
                violation_error_message=_("Kode indikator ini sudah dipakai dalam kondisi ini."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0), name="rubricindicator_weight_not_negative",
                violation_error_message=_("Bobot tidak boleh negatif."),
            ),
            models.CheckConstraint(
                condition=Q(method__in=["manual", "checklist"]) | ~Q(source=""),
                name="rubricindicator_computed_has_source",
                violation_error_message=_("Indikator rasio atau turunan harus punya sumber perhitungan."),
            ),
        ]

    # What a score means and how it is computed; the recommendation, the helper and the order may
    # still be edited on a frozen version (they guide the next steps, they do not change a score).
    FROZEN_FIELDS = (
        "condition", "code", "text", "weight", "method", "source", "bands", "checklist_items",
        "level_1", "level_2", "level_3", "level_4",
    )

    def __str__(self):
        return f"{self.code} {self.text}"

    def save(self, *args, **kwargs):
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        rubric, _stored = self._rubrics()
        if rubric is not None and rubric.is_frozen():
            raise RubricFrozen(frozen_message(rubric))
        return super().delete(*args, **kwargs)

    def _rubrics(self):
        """The version the indicator is in now (by its condition) and the version stored for it."""
        rubric = self.condition.rubric if self.condition_id else None
        stored = None
        if self.pk is not None:
            stored = RubricVersion.objects.filter(conditions__indicators=self.pk).first()
        return rubric, stored

    def _refuse_if_frozen(self):
        rubric, stored = self._rubrics()
        _refuse_if_frozen(self, rubric, self.FROZEN_FIELDS, stored_rubric=stored)

    @property
    def level_descriptions(self):
        return {1: self.level_1, 2: self.level_2, 3: self.level_3, 4: self.level_4}

    @property
    def is_computed(self):
        return self.method in (self.Method.RATIO, self.Method.DERIVED)

    def parsed_bands(self):
        return [scoring.Band.from_dict(band) for band in self.bands]

    def clean(self):
        super().clean()
        if self.condition_id is not None:
            self._refuse_if_frozen()
        if self.method == self.Method.RATIO:
            try:
                bands = self.parsed_bands()
            except (KeyError, TypeError, ValueError, ArithmeticError) as error:
                raise ValidationError({"bands": _("Rentang tidak terbaca: %(error)s") % {"error": error}}) from error
            if not bands or any(band.level not in scoring.LEVELS for band in bands):
                raise ValidationError({"bands": _("Isi rentang dengan nilai 1-4.")})
        if self.is_computed and self.source not in self.SOURCES[self.method]:
            raise ValidationError({"source": _("Sumber perhitungan tidak dikenal.")})
        if self.method == self.Method.CHECKLIST and not self.checklist_items:
            raise ValidationError({"checklist_items": _("Daftar periksa butuh minimal satu butir.")})


# ---------------------------------------------------------------------------------------------
# Assessments
# ---------------------------------------------------------------------------------------------


class Assessment(KeepsCooperativeKecamatan, models.Model):
    """A cooperative's assessment for one year, scored with one rubric version.

    Only for a closed book year within the cooperative's life (`year_error`).

    Scores are stored (recomputed by the service on every save) so lists can filter and sort by
    them; the indicator scores below are the source of truth.
    """

    class Status(models.TextChoices):
        DRAFT = "draf", _("Draf")
        SUBMITTED = "diajukan", _("Diajukan")
        # Sent back by the verifier with a note: the assessor edits it again, then submits it again.
        RETURNED = "dikembalikan", _("Dikembalikan")
        VERIFIED = "diverifikasi", _("Diverifikasi")

    # Scored for good with its rubric version: such an assessment freezes the version.
    FROZEN_STATUSES = (Status.SUBMITTED, Status.VERIFIED)

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("koperasi"), on_delete=models.PROTECT, related_name="assessments"
    )
    # A copy of the cooperative's kecamatan (its desa's), so that the list filtered by year and
    # kecamatan averages and counts from one index range instead of one lookup per assessment
    # through its cooperative and desa (docs/benchmarks.md, "The assessments' area at national
    # size"). Never entered: `save()` sets it on a new assessment or one moved to another
    # cooperative, the bulk writers with `stamp_cooperative_kecamatan` (or the seed from the desa),
    # and a cooperative moved to another desa (or a desa to another kecamatan) rewrites it
    # (registry.services.member_areas), as for members. NOT NULL, so that a write path that forgets
    # it fails instead of leaving an assessment out of its kecamatan's list. Not in the history: it
    # is the cooperative's fact, recorded in the cooperative's.
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan koperasi"), on_delete=models.PROTECT, related_name="+",
        editable=False, db_index=False,
    )
    year = models.PositiveSmallIntegerField(
        _("tahun buku"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    rubric = models.ForeignKey(
        RubricVersion, verbose_name=_("versi rubrik"), on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    score_kelembagaan = models.DecimalField(_("nilai kelembagaan"), max_digits=5, decimal_places=2, null=True)
    score_keuangan = models.DecimalField(_("nilai keuangan usaha"), max_digits=5, decimal_places=2, null=True)
    score_operasional = models.DecimalField(_("nilai operasional usaha"), max_digits=5, decimal_places=2, null=True)
    score_reputasi = models.DecimalField(_("nilai reputasi"), max_digits=5, decimal_places=2, null=True)
    overall_score = models.DecimalField(_("nilai akhir"), max_digits=5, decimal_places=2, null=True)
    # Indicators of the rubric version without a level. While any is missing there is no overall
    # score nor predicate (scoring.Outcome), and pages say "belum lengkap" with this number.
    unscored = models.PositiveSmallIntegerField(_("indikator belum dinilai"), default=0)
    predicate = models.CharField(_("predikat"), max_length=30, choices=Predicate.choices, blank=True, db_index=True)
    weakest_condition = models.CharField(_("kondisi terlemah"), max_length=20, choices=Condition.choices, blank=True)
    kutim_label = models.CharField(_("label RAT Kutim"), max_length=20, choices=KutimLabel.choices, blank=True)
    notes = models.TextField(_("catatan penilai"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("penilai"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    # Who submitted it may not verify it too: verifying is a second person's check.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diajukan oleh"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diverifikasi oleh"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    # The verifier's note when they returned it, shown to the assessor (every return stays in the history).
    return_note = models.TextField(_("catatan pengembalian"), blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dikembalikan oleh"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    returned_at = models.DateTimeField(_("dikembalikan pada"), null=True, blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "kecamatan"])

    objects = area_queryset("kecamatan").as_manager()

    SCORE_FIELDS = {
        Condition.INSTITUTIONAL: "score_kelembagaan",
        Condition.FINANCE: "score_keuangan",
        Condition.OPERATIONS: "score_operasional",
        Condition.REPUTATION: "score_reputasi",
    }

    class Meta:
        ordering = ["-year", "cooperative__name", "id"]
        verbose_name = _("penilaian")
        verbose_name_plural = pgettext_lazy("jamak", "penilaian")
        permissions = [
            ("verify_assessment", _("Dapat memverifikasi (mengunci) penilaian")),
            ("reopen_assessment", _("Dapat membuka kembali penilaian yang terverifikasi")),
        ]
        indexes = [
            # The assessment list's year choices walk it one year at a time (filters/assessments.py).
            models.Index(fields=["year"], name="assessment_year"),
            # The list of a kecamatan's year (and a kecamatan-limited Petugas's list) averaged and
            # counted from one range of this index alone: the scores its average line sums ride in it.
            models.Index(
                fields=["kecamatan", "year"], name="assessment_kecamatan_year",
                include=["score_kelembagaan", "score_keuangan", "score_operasional", "score_reputasi",
                         "overall_score"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "year"], name="assessment_one_per_year",
                violation_error_message=_("Penilaian tahun ini sudah ada untuk koperasi ini."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR), name="assessment_year_range"
            ),
            models.CheckConstraint(
                condition=Q(overall_score__isnull=True) | (Q(overall_score__gte=0) & Q(overall_score__lte=100)),
                name="assessment_overall_0_100",
                violation_error_message=_("Nilai akhir harus 0-100."),
            ),
            models.CheckConstraint(
                condition=~Q(status="diverifikasi") | Q(verified_at__isnull=False),
                name="assessment_verified_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.cooperative} {self.year}"

    def clean(self):
        super().clean()
        message = self.year_error()
        if message:
            raise ValidationError({"year": message})

    def year_error(self):
        """The message refusing this assessment's year (not closed, or outside the cooperative's life), or None."""
        message = open_year_error(self.year)
        if message is None and self.cooperative_id:
            message = self.cooperative.life_error_in_year(self.year)
        return message

    @property
    def is_locked(self):
        """Submitted (until the verifier returns it) or verified: its scores cannot be edited."""
        return self.status in self.FROZEN_STATUSES

    def locked_message(self):
        if self.status == self.Status.SUBMITTED:
            return _("Penilaian ini sudah diajukan dan terkunci sampai Verifikator mengembalikannya dengan catatan.")
        return _("Penilaian yang sudah diverifikasi terkunci.")

    @property
    def is_complete(self):
        return self.unscored == 0 and self.overall_score is not None

    def condition_scores(self):
        """{condition code: score} in rubric order of the four conditions."""
        return {code: getattr(self, name) for code, name in self.SCORE_FIELDS.items()}


class IndicatorScore(models.Model):
    """One indicator of one assessment: the computed suggestion, the level given, notes and evidence.

    When the level differs from a computed suggestion the assessor's written reason is kept.
    """

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("penilaian"), on_delete=models.CASCADE, related_name="scores"
    )
    indicator = models.ForeignKey(
        RubricIndicator, verbose_name=_("indikator"), on_delete=models.PROTECT, related_name="scores"
    )
    computed_level = models.PositiveSmallIntegerField(
        _("nilai terhitung"), null=True, blank=True, validators=LEVEL_VALIDATORS
    )
    computed_explanation = models.TextField(_("asal nilai terhitung"), blank=True)
    level = models.PositiveSmallIntegerField(_("nilai"), null=True, blank=True, validators=LEVEL_VALIDATORS)
    override_reason = models.TextField(_("alasan mengubah nilai terhitung"), blank=True)
    checklist_met = models.JSONField(_("butir terpenuhi"), default=list, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    evidence = models.CharField(_("bukti"), max_length=300, blank=True)
    history = HistoricalRecords()

    # Through the assessment's copy of its cooperative's kecamatan: one join, not three.
    objects = area_queryset("assessment__kecamatan").as_manager()

    class Meta:
        ordering = ["assessment", "indicator__condition__order", "indicator__order", "id"]
        verbose_name = _("nilai indikator")
        verbose_name_plural = pgettext_lazy("jamak", "nilai indikator")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="indicatorscore_once_per_assessment",
                violation_error_message=_("Indikator ini sudah dinilai dalam penilaian ini."),
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | (Q(level__gte=1) & Q(level__lte=4)),
                name="indicatorscore_level_1_4", violation_error_message=_("Nilai harus 1-4."),
            ),
            models.CheckConstraint(
                condition=Q(computed_level__isnull=True) | (Q(computed_level__gte=1) & Q(computed_level__lte=4)),
                name="indicatorscore_computed_level_1_4", violation_error_message=_("Nilai terhitung harus 1-4."),
            ),
            models.CheckConstraint(
                condition=Q(computed_level__isnull=True) | Q(level__isnull=True)
                | Q(level=models.F("computed_level")) | ~Q(override_reason=""),
                name="indicatorscore_override_has_reason",
                violation_error_message=_("Nilai yang berbeda dari nilai terhitung butuh alasan tertulis."),
            ),
        ]

    def __str__(self):
        return f"{self.assessment}: {self.indicator.code} = {self.level or '–'}"

    @property
    def is_override(self):
        return self.computed_level is not None and self.level is not None and self.level != self.computed_level

    @property
    def is_weak(self):
        return self.level is not None and self.level <= 2

    def clean(self):
        super().clean()
        if self.is_override and not self.override_reason.strip():
            raise ValidationError(
                {"override_reason": _("Nilai yang berbeda dari nilai terhitung butuh alasan tertulis.")}
            )
