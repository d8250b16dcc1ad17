"""Figures of the district dashboard, summed from the precomputed summary (registry/models/summary.py).

Five queries whatever the size of the registry: the summary holds one row per kecamatan, year
and classification value, so a request sums at most a few hundred rows. The RAT season figures
take one more, the office's due dates, to tell "overdue" from "still in time" as of today.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from .. import figures, rat_season
from ..models import (
    Assessment,
    AttentionCase,
    Cooperative,
    Kecamatan,
    KecamatanSummary,
    KutimLabel,
    OfficeSettings,
    Partnership,
    Predicate,
    SummaryRefresh,
)
from ..models.summary import CURRENT, SummaryCell

SUMMED = [
    f.name for f in SummaryCell._meta.concrete_fields if f.name not in {"id", "year", "kecamatan", "dimension", "key"}
]
SUMMED_SET = set(SUMMED)
ATTENTION_EXAMPLES = 5  # cooperatives named under each needs-attention figure
CONDITION_SCORES = {code: name for code, name in Assessment.SCORE_FIELDS.items()}
DIMENSION_LABELS = {
    "jenis": dict(Cooperative.Jenis.choices),
    "kelompok": dict(Cooperative.Kelompok.choices),
    "sektor": dict(Cooperative.Sector.choices),
}


class Totals:
    """Summed summary figures with the derived ones (members, shares, averages); missing counts are 0.

    Only the summary's own fields are items: templates look items up first, so any other name
    (members, overall, ...) falls through to the attribute.
    """

    def __init__(self, data=None):
        self.data = data or {}

    def __getitem__(self, key):
        if key not in SUMMED_SET:
            raise KeyError(key)
        return self.data.get(key) or 0

    @property
    def empty(self):
        """No summary row at all (a year outside the summary): its figures are missing, not 0."""
        return not self.data

    @property
    def members(self):
        return self["members_male"] + self["members_female"] if self["reported"] else None

    @property
    def not_dissolved(self):
        return self["cooperatives"] - self["status_dibubarkan"]

    def share(self, part, whole):
        whole = self[whole] if isinstance(whole, str) else whole
        return self[part] / whole if whole else None

    @property
    def active_share(self):
        return self.share("status_aktif", "cooperatives")

    @property
    def rat_share(self):
        """RAT held over the cooperatives not dissolved at the year's end."""
        return self.share("rat_held", self.not_dissolved) if self["reported"] else None

    @property
    def rat_on_time_share(self):
        return self.share("rat_reported_on_time", "rat_held")

    def average(self, name):
        return figures.average_score(self[f"{name}_sum"], self[f"{name}_n"])

    @property
    def overall(self):
        return self.average("overall_score")

    def condition_averages(self):
        return {code: self.average(name) for code, name in CONDITION_SCORES.items()}

    def predicate_counts(self):
        return [(p.value, p.label, self[f"predicate_{p.value}"]) for p in Predicate]

    def label_counts(self):
        return [(label.value, label.label, self[f"label_{label.value}"]) for label in KutimLabel]


# Plain SQL over the summary table: built once here, because building a 45-column aggregate through
# the ORM on every request cost more than running it (profiled at national scale).
_quote = connection.ops.quote_name
TABLE = _quote(SummaryCell._meta.db_table)
KEY = _quote("key")
KECAMATAN = _quote(SummaryCell._meta.get_field("kecamatan").column)
COLUMNS = ", ".join(_quote(SummaryCell._meta.get_field(name).column) for name in SUMMED)
SUMS = ", ".join(f"SUM({_quote(SummaryCell._meta.get_field(name).column)})" for name in SUMMED)
DECIMALS = {name for name in SUMMED if name.endswith("_sum")}


def _totals(values):
    """A row of summed columns (in SUMMED order) as Totals, the same types on every database."""
    data = dict(zip(SUMMED, values, strict=True))
    for name, value in data.items():
        if value is not None:
            # PostgreSQL sums bigint columns as numeric, SQLite score sums as float: counts and Rupiah
            # are whole numbers, score sums exact decimals, on both.
            data[name] = Decimal(str(value)) if name in DECIMALS else int(value)
    return Totals(data)


@dataclass
class KecamatanRow:
    code: str
    name: str
    now: Totals = field(default_factory=Totals)
    year: Totals = field(default_factory=Totals)
    previous: Totals = field(default_factory=Totals)
    desa: int = 0
    desa_merah_putih: int = 0
    past: bool = False

    @property
    def state(self):
        """Cooperatives and their status as the view shows them: now, or on 31 December of a past year."""
        return self.year if self.past else self.now


