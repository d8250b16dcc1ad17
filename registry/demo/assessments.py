"""Demo assessments for the demo district: the last three book years, a realistic spread of predicates.

Computed indicators come from the cooperative's own demo records through the same computations
the entry page uses; manual and checklist indicators, and computed ones whose data is missing,
are drawn from a random generator seeded with the seed, the cooperative's legal entity number
and the year alone, so a cooperative gets the same assessment in every run. The draw follows the
cooperative's status: most active cooperatives end Cukup Sehat or Sehat, inactive ones and those
in coaching Dalam Pengawasan or Khusus. Idempotent: existing assessments are left as they are.
"""

import datetime
import json
import random
from dataclasses import dataclass

from django.db import connection, reset_queries, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from .. import assessment_inputs, scoring
from ..models import Assessment, Cooperative, Desa, IndicatorScore, RubricIndicator, last_full_year
from ..services.assessments import apply_outcome, outcome_of, rubric_for_year, rubric_indicators
from .profiles import CHANGE_REASON, DEFAULT_SEED

CHUNK_SIZE = 1000

# Mean manual level and the spread of a cooperative's own standing, by status.
STATUS_MEAN = {
    Cooperative.Status.ACTIVE: 3.35,
    Cooperative.Status.COACHING: 2.0,
    Cooperative.Status.INACTIVE: 1.6,
    Cooperative.Status.PROPOSED_DISSOLUTION: 1.3,
}


@dataclass(frozen=True)
class SeededAssessments:
    created: int
    skipped: int


def _level(base_rng, year_rng, mean):
    """A cooperative's usual level on an indicator, moved one step in about one year of eight."""
    level = round(base_rng.gauss(mean, 0.7))
    if year_rng.random() < 0.12:
        level += year_rng.choice((-1, 1))
    return max(1, min(4, level))


def seed_assessments(*, years=None, seed=DEFAULT_SEED, today=None, chunk_size=CHUNK_SIZE,
                     with_history=True) -> SeededAssessments:
    """Assessments of every cooperative that is not dissolved for each of `years` (default: the last three)
    that it lived in: none for a year before its founding.

    `with_history=False` (scale mode, as seed_district there) writes the same rows without their
    creation rows in the history tables: at national size those would double the time for pages
    that never read them."""
    today = today or timezone.localdate()
    last = last_full_year(today)
    years = years or [last - 2, last - 1, last]
    cooperatives = list(Cooperative.objects.filter(status__in=list(STATUS_MEAN)).order_by("pk"))
    # Each assessment's copy of its cooperative's kecamatan, from the desa (bulk_create bypasses
    # Assessment.save(); nothing moves cooperatives while the seed runs).
    kecamatan_of_desa = dict(Desa.objects.values_list("code", "kecamatan_id"))
    created = skipped = 0
    for year in years:
        rubric = rubric_for_year(year)
        indicators = rubric_indicators(rubric)
        done = set(Assessment.objects.filter(year=year).values_list("cooperative_id", flat=True))
        alive = [c for c in cooperatives if c.life_error_in_year(year) is None]
        todo = [c for c in alive if c.pk not in done]
        skipped += len(alive) - len(todo)
        for start in range(0, len(todo), chunk_size):
            with transaction.atomic():
                created += _write(todo[start:start + chunk_size], year, rubric, indicators, seed, today, last,
                                  kecamatan_of_desa, with_history)
            reset_queries()  # under DEBUG Django keeps every query's SQL: bounded per chunk, not per run
    return SeededAssessments(created=created, skipped=skipped)


