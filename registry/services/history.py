"""Undoing one saved change from a record's history."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from .versioning import save_versioned

# Bookkeeping fields never reverted: the version moves forward, timestamps follow the save.
NOT_REVERTED = {"version", "created_at", "updated_at", "nik_encrypted", "nik_hash", "has_nik"}


def revertable_fields(record):
    """The fields the change `record` (a history row) touched, with the values before it."""
    previous = record.prev_record
    if previous is None or record.history_type != "~":
        return {}
    delta = record.diff_against(previous)
    return {change.field: change.old for change in delta.changes if change.field not in NOT_REVERTED}


@transaction.atomic
def history_revert(*, record, instance: Model, user=None) -> Model:
    """Put back the values the change `record` replaced, as a new, versioned change of `instance`.

    `instance` is the live record, fetched by the caller through the user's area. Fields changed
    again after `record` are reverted too: the person confirming saw which values come back.
    """
    fields = revertable_fields(record)
    if not fields:
        raise ValidationError(
            _("Perubahan ini tidak bisa dikembalikan (data baru, atau tidak ada isian yang berubah).")
        )
    model = type(instance)
    for name, old in fields.items():
        model_field = model._meta.get_field(name)
        setattr(instance, model_field.attname, old)
    instance.full_clean(exclude=[f.name for f in model._meta.fields if f.name not in fields], validate_unique=False)
    if user is not None:
        instance._history_user = user
    return save_versioned(
        instance=instance,
        expected_version=instance.version,
        reason=_("Kembalikan perubahan #%(id)s") % {"id": record.history_id},
    )
