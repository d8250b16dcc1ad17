"""Large list exports, prepared by the task worker: requested, written to the export storage, purged.

The request logs the export and queues its task in one transaction (the task is a row of the same
database), so there is never a log without its task nor a task without its log. The worker writes
the whole file to a temporary file first and hands it to the export storage only when complete;
the log gets its row count, its file and the status "selesai" in one UPDATE after that. A worker
killed halfway leaves no file and no count: the task is taken over and starts again
(registry/services/recovery.py), or the export is marked failed.
"""

import logging
import tempfile
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import ExportLog, User
from ..models.imports import export_storage
from ..spreadsheets.list_exports import EXPORTS, InvalidFilter, export_context, write_csv, write_xlsx
from .limits import enforce_daily_limit

logger = logging.getLogger(__name__)

# Stored as the source text and translated when shown (ExportLog.error).
FAILED_SERVER = gettext_noop("Ekspor gagal karena kesalahan di server; sudah dicatat untuk admin. Coba lagi.")
FAILED_PERMISSION = gettext_noop("Ekspor dibatalkan: akun ini tidak lagi berhak mengekspor data ini.")
FAILED_WORKER_LOST = gettext_noop("Ekspor gagal: pekerja tugas berhenti berulang kali saat menyiapkannya. Coba lagi.")
FAILED_FILTER = gettext_noop("Ekspor dibatalkan: filternya tidak lagi berlaku untuk akun ini (misalnya wilayahnya "
                             "berubah). Ekspor ulang dari daftarnya.")

# A file in the export storage that no log names (its worker died between writing it and logging it)
# is removed once it is this old.
ORPHAN_AGE = timedelta(hours=6)


def export_is_large(queryset) -> bool:
    """Whether an export has more rows than the request answers at once (EXPORT_INLINE_MAX_ROWS).

    Counts at most one row past the limit, so asking costs the same for 10,000 rows as for 3 million.
    """
    limit = settings.EXPORT_INLINE_MAX_ROWS
    return queryset.order_by()[: limit + 1].count() > limit


def export_request(*, user: User, kind: str, file_format: str, query: str, full_nik: bool,
                   purpose: str = "") -> ExportLog:
    """Log a large export and queue its preparation, both or neither."""
    from ..tasks import build_export

    with transaction.atomic():
        log = ExportLog.objects.create(
            user=user, kind=kind, file_format=file_format, query=query, full_nik=full_nik, purpose=purpose,
            status=ExportLog.Status.PREPARING,
        )
        build_export.enqueue(export_id=log.pk)
    log.refresh_from_db()  # with the immediate backend (TASKS_IMMEDIATE) it is already finished
    return log


def full_nik_export_log(*, user: User, file_format: str, query: str, purpose: str, large: bool) -> ExportLog:
    """Log an export of members with the full NIK column, with its stated purpose; queued when `large`.

    Counts against FULL_NIK_EXPORT_DAILY_LIMIT (LimitReached past it): the log row is the counter
    and is written in the same transaction as the check, so two requests at once cannot both pass.
    """
    with transaction.atomic():
        enforce_daily_limit(user=user, recent=ExportLog.objects.filter(user=user, full_nik=True),
                            time_field="created_at", limit=settings.FULL_NIK_EXPORT_DAILY_LIMIT,
                            what=_("mengekspor NIK lengkap"))
        if large:
            return export_request(user=user, kind="anggota", file_format=file_format, query=query, full_nik=True,
                                  purpose=purpose)
        return ExportLog.objects.create(user=user, kind="anggota", file_format=file_format, query=query,
                                        full_nik=True, purpose=purpose, status=ExportLog.Status.PREPARING)


def _allowed(log):
    export = EXPORTS[log.kind]
    user = log.user
    if not user.is_active or not user.has_perm("registry.export_data"):
        return False
    if export.personal and not user.has_perm("registry.export_personal_data"):
        return False
    return not log.full_nik or user.has_perm("registry.export_full_nik")


def export_build(*, export_id: int) -> ExportLog:
    """Write the export's file and finish its log; a log already finished is left as it is.

    Permissions are checked again: an account changed since the request exports nothing.
    """
    log = ExportLog.objects.select_related("user").get(pk=export_id)
    if log.status != ExportLog.Status.PREPARING:
        return log  # a task run again after it finished
    if not _allowed(log):
        export_fail(export_id=export_id, message=FAILED_PERMISSION)
        return ExportLog.objects.get(pk=export_id)
    export = EXPORTS[log.kind]
    try:
        queryset = export.rows(log.user, QueryDict(log.query)).using(settings.REPLICA_DATABASE)
    except InvalidFilter:
        export_fail(export_id=export_id, message=FAILED_FILTER)
        return ExportLog.objects.get(pk=export_id)
    ctx = export_context(log.user, full_nik=log.full_nik)
    columns = export.columns(ctx)
    storage = export_storage()
    with tempfile.TemporaryFile() as handle:
        if log.file_format == "csv":
            count = write_csv(handle, queryset, columns, ctx)
        else:
            count = write_xlsx(handle, queryset, columns, ctx, export.title)
        size = handle.tell()
        handle.seek(0)
        # A random name: nothing about the export (list, filter, person) in a path or an object key.
        name = storage.save(f"{uuid.uuid4().hex}.{log.file_format}", File(handle, name="export"))
    now = timezone.now()
    try:
        finished = ExportLog.objects.filter(pk=export_id, status=ExportLog.Status.PREPARING).update(
            status=ExportLog.Status.DONE, row_count=count, file=name, file_size=size, finished_at=now,
            expires_at=now + timedelta(hours=settings.EXPORT_FILE_HOURS),
        )
    except BaseException:
        storage.delete(name)
        raise
    if not finished:  # another run of the same task got there first, or it was given up meanwhile
        storage.delete(name)
    return ExportLog.objects.get(pk=export_id)


def export_fail(*, export_id: int, message: str) -> bool:
    """Mark an unfinished export failed with `message` (a source text); never touches a finished one."""
    return bool(ExportLog.objects.filter(pk=export_id, status=ExportLog.Status.PREPARING).update(
        status=ExportLog.Status.FAILED, finished_at=timezone.now(), error=message,
    ))


def export_purge(*, now=None) -> dict:
    """Delete the files of expired exports (their logs stay) and files no log names."""
    now = now or timezone.now()
    storage = export_storage()
    expired = 0
    for log in ExportLog.objects.exclude(file="").filter(expires_at__lte=now).only("pk", "file"):
        storage.delete(log.file.name)
        ExportLog.objects.filter(pk=log.pk).update(file="")
        expired += 1
    orphans = 0
    try:
        _directories, names = storage.listdir("")
    except FileNotFoundError:
        names = []
    known = set(ExportLog.objects.exclude(file="").filter(file__in=names).values_list("file", flat=True))
    for name in names:
        if name not in known and storage.get_modified_time(name) < now - ORPHAN_AGE:
            storage.delete(name)
            orphans += 1
    return {"expired": expired, "orphans": orphans}
