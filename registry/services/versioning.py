"""No lost edits: save an edit only over the version it started from.

Every editable registry model has a `version` column. An edit form carries the version it was
opened at; saving checks it under a row lock and then saves normally, so django-simple-history
records the change (a bare `filter(version=...).update()` would bypass it).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model

from .summary import summary_refresh_soon


@dataclass(frozen=True)
class FieldChange:
    """One field another person changed since the form was opened."""

    field: str
    label: str
    old: object
    new: object


class EditConflict(Exception):
    """Someone saved the record after this form was opened.

    `current` is the record as saved now; `changes` what differs from the version the form
    started from; `changed_by` and `changed_at` who saved last, and when.
    """

    def __init__(self, *, current, changes, changed_by, changed_at):
        super().__init__(f"{type(current).__name__} {current.pk} changed since the form was opened")
        self.current = current
        self.changes = changes
        self.changed_by = changed_by
        self.changed_at = changed_at


def changes_since(current: Model, version: int) -> list[FieldChange]:
    """What differs between the history record at `version` and the current one."""
    records = list(current.history.filter(version__in=[version, current.version]).order_by("history_id"))
    old = next((r for r in records if r.version == version), None)
    new = next((r for r in reversed(records) if r.version == current.version), None)
    if old is None or new is None:
        return []
    delta = new.diff_against(old, foreign_keys_are_objs=True)
    return [
        FieldChange(
            field=change.field,
            label=str(type(current)._meta.get_field(change.field).verbose_name),
            old=change.old,
            new=change.new,
        )
        for change in delta.changes
    ]


def lock_at_version(model: type[Model], pk, expected_version: int) -> Model:
    """The row, locked until the transaction ends, if nobody saved it since `expected_version`.

    Raises EditConflict otherwise. Call it inside a transaction.
    """
    current = model._base_manager.select_for_update().get(pk=pk)
    if current.version != expected_version:
        last = current.history.order_by("-history_id").first()
        raise EditConflict(
            current=current,
            changes=changes_since(current, expected_version),
            changed_by=getattr(last, "history_user", None),
            changed_at=getattr(last, "history_date", None),
        )
    return current


@transaction.atomic
def save_versioned(*, instance: Model, expected_version: int, reason: str = "") -> Model:
    """Save `instance` if nobody saved it since `expected_version`; raise EditConflict otherwise."""
    lock_at_version(type(instance), instance.pk, expected_version)
    instance.version = expected_version + 1
    if reason:
        instance._change_reason = reason
    instance.save()
    summary_refresh_soon()
    return instance
