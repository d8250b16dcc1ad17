"""Writes about assessments: record one with its indicator scores, the workflow, preparing a year."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .. import assessment_inputs, scoring
from ..models import Assessment, Cooperative, IndicatorScore, RubricIndicator, RubricVersion, User
from ..models.people import stamp_cooperative_kecamatan
from ..models.time_rules import open_year_error
from .summary import summary_refresh_soon
from .versioning import lock_at_version, save_versioned


@dataclass(frozen=True)
class Entry:
    """What the assessor gave one indicator on the entry page."""

    level: int | None
    override_reason: str = ""
    notes: str = ""
    evidence: str = ""
    checklist_met: list[str] = field(default_factory=list)


def rubric_indicators(rubric: RubricVersion) -> list[RubricIndicator]:
    """The rubric's indicators in order, with their condition (one query)."""
    return list(
        RubricIndicator.objects.filter(condition__rubric=rubric)
        .select_related("condition")
        .order_by("condition__order", "order", "id")
    )


def rubric_for_year(year: int) -> RubricVersion:
    rubric = RubricVersion.for_year(year)
    if rubric is None:
        raise ValidationError(_("Belum ada versi rubrik untuk tahun %(year)s.") % {"year": year})
    return rubric


def outcome_of(indicators: list[RubricIndicator], levels: dict[int, int | None]) -> scoring.Outcome:
    """Scores of an assessment from its indicators and the level per indicator id."""
    conditions = {}
    for indicator in indicators:
        conditions.setdefault(indicator.condition, []).append(
            scoring.IndicatorResult(indicator.code, indicator.weight, levels.get(indicator.pk))
        )
    return scoring.score(
        [scoring.ConditionResult(c.code, c.weight, tuple(results)) for c, results in conditions.items()]
    )


def apply_scores(assessment: Assessment, outcome: scoring.Outcome) -> None:
    """Copy the condition and overall scores, the predicate and the weakest condition onto the assessment."""
    for code, name in Assessment.SCORE_FIELDS.items():
        setattr(assessment, name, outcome.conditions.get(code))
    assessment.overall_score = outcome.overall
    assessment.predicate = outcome.predicate or ""
    assessment.weakest_condition = outcome.weakest or ""
    assessment.unscored = outcome.unscored


def apply_outcome(assessment: Assessment, outcome: scoring.Outcome, records) -> None:
    """The scores (apply_scores) and Kutim's RAT label from the records."""
    apply_scores(assessment, outcome)
    assessment.kutim_label = assessment_inputs.kutim_label(records) or ""


def entry_levels(indicators: list[RubricIndicator], entries: dict[int, Entry]) -> dict[int, int | None]:
    """The level each indicator gets from the entries (a checklist's from its ticked items), as a save stores it."""
    return {i.pk: _entry_level(i, entries.get(i.pk, Entry(level=None)))[0] for i in indicators}


def assessment_preview(*, indicators: list[RubricIndicator], entries: dict[int, Entry]) -> scoring.Outcome:
    """The scores a save of these entries would store, saving nothing: the entry page's totals as one works."""
    return outcome_of(indicators, entry_levels(indicators, entries))


def unscored_text(indicators: list[RubricIndicator], levels: dict[int, int | None]) -> str:
    """The indicators without a level, each by its code and name: "K3 Rapat anggota ..., R4 ..."."""
    return "; ".join(f"{i.code} {i.text}" for i in indicators if levels.get(i.pk) is None)


def _entry_level(indicator, entry):
    if indicator.method == RubricIndicator.Method.CHECKLIST:
        met = [item for item in entry.checklist_met if item in indicator.checklist_items]
        return scoring.checklist_level(len(met), len(indicator.checklist_items)), met
    return entry.level, []


def _score_values(row):
    return (row.computed_level, row.computed_explanation, row.level, row.override_reason, list(row.checklist_met),
            row.notes, row.evidence)


