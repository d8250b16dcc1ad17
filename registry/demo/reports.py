"""Demo yearly reports (keragaan): members, money figures and the RAT of every book year."""

import datetime

from ..models import Cooperative, YearlyReport
from .cooperatives import day_in_year
from .profiles import FIRST_REPORT_YEAR, JUTA, RAT_SEASON, RAT_SEASON_LATER, TBS_PRICE_INDEX

Status = Cooperative.Status

# How often a cooperative of each RAT discipline holds its RAT, and reports one it held, relative to
# the others; the year's shares (profiles.RAT_SEASON) scale them. HELD_MEAN and REPORTED_MEAN are the
# rates over the active cooperatives' mix of disciplines (30% good, 45% fair, 25% poor) with a
# yearly report (96%), so the scaled draws give the year's shares.
HELD_RATE = {"good": 0.95, "fair": 0.75, "poor": 0.4}
REPORTED_RATE = {"good": 0.95, "fair": 0.75, "poor": 0.4}
HELD_MEAN = 0.96 * (0.30 * 0.95 + 0.45 * 0.75 + 0.25 * 0.4)
REPORTED_MEAN = (0.30 * 0.95 * 0.95 + 0.45 * 0.75 * 0.75 + 0.25 * 0.4 * 0.4) / (0.30 * 0.95 + 0.45 * 0.75 + 0.25 * 0.4)
# Of the reported RATs, those reported within a month (the rest later).
WITHIN_MONTH = {"good": 0.9, "fair": 0.55, "poor": 0.4}


def _rupiah(value):
    """Whole thousands, as the office's spreadsheets round."""
    return max(0, int(round(value / 1000)) * 1000)


class ReportDraws:
    """Yearly reports with their RAT: part of DistrictGenerator (demo/district.py)."""

    # -- yearly reports -------------------------------------------------------------------------

    def reports(self, plan):
        """Yearly reports from 2019 (or the founding year) to `until_year`, with their RAT.

        Active cooperatives nearly always report; dormant years have no RAT, and a cooperative
        that became inactive reports little or nothing after that.
        """
        rng = self._rng(plan.index, "reports")
        kind = plan.kind
        equity_ratio = rng.uniform(0.12, 0.9)
        revenue_ratio = rng.uniform(*kind.revenue_ratio)
        cost_ratio = rng.uniform(0.72, 1.04)
        volume_per_member = rng.uniform(*kind.volume_per_member)
        savings_per_member = rng.uniform(0.5, 8) * JUTA
        reports = []
        for year in range(max(FIRST_REPORT_YEAR, plan.founded.year), self.until_year + 1):
            years = year - FIRST_REPORT_YEAR
            members = max(5, round(plan.members_2019 * (1 + plan.growth) ** years * rng.uniform(0.97, 1.03)))
            dormant = year in plan.dormant_years
            stopped = plan.stopped_on is not None and year >= plan.stopped_on.year
            if stopped:
                present = plan.cooperative.status == Status.COACHING and rng.random() < 0.3
            elif dormant:
                present = rng.random() < 0.5
            else:
                present = rng.random() < {"good": 0.99, "fair": 0.96, "poor": 0.85}[plan.discipline]
            if not present:
                continue
            female = round(members * plan.female_share)
            modal_sendiri = members * savings_per_member * (1.05 ** years)
            total_assets = modal_sendiri / min(0.95, max(0.08, equity_ratio + rng.uniform(-0.04, 0.04)))
            price = TBS_PRICE_INDEX.get(year, 1.2) if kind.palm_oil else 1 + 0.04 * (year - 2023)
            volume = members * volume_per_member * price * rng.uniform(0.9, 1.1) * (0.3 if dormant or stopped else 1)
            revenue = volume * revenue_ratio
            expenses = revenue * min(1.3, max(0.5, cost_ratio + rng.uniform(-0.06, 0.06)))
            revenue, expenses = _rupiah(revenue), _rupiah(expenses)
            report = YearlyReport(
                cooperative=plan.cooperative,
                year=year,
                members_male=members - female,
                members_female=female,
                employees=0 if dormant or stopped else max(0, round(members / 60 + rng.uniform(-1, 2))),
                managers=1 if plan.has_manager and not (dormant or stopped) else 0,
                modal_sendiri=_rupiah(modal_sendiri),
                modal_luar=_rupiah(total_assets - modal_sendiri),
                total_assets=_rupiah(total_assets),
                business_volume=_rupiah(volume),
                revenue=revenue,
                expenses=expenses,
                shu=revenue - expenses,
                cash=_rupiah(total_assets * rng.uniform(0.02, 0.12)),
            )
            self._rat(rng, plan, report, held=not (dormant or stopped))
            reports.append(report)
        return reports

    def _rat(self, rng, plan, report, *, held):
        """The RAT for the book year (held the next year, usually February to June) and its report.

        How often follows the year's season (profiles.RAT_SEASON) and the cooperative's discipline.
        """
        FinancialReport = YearlyReport.FinancialReport
        discipline = plan.discipline
        held_share, reported_share = RAT_SEASON.get(report.year, RAT_SEASON_LATER)
        held_rate = HELD_RATE[discipline] * held_share / HELD_MEAN
        reported_rate = REPORTED_RATE[discipline] * (reported_share / held_share) / REPORTED_MEAN
        if not held or rng.random() >= held_rate:
            report.financial_report = rng.choices((FinancialReport.NONE, FinancialReport.LATE), (80, 20))[0]
            return
        months = {"good": (2, 4), "fair": (3, 7), "poor": (4, 12)}[discipline]
        rat_date = day_in_year(rng, report.year + 1, months)
        if rat_date > self.today:
            report.financial_report = FinancialReport.NONE
            return
        report.rat_date = rat_date
        members = report.members_male + report.members_female
        report.rat_attendance = round(members * rng.uniform(0.35, 0.95))
        report.rat_quorum = report.rat_attendance * 2 > members
        if rng.random() >= reported_rate:
            reported = "never"
        else:
            reported = "within" if rng.random() < WITHIN_MONTH[discipline] else "late"
        if reported != "never":
            delay = rng.randint(2, 30) if reported == "within" else rng.randint(35, 150)
            reported_on = rat_date + datetime.timedelta(days=delay)
            report.rat_reported_on = reported_on if reported_on <= self.today else None
        report.financial_report = rng.choices(
            FinancialReport.values,
            {"good": (2, 8, 60, 30), "fair": (20, 30, 45, 5), "poor": (60, 30, 10, 0)}[discipline],
        )[0]
