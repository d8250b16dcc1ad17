"""Undoing one saved change from a record's history."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Cooperative
from .cooperatives import cooperative_change_status
from .versioning import lock_at_version, save_versioned

# Bookkeeping fields never reverted: the version moves forward, timestamps follow the save. A
# cooperative's `status_since` is the date of its latest status step, which a revert records anew.
NOT_REVERTED = {"version", "created_at", "updated_at", "nik_encrypted", "nik_hash", "has_nik", "status_since"}


def revertable_fields(record):
    """The fields the change `record` (a history row) touched, with the values before it."""
    previous = record.prev_record
    if previous is None or record.history_type != "~":
        return {}
    delta = record.diff_against(previous)
    return {change.field: change.old for change in delta.changes if change.field not in NOT_REVERTED}


@transaction.atomic
def history_revert(*, record, instance: Model, user=None, expected_version: int | None = None) -> Model:
    """Put back the values the change `record` replaced, as a new, versioned change of `instance`.

    `instance` is the live record, fetched by the caller through the user's area; with
    `expected_version` (the confirmation page's), a record saved since raises EditConflict. Fields
    changed again after `record` are reverted too: the person confirming saw which values come back.
    A cooperative's status comes back only through the status service: a new step dated today,
    with the revert as its reason and the lifecycle checked, so the status history keeps agreeing
    with the status.
    """
    fields = revertable_fields(record)
    if not fields:
        raise ValidationError(
            _("Perubahan ini tidak bisa dikembalikan (data baru, atau tidak ada isian yang berubah).")
        )
    model = type(instance)
    expected_version = instance.version if expected_version is None else expected_version
    current = lock_at_version(model, instance.pk, expected_version)
    reason = _("Kembalikan perubahan #%(id)s") % {"id": record.history_id}
    status = fields.pop("status", None) if model is Cooperative else None
    if status is not None and status == current.status:
        status = None
    for name, old in fields.items():
        setattr(instance, model._meta.get_field(name).attname, old)
    changed = [name for name in fields if getattr(instance, model._meta.get_field(name).attname)
               != getattr(current, model._meta.get_field(name).attname)]
    if not changed and status is None:
        raise ValidationError(_("Isian perubahan ini sudah bernilai seperti sebelum perubahan: tidak ada yang "
                                "dikembalikan."))
    if user is not None:
        instance._history_user = user
    if changed:
        instance.full_clean(exclude=[f.name for f in model._meta.fields if f.name not in changed],
                            validate_unique=False)
        save_versioned(instance=instance, expected_version=expected_version, reason=reason, fields=changed)
        expected_version = instance.version
    if status is not None:
        cooperative_change_status(
            cooperative=instance, to_status=status, reason=reason, changed_on=timezone.localdate(),
            expected_version=expected_version, user=user,
        )
    return instance
