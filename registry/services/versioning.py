"""No lost edits: save an edit only over the version it started from, and only what it changes.

Every editable registry model has a `version` column. An edit form carries the version it was
opened at; saving checks it under a row lock and then saves normally, so django-simple-history
records the change (a bare `filter(version=...).update()` would bypass it). Only the fields whose
value differs from the locked row are written: a writer never puts back a value it merely read.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model

from ..models import Cooperative
from .member_areas import area_copies_follow_cooperatives, name_copies_follow_cooperatives
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
    started from; `changed_by` and `changed_at` who saved last, and when; `opened` the record as
    it was at that version (from its history; None when the history does not hold it), so a form
    can tell the fields its user changed from those they left alone. A form that did so sets
    `merged`, and `both` to the labels of the fields both people changed.
    """

    def __init__(self, *, current, changes, changed_by, changed_at, opened=None):
        super().__init__(f"{type(current).__name__} {current.pk} changed since the form was opened")
        self.current = current
        self.changes = changes
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.opened = opened
        self.merged = False
        self.both = []


def _version_records(current: Model, version: int):
    """The history rows of the record at `version` and at its current version (either may be None)."""
    records = list(current.history.filter(version__in=[version, current.version]).order_by("history_id"))
    old = next((r for r in records if r.version == version), None)
    new = next((r for r in reversed(records) if r.version == current.version), None)
    return old, new


def changes_since(current: Model, version: int) -> list[FieldChange]:
    """What differs between the history record at `version` and the current one."""
    old, new = _version_records(current, version)
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
        opened = _version_records(current, expected_version)[0]
        raise EditConflict(
            current=current,
            changes=changes_since(current, expected_version),
            changed_by=getattr(last, "history_user", None),
            changed_at=getattr(last, "history_date", None),
            opened=opened.instance if opened is not None else None,
        )
    return current


# Columns the save itself keeps: never someone's change, never compared.
BOOKKEEPING = frozenset({"version", "created_at", "updated_at"})


def _editable(model):
    return [field for field in model._meta.concrete_fields if not field.primary_key and field.name not in BOOKKEEPING]


def remember_loaded(instance: Model) -> Model:
    """Note the values `instance` was read with, so a save can tell what its caller changed.

    Edit views and the admin call it on the record they load; `save_versioned` then writes the
    fields changed since, and nothing the caller merely read (not even a value another path wrote
    meanwhile without moving the version).
    """
    instance._loaded_values = {field.attname: getattr(instance, field.attname) for field in _editable(type(instance))}
    return instance


def changed_fields(current: Model, instance: Model) -> list[str]:
    """The fields `instance` changes: since it was read (`remember_loaded`), else against the stored row."""
    loaded = getattr(instance, "_loaded_values", None)
    return [
        field.name
        for field in _editable(type(instance))
        if getattr(instance, field.attname) != (loaded[field.attname] if loaded else getattr(current, field.attname))
    ]


def auto_now_fields(model: type[Model]) -> list[str]:
    """Fields a save stamps itself (`auto_now`): written with every partial save."""
    return [field.name for field in model._meta.concrete_fields if getattr(field, "auto_now", False)]


@transaction.atomic
def save_versioned(*, instance: Model, expected_version: int, reason: str = "", fields=None) -> Model:
    """Save `instance` if nobody saved it since `expected_version`; raise EditConflict otherwise.

    Only the fields the caller changed are written (see `changed_fields`; limited to `fields` when
    given); every other field of `instance` is set to the stored value, so the history row shows
    the record as saved. The version always goes up by one from the stored one, even when nothing
    else changed: the caller may have written rows that hang on this one (an assessment's scores).
    """
    current = lock_at_version(type(instance), instance.pk, expected_version)
    changed = changed_fields(current, instance)
    if fields is not None:
        changed = [name for name in changed if name in set(fields)]
    for field in _editable(type(instance)):
        if field.name not in changed:
            setattr(instance, field.attname, getattr(current, field.attname))
    instance.version = current.version + 1
    if reason:
        instance._change_reason = reason
    instance.save(update_fields=[*changed, "version", *auto_now_fields(type(instance))])
    if "desa" in changed and isinstance(instance, Cooperative):
        # The copies of the kecamatan (members', partnerships'), rewritten under the row lock taken above.
        area_copies_follow_cooperatives(cooperative_ids=[instance.pk])
    if "name" in changed and isinstance(instance, Cooperative):
        name_copies_follow_cooperatives(cooperative_ids=[instance.pk])  # the members' copy, likewise
    remember_loaded(instance)
    summary_refresh_soon()
    return instance
