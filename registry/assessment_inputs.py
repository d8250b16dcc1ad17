"""Indicator levels computed from a cooperative's records, each with where the number came from.

Every `ratio` or `derived` rubric indicator names a computation here by its `source`. A ratio
source returns a value (the rubric's bands turn it into a level); a derived source returns the
level itself. Missing data gives no level and says what is missing: nothing is guessed.

Trainings, partnerships and findings arrive in CooperativeRecords through `records_for`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import figures, scoring
from .formats import angka, persen, rupiah
from .models import (
    BoardMember,
    Cooperative,
    Finding,
    Partnership,
    RubricIndicator,
    TrainingParticipant,
    YearlyReport,
)


@dataclass(frozen=True)
class Suggestion:
    """A computed level (None: cannot be computed) and the sentence that explains it."""

    level: int | None
    explanation: str

    @property
    def missing(self):
        return self.level is None


@dataclass
class CooperativeRecords:
    """What the computations read about one cooperative for one book year."""

    cooperative: Cooperative
    year: int
    on: datetime.date  # the day board terms and the certificate are judged at
    reports: dict[int, YearlyReport] = field(default_factory=dict)
    board: list[BoardMember] = field(default_factory=list)
    # Partnerships (either side), board and staff training participations, supervisory findings.
    partnerships: list[Partnership] = field(default_factory=list)
    participations: list[TrainingParticipant] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def report(self, year=None):
        return self.reports.get(self.year if year is None else year)


def _date(day):
    return day.strftime("%d/%m/%Y")


def _missing(what):
    return Suggestion(None, _("Data belum tersedia: %(what)s.") % {"what": what})


def _no_report(records, year=None):
    return _missing(_("laporan tahunan %(year)s") % {"year": year or records.year})


# ---------------------------------------------------------------------------------------------
# Ratio sources: (value, how it was computed) or (None, what is missing)
# ---------------------------------------------------------------------------------------------


def equity_ratio(records):
    report = records.report()
    if report is None:
        return None, _no_report(records).explanation
    if not report.total_assets:
        return None, _("Total aset %(year)s nol atau belum diisi.") % {"year": records.year}
    value = Decimal(report.modal_sendiri) / Decimal(report.total_assets)
    return value, _("Modal sendiri %(own)s / total aset %(assets)s = %(ratio)s (laporan %(year)s)") % {
        "own": rupiah(report.modal_sendiri), "assets": rupiah(report.total_assets), "ratio": persen(value),
        "year": records.year,
    }


def return_on_assets(records):
    report = records.report()
    if report is None:
        return None, _no_report(records).explanation
    if not report.total_assets:
        return None, _("Total aset %(year)s nol atau belum diisi.") % {"year": records.year}
    value = Decimal(report.shu) / Decimal(report.total_assets)
    return value, _("SHU %(shu)s / total aset %(assets)s = %(ratio)s (laporan %(year)s)") % {
        "shu": rupiah(report.shu), "assets": rupiah(report.total_assets), "ratio": persen(value), "year": records.year,
    }


def efficiency(records):
    report = records.report()
    if report is None:
        return None, _no_report(records).explanation
    if not report.revenue:
        return None, _("Pendapatan %(year)s nol atau belum diisi.") % {"year": records.year}
    value = Decimal(report.expenses) / Decimal(report.revenue)
    return value, _("Biaya %(cost)s / pendapatan %(revenue)s = %(ratio)s (laporan %(year)s)") % {
        "cost": rupiah(report.expenses), "revenue": rupiah(report.revenue), "ratio": persen(value),
        "year": records.year,
    }


def _growth(records, attribute, label, show):
    current, previous = records.report(), records.report(records.year - 1)
    if current is None:
        return None, _no_report(records).explanation
    if previous is None:
        return None, _no_report(records, records.year - 1).explanation
    before, now = getattr(previous, attribute), getattr(current, attribute)
    if not before:
        return None, _("%(label)s %(year)s nol: pertumbuhan tidak bisa dihitung.") % {
            "label": label, "year": records.year - 1,
        }
    value = Decimal(now - before) / Decimal(before)
    return value, _("%(label)s %(before)s (%(y0)s) menjadi %(now)s (%(y1)s): %(growth)s") % {
        "label": label, "before": show(before), "now": show(now), "y0": records.year - 1, "y1": records.year,
        "growth": persen(value),
    }


def business_volume_growth(records):
    return _growth(records, "business_volume", _("Volume usaha"), rupiah)


def member_growth(records):
    return _growth(records, "members_total", _("Jumlah anggota"), angka)


RATIO_SOURCES: dict[str, Callable] = {
    "equity_ratio": equity_ratio,
    "return_on_assets": return_on_assets,
    "efficiency": efficiency,
    "business_volume_growth": business_volume_growth,
    "member_growth": member_growth,
}


# ---------------------------------------------------------------------------------------------
# Derived sources: a Suggestion
# ---------------------------------------------------------------------------------------------


def rat_deadline(year):
    """The RAT of a book year is on time up to six months after the year ends (30 June)."""
    return datetime.date(year + 1, 6, 30)


def rat_held(records):
    """On time (4), late (3), only within the last three years (2), none in three years (1)."""
    report = records.report()
    if report is None:
        return _no_report(records)
    if report.rat_date:
        days = (report.rat_date - datetime.date(records.year, 12, 31)).days
        on_time = report.rat_date <= rat_deadline(records.year)
        return Suggestion(
            4 if on_time else 3,
            ngettext("RAT %(date)s, %(days)s hari setelah tahun buku %(year)s: %(verdict)s -> %(level)s",
                     "RAT %(date)s, %(days)s hari setelah tahun buku %(year)s: %(verdict)s -> %(level)s", days) % {
                "date": _date(report.rat_date), "days": angka(days), "year": records.year,
                "verdict": _("tepat waktu") if on_time else _("terlambat (batas %(deadline)s)") % {
                    "deadline": _date(rat_deadline(records.year))},
                "level": 4 if on_time else 3,
            },
        )
    earlier = [records.report(records.year - n) for n in (1, 2)]
    held = [r for r in earlier if r is not None and r.rat_date]
    if held:
        last = max(held, key=lambda r: r.year)
        text = _("Tidak ada RAT untuk tahun buku %(year)s; RAT terakhir %(date)s (tahun buku %(last)s) -> 2")
        return Suggestion(2, text % {"year": records.year, "date": _date(last.rat_date), "last": last.year})
    if any(r is None for r in earlier):
        return _missing(_("laporan tahunan %(years)s untuk melihat RAT tiga tahun terakhir") % {
            "years": ", ".join(str(records.year - n) for n, r in zip((1, 2), earlier, strict=True) if r is None)
        })
    return Suggestion(1, _("Tidak ada RAT pada tahun buku %(first)s-%(last)s -> 1") % {
        "first": records.year - 2, "last": records.year})


def rat_reported(records):
    """Reported to the Dinas within a month (4), within three months (3), later (2), not reported or no RAT (1)."""
    report = records.report()
    if report is None:
        return _no_report(records)
    if not report.rat_date:
        return Suggestion(1, _("Tidak ada RAT untuk tahun buku %(year)s -> 1") % {"year": records.year})
    if not report.rat_reported_on:
        return Suggestion(1, _("RAT %(date)s belum dilaporkan ke Dinas -> 1") % {"date": _date(report.rat_date)})
    days = (report.rat_reported_on - report.rat_date).days
    level = 4 if days <= 31 else 3 if days <= 90 else 2
    return Suggestion(level, ngettext("RAT %(date)s dilaporkan %(reported)s, %(days)s hari kemudian -> %(level)s",
                                      "RAT %(date)s dilaporkan %(reported)s, %(days)s hari kemudian -> %(level)s",
                                      days) % {
        "date": _date(report.rat_date), "reported": _date(report.rat_reported_on), "days": angka(days),
        "level": level,
    })


def board_complete(records):
    """Ketua, sekretaris, bendahara and a pengawas holding current terms: 4; one missing 3; two 2; more 1."""
    if not records.board:
        return _missing(_("data pengurus dan pengawas"))
    current = {member.role for member in records.board if member.is_current(records.on)}
    missing = [BoardMember.Role(role).label for role in figures.missing_board_roles(current)]
    level = {0: 4, 1: 3, 2: 2}.get(len(missing), 1)
    if not missing:
        text = _("Ketua, sekretaris, bendahara dan pengawas menjabat pada %(on)s -> 4") % {"on": _date(records.on)}
    else:
        text = _("Tidak ada yang menjabat pada %(on)s: %(roles)s -> %(level)s") % {
            "on": _date(records.on), "roles": ", ".join(str(role) for role in missing), "level": level,
        }
    return Suggestion(level, text)


def certificate(records):
    """NIK certificate valid on the day (4), expired (2), none (1)."""
    cooperative = records.cooperative
    status = Cooperative.CertificateStatus
    if cooperative.certificate_status == status.VALID and cooperative.certificate_expiry:
        if cooperative.certificate_expiry >= records.on:
            return Suggestion(4, _("Sertifikat NIK berlaku sampai %(date)s -> 4") % {
                "date": _date(cooperative.certificate_expiry)})
        return Suggestion(2, _("Sertifikat NIK habis berlaku %(date)s -> 2") % {
            "date": _date(cooperative.certificate_expiry)})
    if cooperative.certificate_status == status.EXPIRED:
        return Suggestion(2, _("Sertifikat NIK expired -> 2"))
    if cooperative.certificate_status == status.NONE:
        return Suggestion(1, _("Belum bersertifikat NIK -> 1"))
    return _missing(_("tanggal berlaku sertifikat NIK"))


def financial_report(records):
    """Audited 4, submitted 3, late 2, none 1 (the yearly report's own field)."""
    report = records.report()
    if report is None:
        return _no_report(records)
    levels = {
        YearlyReport.FinancialReport.AUDITED: 4,
        YearlyReport.FinancialReport.SUBMITTED: 3,
        YearlyReport.FinancialReport.LATE: 2,
        YearlyReport.FinancialReport.NONE: 1,
    }
    level = levels[report.financial_report]
    return Suggestion(level, _("Laporan keuangan %(year)s: %(status)s -> %(level)s") % {
        "year": records.year, "status": report.get_financial_report_display(), "level": level})


def management_staff(records):
    """A manager and staff (4), a manager only (3), staff only (2), neither (1)."""
    report = records.report()
    if report is None:
        return _no_report(records)
    level = 4 if report.managers and report.employees else 3 if report.managers else 2 if report.employees else 1
    return Suggestion(level, _("Manajer %(managers)s, karyawan %(employees)s (laporan %(year)s) -> %(level)s") % {
        "managers": angka(report.managers), "employees": angka(report.employees), "year": records.year,
        "level": level,
    })


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def board_training(records):
    """Current board members who attended a training in the two years up to the reference day:
    all (4), most (3), at least one (2), none (1)."""
    current = [m for m in records.board if m.is_current(records.on)]
    if not current:
        return _missing(_("data pengurus yang menjabat"))
    if not records.participations:
        # No training recorded for this cooperative at all: "never trained" or "not entered yet"?
        return _missing(_("data pelatihan pengurus koperasi ini (belum ada peserta tercatat)"))
    since = _years_before(records.on, 2)
    trained = {
        p.board_member_id for p in records.participations
        if p.attended and p.board_member_id and since <= p.training.end_date <= records.on
    }
    count = sum(1 for m in current if m.pk in trained)
    level = 4 if count == len(current) else 3 if count * 2 > len(current) else 2 if count else 1
    text = _("%(n)s dari %(total)s pengurus yang menjabat ikut pelatihan %(since)s-%(on)s -> %(level)s")
    return Suggestion(level, text % {"n": count, "total": len(current), "since": _date(since), "on": _date(records.on),
                         "level": level})


def partnerships(records):
    """Partnerships running in the book year: two or more (4), one (3), only proposed (2), none (1).

    Here and in the two below, a cooperative with no such record at all gets no computed level: the
    registry cannot tell "none" from "not entered yet", so the assessor chooses.
    """
    if not records.partnerships:
        return _missing(_("data kemitraan koperasi ini (belum ada kemitraan tercatat)"))
    active = [
        p for p in records.partnerships
        if p.status != Partnership.Status.PROPOSED
        and (p.start_date is None or p.start_date.year <= records.year)
        and (p.end_date is None or p.end_date.year >= records.year)
    ]
    proposed = [p for p in records.partnerships if p.status == Partnership.Status.PROPOSED]
    level = 4 if len(active) >= 2 else 3 if active else 2 if proposed else 1
    return Suggestion(level, ngettext("%(active)s kemitraan berjalan pada %(year)s, "
                                      "%(proposed)s diusulkan -> %(level)s",
                                      "%(active)s kemitraan berjalan pada %(year)s, "
                                      "%(proposed)s diusulkan -> %(level)s",
                                      len(active)) % {
        "active": len(active), "year": records.year, "proposed": len(proposed), "level": level})


def findings(records):
    """Findings due up to the reference day: all followed up on time or none (4), most followed up with
    some late (3), a few followed up (2), none followed up (1)."""
    if not records.findings:
        return _missing(_("data temuan pengawasan koperasi ini (tidak ada temuan tercatat: nilai dipilih penilai)"))
    due = [f for f in records.findings if f.due_date <= records.on and f.found_on.year <= records.year]
    if not due:
        return Suggestion(4, _("Tidak ada temuan yang jatuh tempo sampai %(on)s -> 4") % {"on": _date(records.on)})
    done = [f for f in due if f.followed_up_on and f.followed_up_on <= records.on
            and f.follow_up_status == Finding.FollowUp.DONE]
    on_time = [f for f in done if f.followed_up_on <= f.due_date]
    if len(on_time) == len(due):
        level = 4
    elif len(done) * 2 > len(due):
        level = 3
    elif done:
        level = 2
    else:
        level = 1
    return Suggestion(level, ngettext("%(done)s dari %(due)s temuan ditindaklanjuti "
                                      "(%(on_time)s tepat waktu) -> %(level)s",
                                      "%(done)s dari %(due)s temuan ditindaklanjuti "
                                      "(%(on_time)s tepat waktu) -> %(level)s",
                                      len(due))
                      % {"done": len(done), "due": len(due), "on_time": len(on_time), "level": level})


def violations(records):
    """Violations, sanctions or legal cases found in the book year: none (4), settled (3), open (2),
    a legal case or a high-risk sanction (1). For an indicator an administrator switches to `derived`."""
    serious = [f for f in records.findings if f.kind in Finding.SERIOUS_KINDS and f.found_on.year == records.year]
    if not serious:
        return Suggestion(4, _("Tidak ada pelanggaran, sanksi atau perkara tercatat pada %(year)s -> 4")
                          % {"year": records.year})
    heavy = [f for f in serious if f.kind == Finding.Kind.LEGAL_CASE
             or (f.kind == Finding.Kind.SANCTION and f.risk == Finding.Risk.HIGH)]
    settled = all(f.follow_up_status == Finding.FollowUp.DONE for f in serious)
    level = 1 if heavy else 3 if settled else 2
    return Suggestion(level, _("%(n)s pelanggaran/sanksi/perkara pada %(year)s, %(state)s -> %(level)s") % {
        "n": len(serious), "year": records.year, "level": level,
        "state": _("semua selesai") if settled else _("ada yang belum selesai")})


DERIVED_SOURCES: dict[str, Callable] = {
    "rat_held": rat_held,
    "rat_reported": rat_reported,
    "board_complete": board_complete,
    "certificate": certificate,
    "financial_report": financial_report,
    "management_staff": management_staff,
    "board_training": board_training,
    "partnerships": partnerships,
    "findings": findings,
    "violations": violations,
}


def _check_sources():
    """The rubric offers exactly the sources declared on RubricIndicator.SOURCES: one added here and
    not there (or the other way round) is a programming error, refused when the module loads."""
    for method, implemented in ((RubricIndicator.Method.RATIO, RATIO_SOURCES),
                                (RubricIndicator.Method.DERIVED, DERIVED_SOURCES)):
        declared = RubricIndicator.SOURCES[method]
        if set(implemented) != set(declared):
            raise ImproperlyConfigured(
                f"{method} sources implemented {sorted(implemented)} differ from those declared {sorted(declared)}"
            )


_check_sources()


# ---------------------------------------------------------------------------------------------
# Suggestions for an indicator, records for many cooperatives
# ---------------------------------------------------------------------------------------------


def suggest(indicator: RubricIndicator, records: CooperativeRecords) -> Suggestion | None:
    """The computed level of a ratio or derived indicator; None for manual and checklist ones."""
    if indicator.method == RubricIndicator.Method.RATIO:
        value, explanation = RATIO_SOURCES[indicator.source](records)
        if value is None:
            return Suggestion(None, explanation)
        level = scoring.band_level(value, indicator.parsed_bands())
        return Suggestion(level, f"{explanation} -> {level}")
    if indicator.method == RubricIndicator.Method.DERIVED:
        return DERIVED_SOURCES[indicator.source](records)
    return None


def reference_date(year, today):
    """Board terms and the certificate are judged when the assessment is made, at most a year on."""
    return min(today, datetime.date(year + 1, 12, 31))


def records_for(cooperatives, *, year, today):
    """CooperativeRecords for each cooperative (by id): five queries whatever their number."""
    ids = [c.pk for c in cooperatives]
    reports = defaultdict(dict)
    for report in YearlyReport.objects.filter(cooperative_id__in=ids, year__range=(year - 2, year)):
        reports[report.cooperative_id][report.year] = report
    board = defaultdict(list)
    for member in BoardMember.objects.filter(cooperative_id__in=ids):
        board[member.cooperative_id].append(member)
    on = reference_date(year, today)
    partnership_rows, participations, finding_rows = _partnerships_trainings_findings(ids)
    return {
        c.pk: CooperativeRecords(
            cooperative=c, year=year, on=on, reports=reports[c.pk], board=board[c.pk],
            partnerships=partnership_rows[c.pk], participations=participations[c.pk], findings=finding_rows[c.pk],
        )
        for c in cooperatives
    }


def _partnerships_trainings_findings(ids):
    """Partnerships (either side), training participations and findings of the cooperatives: three queries."""
    partnership_rows = defaultdict(list)
    for p in Partnership.objects.filter(Q(cooperative_id__in=ids) | Q(partner_cooperative_id__in=ids)):
        partnership_rows[p.cooperative_id].append(p)
        if p.partner_cooperative_id:
            partnership_rows[p.partner_cooperative_id].append(p)
    participations = defaultdict(list)
    for p in TrainingParticipant.objects.filter(cooperative_id__in=ids).select_related("training"):
        participations[p.cooperative_id].append(p)
    finding_rows = defaultdict(list)
    for f in Finding.objects.filter(cooperative_id__in=ids):
        finding_rows[f.cooperative_id].append(f)
    return partnership_rows, participations, finding_rows


def kutim_label(records: CooperativeRecords) -> str | None:
    """Kutim's RAT-based quick label from the last three book years' reports.

    The office knows of a RAT only through the yearly report, so its 2025 tool counts a year
    without a report as a year without a RAT, and a cooperative with no report in three years as
    not operating. (The scored indicators, unlike this label, leave missing reports missing.)
    """
    rat_years = []
    for year in range(records.year - 2, records.year + 1):
        report = records.report(year)
        rat_years.append(
            scoring.RatYear(
                year,
                held=False if report is None else report.rat_held,
                reported=False if report is None else report.rat_reported_on is not None,
            )
        )
    recent = [records.report(year) for year in range(records.year - 2, records.year + 1)]
    recent = [report for report in recent if report is not None]
    operating = recent[-1].business_volume > 0 if recent else False
    board_active = any(m.is_current(records.on) for m in records.board)
    return scoring.kutim_label(rat_years, operating=operating, board_active=board_active)