@transaction.atomic
def assessment_record(
    *,
    cooperative: Cooperative,
    year: int,
    entries: dict[int, Entry],
    expected_version: int | None,
    notes: str = "",
    reason: str = "",
    user: User | None = None,
    today: datetime.date | None = None,
) -> Assessment:
    """Save an assessment with all its indicator scores, in one transaction.

    Creates the assessment when `expected_version` is None; otherwise saves only over that
    version (EditConflict otherwise). Computed suggestions are taken again from the records at
    this moment; a level that differs from one needs the assessor's reason, which is kept.
    """
    today = today or timezone.localdate()
    assessment = Assessment.objects.filter(cooperative=cooperative, year=year).first()
    if assessment is None:
        if expected_version is not None:
            raise ValidationError(_("Penilaian ini sudah tidak ada."))
        assessment = Assessment(cooperative=cooperative, year=year, rubric=rubric_for_year(year), assessed_by=user)
    elif expected_version is None:
        raise ValidationError(_("Penilaian tahun ini sudah dibuat orang lain: buka lagi halamannya."))
    if assessment.is_locked:
        raise ValidationError(assessment.locked_message())
    message = assessment.year_error()
    if message:
        raise ValidationError(message)
    indicators = rubric_indicators(assessment.rubric)
    records = assessment_inputs.records_for([cooperative], year=year, today=today)[cooperative.pk]
    existing = {} if assessment.pk is None else {s.indicator_id: s for s in assessment.scores.all()}
    rows, levels, errors = [], {}, {}
    for indicator in indicators:
        entry = entries.get(indicator.pk, Entry(level=None))
        suggestion = assessment_inputs.suggest(indicator, records)
        level, met = _entry_level(indicator, entry)
        row = existing.get(indicator.pk) or IndicatorScore(indicator=indicator)
        before = _score_values(row) if row.pk else None
        row.computed_level = suggestion.level if suggestion else None
        row.computed_explanation = suggestion.explanation if suggestion else ""
        row.level, row.checklist_met = level, met
        row.override_reason = entry.override_reason.strip() if row.is_override else ""
        row.notes, row.evidence = entry.notes.strip(), entry.evidence.strip()
        if row.is_override and not row.override_reason:
            errors[indicator.code] = _("%(code)s: nilai berbeda dari nilai terhitung (%(computed)s): tulis "
                                       "alasannya.") % {"code": indicator.code, "computed": row.computed_level}
        if before is None or _score_values(row) != before:  # unchanged rows get no history row
            rows.append(row)
        levels[indicator.pk] = level
    if errors:
        raise ValidationError(errors)
    apply_outcome(assessment, outcome_of(indicators, levels), records)
    assessment.notes = notes.strip()
    assessment.assessed_by = user or assessment.assessed_by
    if assessment.pk is None:
        assessment._change_reason = reason or _("Penilaian dibuat")
        try:
            with transaction.atomic():
                assessment.save()
        except IntegrityError as error:
            raise ValidationError(_("Penilaian tahun ini sudah dibuat orang lain: buka lagi halamannya.")) from error
    else:
        save_versioned(instance=assessment, expected_version=expected_version, reason=reason or _("Nilai diubah"))
    for row in rows:
        row.assessment = assessment
        row.full_clean(exclude=["assessment", "indicator"], validate_unique=False, validate_constraints=False)
        row.save()
    return assessment


def _step(assessment: Assessment, *, allowed_from, to_status, reason, user, expected_version=None) -> Assessment:
    """The assessment locked for a workflow step. With `expected_version` (the page's), an
    assessment saved since raises EditConflict: a verifier verifies the scores they read."""
    if expected_version is None:
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    else:
        locked = lock_at_version(Assessment, assessment.pk, expected_version)
    if locked.status not in allowed_from:
        raise ValidationError(
            _("Penilaian berstatus %(status)s tidak bisa diubah menjadi %(to)s.")
            % {"status": locked.get_status_display(), "to": Assessment.Status(to_status).label}
        )
    locked.status = to_status
    locked.version += 1
    locked._change_reason = reason
    if user is not None:
        locked._history_user = user  # outside a request (commands, tests) the middleware records no one
    return locked


@transaction.atomic
def assessment_submit(
    *, assessment: Assessment, user: User | None = None, expected_version: int | None = None
) -> Assessment:
    """Draft (or returned) -> submitted, once every indicator has a level; locked for the assessor from here."""
    locked = _step(assessment, allowed_from={Assessment.Status.DRAFT, Assessment.Status.RETURNED},
                   to_status=Assessment.Status.SUBMITTED,
                   reason=_("Diajukan untuk verifikasi"), user=user, expected_version=expected_version)
    # Scored again with the rubric version as it stands now: submitting freezes it, so the stored
    # scores and the weights shown beside them agree from here on.
    indicators = rubric_indicators(locked.rubric)
    levels = dict(locked.scores.values_list("indicator_id", "level"))
    outcome = outcome_of(indicators, levels)
    if not outcome.complete:
        raise ValidationError(_("Semua indikator harus dinilai sebelum diajukan. Belum dinilai: %(names)s.")
                              % {"names": unscored_text(indicators, levels)})
    apply_scores(locked, outcome)
    locked.submitted_at, locked.submitted_by = timezone.now(), user
    locked.save()
    return locked


@transaction.atomic
def assessment_verify(
    *, assessment: Assessment, user: User | None = None, note: str = "", expected_version: int | None = None
) -> Assessment:
    """Submitted -> verified: the assessment is locked. Never by the person who submitted it."""
    reason = _("Diverifikasi") + (f": {note.strip()}" if note.strip() else "")
    locked = _step(assessment, allowed_from={Assessment.Status.SUBMITTED}, to_status=Assessment.Status.VERIFIED,
                   reason=reason, user=user, expected_version=expected_version)
    if user is not None and locked.submitted_by_id == user.pk:
        raise ValidationError(_("Anda sendiri yang mengajukan penilaian ini: verifikasinya harus oleh orang lain."))
    locked.verified_by, locked.verified_at = user, timezone.now()
    locked.save()
    return locked


