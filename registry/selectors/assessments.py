"""Reads about assessments: the entry page's rows, the list with last year's scores, recommendations."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Subquery, Sum

from .. import assessment_inputs, figures
from ..formats import angka
from ..models import Assessment, Helper, IndicatorScore, RubricIndicator
from ..services.assessments import rubric_for_year, rubric_indicators
from .compiled import CompiledRead


def score_averages(queryset):
    """The average line of a filtered assessment list, over all its rows (not one page): one aggregate query.

    Each condition's mean and the final score's, keyed by condition code and figures.FINAL_SCORE_KEY,
    over the assessments scored for it; averaged as the dashboard averages them.
    """
    return score_totals(queryset)[0]


def score_totals(queryset):
    """`score_averages` and the number of rows it read, from the same statement: the list's count
    where it shows the average line (AssessmentListView), so the count and the averages are of the
    same rows by construction, and the rows are not read a second time to count them."""
    fields = {**Assessment.SCORE_FIELDS, figures.FINAL_SCORE_KEY: "overall_score"}
    sums = {}
    for key, name in fields.items():
        sums[f"{key}_sum"], sums[f"{key}_n"] = Sum(name), Count(name)
    # COUNT(*), not of the id: the id is not in the index on (kecamatan, year), which answers a
    # kecamatan's year from the index alone.
    row = queryset.order_by().aggregate(**sums, rows=Count("*"))
    averages = {str(key): figures.average_score(row[f"{key}_sum"] or 0, row[f"{key}_n"]) for key in fields}
    return averages, row["rows"]


@dataclass
class IndicatorRow:
    """One indicator on the entry page: the rubric's text, the computed suggestion, what is stored."""

    indicator: RubricIndicator
    suggestion: assessment_inputs.Suggestion | None
    stored: IndicatorScore | None
    last_year_level: int | None
    fields: dict = field(default_factory=dict)

    @property
    def level(self):
        return self.stored.level if self.stored else None


@dataclass
class ConditionRows:
    condition: object
    rows: list[IndicatorRow]
    score: object = None
    last_year_score: object = None


def assessment_entry(*, cooperative, year, today=None):
    """Everything the entry page shows for one cooperative and year.

    Queries: the assessment (with its rubric), the rubric's indicators, the stored scores, last
    year's assessment and scores, the records the computations read (reports, board).
    """
    today = today or datetime.date.today()
    assessment = (
        Assessment.objects.filter(cooperative=cooperative, year=year)
        .select_related("rubric", "assessed_by", "submitted_by", "verified_by", "returned_by").first()
    )
    rubric = assessment.rubric if assessment else rubric_for_year(year)
    indicators = rubric_indicators(rubric)
    stored = {} if assessment is None else {s.indicator_id: s for s in assessment.scores.all()}
    last_year = Assessment.objects.filter(cooperative=cooperative, year=year - 1).first()
    last_levels = {}
    if last_year is not None:
        last_levels = dict(
            IndicatorScore.objects.filter(assessment=last_year).values_list("indicator__code", "level")
        )
    records = assessment_inputs.records_for([cooperative], year=year, today=today)[cooperative.pk]
    locked = assessment is not None and assessment.is_locked
    groups = {}
    for indicator in indicators:
        group = groups.setdefault(indicator.condition_id, ConditionRows(indicator.condition, []))
        score = stored.get(indicator.pk)
        if locked:
            # A verified assessment shows what it was scored with, not today's records.
            suggestion = None
            if score is not None and score.computed_explanation:
                suggestion = assessment_inputs.Suggestion(score.computed_level, score.computed_explanation)
        else:
            suggestion = assessment_inputs.suggest(indicator, records)
        group.rows.append(IndicatorRow(
            indicator=indicator, suggestion=suggestion, stored=score, last_year_level=last_levels.get(indicator.code),
        ))
    for group in groups.values():
        code = group.condition.code
        group.score = assessment.condition_scores().get(code) if assessment else None
        group.last_year_score = last_year.condition_scores().get(code) if last_year else None
    return {
        "assessment": assessment,
        "rubric": rubric,
        "conditions": list(groups.values()),
        "rows": [row for group in groups.values() for row in group.rows],
        "last_year": last_year,
        "kutim_label": assessment_inputs.kutim_label(records),
    }


