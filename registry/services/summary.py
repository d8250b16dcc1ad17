"""Refresh the dashboard's summary figures (registry/models/summary.py) from the records.

Single-flight: one refresh at a time on any machine (the lease "summary-refresh"), so concurrent
triggers never fail and never write twice. After a committed write, `summary_refresh_soon()` queues
one refresh through the task engine a few seconds later; a burst of writes queues only one (the
lease "summary-refresh-queued" is held from the trigger until its task starts).
"""

import logging
import time
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .. import figures, rat_season
from ..models import (
    Assessment,
    AttentionCase,
    BoardMember,
    Cooperative,
    Desa,
    Finding,
    KecamatanSummary,
    KutimLabel,
    OfficeSettings,
    Partnership,
    Predicate,
    StatusChange,
    SummaryCell,
    SummaryRefresh,
    Training,
    TrainingParticipant,
    User,
    YearlyReport,
    last_full_year,
)
from ..models.summary import CURRENT
from .leases import lease_acquire, lease_held, lease_release

logger = logging.getLogger(__name__)

REFRESH_LEASE = "summary-refresh"  # held while a refresh computes and writes
QUEUED_LEASE = "summary-refresh-queued"  # held from a trigger until the refresh it queued starts

DIMS = ("d_kec", "d_jenis", "d_kelompok", "d_sector")
# How the finer cells roll up into the stored rows: (dimension, index of its key in the cell key).
ROLLUPS = [("", None), ("jenis", 1), ("kelompok", 2), ("sektor", 3)]


def _dims(prefix=""):
    return {
        "d_kec": F(f"{prefix}desa__kecamatan"), "d_jenis": F(f"{prefix}jenis"),
        "d_kelompok": F(f"{prefix}kelompok"), "d_sector": F(f"{prefix}sector"),
    }


def _collect(cells, rows, *, year=None):
    """Add grouped aggregate rows (dicts with the DIMS and figures) into `cells`."""
    for row in rows:
        row_year = row.pop("year", year)
        key = (row_year, *(row.pop(dim) for dim in DIMS))
        cell = cells[key]
        for name, value in row.items():
            cell[name] = cell.get(name, 0) + (value or 0)


def _current_state(cells, today, db):
    statuses = {
        field: Count("id", filter=Q(status=status)) for status, field in figures.STATUS_FIELDS.items()
    }
    rows = Cooperative.objects.using(db).values(**_dims()).annotate(
        cooperatives=Count("id"),
        **statuses,
        certificate_valid=Count("id", filter=Q(certificate_status=Cooperative.CertificateStatus.VALID)),
        certificate_expired=Count("id", filter=Q(certificate_status=Cooperative.CertificateStatus.EXPIRED)),
        merah_putih=Count("id", filter=Q(merah_putih=True)),
        board_incomplete=Count("id", filter=~figures.board_complete_q()),
        board_trained=Count("id", filter=figures.active_board_trained_q(today)),
    ).order_by()
    _collect(cells, rows, year=CURRENT)
    overdue = Finding.objects.db_manager(db).overdue(today).values(**_dims("cooperative__")).annotate(
        findings_overdue=Count("id")
    ).order_by()
    _collect(cells, overdue, year=CURRENT)


