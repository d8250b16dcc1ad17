"""The pure scoring module: hand-computed values for every method and band edge, and properties."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry import scoring
from registry.scoring import Band, ConditionResult, IndicatorResult, RatYear

# The default rubric's bands (migration 0007), written as the module reads them.
EQUITY = [Band(D("0.40"), D("0.60"), 4), Band(D("0.20"), D("0.80"), 3), Band(D("0.10"), D("0.90"), 2),
          Band(None, None, 1)]
ROA = [Band(D("0.10"), None, 4), Band(D("0.05"), None, 3), Band(D("0.01"), None, 2), Band(None, None, 1)]
EFFICIENCY = [Band(None, D("0.70"), 4), Band(None, D("0.85"), 3), Band(None, D("1.00"), 2), Band(None, None, 1)]
GROWTH = [Band(D("0.10"), None, 4), Band(D("0"), None, 3), Band(D("-0.10"), None, 2), Band(None, None, 1)]


@pytest.mark.parametrize(
    ("value", "level"),
    [
        # equity ratio: 40-60% -> 4, 20-40% or 60-80% -> 3, 10-20% or 80-90% -> 2, else 1
        ("0", 1), ("0.0999", 1), ("0.10", 2), ("0.1999", 2), ("0.20", 3), ("0.3999", 3), ("0.40", 4),
        ("0.50", 4), ("0.60", 4), ("0.6001", 3), ("0.80", 3), ("0.8001", 2), ("0.90", 2), ("0.9001", 1), ("1", 1),
    ],
)
def test_equity_ratio_bands(value, level):
    assert scoring.band_level(D(value), EQUITY) == level


@pytest.mark.parametrize(
    ("value", "level"),
    [("-0.5", 1), ("0", 1), ("0.0099", 1), ("0.01", 2), ("0.0499", 2), ("0.05", 3), ("0.0999", 3), ("0.10", 4),
     ("0.35", 4)],
)
def test_return_on_assets_bands(value, level):
    assert scoring.band_level(D(value), ROA) == level


@pytest.mark.parametrize(
    ("value", "level"),
    [("0", 4), ("0.70", 4), ("0.7001", 3), ("0.85", 3), ("0.8501", 2), ("1.00", 2), ("1.0001", 1), ("3", 1)],
)
def test_efficiency_bands(value, level):
    assert scoring.band_level(D(value), EFFICIENCY) == level


@pytest.mark.parametrize(
    ("value", "level"),
    [("-1", 1), ("-0.1001", 1), ("-0.10", 2), ("-0.0001", 2), ("0", 3), ("0.0999", 3), ("0.10", 4), ("2", 4)],
)
def test_growth_bands(value, level):
    assert scoring.band_level(D(value), GROWTH) == level


def test_bands_read_from_rubric_data_and_floats():
    bands = [Band.from_dict({"min": "0.5", "max": None, "level": 4}), Band.from_dict({"min": None, "level": 1})]
    assert scoring.band_level(0.5, bands) == 4
    assert scoring.band_level(0.49, bands) == 1
    with pytest.raises(scoring.RubricError):
        scoring.band_level(D("0.1"), [Band(D("0.5"), None, 4)])


@pytest.mark.parametrize(
    ("met", "total", "level"),
    [
        (0, 4, 1), (1, 4, 1), (2, 4, 2), (3, 4, 3), (4, 4, 4),  # 25% -> 1, 50% -> 2, 75% -> 3, 100% -> 4
        (25, 100, 1), (26, 100, 2), (50, 100, 2), (51, 100, 3), (75, 100, 3), (76, 100, 4),
        (6, 8, 3), (7, 8, 4), (2, 8, 1), (3, 8, 2), (4, 8, 2), (5, 8, 3),
    ],
)
def test_checklist_levels(met, total, level):
    assert scoring.checklist_level(met, total) == level


def test_checklist_rejects_impossible_counts():
    with pytest.raises(scoring.RubricError):
        scoring.checklist_level(0, 0)
    with pytest.raises(ValueError):
        scoring.checklist_level(5, 4)


def condition(code, pairs, weight=25):
    """pairs: (weight, level) per indicator."""
    return ConditionResult(
        code, weight, tuple(IndicatorResult(f"{code}{n}", w, level) for n, (w, level) in enumerate(pairs))
    )


def test_condition_score_by_hand():
    # Kelembagaan of the default rubric, weights 2,3,1,2,1,1,1 (sum 11, maximum 44):
    # levels 4,3,1,4,2,3,1 -> 8+9+1+8+2+3+1 = 32; 32/44 x 100 = 72.7272... -> 72.73
    kelembagaan = condition("k", [(2, 4), (3, 3), (1, 1), (2, 4), (1, 2), (1, 3), (1, 1)])
    assert scoring.condition_score(kelembagaan) == D("72.73")
    assert scoring.condition_score(condition("x", [(1, 4), (1, 4)])) == D("100.00")
    assert scoring.condition_score(condition("x", [(1, 1), (5, 1)])) == D("25.00")
    # A condition with an unscored indicator has no score yet (not one over the scored part).
    assert scoring.condition_score(condition("x", [(2, 3), (3, None)])) is None
    assert scoring.condition_score(condition("x", [(2, None)])) is None


def test_overall_score_and_predicate_by_hand():
    conditions = [
        condition("kelembagaan", [(2, 4), (3, 3), (1, 1), (2, 4), (1, 2), (1, 3), (1, 1)]),  # 72.7272...
        condition("keuangan", [(2, 3), (2, 2), (1, 4), (1, 3), (2, 3)]),  # 6+4+4+3+6 = 23/32 = 71.875
        condition("operasional", [(2, 4), (2, 4), (1, 4), (2, 1), (1, 3)]),  # 8+8+4+2+3 = 25/32 = 78.125
        condition("reputasi", [(2, 4), (2, 1), (1, 4), (1, 4)]),  # 8+2+4+4 = 18/24 = 75
    ]
    outcome = scoring.score(conditions)
    assert outcome.conditions == {
        "kelembagaan": D("72.73"), "keuangan": D("71.88"), "operasional": D("78.13"), "reputasi": D("75.00"),
    }
    # (72.7272... + 71.875 + 78.125 + 75) / 4 = 74.4318... -> 74.43, Cukup Sehat
    assert outcome.overall == D("74.43")
    assert outcome.predicate == scoring.CUKUP_SEHAT
    assert outcome.complete
    assert outcome.weakest == "keuangan"


def test_condition_weights_in_overall_score():
    conditions = [condition("a", [(1, 4)], weight=3), condition("b", [(1, 2)], weight=1)]
    # (3 x 100 + 1 x 50) / 4 = 87.5
    assert scoring.score(conditions).overall == D("87.50")


def test_incomplete_assessment_has_no_final_score_nor_predicate():
    outcome = scoring.score([condition("a", [(1, 4), (1, None)]), condition("b", [(1, 4)])])
    # "a" has one unscored indicator: no score for it, none overall, one indicator missing.
    assert outcome.conditions == {"a": None, "b": D("100.00")}
    assert outcome.overall is None
    assert not outcome.complete
    assert outcome.predicate is None
    assert outcome.unscored == 1
    outcome = scoring.score([condition("a", [(1, None), (2, None)]), condition("b", [(1, 1)])])
    assert outcome.overall is None
    assert outcome.unscored == 2
    assert outcome.weakest == "b"
    # The last indicator scored: everything appears at once.
    outcome = scoring.score([condition("a", [(1, 4), (1, 2)]), condition("b", [(1, 4)])])
    assert (outcome.overall, outcome.unscored, outcome.complete) == (D("87.50"), 0, True)


@pytest.mark.parametrize(
    ("overall", "predicate"),
    [
        ("100", scoring.SEHAT), ("80.00", scoring.SEHAT), ("79.99", scoring.CUKUP_SEHAT),
        ("66.00", scoring.CUKUP_SEHAT), ("65.99", scoring.DALAM_PENGAWASAN), ("51.00", scoring.DALAM_PENGAWASAN),
        ("50.99", scoring.DALAM_PENGAWASAN_KHUSUS), ("25", scoring.DALAM_PENGAWASAN_KHUSUS),
        ("0", scoring.DALAM_PENGAWASAN_KHUSUS),
    ],
)
def test_predicate_edges(overall, predicate):
    assert scoring.predicate(D(overall)) == predicate


def test_predicate_follows_the_rounded_score():
    # 79.995 is shown as 80.00, so it reads Sehat, not Cukup Sehat:
    # (5999 x 4 + 4001 x 2) / (4 x 10000) = 31998 / 40000 = 0.79995
    outcome = scoring.score([condition("a", [(5999, 4), (4001, 2)])])
    assert outcome.overall == D("80.00")
    assert outcome.predicate == scoring.SEHAT


@pytest.mark.parametrize(
    ("years", "operating", "board", "label"),
    [
        ([(True, True), (True, True), (True, True)], True, True, scoring.KUTIM_SEHAT),
        ([(True, True), (True, False), (True, True)], True, True, scoring.KUTIM_SETENGAH_SEHAT),
        ([(False, False), (False, False), (True, True)], True, True, scoring.KUTIM_SETENGAH_SEHAT),
        ([(False, False), (False, False), (False, False)], True, False, scoring.KUTIM_SETENGAH_SEHAT),
        ([(False, False), (False, False), (False, False)], False, False, scoring.KUTIM_TIDAK_SEHAT),
        ([(None, None), (True, True), (True, True)], True, True, None),
        ([(True, True), (True, True)], True, True, None),
    ],
)
def test_kutim_label(years, operating, board, label):
    rat_years = [RatYear(2020 + n, held, reported) for n, (held, reported) in enumerate(years)]
    assert scoring.kutim_label(rat_years, operating=operating, board_active=board) == label


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

weights = st.integers(min_value=1, max_value=20)
levels = st.integers(min_value=1, max_value=4)
indicator_lists = st.lists(st.tuples(weights, levels), min_size=1, max_size=8)
rubrics = st.lists(st.tuples(weights, indicator_lists), min_size=1, max_size=4)


def build(rubric):
    return [condition(f"c{n}", pairs, weight=w) for n, (w, pairs) in enumerate(rubric)]


@given(rubrics)
def test_scores_stay_between_0_and_100(rubric):
    outcome = scoring.score(build(rubric))
    assert all(D(0) <= value <= D(100) for value in outcome.conditions.values())
    assert D(25) <= outcome.overall <= D(100)  # every level is at least 1 of 4
    assert outcome.predicate in {scoring.SEHAT, scoring.CUKUP_SEHAT, scoring.DALAM_PENGAWASAN,
                                 scoring.DALAM_PENGAWASAN_KHUSUS}


@given(rubrics, st.data())
def test_raising_one_indicator_never_lowers_a_score(rubric, data):
    c = data.draw(st.integers(min_value=0, max_value=len(rubric) - 1))
    pairs = rubric[c][1]
    i = data.draw(st.integers(min_value=0, max_value=len(pairs) - 1))
    weight, level = pairs[i]
    higher = data.draw(st.integers(min_value=level, max_value=4))
    raised = [list(p) for p in rubric]
    raised[c] = (rubric[c][0], pairs[:i] + [(weight, higher)] + pairs[i + 1:])
    before, after = scoring.score(build(rubric)), scoring.score(build(raised))
    assert all(after.conditions[code] >= before.conditions[code] for code in before.conditions)
    assert after.overall >= before.overall


@given(rubrics, st.integers(min_value=2, max_value=50), st.integers(min_value=2, max_value=50))
def test_weights_scaled_together_change_nothing(rubric, indicator_factor, condition_factor):
    scaled = [(w * condition_factor, [(iw * indicator_factor, level) for iw, level in pairs]) for w, pairs in rubric]
    assert scoring.score(build(rubric)) == scoring.score(build(scaled))


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=200))
def test_checklist_level_grows_with_items_met(met, total):
    met = min(met, total)
    level = scoring.checklist_level(met, total)
    assert level in scoring.LEVELS
    if met < total:
        assert scoring.checklist_level(met + 1, total) >= level