def _write(cooperatives, year, rubric, indicators, seed, today, last, kecamatan_of_desa, with_history=True):
    records = assessment_inputs.records_for(cooperatives, year=year, today=today)
    assessments, all_scores = [], []
    for cooperative in cooperatives:
        key = cooperative.legal_entity_number or str(cooperative.pk)
        standing = random.Random(f"{seed}:{key}:standing").gauss(0, 0.45)
        rng = random.Random(f"{seed}:{key}:{year}")
        mean = STATUS_MEAN[cooperative.status] + standing
        levels, scores = {}, []
        for indicator in indicators:
            suggestion = assessment_inputs.suggest(indicator, records[cooperative.pk])
            computed = suggestion.level if suggestion else None
            base_rng = random.Random(f"{seed}:{key}:{indicator.code}")
            met = []
            if indicator.method == RubricIndicator.Method.CHECKLIST:
                items = indicator.checklist_items
                share = (mean - 0.6) / 3.4
                met = [item for item in items if (base_rng.random() if rng.random() < 0.8 else rng.random()) < share]
                level = scoring.checklist_level(len(met), len(items))
            else:
                level = computed or _level(base_rng, rng, mean)
            levels[indicator.pk] = level
            # (indicator id, computed level, level, ticked items, explanation): a model instance only
            # where one is written with history (building 21 per assessment was a tenth of scale mode's time).
            scores.append((indicator.pk, computed, level, met, suggestion.explanation if suggestion else ""))
        assessment = Assessment(cooperative=cooperative, kecamatan_id=kecamatan_of_desa[cooperative.desa_id], year=year,
                                rubric=rubric)
        apply_outcome(assessment, outcome_of(indicators, levels), records[cooperative.pk])
        _workflow(assessment, rng, year, last)
        assessments.append(assessment)
        all_scores.append(scores)
    if with_history:
        bulk_create_with_history(assessments, Assessment, batch_size=500, default_change_reason=CHANGE_REASON)
    else:
        Assessment.objects.bulk_create(assessments, batch_size=500)
    rows = [(assessment.pk, *score) for assessment, scores in zip(assessments, all_scores, strict=True)
            for score in scores]
    if not with_history and connection.vendor == "postgresql":
        _copy_scores(rows)
        return len(assessments)
    objects = [
        IndicatorScore(assessment_id=assessment_id, indicator_id=indicator_id, computed_level=computed, level=level,
                       checklist_met=met, computed_explanation=explanation)
        for assessment_id, indicator_id, computed, level, met, explanation in rows
    ]
    if with_history:
        # With their history rows too: every seeded record has a version a later edit can be compared with.
        bulk_create_with_history(objects, IndicatorScore, batch_size=2000, default_change_reason=CHANGE_REASON)
    else:
        IndicatorScore.objects.bulk_create(objects, batch_size=2000)
    return len(assessments)


# The columns scale mode copies: every field but the id, which the table draws.
SCORE_COLUMNS = ("assessment_id", "indicator_id", "computed_level", "computed_explanation", "level",
                 "override_reason", "checklist_met", "notes", "evidence")


def _copy_scores(rows):
    """The indicator scores through PostgreSQL's COPY: scale mode writes about 21 per assessment, millions
    at national size, and preparing a bulk INSERT's parameters took a third of the time. The same rows as
    bulk_create: no override reason, notes or evidence (the seed gives none), the id drawn by the table."""
    table = connection.ops.quote_name(IndicatorScore._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in SCORE_COLUMNS)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for assessment_id, indicator_id, computed, level, met, explanation in rows:
            copy.write_row((assessment_id, indicator_id, computed, explanation, level, "", json.dumps(met), "", ""))


def _workflow(assessment, rng, year, last):
    """Older years are verified; the last year is part verified, part submitted, part still draft."""
    draw = rng.random()
    now = timezone.now()
    submitted = min(now, timezone.make_aware(datetime.datetime(year + 1, 8, 1, 9, 0)))
    if year < last or draw < 0.4:
        assessment.status = Assessment.Status.VERIFIED
        assessment.submitted_at = submitted
        assessment.verified_at = min(now, timezone.make_aware(datetime.datetime(year + 1, 9, 1, 10, 0)))
    elif draw < 0.7:
        assessment.status = Assessment.Status.SUBMITTED
        assessment.submitted_at = submitted