def assessment_list(*, user):
    """Assessments in the user's area with last year's condition scores beside them (one query)."""
    return (
        _with_last_year(Assessment.objects.for_user(user), [*Assessment.SCORE_FIELDS.values(), "overall_score"])
        .select_related("cooperative__desa__kecamatan")
        .order_by("-year", "cooperative__name", "pk")
    )


# What a row of the assessment list shows of an assessment (templates/jinja2/registry/assessments/_rows.html).
LIST_ROW_FIELDS = ["cooperative_id", "year", "status", *Assessment.SCORE_FIELDS.values(), "overall_score",
                   "unscored", "predicate", "weakest_condition"]


def assessment_list_rows(*, user):
    """`assessment_list` with only what the list's rows show of the assessment's own columns; what
    else they show is added by `with_row_values` to the page's rows only, so that the list's count
    and average line do not join or compute it."""
    return Assessment.objects.for_user(user).only(*LIST_ROW_FIELDS).order_by("-year", "cooperative__name", "pk")


def with_row_values(assessments):
    """Last year's condition scores, and the cooperative's and kecamatan's names as columns of the same
    query rather than three more model instances per row (reading whole rows of four tables was most
    of the list's time)."""
    return _with_last_year(assessments, Assessment.SCORE_FIELDS.values()).annotate(
        cooperative_name=F("cooperative__name"), kecamatan_name=F("kecamatan__name"))


def _with_last_year(assessments, names):
    """`previous_<name>` of each field named: the same cooperative's value a year earlier, or None."""
    previous = figures.last_year_assessment()
    return assessments.annotate(**{f"previous_{name}": Subquery(previous.values(name)[:1]) for name in names})


def year_on_year(assessment, write=angka):
    """Per condition of a list row: its score, the change from last year, whether that is a big drop,
    and both as the row writes them (`write`: the page's `angka`, formats.angka_writer)."""
    changes = []
    for code, name in Assessment.SCORE_FIELDS.items():
        now, before = getattr(assessment, name), getattr(assessment, f"previous_{name}", None)
        change = None if now is None or before is None else now - before
        big_drop = figures.is_big_drop(change)
        if change is None:
            change_text = ""
        else:
            change_text = f"{'▼ ' if big_drop else ''}{'+' if change > 0 else ''}{write(change, 2)}"
        changes.append({
            "code": code, "score": now, "change": change, "big_drop": big_drop,
            "score_text": write(now, 2), "change_text": change_text,
        })
    return changes


def weak_scores(assessment):
    """The indicators of an assessment scored 1 or 2, with their recommendation (one query).

    Returns (recommended, without_data): those scored with data behind them
    (figures.recommended_q), and computed ones scored low where the records held no data, which
    recommend nothing: the page names them so that the data can be completed.
    """
    weak = list(
        assessment.scores.filter(level__lte=figures.WEAK_LEVEL)
        .select_related("indicator__condition")
        .order_by("indicator__condition__order", "indicator__order")
    )
    recommended = [score for score in weak if figures.is_recommended(score)]
    return recommended, [score for score in weak if not figures.is_recommended(score)]


# Names shown under each action; the rest are one click away in the filtered assessment list.
NAMES_SHOWN = 20


@dataclass
class Action:
    """One recommended action, who can help, and the cooperatives behind it."""

    code: str
    label: str
    helper: str
    helper_label: str
    count: int = 0
    cooperatives: list = field(default_factory=list)  # (id, name, kecamatan), at most NAMES_SHOWN

    @property
    def more(self):
        return self.count - len(self.cooperatives)


def recommended_scores(*, user, year, kecamatan_codes=None):
    """The indicator scores a year's district recommendations come from, in the user's area: submitted
    or verified assessments, scored 1 or 2 with data behind the level (figures.recommended_q)."""
    scores = IndicatorScore.objects.for_user(user).filter(
        figures.recommended_q(), figures.final_assessment_q("assessment__"), assessment__year=year,
    )
    if kecamatan_codes:
        # The assessment's own copy of its kecamatan: no join through the cooperative and its desa.
        scores = scores.filter(assessment__kecamatan__in=kecamatan_codes)
    return scores