@transaction.atomic
def assessment_return(
    *, assessment: Assessment, reason: str, user: User | None = None, expected_version: int | None = None
) -> Assessment:
    """Submitted -> returned: the verifier sends it back to the assessor with a note, which unlocks it
    for them; the note is shown on the entry page and kept in the history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Alasan wajib diisi.")})
    locked = _step(assessment, allowed_from={Assessment.Status.SUBMITTED}, to_status=Assessment.Status.RETURNED,
                   reason=_("Dikembalikan: %(reason)s") % {"reason": reason}, user=user,
                   expected_version=expected_version)
    locked.submitted_at, locked.submitted_by = None, None
    locked.return_note, locked.returned_by, locked.returned_at = reason, user, timezone.now()
    locked.save()
    return locked


@transaction.atomic
def assessment_reopen(
    *, assessment: Assessment, reason: str, user: User | None = None, expected_version: int | None = None
) -> Assessment:
    """Verified -> draft, by an Admin Dinas, with a reason kept in the history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Alasan membuka kembali wajib diisi.")})
    locked = _step(assessment, allowed_from={Assessment.Status.VERIFIED}, to_status=Assessment.Status.DRAFT,
                   reason=_("Dibuka kembali: %(reason)s") % {"reason": reason}, user=user,
                   expected_version=expected_version)
    locked.verified_by, locked.verified_at, locked.submitted_at, locked.submitted_by = None, None, None, None
    locked.save()
    return locked


@dataclass(frozen=True)
class PreparedYear:
    created: int
    skipped: int


@transaction.atomic
def assessment_prepare_year(*, user: User, year: int, today: datetime.date | None = None) -> PreparedYear:
    """Draft assessments for every active cooperative in the user's area, computed indicators filled in.

    Only for a closed book year, and only for cooperatives founded by its end.

    Cooperatives that already have an assessment for the year are skipped. A fixed number of
    queries per batch of 500 cooperatives, whatever the district's size.
    """
    today = today or timezone.localdate()
    message = open_year_error(year, today=today)
    if message:
        raise ValidationError(message)
    rubric = rubric_for_year(year)
    indicators = rubric_indicators(rubric)
    # Active now and founded by the end of the year: a cooperative founded later has no such book year.
    active = Cooperative.objects.for_user(user).filter(
        status=Cooperative.Status.ACTIVE, founded_on__lte=datetime.date(year, 12, 31)
    ).order_by("pk")
    done = set(Assessment.objects.filter(year=year, cooperative__in=active).values_list("cooperative_id", flat=True))
    todo = [c for c in active if c.pk not in done]
    reason = _("Disiapkan untuk tahun %(year)s") % {"year": year}
    for start in range(0, len(todo), 500):
        batch = todo[start:start + 500]
        records = assessment_inputs.records_for(batch, year=year, today=today)
        assessments, rows = [], []
        for cooperative in batch:
            levels, scores = {}, []
            for indicator in indicators:
                suggestion = assessment_inputs.suggest(indicator, records[cooperative.pk])
                level = suggestion.level if suggestion else None
                levels[indicator.pk] = level
                scores.append(IndicatorScore(
                    indicator=indicator, computed_level=level, level=level,
                    computed_explanation=suggestion.explanation if suggestion else "",
                ))
            assessment = Assessment(cooperative=cooperative, year=year, rubric=rubric, assessed_by=user)
            apply_outcome(assessment, outcome_of(indicators, levels), records[cooperative.pk])
            assessments.append(assessment)
            rows.append(scores)
        # bulk_create bypasses Assessment.save(): the copy of each cooperative's kecamatan set here.
        stamp_cooperative_kecamatan(assessments)
        try:
            created = bulk_create_with_history(
                assessments, Assessment, default_user=user, default_change_reason=reason
            )
        except IntegrityError as error:
            # One of these cooperatives assessed (or the year prepared) by someone else since the lookup
            # above: nothing of this run is kept, and running it again skips what exists.
            raise ValidationError(_(
                "Sebagian penilaian tahun %(year)s baru saja dibuat orang lain bersamaan: tidak ada yang "
                "disimpan. Jalankan lagi; koperasi yang sudah dinilai akan dilewati.") % {"year": year}) from error
        for assessment, scores in zip(created, rows, strict=True):
            for score in scores:
                score.assessment = assessment
        bulk_create_with_history([s for scores in rows for s in scores], IndicatorScore, default_user=user)
    if todo:
        summary_refresh_soon()  # bulk writes send no signals
    return PreparedYear(created=len(todo), skipped=len(done))
