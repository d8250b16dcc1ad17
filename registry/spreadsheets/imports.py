"""Imports: check every row first (dry run), then write a clean file in one transaction, undo a batch.

The dry run and the commit run the same code: the commit checks the file again inside its
transaction, so what is written is exactly what the preview promised, even if records changed
in between.
"""

import difflib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, router, transaction
from django.db.models import ProtectedError
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..models import ImportBatch, ImportedRow
from ..services.summary import summary_refresh_soon
from .columns import CellError, clean_text, normalise_header
from .kinds import SPECS, Context
from .reading import ExcelError, FileError, Formula, bad_bytes, control_characters, open_sheet, printable

BATCH_SIZE = 500
# The page lists the first errors of each column and counts the rest; the errors workbook has them all.
ERRORS_SHOWN_PER_COLUMN = 20
WARNINGS_SHOWN = 100
# Rows of the preview: the first rows that change something, and (apart) the rows to look at.
PREVIEW_ROWS = 20
# How often a check reports its progress (rows).
PROGRESS_ROWS = 250


@dataclass
class RowError:
    """One problem: row number as the user sees it, column (letter and header), the value, message."""

    row: int
    column: str
    value: str
    message: str
    suggestion: str = ""


@dataclass
class Planned:
    row: int
    action: str  # "baru" / "diubah"
    instance: object
    previous: dict = None


@dataclass
class PreviewRow:
    """A row as it will be saved: its action and, per preview column, (value, value before or None)."""

    row: int
    action: str
    cells: list
    notes: list = field(default_factory=list)

    @property
    def action_label(self):
        return _("Tetap") if self.action == UNCHANGED else ImportedRow.Action(self.action).label


@dataclass
class DryRun:
    """What an import would do: counts, the errors, warnings, a preview; the planned writes when asked for.

    `errors` keeps the first ERRORS_SHOWN_PER_COLUMN errors of each column (`error_counts` has
    every column's count, `error_total` all of them); `error_rows` has every row's messages,
    for the errors workbook and the rows a commit skips.
    """

    kind: str
    file_name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    errors: list = field(default_factory=list)
    error_rows: dict = field(default_factory=dict)  # row number -> messages
    error_counts: dict = field(default_factory=dict)  # column -> number of errors
    error_total: int = 0
    file_error: str = ""
    warnings: list = field(default_factory=list)
    row_warnings: list = field(default_factory=list)  # RowError, the first WARNINGS_SHOWN
    row_warning_total: int = 0
    headers: list = field(default_factory=list)
    plan: list = field(default_factory=list)
    preview_columns: list = field(default_factory=list)  # labels
    preview: list = field(default_factory=list)  # PreviewRow: the first rows that change something
    preview_accented: list = field(default_factory=list)  # PreviewRow: rows with accents of a Windows-1252 file
    encoding: str = ""
    header_row: int = 1
    outcomes: dict = field(default_factory=dict)  # row -> action ("tetap" when unchanged), rows without errors
    _messages: dict = field(default_factory=dict)

    @property
    def rows_in_error(self):
        return len(self.error_rows)

    @property
    def clean(self):
        return not self.file_error and not self.errors

    @property
    def committable(self):
        """Something to write: a clean file, or (after confirming) the clean rows of one with row errors."""
        return not self.file_error and not self._header_errors() and (self.created or self.updated)

    @property
    def errors_hidden(self):
        return self.error_total - len(self.errors)

    @property
    def error_columns(self):
        """(column, count) of the columns with errors, most first: the page's summary."""
        return sorted(self.error_counts.items(), key=lambda item: (-item[1], item[0]))

    def _header_errors(self):
        return any(error.row == self.header_row for error in self.errors) if self.errors else False

    def add(self, row, column, value, message, suggestion=""):
        message = self._intern(str(message))
        self.error_total += 1
        count = self.error_counts.get(column, 0)
        self.error_counts[column] = count + 1
        if count < ERRORS_SHOWN_PER_COLUMN:
            self.errors.append(RowError(row, column, _shown(value), message, str(suggestion or "")))
        self.error_rows.setdefault(row, []).append(self._intern(f"{column}: {message}" if column else message))

    def warn(self, row, column, value, message):
        self.row_warning_total += 1
        if len(self.row_warnings) < WARNINGS_SHOWN:
            self.row_warnings.append(RowError(row, column, _shown(value), str(message)))

    def retract(self, rows):
        """Take rows counted as fine back out (a check over the whole file found them wrong)."""
        rows = set(rows)
        for row in rows:
            action = self.outcomes.pop(row, None)
            if action == ImportedRow.Action.CREATED:
                self.created -= 1
            elif action == ImportedRow.Action.UPDATED:
                self.updated -= 1
            elif action == UNCHANGED:
                self.unchanged -= 1
        self.plan = [planned for planned in self.plan if planned.row not in rows]
        self.preview = [line for line in self.preview if line.row not in rows]
        self.preview_accented = [line for line in self.preview_accented if line.row not in rows]

    def _intern(self, text):
        """Messages repeat across thousands of rows: keep one copy of each."""
        return self._messages.setdefault(text, text)