def district_recommendation_rows(*, user, year, kecamatan_codes=None):
    """The rows behind the district's recommendations (see `district_recommendations`): (indicator
    code, recommendation, helper, cooperative id, name, kecamatan), in the page's order. One query."""
    scores = recommended_scores(user=user, year=year, kecamatan_codes=kecamatan_codes)
    return scores.order_by(
        "indicator__condition__order", "indicator__order", "assessment__cooperative__name", "assessment__cooperative_id"
    ).values_list(
        "indicator__code", "indicator__recommendation", "indicator__helper",
        "assessment__cooperative_id", "assessment__cooperative__name", "assessment__cooperative__desa__kecamatan__name",
    )


def district_recommendations(*, user, year, kecamatan_codes=None):
    """Recommendations of a year in the user's area, grouped by action and by helping party.

    Only from submitted and verified assessments (a draft may still change) and only from
    indicators scored with data (figures.recommended_q). One query over the weak indicator scores
    (plain values: a district has tens of thousands).
    """
    rows = district_recommendation_rows(user=user, year=year, kecamatan_codes=kecamatan_codes)
    actions, helped = {}, defaultdict(set)
    for code, recommendation, helper, cooperative_id, name, kecamatan in rows:
        action = actions.get(recommendation)
        if action is None:
            action = actions[recommendation] = Action(code, recommendation, helper, Helper(helper).label)
        action.count += 1
        if len(action.cooperatives) < NAMES_SHOWN:
            action.cooperatives.append((cooperative_id, name, kecamatan))
        helped[helper].add(cooperative_id)
    by_helper = [
        {"helper": helper, "label": Helper(helper).label, "count": len(helped[helper]),
         "actions": [a for a in actions.values() if a.helper == helper]}
        for helper in Helper.values if helper in helped
    ]
    return {"by_action": list(actions.values()), "by_helper": by_helper}


# The helping parties the office writes a letter to: all but the office itself. Its field officers
# and the Dinas act on their recommendations from the recommendation page; a letter from the head of
# office to his own office would only be paper.
LETTER_HELPERS = tuple(h for h in Helper.values if h not in (Helper.FIELD_OFFICER, Helper.DINAS))


@dataclass
class LetterCooperative:
    """One cooperative in a helping party's letter, with the actions asked of that party."""

    id: int
    name: str
    nomor_induk: str
    kecamatan: str
    desa: str
    actions: list = field(default_factory=list)  # (indicator code, recommendation), in rubric order


def helper_letters(*, user, year, kecamatan_codes=None, helper=None):
    """Per helping party outside the office (or only `helper`): the cooperatives of the user's area
    whose recommendations of the year name it, each with what is asked of the party. One query.

    Drawn from the same scores as `district_recommendations`, so a letter lists exactly the
    cooperatives the recommendation page counts under that party. Returns a list of
    {"helper", "label", "cooperatives"} in the order of Helper, parties with nothing asked left out.
    """
    helpers = [helper] if helper else LETTER_HELPERS
    rows = (
        recommended_scores(user=user, year=year, kecamatan_codes=kecamatan_codes)
        .filter(indicator__helper__in=helpers)
        .order_by("assessment__cooperative__desa__kecamatan__name", "assessment__cooperative__name",
                  "assessment__cooperative_id", "indicator__condition__order", "indicator__order")
        .values_list("indicator__helper", "assessment__cooperative_id", "assessment__cooperative__name",
                     "assessment__cooperative__nomor_induk", "assessment__cooperative__desa__kecamatan__name",
                     "assessment__cooperative__desa__name", "indicator__code", "indicator__recommendation")
    )
    letters = {h: {} for h in helpers}
    for party, cooperative_id, name, nomor_induk, kecamatan, desa, code, recommendation in rows:
        cooperatives = letters[party]
        if cooperative_id not in cooperatives:
            cooperatives[cooperative_id] = LetterCooperative(cooperative_id, name, nomor_induk or "", kecamatan, desa)
        cooperatives[cooperative_id].actions.append((code, recommendation))
    return [
        {"helper": party, "label": Helper(party).label, "cooperatives": list(cooperatives.values())}
        for party, cooperatives in letters.items() if cooperatives
    ]


def cooperative_assessments(*, cooperative):
    """A cooperative's assessments, newest year first, for its profile: the scores, predicate, labels
    and status a row shows are on the assessment itself, so one query without its rubric."""
    return profile_assessments(cooperative.pk)


profile_assessments = CompiledRead(lambda key: Assessment.objects.filter(cooperative_id=key).order_by("-year"))
