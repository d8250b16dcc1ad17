"""How the registry's counted figures are defined, shared by every page that shows them.

A figure on the dashboard links to the list that produces it; both count with these conditions,
so the list's count equals the figure after a refresh. A figure that appears on more than one
page (active, RAT held, board complete, board trained and its share) is defined here once and
read by the dashboard's summary, the list filters, the training coverage page, the ministry recap
and one record's page alike. The rules live here in SQL for the lists and the summary and in
Python for one record's page: a complete board, a trained board, a big drop in a condition's score.
"""

import datetime
import functools
import operator
from decimal import Decimal

from django.db.models import (
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import LessThanOrEqual

from .models import (
    Assessment,
    BoardMember,
    Cooperative,
    RubricIndicator,
    StatusChange,
    TrainingParticipant,
    YearlyReport,
)

# A RAT counts as reported on time when the Dinas received the report within this many days.
RAT_REPORT_DAYS = 31
# A condition that falls by at least this many points from last year (as on the assessment list).
BIG_DROP = 10
# Trends start here: the first book year of the office's digital records.
FIRST_TREND_YEAR = 2019
# A board counts as trained when one of its members attended a training that ended this many years back.
TRAINING_YEARS = 2


def active_q(prefix=""):
    """A cooperative whose status is Aktif now (`prefix` reaches the cooperative from another model)."""
    return Q(**{f"{prefix}status": Cooperative.Status.ACTIVE})


def rat_held_q():
    """A yearly report whose RAT was held: it carries the RAT's date."""
    return Q(rat_date__isnull=False)


def rat_reported_on_time_q():
    """A yearly report whose RAT was held and reported to the Dinas within RAT_REPORT_DAYS days."""
    delay = ExpressionWrapper(F("rat_reported_on") - F("rat_date"), output_field=DurationField())
    return Q(rat_date__isnull=False, rat_reported_on__isnull=False) & Q(
        LessThanOrEqual(delay, datetime.timedelta(days=RAT_REPORT_DAYS))
    )


def year_end(year):
    """31 December of `year`: the day a year's state figures describe."""
    return datetime.date(year, 12, 31)


def founded_by_q(year):
    """A cooperative founded by the end of `year`: from that year on it is counted in a year's figures."""
    return Q(founded_on__lte=year_end(year))


def status_at_year_end(year):
    """A cooperative's status on 31 December of `year`, from its dated status steps (an SQL expression).

    The last step on or before that day gives it (a step dated 31 December counts for that year);
    before its first step the cooperative had that step's earlier status; without any step, its
    current status.
    """
    steps = StatusChange.objects.filter(cooperative=OuterRef("pk"))
    last = steps.filter(changed_on__lte=year_end(year)).order_by("-changed_on", "-id").values("to_status")[:1]
    first_after = steps.filter(changed_on__gt=year_end(year)).order_by("changed_on", "id").values("from_status")[:1]
    return Coalesce(
        Subquery(last), NullIf(Subquery(first_after), Value("")), F("status"), output_field=CharField()
    )


# The sums of a book year's reports the dashboard shows, by the key of the column that totals them on
# the list behind the figure (/koperasi/?laporan_tahun=Y): the list's total line and the summary
# both sum these fields of the yearly reports, one report per cooperative and year.
REPORT_TOTALS = {
    "anggota_l": "members_male",
    "anggota_p": "members_female",
    "volume_usaha": "business_volume",
    "shu": "shu",
    "aset": "total_assets",
    "modal_sendiri": "modal_sendiri",
}
# Members are men and women together.
MEMBERS_TOTAL = "anggota"


# The key of the final score's column among the conditions' (Condition values) on a total line.
FINAL_SCORE_KEY = "akhir"


def average_score(total, n):
    """A mean score as every page writes it: the sum over the scored ones, to two decimals; None when none."""
    return (Decimal(str(total)) / n).quantize(Decimal("0.01")) if n else None


def without_rat_q(year):
    """A cooperative that existed in book years `year - 1` and `year` and held no RAT for either.

    One founded in `year` could not have held a RAT for the year before: it is not counted.
    """
    held = YearlyReport.objects.filter(
        cooperative=OuterRef("pk"), year__in=[year - 1, year], rat_date__isnull=False
    )
    return founded_by_q(year - 1) & ~Exists(held)


def active_without_rat(queryset, year):
    """The cooperatives of `queryset` active on 31 December of `year` without a RAT for it or the year before.

    The dashboard's figure; its list is /koperasi/?akhir_tahun=Y&status=aktif&tanpa_rat_2_tahun=Y.
    """
    return queryset.alias(year_status=status_at_year_end(year)).filter(
        year_status=Cooperative.Status.ACTIVE
    ).filter(without_rat_q(year))


def two_years_before(day):
    """The same calendar day TRAINING_YEARS (two) years earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - TRAINING_YEARS)
    except ValueError:
        return day.replace(year=day.year - TRAINING_YEARS, day=28)


def board_trained_q(on):
    """A cooperative one of whose board members (not staff) attended a training that ended in the two years
    up to `on`, both ends included."""
    trained = TrainingParticipant.objects.filter(
        cooperative=OuterRef("pk"), board_member__isnull=False, attended=True,
        training__end_date__gte=two_years_before(on), training__end_date__lte=on,
    )
    return Exists(trained)


def active_board_trained_q(on):
    """The trained-board figure: an active cooperative whose board was trained (board_trained_q)."""
    return active_q() & board_trained_q(on)


def is_board_trained(participations, on):
    """Whether participations (with their training) make a trained board on `on`, as board_trained_q counts."""
    since = two_years_before(on)
    return any(
        p.attended and p.board_member_id and since <= p.training.end_date <= on for p in participations
    )


def trained_board_share(trained, active):
    """The trained-board share: active cooperatives with a trained board over active cooperatives."""
    return trained / active if active else None


def board_complete_q():
    """A cooperative with a current term for each required role (ketua, sekretaris, bendahara, a pengawas)."""
    current = BoardMember.objects.current()
    return functools.reduce(
        operator.and_,
        (Exists(current.filter(cooperative=OuterRef("pk"), role=role)) for role in BoardMember.REQUIRED_ROLES),
    )


def current_required_roles():
    """How many of the required roles (ketua, sekretaris, bendahara, pengawas) hold a current term.

    One correlated subquery: at 130,000 cooperatives and 771,913 board rows, "board not complete"
    written as NOT (four EXISTS) made PostgreSQL read the board table four times (about 600 ms
    for the list's bounded count); counting the roles takes about 150 ms.
    """
    roles = (
        BoardMember.objects.current()
        .filter(cooperative=OuterRef("pk"), role__in=BoardMember.REQUIRED_ROLES)
        .order_by()
        .values("cooperative")
        .annotate(n=Count("role", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(roles, output_field=IntegerField()), 0)


def missing_board_roles(current_roles):
    """The required roles (ketua, sekretaris, bendahara, pengawas) that hold no current term, in order."""
    return [role for role in BoardMember.REQUIRED_ROLES if role not in current_roles]


def board_is_complete(current_roles):
    """Whether a set of roles holding current terms makes a complete board (as board_complete_q counts)."""
    return not missing_board_roles(current_roles)


def is_big_drop(change):
    """Whether a condition's change from last year's score is a big drop (as big_drop_q counts)."""
    return change is not None and change <= -BIG_DROP


def last_year_assessment():
    """The same cooperative's assessment a year earlier, for a subquery beside an assessment.

    One assessment per cooperative and year: no order needed (the model's own ordering would join
    the cooperative and sort inside every subquery, half of the big-drop filter's time)."""
    return Assessment.objects.filter(cooperative=OuterRef("cooperative"), year=OuterRef("year") - 1).order_by()


def big_drop_q():
    """An assessment in which some condition fell by BIG_DROP points or more from last year's."""
    previous = last_year_assessment()
    drops = Q()
    for name in Assessment.SCORE_FIELDS.values():
        drops |= Q(**{f"{name}__lte": Subquery(previous.values(name)[:1]) - BIG_DROP})
    return drops


# Recommendations follow indicators scored 1 or 2 (domain brief, section 4).
WEAK_LEVEL = 2
# Indicators judged by the assessor from what they saw, rather than computed from the records.
JUDGED_METHODS = (RubricIndicator.Method.MANUAL, RubricIndicator.Method.CHECKLIST)


def recommended_q(prefix=""):
    """An indicator score that earns its recommendation: scored 1 or 2, with data behind the level.

    A manual or checklist indicator is judged by the assessor from what they saw; a computed one
    (ratio, derived) only when the records gave a level (`computed_level`). A level typed where
    the registry holds no data ("anggota berkurang" without any yearly report) recommends nothing.
    """
    return Q(**{f"{prefix}level__lte": WEAK_LEVEL}) & (
        Q(**{f"{prefix}indicator__method__in": JUDGED_METHODS}) | Q(**{f"{prefix}computed_level__isnull": False})
    )


def is_recommended(score):
    """Whether one indicator score earns its recommendation (as recommended_q counts)."""
    return (
        score.level is not None and score.level <= WEAK_LEVEL
        and (score.indicator.method in JUDGED_METHODS or score.computed_level is not None)
    )


def final_assessment_q(prefix=""):
    """An assessment submitted or verified: what district recommendations are drawn from (drafts are not)."""
    return Q(**{f"{prefix}status__in": Assessment.FROZEN_STATUSES})


STATUS_FIELDS = {status.value: f"status_{status.value}" for status in Cooperative.Status}
