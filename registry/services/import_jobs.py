"""Uploads between their check and their commit (PendingImport), checked and committed in the request
or by the task worker.

A file of at most IMPORT_INLINE_MAX_BYTES is checked and committed in the request: for a few
hundred rows that is faster for the user than a round through the queue. A larger one is queued:
the page shows the rows done and a percentage while the worker checks or commits, and can be left
and reopened on any server. Whichever path, the work is the same functions of
spreadsheets/imports.py and commit.py, and the upload is consumed inside the commit's transaction,
so a file is committed once even if its task runs twice.
"""

import io
import logging
import pickle
import time
import zlib
from datetime import timedelta

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from ..models import PendingImport
from ..spreadsheets.commit import ImportRejected, import_commit
from ..spreadsheets.imports import import_dry_run, preview_plan
from ..spreadsheets.reading import FileError, checked_archive

logger = logging.getLogger(__name__)

FAILED_SERVER = gettext_noop("Pemeriksaan atau penyimpanan gagal karena kesalahan di server; sudah dicatat untuk "
                             "admin. Tidak ada yang disimpan. Unggah lagi.")
FAILED_WORKER_LOST = gettext_noop("Pekerja tugas berhenti berulang kali saat mengerjakan berkas ini. Tidak ada yang "
                                  "disimpan. Unggah lagi.")


class AlreadyCommitted(Exception):
    """Another run committed this upload first: this transaction is rolled back."""


# ---------------------------------------------------------------------------------------------
# The stored bytes: the file and its check hold names and NIKs in clear
# ---------------------------------------------------------------------------------------------


def _fernet():
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key)
                        for key in settings.NIK_ENCRYPTION_KEYS])


def seal(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def unseal(token) -> bytes:
    return _fernet().decrypt(bytes(token))


def pending_data(pending: PendingImport) -> bytes:
    return unseal(pending.data)


def pending_result(pending: PendingImport):
    """The check's DryRun as the preview shows it (pickled by this module from its own objects only)."""
    if not pending.result:
        return None
    stored = unseal(pending.result)
    # A pickle starts with its protocol byte (0x80); a check stored before compression has no zlib header.
    return pickle.loads(stored if stored[:1] == b"\x80" else zlib.decompress(stored))  # noqa: S301


def _sealed_result(result) -> bytes:
    """The check to store: compressed before it is encrypted. Every row's error messages are kept
    for the errors workbook; they repeat, and a file of 540,000 errors pickles to 11 MB that
    encryption would copy several times over, but compresses to well under 1 MB."""
    return seal(zlib.compress(pickle.dumps(_storable(result)), 1))


# ---------------------------------------------------------------------------------------------
# Progress: rows done, visible to every server while the work runs
# ---------------------------------------------------------------------------------------------


class Progress:
    """Writes an upload's rows done at most every half second.

    Inside the commit's transaction the row is written through a connection of its own on
    PostgreSQL, so other servers see it at once (the commit touches the upload's row only at its
    very end, after the last progress). SQLite has one writer at a time: there the count goes
    through the same connection and shows once the transaction ends.
    """

    INTERVAL = 0.5

    def __init__(self, pending_id):
        self.pending_id = pending_id
        self.last = 0.0
        self.side = None

    def __call__(self, rows):
        now = time.monotonic()
        if now - self.last < self.INTERVAL:
            return
        self.last = now
        if connection.in_atomic_block and connection.vendor == "postgresql":
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {PendingImport._meta.db_table} SET rows_done = %s, updated_at = %s WHERE id = %s",
                    [rows, timezone.now(), self.pending_id],
                )
        else:
            PendingImport.objects.filter(pk=self.pending_id).update(rows_done=rows, updated_at=timezone.now())

    def close(self):
        if self.side is not None:
            self.side.close()


def estimate_rows(data: bytes) -> int | None:
    """About how many data rows a file has, for the percentage: lines of a CSV, an XLSX sheet's size."""
    if not data.startswith(b"PK"):
        return max(data.count(b"\n") - 1, 1)
    from openpyxl import load_workbook

    try:
        checked_archive(data)  # a workbook out of proportion is never opened: its check refuses it
    except FileError:
        return None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True)
        rows = max((sheet.max_row or 0) for sheet in workbook.worksheets)
    except Exception:  # a damaged file: the check says what is wrong with it
        return None
    return max(rows - 1, 1) if rows else None


def _large(size):
    return size > settings.IMPORT_INLINE_MAX_BYTES


# ---------------------------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------------------------


def pending_upload(*, user, kind: str, cooperative, file_name: str, data: bytes) -> PendingImport:
    """Keep an upload (encrypted) and check it: at once when small, else through the worker."""
    from ..tasks import check_import

    with transaction.atomic():
        pending = PendingImport.objects.create(
            user=user, kind=kind, cooperative=cooperative, file_name=file_name[:255], size=len(data),
            data=seal(data), rows_total=estimate_rows(data),
        )
        if _large(len(data)):
            check_import.enqueue(pending_id=str(pending.pk))
    if not _large(len(data)):
        pending_check(pending_id=pending.pk, data=data)
    pending.refresh_from_db()
    return pending


