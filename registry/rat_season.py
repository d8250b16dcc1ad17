"""The RAT season of a book year: where each active cooperative stands with its annual member
meeting (RAT) and its report to the Dinas. The one definition of the tracker's states.

States, for a cooperative active today and founded by the end of the book year:
- "dilaporkan": the RAT is recorded with its date and the date the Dinas received its report;
- "belum_dilaporkan": the RAT's date is recorded, its report is not (yet): late once the report's
  due date (RAT date + OfficeSettings.rat_report_days) has passed;
- "terlambat": no RAT recorded and the RAT's due date (OfficeSettings.rat_due) has passed;
- "belum": no RAT recorded, and there is still time.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, FilteredRelation, Q, Value, When
from django.utils.translation import gettext_lazy as _

from . import figures
from .models import Cooperative

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
    # One LEFT JOIN to the season's yearly report (at most one per cooperative and year).
    return (
        queryset.filter(figures.active_q(), figures.founded_by_q(season.year))
        .annotate(season_report=FilteredRelation("yearly_reports", condition=Q(yearly_reports__year=season.year)))
        .annotate(rat_date=F("season_report__rat_date"), rat_reported_on=F("season_report__rat_reported_on"))
        .annotate(rat_state=Case(
            When(rat_date__isnull=False, rat_reported_on__isnull=False, then=Value(REPORTED)),
            When(rat_date__isnull=False, then=Value(NOT_REPORTED)),
            default=no_rat, output_field=CharField(),
        ))
    )


def state_counts(cooperatives):
    """{state: count} of annotated cooperatives, in one aggregate query."""
    return cooperatives.order_by().aggregate(**{state: Count("pk", filter=Q(rat_state=state)) for state in STATES})


def report_is_late(cooperative, season):
    """A RAT held but not reported once its report's due date has passed."""
    if cooperative.rat_date is None or cooperative.rat_reported_on is not None:
        return False
    return season.today > cooperative.rat_date + datetime.timedelta(days=season.report_days)


def in_officer_area(queryset, officer):
    """The cooperatives of `queryset` in a field officer's kecamatan (all, for a whole-district officer)."""
    return queryset.filter(pk__in=Cooperative.objects.for_user(officer).values("pk"))