@dataclass
class Dashboard:
    year: int
    kecamatan: list  # the kecamatan in view: (code, name)
    now: Totals
    current: Totals  # the selected year: its reports, assessments and the status at its end
    previous: Totals  # the year before
    per_kecamatan: list
    by_dimension: dict
    trends: list  # (year, Totals), FIRST_TREND_YEAR up to the selected year
    years: list  # every year the summary holds
    desa: int = 0
    desa_merah_putih: int = 0
    refreshed_at: object = None
    attention: dict = field(default_factory=dict)  # reason: [(cooperative id, name)], a few named
    active_partnerships: int | None = None  # None: no partnership recorded at all
    has_trainings: bool = False
    has_findings: bool = False
    # A past book year: its cooperatives and statuses are shown as on 31 December of that year, not now.
    past: bool = False
    # The RAT season of the book year (rat_season.counts_from_summary): {state or channel: count, "total": n}.
    rat: dict = field(default_factory=dict)
    rat_season: object = None  # rat_season.Season: its due date and today
    rat_counted_live: bool = False  # the season was counted live: a year the summary does not hold

    @property
    def state(self):
        """Cooperatives and their status as shown: now (the latest year), or on 31 December of a past year."""
        return self.current if self.past else self.now

    @property
    def state_before(self):
        """What `state` is compared with: the end of the selected year, or of the year before it."""
        return self.previous if self.past else self.current

    @property
    def state_year(self):
        """The year whose 31 December the state figures describe, or None when they are today's."""
        return self.year if self.past else None

    def condition_rows(self):
        """Per kecamatan, the average of each condition and overall in the selected year."""
        return [
            (row, [row.year.average(name) for name in CONDITION_SCORES.values()], row.year.overall)
            for row in self.per_kecamatan
        ]


def kecamatan_in_area(*, user, using=DEFAULT_DB_ALIAS):
    """The kecamatan the user may see, as (code, name), in code order. One query."""
    return list(Kecamatan.objects.using(using).for_user(user).order_by("code").values_list("code", "name"))


def office_season(*, year, today=None, using=DEFAULT_DB_ALIAS):
    """The RAT season of book year `year` as of `today`: the office's due dates (one query)."""
    # The settings row is made by OfficeSettings.current() on first use; a replica may not have it yet.
    office = OfficeSettings.objects.using(using).filter(pk=1).first() or OfficeSettings()
    return rat_season.season(year, office, today or timezone.localdate())


def rat_season_counts(*, user, year, codes, chosen, today=None, using=DEFAULT_DB_ALIAS, season=None):
    """The RAT season of book year `year` counted live, as the tracker (/rat/) counts it for the same area
    and kecamatan: (Season, {state: n, channel: n, "total": n}). Two queries: the office's due dates
    and one aggregate over the cooperatives of the area (162 ms at national scale).

    The dashboard reads the season from the summary instead (counts_from_summary); it counts live only
    a year the summary does not hold (never refreshed, or a new year before the nightly refresh).
    """
    season = season or office_season(year=year, today=today, using=using)
    cooperatives = Cooperative.objects.using(using).for_user(user)
    if chosen:
        cooperatives = cooperatives.filter(desa__kecamatan__in=codes)
    return season, rat_season.state_counts(rat_season.season_cooperatives(cooperatives, season))


def latest_refresh(*, using=DEFAULT_DB_ALIAS):
    """The last summary refresh ({} before the first): its id and end, whether partnerships, trainings and
    findings are recorded, whether it counted the RAT seasons. One query."""
    return SummaryRefresh.objects.using(using).order_by("-finished_at").values(
        "id", "finished_at", "partnerships", "trainings", "findings", "rat_seasons"
    ).first() or {}


def active_partnership_count(*, user, codes, chosen, refresh, using=DEFAULT_DB_ALIAS):
    """The active partnerships of the area (or the chosen kecamatan) counted live as their list counts
    them (a partnership may join two kecamatan, so per-kecamatan sums would count it twice): one query,
    none and None when the last refresh found no partnership recorded at all."""
    if not refresh.get("partnerships"):
        return None
    partnerships = Partnership.objects.using(using).for_user(user).filter(status=Partnership.Status.ACTIVE)
    return (partnerships.in_kecamatan(codes) if chosen else partnerships).count()


UNREAD = object()  # an argument of dashboard() its caller did not read beforehand


