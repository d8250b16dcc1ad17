"""The RAT season of a book year: where each active cooperative stands with its annual member
meeting (RAT) and its report to the Dinas. The one definition of the tracker's states.

States, for a cooperative active today and founded by the end of the book year:
- "dilaporkan": the RAT is recorded with its date and the date the Dinas received its report;
- "belum_dilaporkan": the RAT's date is recorded, its report is not (yet): late once the report's
  due date (RAT date + OfficeSettings.rat_report_days) has passed;
- "terlambat": no RAT recorded and the RAT's due date (OfficeSettings.rat_due) has passed;
- "belum": no RAT recorded, and there is still time.

Of the reported ones, the channel (`rat_channel`): "portal" when the cooperative's board sent the
RAT through the portal and the Dinas accepted it (an accepted Submission of the year carrying a RAT
date), else "petugas" (typed in or imported by staff, from paper). A RAT first recorded by staff and
later also sent through the portal counts as the portal's: the board reported it itself.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Exists, F, FilteredRelation, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from . import figures
from .models import Cooperative, Submission

REPORTED = "dilaporkan"
NOT_REPORTED = "belum_dilaporkan"
OVERDUE = "terlambat"
NOT_YET = "belum"
STATES = {
    REPORTED: _("RAT diadakan dan dilaporkan"),
    NOT_REPORTED: _("RAT diadakan, belum dilaporkan"),
    OVERDUE: _("Lewat batas, belum ada RAT"),
    NOT_YET: _("Belum ada RAT, masih dalam batas"),
}
# How a reported RAT reached the Dinas (the tracker's ?lewat=).
PORTAL = "portal"
STAFF = "petugas"
CHANNELS = {
    PORTAL: _("Dilaporkan lewat portal koperasi"),
    STAFF: _("Dicatat petugas (dari kertas atau impor)"),
}


@dataclass(frozen=True)
class Season:
    year: int
    rat_due: object  # date
    report_days: int
    today: object  # date

    @property
    def rat_overdue(self):
        return self.today > self.rat_due


def season(year, office, today):
    return Season(year=year, rat_due=office.rat_due(year), report_days=office.rat_report_days, today=today)


def season_cooperatives(queryset, season):
    """`queryset` (cooperatives in the user's area) limited to those in the season, each annotated
    with the year's `rat_date`, `rat_reported_on` and its `rat_state`: one query, filterable by state."""
    no_rat = Value(OVERDUE if season.rat_overdue else NOT_YET)
    through_portal = Submission.objects.filter(
        cooperative=OuterRef("pk"), year=season.year, status=Submission.Status.ACCEPTED, rat_date__isnull=False,
    )
    # One LEFT JOIN to the season's yearly report (at most one per cooperative and year), and for the
    # channel one EXISTS on the accepted submissions (indexed by cooperative).
    return (
        queryset.filter(figures.active_q(), figures.founded_by_q(season.year))
        .annotate(season_report=FilteredRelation("yearly_reports", condition=Q(yearly_reports__year=season.year)))
        .annotate(rat_date=F("season_report__rat_date"), rat_reported_on=F("season_report__rat_reported_on"))
        .annotate(rat_state=Case(
            When(rat_date__isnull=False, rat_reported_on__isnull=False, then=Value(REPORTED)),
            When(rat_date__isnull=False, then=Value(NOT_REPORTED)),
            default=no_rat, output_field=CharField(),
        ))
        .annotate(rat_channel=Case(
            When(rat_state=REPORTED, then=Case(When(Exists(through_portal), then=Value(PORTAL)), default=Value(STAFF))),
            default=None, output_field=CharField(),
        ))
    )


def state_counts(cooperatives):
    """{state: count} of annotated cooperatives, with the reported ones by channel ({"portal": n,
    "petugas": n}) and the "total", in one aggregate query."""
    counts = cooperatives.order_by().aggregate(
        total=Count("pk"),
        **{state: Count("pk", filter=Q(rat_state=state)) for state in STATES},
        **{PORTAL: Count("pk", filter=Q(rat_channel=PORTAL))},
    )
    # Every reported RAT came one way or the other: the staff's are the rest (one EXISTS per row, not two).
    counts[STAFF] = counts[REPORTED] - counts[PORTAL]
    return counts


# The summary's columns of a season (registry/models/summary.py SummaryCell, rows of its book year):
# what does not move with the calendar. Whether the cooperatives without a RAT are "still in time" or
# "overdue" depends on today and on the office's due date, so it is decided when the figures are read
# (counts_from_summary), never stored.
SUMMARY_COUNTS = {
    "season_cooperatives": Count("pk"),
    "season_reported": Count("pk", filter=Q(rat_state=REPORTED)),
    "season_reported_portal": Count("pk", filter=Q(rat_channel=PORTAL)),
    "season_held_not_reported": Count("pk", filter=Q(rat_state=NOT_REPORTED)),
}


def counts_from_summary(totals, season):
    """The counts of `state_counts` from a season's summary columns (`totals[name]`) as of `season.today`:
    the cooperatives with no RAT recorded are all overdue once the due date has passed, else all in time."""
    total, reported = totals["season_cooperatives"], totals["season_reported"]
    held, portal = totals["season_held_not_reported"], totals["season_reported_portal"]
    without_rat = total - reported - held
    return {
        "total": total, REPORTED: reported, NOT_REPORTED: held,
        OVERDUE: without_rat if season.rat_overdue else 0, NOT_YET: 0 if season.rat_overdue else without_rat,
        PORTAL: portal, STAFF: reported - portal,
    }


def listed(cooperatives, *, state=None, channel=None):
    """The annotated cooperatives of one state and/or channel: the list behind a count."""
    if state:
        cooperatives = cooperatives.filter(rat_state=state)
    if channel:
        cooperatives = cooperatives.filter(rat_channel=channel)
    return cooperatives


def portal_share(counts):
    """The share of the reported RATs that came through the portal; None when none was reported."""
    return counts[PORTAL] / counts[REPORTED] if counts[REPORTED] else None


def report_is_late(cooperative, season):
    """A RAT held but not reported once its report's due date has passed."""
    if cooperative.rat_date is None or cooperative.rat_reported_on is not None:
        return False
    return season.today > cooperative.rat_date + datetime.timedelta(days=season.report_days)


def in_officer_area(queryset, officer):
    """The cooperatives of `queryset` in a field officer's kecamatan (all, for a whole-district officer)."""
    return queryset.filter(pk__in=Cooperative.objects.for_user(officer).values("pk"))