UNCHANGED = "tetap"


def _shown(value):
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return printable(str(value)[:200])


class ImportRejected(Exception):
    """The file or its rows cannot be committed; `result` holds the dry run that says why."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.message = message
        self.result = result


def import_dry_run(*, kind: str, data: bytes, file_name: str, user, cooperative=None, collect: bool = False,
                   progress=None) -> DryRun:
    """Check every row of an uploaded file without writing anything.

    `progress(rows)`, when given, is called every PROGRESS_ROWS rows checked (the task worker's
    progress page).
    """
    spec = SPECS[kind]
    result = DryRun(kind=kind, file_name=file_name)
    try:
        sheet = open_sheet(data, file_name, columns=len(spec.all_columns()))
    except FileError as error:
        result.file_error = str(error)
        return result
    result.warnings = list(sheet.warnings)
    result.header_row = sheet.header_row
    result.encoding = sheet.encoding
    result.headers = [printable(clean_text(h)) for h in sheet.headers]
    ctx = Context(user=user, cooperative=cooperative)
    mapping = _map_headers(spec, sheet, result, ctx)
    if not mapping:
        result.file_error = _no_headers(sheet, spec)
        return result
    if result.errors:
        return result
    keys = spec.preview_columns([column.key for column in mapping.values()])
    result.preview_columns = [_preview_label(spec, key) for key in keys]
    state = _State(seen={}, records={}, keys=keys, us_dates={})
    labels = {column.key: _label(index, column.header) for index, column in mapping.items()}
    try:
        for row_number, cells in sheet.rows:
            result.rows += 1
            ctx.row, ctx.notes = row_number, []
            _check_row(spec, ctx, result, mapping, labels, row_number, cells, state, collect,
                       accented=sheet.encoding == "cp1252")
            if progress is not None and result.rows % PROGRESS_ROWS == 0:
                progress(result.rows)
    except FileError as error:
        result.file_error = str(error)
    if not result.file_error and result.rows == 0:
        result.file_error = _("Berkas hanya berisi judul kolom: tidak ada baris data.")
    if result.file_error:
        return result
    refused = spec.finish(ctx)
    for row, key, message in refused:
        result.add(row, labels.get(key, ""), "", message)
    result.retract(row for row, _key, _message in refused)
    for key, rows in state.us_dates.items():
        result.warnings.append(
            _("Kolom %(column)s memuat tanggal bergaya Amerika (bulan/hari/tahun) di baris %(rows)s. Tanggal lain di "
              "kolom itu yang hari dan bulannya sama-sama 12 atau kurang (misalnya 02/03/2020) bisa saja tertukar "
              "juga: periksa semuanya di pratinjau.") % {"column": labels[key], "rows": ", ".join(map(str, rows[:5]))}
        )
    return result


@dataclass
class _State:
    seen: dict  # natural key -> first row
    records: dict  # id of a recorded record -> first row that matched it
    keys: list  # preview columns
    us_dates: dict  # column key -> rows with a US-style date


def _no_headers(sheet, spec):
    where = _("lembar %(name)s") % {"name": sheet.title} if sheet.title else _("baris %(row)s") % {
        "row": sheet.header_row}
    return _("Tidak ada satu pun judul kolom yang dikenali di %(where)s (misalnya %(example)s). Pakai templat: data "
             "di lembar pertama atau lembar bernama \"Data\", judul kolom di baris pertama.") % {
        "where": where, "example": ", ".join(str(column.header) for column in spec.columns[:3])}


def _label(index, header):
    letter = get_column_letter(index + 1)
    header = printable(clean_text(header))
    return f"{letter} ({header})" if header else letter


def _preview_label(spec, key):
    if key == "cooperative":
        return _("Koperasi")
    return str(spec.column(key).header)


def _map_headers(spec, sheet, result, ctx):
    names = spec.header_map()
    mapping = {}
    for index, header in enumerate(sheet.headers):
        column = names.get(normalise_header(header)) if not bad_bytes(header) else None
        if column is None:
            close = difflib.get_close_matches(normalise_header(header), list(names), n=1, cutoff=0.6)
            suggestion = _("Mungkin maksud Anda: %(name)s") % {"name": names[close[0]].header} if close else ""
            message = _("Judul kolom kosong.") if not clean_text(header) else _("Kolom tidak dikenal.")
            result.add(sheet.header_row, _label(index, header), header, message, suggestion)
        elif column in mapping.values():
            result.add(sheet.header_row, _label(index, header), header,
                       _("Kolom ganda: kolom %(name)s sudah ada.") % {"name": column.header})
        else:
            mapping[index] = column
    if mapping:
        for column in spec.missing_headers({c.key for c in mapping.values()}, ctx):
            result.add(sheet.header_row, "", "", _("Kolom wajib tidak ada: %(name)s.") % {"name": column.header})
    return mapping


def _cell_problem(raw):
    """A message for a cell no parser should see, or ''."""
    if isinstance(raw, Formula):
        return _("Sel berisi rumus: ketik nilainya saja (salin, lalu Tempel Nilai).")
    if isinstance(raw, ExcelError):
        return _("Sel berisi galat Excel (%(error)s), bukan nilai. Perbaiki sel itu.") % {"error": raw}
    if isinstance(raw, str):
        if found := bad_bytes(raw):
            return _("Ada byte yang bukan UTF-8 (%(bytes)s), ditunjukkan sebagai <..>: hurufnya tidak bisa dibaca "
                     "dengan pasti. Ketik ulang huruf itu, atau simpan berkas sebagai \"CSV UTF-8\".") % {
                "bytes": found}
        if control_characters(raw):
            return _("Ada karakter kontrol (tak terlihat) di sel ini, ditunjukkan sebagai <..>. Hapus karakter itu.")
    return ""


def _check_row(spec, ctx, result, mapping, labels, row_number, cells, state, collect, accented=False):
    values = {}
    before = result.error_total
    for index, column in mapping.items():
        raw = cells[index] if index < len(cells) else None
        if problem := _cell_problem(raw):
            result.add(row_number, labels[column.key], raw, problem)
            continue
        try:
            value = column.parse(raw, ctx)
        except CellError as error:
            result.add(row_number, labels[column.key], raw, error.message, error.suggestion)
            if getattr(error, "code", "") == "us_date":
                state.us_dates.setdefault(column.key, []).append(row_number)
            continue
        if column.required and value in ("", None):
            result.add(row_number, labels[column.key], raw, _("Wajib diisi."))
        values[column.key] = value
    beyond = next((index for index in range(max(mapping, default=-1) + 1, len(cells)) if clean_text(cells[index])),
                  None)
    if beyond is not None:
        result.add(row_number, get_column_letter(beyond + 1), cells[beyond], _("Ada isi di kolom tanpa judul."))
    try:
        # Regions and the cooperative are looked up even when a cell failed: every problem at once.
        spec.prepare(values, ctx)
    except CellError as error:
        result.add(row_number, labels.get(error.column, ""), values.get(error.column, "") if error.column else "",
                   error.message, error.suggestion)
        return
    if result.error_total > before:
        return
    try:
        instance = spec.find(values, ctx)
        key = (values.get("cooperative_id"), spec.key(values, ctx))
        if key in state.seen:
            raise CellError(_("Baris ganda: data yang sama sudah ada di baris %(row)s.") % {"row": state.seen[key]})
        if instance is not None and instance.pk in state.records:
            raise CellError(_("Baris ganda: baris %(row)s juga menunjuk %(name)s yang sudah tercatat.")
                            % {"row": state.records[instance.pk], "name": instance})
        state.seen[key] = row_number
        if instance is None:
            instance = spec.model()
        else:
            state.records[instance.pk] = row_number
        previous = spec.snapshot(instance) if instance.pk else None
        compared = spec.snapshot(instance, spec.compare_fields) if instance.pk else None
        spec.build(instance, values, ctx)
        instance.full_clean(exclude=spec.exclude_from_clean(), validate_unique=False, validate_constraints=False)
    except CellError as error:
        column = labels.get(error.column, "")
        result.add(row_number, column, values.get(error.column, "") if error.column else "", error.message,
                   error.suggestion)
        return
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            key = {"nik_hash": "nik", "desa_id": "desa"}.get(name, name)
            for message in messages:
                result.add(row_number, labels.get(key, ""), values.get(key, ""), message)
        return
    if previous is None:
        result.created += 1
        action = ImportedRow.Action.CREATED
    elif spec.snapshot(instance, spec.compare_fields) != compared:
        result.updated += 1
        action = ImportedRow.Action.UPDATED
    else:
        result.unchanged += 1
        action = UNCHANGED
    result.outcomes[row_number] = action
    for column_key, message in ctx.notes:
        result.warn(row_number, labels.get(column_key, ""), values.get(column_key, ""), message)
    _preview(spec, ctx, result, state, row_number, action, instance, previous, cells, accented)
    if collect and action != UNCHANGED:
        result.plan.append(Planned(row_number, action, instance, previous))


def _preview(spec, ctx, result, state, row_number, action, instance, previous, cells, accented):
    """Keep the row as it will be saved when the preview shows it: one of the first that change
    something, one with a warning, or (a Windows-1252 file) one with accented letters."""
    wanted = []
    if (action != UNCHANGED or ctx.notes) and len(result.preview) < PREVIEW_ROWS:
        wanted.append(result.preview)
    if accented and len(result.preview_accented) < PREVIEW_ROWS and any(
        isinstance(cell, str) and not cell.isascii() for cell in cells
    ):
        wanted.append(result.preview_accented)
    if not wanted:
        return
    line = PreviewRow(row_number, action, [], [message for _key, message in ctx.notes])
    for key in state.keys:
        value = spec.preview_value(instance, key, ctx)
        before = None
        if previous is not None and any(
            previous.get(name, getattr(instance, name)) != getattr(instance, name) for name in spec.preview_fields(key)
        ):
            before = _previous_value(spec, instance, previous, key, ctx)
        line.cells.append((value, before))
    for target in wanted:
        target.append(line)


def _previous_value(spec, instance, previous, key, ctx):
    """The preview value of the record before this row changes it."""
    old = spec.model()
    for name, value in previous.items():
        setattr(old, name, value)
    if hasattr(instance, "cooperative_id"):
        old.cooperative_id = instance.cooperative_id
    return spec.preview_value(old, key, ctx)


def preview_plan(result: DryRun) -> dict:
    """What a dry run with `collect` promises, row by row: {row: [action, record id, version read]}.

    Kept with the upload between the preview and the commit (JSON), so the commit can tell a row
    whose record someone changed since the user saw the preview.
    """
    return {str(planned.row): _promise(planned) for planned in result.plan}


def _promise(planned):
    return [planned.action, planned.instance.pk, planned.instance.version if planned.instance.pk else None]


def _lock(model, ids):
    """The records with these ids, locked until the transaction ends (in id order: no deadlock between imports)."""
    ids = sorted(set(ids))
    locked = {}
    records = model._base_manager.select_for_update().order_by("pk")
    for start in range(0, len(ids), BATCH_SIZE):
        locked.update((record.pk, record) for record in records.filter(pk__in=ids[start:start + BATCH_SIZE]))
    return locked


def _conflict(planned, locked, previewed):
    """Why a planned row must not be written (its record changed since it was read), or ""."""
    if planned.action == ImportedRow.Action.UPDATED:
        current = locked.get(planned.instance.pk)
        if current is None or current.version != planned.instance.version:
            return _("Data ini diubah orang lain sementara impor disimpan: baris ini tidak disimpan, agar perubahan "
                     "mereka tidak tertimpa. Unggah ulang berkas untuk meninjaunya lagi.")
    if previewed is not None and previewed.get(str(planned.row)) != _promise(planned):
        return _("Data ini diubah orang lain setelah pratinjau: baris ini tidak disimpan, agar perubahan mereka tidak "
                 "tertimpa. Unggah ulang berkas untuk meninjaunya lagi.")
    return ""


def import_commit(*, kind: str, data: bytes, file_name: str, user, cooperative=None, skip_errors: bool = False,
                  previewed: dict | None = None, progress=None, before_commit=None):
    """Write the file's rows in one transaction and record the batch; refuse a file with errors.

    With `skip_errors` (the user confirmed it) the rows in error are left out and listed in the batch.

    The records a row changes are locked, and a row is written only over the version it was
    planned against: the one read now, and with `previewed` (`preview_plan()` of the dry run the
    user saw) the one in the preview. A row whose record someone changed in between is not
    written but listed in the batch as a conflict. A changed record gets only the values that
    differ from it as it is now (columns absent from the file are never touched), and its version
    moves on from the current one.

    `progress` is passed to the check; `before_commit(batch)` runs last inside the transaction (the
    pending upload is consumed there, so a file is never committed twice).
    """
    spec = SPECS[kind]
    try:
        with transaction.atomic():
            result = import_dry_run(kind=kind, data=data, file_name=file_name, user=user, cooperative=cooperative,
                                    collect=True, progress=progress)
            if result.file_error:
                raise ImportRejected(result.file_error, result)
            if result.errors and (not skip_errors or result._header_errors()):
                raise ImportRejected(_("Berkas masih punya kesalahan: tidak ada yang disimpan."), result)
            locked = _lock(spec.model, [p.instance.pk for p in result.plan if p.action == ImportedRow.Action.UPDATED])
            plan, conflicts = [], []
            for planned in result.plan:
                reason = _conflict(planned, locked, previewed)
                if reason:
                    conflicts.append({"row": planned.row, "errors": [str(reason)]})
                else:
                    plan.append(planned)
            created = [p for p in plan if p.action == ImportedRow.Action.CREATED]
            updated = [p for p in plan if p.action == ImportedRow.Action.UPDATED]
            batch = ImportBatch.objects.create(
                kind=kind, file_name=file_name[:255], user=user, rows_total=result.rows,
                rows_created=len(created), rows_updated=len(updated), rows_unchanged=result.unchanged,
                rows_skipped=result.rows_in_error,
                skipped_rows=[{"row": row, "errors": messages} for row, messages in result.error_rows.items()],
                rows_conflicted=len(conflicts), conflicted_rows=conflicts,
            )
            reason = batch.change_reason
            for planned in plan:
                spec.finalise(planned.instance)
            if created:
                bulk_create_with_history([p.instance for p in created], spec.model, batch_size=BATCH_SIZE,
                                         default_user=user, default_change_reason=reason)
            written = _apply_updates(spec, updated, locked, user=user, reason=reason)
            ImportedRow.objects.bulk_create(
                [
                    ImportedRow(batch=batch, row_number=p.row, object_id=p.instance.pk, action=p.action,
                                previous=None, version_after=p.instance.version)
                    for p in created
                ] + [
                    ImportedRow(batch=batch, row_number=p.row, object_id=target.pk, action=p.action,
                                previous=json.loads(json.dumps(previous, cls=DjangoJSONEncoder)),
                                version_after=target.version)
                    for p, (target, previous) in zip(updated, written, strict=True)
                ],
                batch_size=BATCH_SIZE,
            )
            if plan:
                summary_refresh_soon()
            if before_commit is not None:
                before_commit(batch)
    except IntegrityError as error:
        raise ImportRejected(_("Basis data menolak isi berkas (%(error)s): tidak ada yang disimpan.")
                             % {"error": str(error)[:200]}) from None
    return batch


def _apply_updates(spec, updated, locked, *, user, reason):
    """Write the planned changes onto the locked records: only the values that differ, the version moved on.

    Returns (record, the values it replaced) per planned row, in order.
    """
    written, fields = [], set()
    now = timezone.now()
    for planned in updated:
        target = locked[planned.instance.pk]
        previous = {}  # the values this import replaces: exactly what an undo puts back
        for name in spec.fields:
            value = getattr(planned.instance, name)
            if value != getattr(target, name):
                previous[name] = getattr(target, name)
                setattr(target, name, value)
                fields.add(name)
        target.version += 1
        if hasattr(target, "updated_at"):
            target.updated_at = now
        written.append((target, previous))
    if written:
        _bulk_update(spec.model, [target for target, _previous in written], fields, user=user, reason=reason)
    return written


def _bulk_update(model, records, fields, *, user, reason):
    fields = [*sorted(fields), "version", *(["updated_at"] if any(f.name == "updated_at" for f in model._meta.fields)
                                            else [])]
    bulk_update_with_history(records, model, fields, batch_size=BATCH_SIZE, default_user=user,
                             default_change_reason=reason)


class UndoRefused(Exception):
    def __init__(self, message, details=()):
        super().__init__(message)
        self.message = message
        self.details = list(details)


def import_batch_undo(*, batch: ImportBatch, user) -> ImportBatch:
    """Undo a whole batch: delete what it created, restore what it changed to the values before.

    The batch's records are locked first. Refused, with the records named, when any of them was
    changed after the import (its version moved on) or is now used by other records: undoing then
    would destroy later work. A restored record gets back only the values that differ, and its
    version moves on.
    """
    spec = SPECS[batch.kind]
    model = spec.model
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == ImportBatch.Status.UNDONE:
            raise UndoRefused(_("Impor ini sudah dibatalkan."))
        rows = list(batch.rows.all())
        objects = _lock(model, [row.object_id for row in rows])
        changed = [row for row in rows if row.object_id not in objects
                   or objects[row.object_id].version != row.version_after]
        if changed:
            raise UndoRefused(
                _("%(count)s data sudah diubah lagi setelah impor ini; pembatalan akan menghapus perubahan itu.")
                % {"count": len(changed)},
                [_("Baris %(row)s: %(name)s") % {"row": row.row_number, "name": objects.get(row.object_id, "-")}
                 for row in changed[:20]],
            )
        reason = f"Batal impor #{batch.pk}: {batch.file_name}"[:100]
        restored, fields = [], set()
        now = timezone.now()
        for row in rows:
            if row.action == ImportedRow.Action.UPDATED:
                instance = objects[row.object_id]
                for name, value in row.previous.items():
                    value = model._meta.get_field(name).to_python(value)
                    if value != getattr(instance, name):
                        setattr(instance, name, value)
                        fields.add(name)
                instance.version += 1
                if hasattr(instance, "updated_at"):
                    instance.updated_at = now
                restored.append(instance)
        if restored:
            _bulk_update(model, restored, fields, user=user, reason=reason)
        created = [objects[row.object_id] for row in rows if row.action == ImportedRow.Action.CREATED]
        if created:
            _delete_with_history(model, created, user=user, reason=reason)
        batch.status = ImportBatch.Status.UNDONE
        batch.undone_at = timezone.now()
        batch.undone_by = user
        batch.save(update_fields=["status", "undone_at", "undone_by"])
        summary_refresh_soon()
    return batch


def _delete_with_history(model, instances, *, user, reason):
    """Delete many records at once, refusing when others still use them, with a "-" history row each.

    One by one (`instance.delete()`) took 41 s for 10,000 members on PostgreSQL: every delete
    looks for references and writes its history row alone. Here the references are looked for in
    bulk (the Collector raises ProtectedError), the history rows are written in batches, and the
    rows are deleted with one statement per batch.
    """
    collector = Collector(using=router.db_for_write(model))
    try:
        collector.collect(instances)
    except ProtectedError as error:
        raise UndoRefused(
            _("Sebagian data dari impor ini sudah dipakai data lain (misalnya anggota atau laporan yang "
              "ditambahkan kemudian), jadi tidak bisa dihapus."),
            [str(obj) for obj in list(error.protected_objects)[:20]],
        ) from None
    if any(related is not model for related in collector.data) or collector.field_updates or any(
        queryset.exists() for queryset in collector.fast_deletes
    ):
        # Other records would be deleted or changed with these: let Django do it, one by one.
        for instance in instances:
            instance._change_reason = reason
            instance.delete()
        return
    history = model.history.model
    now = timezone.now()
    history.objects.bulk_create(
        [
            history(history_date=now, history_user=user, history_change_reason=reason, history_type="-",
                    **{field.attname: getattr(instance, field.attname) for field in history.tracked_fields})
            for instance in instances
        ],
        batch_size=BATCH_SIZE,
    )
    ids = [instance.pk for instance in instances]
    for start in range(0, len(ids), BATCH_SIZE):
        model.objects.filter(pk__in=ids[start:start + BATCH_SIZE])._raw_delete(router.db_for_write(model))