def dashboard(*, user, year, kecamatan, first_trend_year, chosen=False, latest_year=None, using=DEFAULT_DB_ALIAS,
              today=None, refresh=None, season=None, active_partnerships=UNREAD):
    """Every figure of the dashboard for the user's area (or the chosen `kecamatan` codes in it).

    Five or six queries: the totals per year and classification, the rows per kecamatan, the trend
    per year, the desa per kecamatan, the cooperatives named under the needs-attention figures, the
    last refresh; and, when partnerships are recorded, the
    active ones counted live as their list counts them (a partnership may join two kecamatan, so
    per-kecamatan sums would count it twice). `kecamatan` is [(code, name)] already limited to the
    user's area (kecamatan_in_area); `chosen` says the user picked one kecamatan of it. A `year` before
    `latest_year` (the last full year) is a past year: its state figures are those of its 31 December.
    `using`: the database alias read (the API reads the read replica, settings.REPLICA_DATABASE).
    `refresh` (latest_refresh), `season` (office_season) and `active_partnerships` (active_partnership_count):
    when the caller has read them already (the page's cache key is made of them), not read again.
    One more reads the office's RAT due dates: the season of `year` as of `today` (counted live only
    for a year the summary does not hold, rat_season_counts).
    """
    past = latest_year is not None and year < latest_year
    codes = [code for code, _ in kecamatan]
    years = [CURRENT, year, year - 1]
    grouped, by_year = {}, {}
    rows = {code: KecamatanRow(code, name, past=past) for code, name in kecamatan}
    attribute = {CURRENT: "now", year: "year", year - 1: "previous"}
    if codes:
        with connections[using].cursor() as cursor:
            area = f"{KECAMATAN} IN ({', '.join(['%s'] * len(codes))})"
            cursor.execute(
                f"SELECT year, dimension, {KEY}, {SUMS} FROM {TABLE} WHERE {area} AND year IN (%s, %s, %s) "
                f"GROUP BY year, dimension, {KEY}", [*codes, *years],
            )
            for row_year, dimension, key, *values in cursor.fetchall():
                grouped[(row_year, dimension, key)] = _totals(values)
            cursor.execute(
                f"SELECT year, {KECAMATAN}, {COLUMNS} FROM {TABLE} WHERE {area} AND year IN (%s, %s, %s) "
                f"AND dimension = ''", [*codes, *years],
            )
            for row_year, code, *values in cursor.fetchall():
                setattr(rows[code], attribute[row_year], _totals(values))
            cursor.execute(
                f"SELECT year, {SUMS} FROM {TABLE} WHERE {area} AND dimension = '' AND year <> %s "
                f"GROUP BY year ORDER BY year", [*codes, CURRENT],
            )
            by_year = {row_year: _totals(values) for row_year, *values in cursor.fetchall()}

    desa = KecamatanSummary.objects.using(using).filter(kecamatan__in=codes)
    for summary in desa.values("kecamatan", "desa", "desa_merah_putih"):
        row = rows[summary["kecamatan"]]
        row.desa, row.desa_merah_putih = summary["desa"], summary["desa_merah_putih"]
    attention = {}
    named = AttentionCase.objects.using(using).filter(kecamatan__in=codes, year__in=[CURRENT, year]).order_by(
        "rank", "kecamatan"
    )
    for reason, cooperative_id, name in named.values_list("reason", "cooperative", "cooperative__name"):
        examples = attention.setdefault(reason, [])
        if len(examples) < ATTENTION_EXAMPLES:
            examples.append((cooperative_id, name))
    if refresh is None:
        refresh = latest_refresh(using=using)
    if active_partnerships is UNREAD:
        active_partnerships = active_partnership_count(user=user, codes=codes, chosen=chosen, refresh=refresh,
                                                       using=using)

    by_dimension = {}
    for dimension, labels in DIMENSION_LABELS.items():
        by_dimension[dimension] = [
            (key, label, grouped.get((CURRENT, dimension, key), Totals()),
             grouped.get((year, dimension, key), Totals()))
            for key, label in labels.items()
            if (CURRENT, dimension, key) in grouped or (year, dimension, key) in grouped
        ]
    per_kecamatan = list(rows.values())
    # The season of the book year the page shows: the RAT of book year Y is held in Y+1, so the
    # dashboard of 2025 (the default, the last full year) shows the season of 2025's RATs, held and
    # reported during 2026, the one officials are chasing now: as "RAT diadakan (tahun buku 2025)"
    # above it and the tracker's default year.
    # Its counts are in the summary, refreshed after every write that moves them (a RAT recorded, a
    # portal report accepted, a status or founding date changed); what moves with the calendar, the
    # due date passing, is decided here from the office's settings as they are now.
    rat_counted_live = not (refresh.get("rat_seasons") and year in by_year)
    if rat_counted_live:
        season, rat = rat_season_counts(user=user, year=year, codes=codes, chosen=chosen, today=today, using=using,
                                        season=season)
    else:
        season = season or office_season(year=year, today=today, using=using)
        rat = rat_season.counts_from_summary(grouped.get((year, "", ""), Totals()), season)
    return Dashboard(
        year=year,
        kecamatan=kecamatan,
        now=grouped.get((CURRENT, "", ""), Totals()),
        current=grouped.get((year, "", ""), Totals()),
        previous=grouped.get((year - 1, "", ""), Totals()),
        per_kecamatan=per_kecamatan,
        by_dimension=by_dimension,
        trends=[(y, by_year.get(y, Totals())) for y in range(min(first_trend_year, year), year + 1)],
        years=sorted(by_year, reverse=True),
        desa=sum(row.desa for row in per_kecamatan),
        desa_merah_putih=sum(row.desa_merah_putih for row in per_kecamatan),
        refreshed_at=refresh.get("finished_at"),
        attention=attention,
        active_partnerships=active_partnerships,
        has_trainings=bool(refresh.get("trainings")),
        has_findings=bool(refresh.get("findings")),
        past=past,
        rat=rat,
        rat_season=season,
        rat_counted_live=rat_counted_live,
    )

