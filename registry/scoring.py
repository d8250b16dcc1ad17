"""Scoring the assessment rubric: indicator, condition and overall scores, predicates (no I/O).

Plain values in, plain values out: the rubric and the scores arrive as dataclasses, so the same
arithmetic serves the entry page, the preparation of a year, the demo data and the tests.
Arithmetic is exact (fractions) and rounded once, to two decimals, so a score printed as 80,00
always carries the predicate of 80.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

MIN_LEVEL = 1
MAX_LEVEL = 4
LEVELS = (1, 2, 3, 4)

# Predicates of the national cooperative health assessment, highest first: (minimum score, code).
SEHAT = "sehat"
CUKUP_SEHAT = "cukup_sehat"
DALAM_PENGAWASAN = "dalam_pengawasan"
DALAM_PENGAWASAN_KHUSUS = "dalam_pengawasan_khusus"
PREDICATE_THRESHOLDS = ((Decimal(80), SEHAT), (Decimal(66), CUKUP_SEHAT), (Decimal(51), DALAM_PENGAWASAN))
# The lowest score of each predicate above Dalam Pengawasan Khusus: {"sehat": 80, ...}.
PREDICATE_MINIMUM = {code: threshold for threshold, code in PREDICATE_THRESHOLDS}

# Kutim's own quick label, based on the RAT.
KUTIM_SEHAT = "sehat"
KUTIM_SETENGAH_SEHAT = "setengah_sehat"
KUTIM_TIDAK_SEHAT = "tidak_sehat"

TWO_PLACES = Decimal("0.01")


class RubricError(ValueError):
    """The rubric itself cannot be scored (no weights, a band set without a match)."""


# ---------------------------------------------------------------------------------------------
# Indicator level from a value
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """A value range that earns a level. Both bounds inclusive; None means open.

    Bands are tried in order and the first match wins, so "40-60% -> 4, 20-40% or 60-80% -> 3"
    is written best band first: (0.4, 0.6, 4), (0.2, 0.8, 3), ...
    """

    low: Decimal | None
    high: Decimal | None
    level: int

    def contains(self, value: Decimal) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    @classmethod
    def from_dict(cls, data: dict) -> Band:
        def number(key):
            raw = data.get(key)
            return None if raw is None or raw == "" else Decimal(str(raw))

        return cls(low=number("min"), high=number("max"), level=int(data["level"]))


def band_level(value, bands: list[Band]) -> int:
    """The level of the first band holding `value`."""
    value = Decimal(str(value)) if not isinstance(value, Decimal) else value
    for band in bands:
        if band.contains(value):
            return band.level
    raise RubricError(f"no band holds {value}")


def checklist_level(met: int, total: int) -> int:
    """KKPKK-style share of checklist items met: 76-100% -> 4, 51-75% -> 3, 26-50% -> 2, 0-25% -> 1."""
    if total <= 0:
        raise RubricError("a checklist needs at least one item")
    if not 0 <= met <= total:
        raise ValueError(f"{met} of {total} items")
    share = Fraction(met * 100, total)
    if share > 75:
        return 4
    if share > 50:
        return 3
    if share > 25:
        return 2
    return 1


# ---------------------------------------------------------------------------------------------
# Condition and overall scores
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator's weight and level (None: not scored yet)."""

    code: str
    weight: Decimal | int
    level: int | None


@dataclass(frozen=True)
class ConditionResult:
    """One condition's weight and its indicators."""

    code: str
    weight: Decimal | int
    indicators: tuple[IndicatorResult, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Outcome:
    """Scores of an assessment. Condition scores and the overall score 0-100, two decimals.

    Only what is fully scored gets a score: a condition with an unscored indicator has none, and
    the overall score and predicate need every indicator. A score over part of the indicators
    would read as a result ("nilai akhir 100" with one indicator of twenty scored); `unscored`
    says how many are missing instead.
    """

    conditions: dict[str, Decimal | None]
    overall: Decimal | None
    predicate: str | None
    complete: bool
    weakest: str | None
    unscored: int = 0


def _round(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _exact_condition(condition: ConditionResult) -> Fraction | None:
    scored = [i for i in condition.indicators if i.level is not None]
    denominator = sum(Fraction(str(i.weight)) * MAX_LEVEL for i in scored)
    if not scored or denominator == 0:
        return None
    for indicator in scored:
        if not MIN_LEVEL <= indicator.level <= MAX_LEVEL:
            raise ValueError(f"{indicator.code}: level {indicator.level} outside 1-4")
    return sum(Fraction(str(i.weight)) * i.level for i in scored) / denominator * 100


def condition_score(condition: ConditionResult) -> Decimal | None:
    """sum(level x weight) / sum(4 x weight) x 100; None while an indicator is unscored (as in score())."""
    if any(i.level is None for i in condition.indicators):
        return None
    exact = _exact_condition(condition)
    return None if exact is None else _round(exact)


def predicate(overall: Decimal | None) -> str | None:
    """>= 80 Sehat; >= 66 Cukup Sehat; >= 51 Dalam Pengawasan; below, Dalam Pengawasan Khusus."""
    if overall is None:
        return None
    for threshold, code in PREDICATE_THRESHOLDS:
        if overall >= threshold:
            return code
    return DALAM_PENGAWASAN_KHUSUS


def score(conditions: list[ConditionResult]) -> Outcome:
    """Condition scores, the overall score (weighted mean of the conditions) and the predicate.

    Each only when everything it is made of is scored (Outcome).
    """
    unscored = sum(1 for c in conditions for i in c.indicators if i.level is None)
    exact = {
        c.code: (_exact_condition(c) if all(i.level is not None for i in c.indicators) else None)
        for c in conditions
    }
    rounded = {code: (None if value is None else _round(value)) for code, value in exact.items()}
    complete = unscored == 0 and all(value is not None for value in exact.values())
    overall = None
    if conditions and complete:
        total_weight = sum(Fraction(str(c.weight)) for c in conditions)
        if total_weight <= 0:
            raise RubricError("condition weights add up to zero")
        overall = _round(sum(Fraction(str(c.weight)) * exact[c.code] for c in conditions) / total_weight)
    scored = [(value, index) for index, (code, value) in enumerate(rounded.items()) if value is not None]
    weakest = None
    if scored:
        # Ties go to the condition listed first in the rubric.
        weakest = list(rounded)[min(scored)[1]]
    return Outcome(
        conditions=rounded,
        overall=overall,
        predicate=predicate(overall) if complete else None,
        complete=complete,
        weakest=weakest,
        unscored=unscored,
    )


# ---------------------------------------------------------------------------------------------
# Kutim's RAT-based quick label
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatYear:
    """Whether a book year's RAT was held and reported to the Dinas (None: no report that year)."""

    year: int
    held: bool | None
    reported: bool | None = None


def kutim_label(rat_years: list[RatYear], *, operating: bool | None, board_active: bool | None) -> str | None:
    """Kutim's quick label beside the predicate (the office's 2025 tool).

    Sehat: RAT held and reported in each of the last three book years. Tidak Sehat: no RAT in
    three years, no operations and no active board. Setengah Sehat: everything between.
    None when the three years are not all known.
    """
    last_three = sorted(rat_years, key=lambda r: r.year)[-3:]
    if len(last_three) < 3 or any(r.held is None for r in last_three):
        return None
    if all(r.held and r.reported for r in last_three):
        return KUTIM_SEHAT
    if not any(r.held for r in last_three) and operating is False and board_active is False:
        return KUTIM_TIDAK_SEHAT
    return KUTIM_SETENGAH_SEHAT