def _year_end_status(cells, years, db):
    """Cooperatives founded by the end of each book year, by their status on 31 December (status history).

    The same conditions as the list behind the figures (?akhir_tahun=Y&status=...).
    """
    for year in years:
        rows = (
            Cooperative.objects.using(db).filter(figures.founded_by_q(year))
            .values(**_dims(), year_status=figures.status_at_year_end(year))
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            cell = cells[(year, *(row[dim] for dim in DIMS))]
            cell["cooperatives"] = cell.get("cooperatives", 0) + row["n"]
            field = figures.STATUS_FIELDS[row["year_status"]]
            cell[field] = cell.get(field, 0) + row["n"]


def _reports(cells, db):
    rows = YearlyReport.objects.using(db).values("year", **_dims("cooperative__")).annotate(
        reported=Count("id"),
        members_male=Sum("members_male"),
        members_female=Sum("members_female"),
        rat_held=Count("id", filter=figures.rat_held_q()),
        rat_reported_on_time=Count("id", filter=figures.rat_reported_on_time_q()),
        business_volume=Sum("business_volume"),
        shu=Sum("shu"),
        total_assets=Sum("total_assets"),
        modal_sendiri=Sum("modal_sendiri"),
    ).order_by()
    _collect(cells, rows)


def _without_rat(cells, years, db):
    for year in years:
        rows = (
            figures.active_without_rat(Cooperative.objects.using(db), year)
            .values(**_dims())
            .annotate(active_without_rat=Count("id"))
            .order_by()
        )
        _collect(cells, rows, year=year)


def _rat_seasons(cells, years, db, today):
    """Each book year's RAT season by the tracker's own definition (rat_season.season_cooperatives):
    its cooperatives, the RATs reported (and through the portal), the RATs held but not reported."""
    for year in years:
        # The due date plays no part in what is stored (rat_season.SUMMARY_COUNTS): the default settings do.
        season = rat_season.season(year, OfficeSettings(), today)
        rows = (
            rat_season.season_cooperatives(Cooperative.objects.using(db), season)
            .values(**_dims())
            .annotate(**rat_season.SUMMARY_COUNTS)
            .order_by()
        )
        _collect(cells, rows, year=year)


def _assessments(cells, db):
    scores = {}
    for name in [*Assessment.SCORE_FIELDS.values(), "overall_score"]:
        scores[f"{name}_sum"] = Sum(name)
        scores[f"{name}_n"] = Count(name)
    rows = Assessment.objects.using(db).values("year", **_dims("cooperative__")).annotate(
        assessed=Count("id"),
        **{f"predicate_{p.value}": Count("id", filter=Q(predicate=p.value)) for p in Predicate},
        **{f"label_{label.value}": Count("id", filter=Q(kutim_label=label.value)) for label in KutimLabel},
        big_drop=Count("id", filter=figures.big_drop_q()),
        **scores,
    ).order_by()
    _collect(cells, rows)


ATTENTION_PER_KECAMATAN = 3


def _pick(cases, year, reason, rows):
    """The first few cooperatives of each kecamatan from rows of (id, kecamatan), in their order."""
    taken = defaultdict(int)
    for cooperative_id, kecamatan in rows:
        if taken[kecamatan] < ATTENTION_PER_KECAMATAN:
            taken[kecamatan] += 1
            cases.append(AttentionCase(year=year, kecamatan_id=kecamatan, reason=reason,
                                       cooperative_id=cooperative_id, rank=taken[kecamatan]))


def _attention(years, today, db):
    """Named cooperatives under each needs-attention figure, by the same conditions as its list."""
    Reason = AttentionCase.Reason
    cases = []
    cooperatives = Cooperative.objects.using(db).order_by("name", "id")
    pairs = ("id", "desa__kecamatan")
    _pick(cases, CURRENT, Reason.BOARD, cooperatives.exclude(figures.board_complete_q()).values_list(*pairs))
    _pick(cases, CURRENT, Reason.CERTIFICATE, cooperatives.filter(
        certificate_status=Cooperative.CertificateStatus.EXPIRED).values_list(*pairs))
    overdue = Finding.objects.db_manager(db).overdue(today).order_by("due_date", "id")
    overdue_cooperatives = dict.fromkeys(overdue.values_list("cooperative", "cooperative__desa__kecamatan"))
    _pick(cases, CURRENT, Reason.FINDINGS, overdue_cooperatives)
    assessments = Assessment.objects.using(db).values_list("cooperative", "cooperative__desa__kecamatan")
    for year in years:
        _pick(cases, year, Reason.WITHOUT_RAT, figures.active_without_rat(cooperatives, year).values_list(*pairs))
        _pick(cases, year, Reason.DPK, assessments.filter(
            year=year, predicate=Predicate.DALAM_PENGAWASAN_KHUSUS).order_by("overall_score", "id"))
        _pick(cases, year, Reason.BIG_DROP, assessments.filter(year=year).filter(figures.big_drop_q()).order_by(
            "overall_score", "id"))
    return cases


def _rollup(cells):
    """Stored rows: per year and kecamatan, whole and split by jenis, kelompok and sector."""
    rolled = defaultdict(dict)
    for (year, kec, *classes), values in cells.items():
        for dimension, index in ROLLUPS:
            key = "" if index is None else classes[index - 1]
            target = rolled[(year, kec, dimension, key)]
            for name, value in values.items():
                target[name] = target.get(name, 0) + value
    return [
        SummaryCell(year=year, kecamatan_id=kec, dimension=dimension, key=key, **values)
        for (year, kec, dimension, key), values in rolled.items()
    ]


def summary_refresh(
    *, requested_by: User | None = None, today=None, wait: float | None = None, read_from: str = DEFAULT_DB_ALIAS,
) -> SummaryRefresh | None:
    """Recompute every summary row from the records and replace the old ones in one transaction.

    Single-flight: while another refresh runs (on any machine) this one waits for it up to `wait`
    seconds (default: as long as a refresh may hold its lease), then runs, since the records may
    have changed since the other one read them. None when it gave up waiting.

    The records are read from the database alias `read_from` (the nightly rebuild reads the read
    replica, settings.REPLICA_DATABASE); the figures are always written to the primary.
    """
    token = lease_acquire(
        name=REFRESH_LEASE, seconds=settings.SUMMARY_REFRESH_LEASE,
        wait=settings.SUMMARY_REFRESH_LEASE if wait is None else wait,
    )
    if token is None:
        return None
    try:
        return _refresh(token, requested_by=requested_by, today=today, db=read_from)
    finally:
        lease_release(name=REFRESH_LEASE, token=token)


def _refresh(token, *, requested_by, today, db):
    started = time.monotonic()
    report_years = set(YearlyReport.objects.using(db).values_list("year", flat=True).distinct().order_by())
    assessment_years = set(Assessment.objects.using(db).values_list("year", flat=True).distinct().order_by())
    last_year = max([last_full_year(today), *report_years, *assessment_years])
    first_year = min([figures.FIRST_TREND_YEAR, *report_years, *assessment_years])
    years = range(first_year, last_year + 1)

    cells = defaultdict(dict)
    _current_state(cells, today or timezone.localdate(), db)
    _year_end_status(cells, years, db)
    _reports(cells, db)
    _without_rat(cells, years, db)
    _rat_seasons(cells, years, db, today or timezone.localdate())
    _assessments(cells, db)
    rows = _rollup(cells)
    cases = _attention(years, today or timezone.localdate(), db)
    kecamatan = Desa.objects.using(db).values("kecamatan").annotate(
        desa=Count("code", distinct=True),
        desa_merah_putih=Count("code", filter=Q(cooperatives__merah_putih=True), distinct=True),
    ).order_by()
    counts = {
        "partnerships": Partnership.objects.using(db).count(), "trainings": Training.objects.using(db).count(),
        "findings": Finding.objects.using(db).count(),
    }
    now = timezone.now()
    with transaction.atomic():
        # The lease row stays locked until this commits: a refresh that outlived its lease (and was
        # overtaken) writes nothing, and no two refreshes ever replace the rows at once.
        if not lease_held(name=REFRESH_LEASE, token=token, lock=True):
            logger.warning("Summary refresh overtaken after %.0f s: its lease expired; nothing written.",
                           time.monotonic() - started)
            return None
        SummaryCell.objects.all().delete()
        SummaryCell.objects.bulk_create(rows, batch_size=2000)
        AttentionCase.objects.all().delete()
        AttentionCase.objects.bulk_create(cases, batch_size=2000)
        KecamatanSummary.objects.all().delete()
        KecamatanSummary.objects.bulk_create([
            KecamatanSummary(
                kecamatan_id=row["kecamatan"], desa=row["desa"], desa_merah_putih=row["desa_merah_putih"],
                refreshed_at=now,
            )
            for row in kecamatan
        ])
        # Finished now, after the writes: `finished_at - seconds` is when this refresh started.
        return SummaryRefresh.objects.create(
            finished_at=timezone.now(), seconds=time.monotonic() - started, cells=len(rows),
            requested_by=requested_by, rat_seasons=True,
            **counts,
        )


def summary_refresh_request(*, requested_by: User | None = None, delay: float = 0):
    """Queue one refresh through the task engine, to start after `delay` seconds.

    None when a refresh is already queued and has not started yet: it will read this change too.
    Otherwise the task's result (with an immediate backend the refresh has already run).
    """
    from ..tasks import refresh_summary

    token = lease_acquire(name=QUEUED_LEASE, seconds=settings.SUMMARY_REFRESH_LEASE)
    if token is None:
        return None
    task = refresh_summary
    if delay and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    try:
        return task.enqueue(requested_by_id=requested_by.pk if requested_by else None)
    except BaseException:
        lease_release(name=QUEUED_LEASE, token=token)
        raise


class _Trigger:
    """The refresh requests of one transaction: the first callback to run queues it, the others see it done."""

    done = False

    def request(self):
        if not self.done:
            self.done = True
            summary_refresh_request(delay=settings.SUMMARY_REFRESH_DELAY)


def summary_refresh_soon(*, using=None) -> None:
    """Have the summary refreshed within seconds once the current transaction commits.

    Call it from any write path after a change the dashboard counts; a burst of writes within
    SUMMARY_REFRESH_DELAY seconds gives one refresh. A failure to queue is logged, never raised into
    the request whose write already committed (the nightly rebuild is the safety net). Called many
    times in one transaction (a signal per saved row), it requests one refresh when it commits: the
    callbacks share one trigger, so with tasks run in the request (TASKS_IMMEDIATE) a form saving
    ten rows refreshes once, not ten times.
    """
    connection = transaction.get_connection(using)
    trigger = getattr(connection, "_summary_refresh_trigger", None)
    if trigger is None or trigger.done or not connection.in_atomic_block:
        trigger = connection._summary_refresh_trigger = _Trigger()
    transaction.on_commit(trigger.request, using=using, robust=True)


# The records the figures count. Saving or deleting one, by any path (registry forms and services,
# the admin, shell), queues a refresh; bulk writes, which send no signals (imports and their undo,
# preparing a year of assessments), call summary_refresh_soon() themselves.
COUNTED_MODELS = (
    Cooperative, StatusChange, YearlyReport, Assessment, Finding, Partnership, Training, TrainingParticipant,
    BoardMember, Desa,
)


def _counted_record_changed(sender, using=None, raw=False, **kwargs):
    if raw:
        return  # fixtures and restored test databases: rows loaded as they were, no one's change
    summary_refresh_soon(using=using)


def connect_refresh_triggers():
    """Connect the save and delete signals of the counted records (from the app's ready())."""
    for model in COUNTED_MODELS:
        for signal in (post_save, post_delete):
            signal.connect(_counted_record_changed, sender=model,
                           dispatch_uid=f"summary-refresh-{model._meta.model_name}-{signal is post_save}")


def summary_refresh_queued(*, requested_by_id: int | None = None, can_defer: bool = True) -> SummaryRefresh | None:
    """The queued refresh, run by the task: from its start on, a new write queues a new refresh.

    If another refresh is running it may have read the records before the write that queued this
    one, so this one is queued again for after it (or, without deferred tasks, waits for it).
    """
    lease_release(name=QUEUED_LEASE)
    requested_by = User.objects.filter(pk=requested_by_id).first() if requested_by_id else None
    run = summary_refresh(requested_by=requested_by, wait=0 if can_defer else None)
    if run is None and can_defer:
        summary_refresh_request(requested_by=requested_by, delay=settings.SUMMARY_REFRESH_DELAY)
    return run
