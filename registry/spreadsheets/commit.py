"""Imports, the second step: write a checked file in one transaction, and undo a batch.

The commit runs the dry run (imports.py) again inside its transaction and writes only what it
plans; the records it changes are locked and written only over the version the plan read. An
undo locks the batch's records and refuses when any changed since. Both write history rows in
bulk (django-simple-history), never one record at a time.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, router, transaction
from django.db.models import ProtectedError
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..models import ImportBatch, ImportedRow
from ..services.summary import summary_refresh_soon
from .imports import import_dry_run, promise
from .kinds import SPECS

BATCH_SIZE = 500


class ImportRejected(Exception):
    """The file or its rows cannot be committed; `result` holds the dry run that says why."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.message = message
        self.result = result


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
    if previewed is not None and previewed.get(str(planned.row)) != promise(planned):
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
                spec.before_insert([p.instance for p in created])
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
        spec.after_update([(target, set(previous)) for target, previous in written])
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


def may_undo(user, batch) -> bool:
    """An Admin Dinas (undo_importbatch) undoes any batch; whoever may import undoes their own.

    Either way only while nothing in the batch has changed since (import_batch_undo checks that),
    so an undo never takes back anyone's later work.
    """
    if user.has_perm("registry.undo_importbatch"):
        return True
    return user.has_perm("registry.add_importbatch") and batch.user_id == user.pk


def import_batch_undo(*, batch: ImportBatch, user) -> ImportBatch:
    """Undo a whole batch: delete what it created, restore what it changed to the values before.

    Only for who may_undo() it: an Admin Dinas, or the user who imported it.
    The batch's records are locked first. Refused, with the records named, when any of them was
    changed after the import (its version moved on) or is now used by other records: undoing then
    would destroy later work. A restored record gets back only the values that differ, and its
    version moves on.
    """
    if not may_undo(user, batch):
        raise UndoRefused(_("Hanya Admin Dinas, atau petugas yang mengimpornya, yang bisa membatalkan impor ini."))
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
                names = set()
                for name, value in row.previous.items():
                    value = model._meta.get_field(name).to_python(value)
                    if value != getattr(instance, name):
                        setattr(instance, name, value)
                        names.add(name)
                fields |= names
                instance.version += 1
                if hasattr(instance, "updated_at"):
                    instance.updated_at = now
                restored.append((instance, names))
        if restored:
            _bulk_update(model, [instance for instance, _names in restored], fields, user=user, reason=reason)
            spec.after_update(restored)
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