def pending_check(*, pending_id, data: bytes | None = None) -> PendingImport | None:
    """The dry run of an upload, stored for its preview; nothing when it is checked already."""
    pending = PendingImport.objects.select_related("user", "cooperative").filter(pk=pending_id).first()
    if pending is None or pending.status != PendingImport.Status.CHECKING:
        return pending
    progress = Progress(pending.pk)
    result = import_dry_run(
        kind=pending.kind, data=data if data is not None else pending_data(pending), file_name=pending.file_name,
        user=pending.user, cooperative=pending.cooperative, collect=True, progress=progress,
    )
    progress.close()
    PendingImport.objects.filter(pk=pending.pk, status=PendingImport.Status.CHECKING).update(
        # The plan first: _storable() drops the planned records it is made from.
        status=PendingImport.Status.CHECKED, plan=preview_plan(result), result=_sealed_result(result),
        rows_done=result.rows, rows_total=result.rows, updated_at=timezone.now(),
    )
    return PendingImport.objects.get(pk=pending.pk)


def _storable(result):
    result.plan = []  # model instances: only a commit needs them, and it plans again
    return result


def pending_commit_request(*, pending: PendingImport, skip_errors: bool) -> PendingImport:
    """Commit a checked upload: at once when small, else queued for the worker. Taken once: a second
    click (or a second server) finds it no longer "checked" and commits nothing."""
    from ..tasks import commit_import

    with transaction.atomic():
        taken = PendingImport.objects.filter(pk=pending.pk, status=PendingImport.Status.CHECKED).update(
            status=PendingImport.Status.COMMITTING, skip_errors=skip_errors, rows_done=0, error="",
            updated_at=timezone.now(),
        )
        if taken and _large(pending.size):
            commit_import.enqueue(pending_id=str(pending.pk))
    if taken and not _large(pending.size):
        pending_commit(pending_id=pending.pk)
    return PendingImport.objects.get(pk=pending.pk)


def pending_commit(*, pending_id) -> PendingImport | None:
    """Write a checked upload in one transaction (spreadsheets/commit.import_commit) and consume it there.

    A file that no longer passes (records changed since its check) goes back to "checked" with the
    new check and its message; nothing is written.
    """
    pending = PendingImport.objects.select_related("user", "cooperative").filter(pk=pending_id).first()
    if pending is None or pending.status != PendingImport.Status.COMMITTING or pending.batch_id:
        return pending

    def consume(batch):
        consumed = PendingImport.objects.filter(
            pk=pending.pk, status=PendingImport.Status.COMMITTING, batch__isnull=True,
        ).update(status=PendingImport.Status.COMMITTED, batch=batch, data=b"", result=None, rows_done=batch.rows_total,
                 updated_at=timezone.now())
        if not consumed:
            raise AlreadyCommitted

    progress = Progress(pending.pk)
    try:
        import_commit(
            kind=pending.kind, data=pending_data(pending), file_name=pending.file_name, user=pending.user,
            cooperative=pending.cooperative, skip_errors=pending.skip_errors, previewed=pending.plan,
            progress=progress, before_commit=consume,
        )
    except AlreadyCommitted:
        pass
    except ImportRejected as rejected:
        fields = {"status": PendingImport.Status.CHECKED, "error": rejected.message, "updated_at": timezone.now()}
        if rejected.result is not None:
            plan = preview_plan(rejected.result)  # before _storable() drops the planned records
            fields.update(plan=plan, result=_sealed_result(rejected.result),
                          rows_total=rejected.result.rows)
        else:
            fields["status"] = PendingImport.Status.FAILED
        PendingImport.objects.filter(pk=pending.pk, status=PendingImport.Status.COMMITTING).update(**fields)
    finally:
        progress.close()
    return PendingImport.objects.get(pk=pending.pk)


def pending_fail(*, pending_id, message: str) -> bool:
    """Mark an upload whose check or commit broke off as failed (nothing was written): upload again."""
    return bool(PendingImport.objects.filter(
        pk=pending_id, status__in=[PendingImport.Status.CHECKING, PendingImport.Status.COMMITTING],
    ).update(status=PendingImport.Status.FAILED, error=message, data=b"", result=None, updated_at=timezone.now()))


def pending_purge(*, now=None) -> int:
    """Delete uploads past IMPORT_PENDING_HOURS (checked and never committed, or long done); the work
    still queued or running on one is left a day before it goes too."""
    now = now or timezone.now()
    hours = timedelta(hours=settings.IMPORT_PENDING_HOURS)
    busy = [PendingImport.Status.CHECKING, PendingImport.Status.COMMITTING]
    old = PendingImport.objects.filter(updated_at__lt=now - hours).exclude(status__in=busy)
    stuck = PendingImport.objects.filter(updated_at__lt=now - timedelta(days=1), status__in=busy)
    return old.delete()[0] + stuck.delete()[0]
