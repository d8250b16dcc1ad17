"""New records that a unique constraint allows once, when someone else may be recording the same one.

A form checks the constraint before saving, but two people saving at once both pass that check: on
PostgreSQL the second insert waits on the unique index until the first transaction ends, then
fails. That collision is the refusal the check would have given a moment later, so it comes back
as AlreadyRecorded naming the row that took the place (for a link to it), never as a server error.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Q, UniqueConstraint
from django.utils.translation import gettext as _


class AlreadyRecorded(ValidationError):
    """Someone else recorded the same thing (`existing`) while this new record was being saved."""

    def __init__(self, message, *, existing):
        super().__init__(message, code="already_recorded")
        self.existing = existing


def _unique_sets(model: type[Model]):
    """(field names, condition or None) of every single-field and multi-field uniqueness rule of the model."""
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key:
            yield [field.name], None
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.fields:
            yield list(constraint.fields), constraint.condition


def taken_by(instance: Model) -> Model | None:
    """The stored row holding the place `instance` would take under one of its model's unique rules."""
    model = type(instance)
    for names, condition in _unique_sets(model):
        values = {name: getattr(instance, model._meta.get_field(name).attname) for name in names}
        if any(value is None for value in values.values()):
            continue  # NULLs never collide in a unique index (and filter(x=None) would mean IS NULL)
        rows = model._base_manager.filter(condition or Q(), **values)
        if instance.pk is not None:
            rows = rows.exclude(pk=instance.pk)
        existing = rows.first()
        if existing is not None:
            return existing
    return None


@transaction.atomic
def insert_once(*, instance: Model, message=None, reason: str = "") -> Model:
    """Insert `instance` (with its history row), or raise AlreadyRecorded with `message` when the
    same record was inserted meanwhile.

    The insert runs in a savepoint: after a collision the caller's transaction is still usable.
    Any other integrity error is raised as it is: only a row that took the place is the conflict.
    """
    if reason:
        instance._change_reason = reason
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        existing = taken_by(instance)
        if existing is None:
            raise
        instance.pk = None  # a failed insert may have been handed an id: the form may be saved again
        raise AlreadyRecorded(message or _("Data yang sama baru saja dicatat orang lain."), existing=existing) from None
    return instance
