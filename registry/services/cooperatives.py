"""Writes about cooperatives that touch several rows, each in one transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Cooperative, StatusChange, User
from .summary import summary_refresh_soon
from .versioning import lock_at_version


@transaction.atomic
def cooperative_change_status(
    *,
    cooperative: Cooperative,
    to_status: str,
    reason: str,
    changed_on: datetime.date,
    expected_version: int | None = None,
    user: User | None = None,
) -> StatusChange:
    """Move a cooperative along its lifecycle and keep the dated, reasoned step.

    The row is locked so two officers changing the same status at once cannot both record a step
    from the same starting status. With `expected_version` (the status form's), a cooperative
    saved since raises EditConflict, as every versioned edit does; without it (the admin's status
    step), the lifecycle check under the lock is the only guard. The date must lie between the
    cooperative's founding (or its last step) and today: a step dated in the future is refused,
    never applied early.
    """
    if expected_version is None:
        locked = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
    else:
        locked = lock_at_version(Cooperative, cooperative.pk, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Alasan perubahan status wajib diisi.")})
    check_status_step(locked, to_status=to_status, changed_on=changed_on)
    change = StatusChange.objects.create(
        cooperative=locked,
        changed_on=changed_on,
        from_status=locked.status,
        to_status=to_status,
        reason=reason,
        changed_by=user,
    )
    locked.status = to_status
    locked.status_since = changed_on
    locked.version += 1
    locked._change_reason = reason
    if user is not None:
        locked._history_user = user  # outside a request (commands, tests) the middleware records no one
    locked.save(update_fields=["status", "status_since", "version", "updated_at"])
    cooperative.refresh_from_db()
    summary_refresh_soon()
    return change


def check_status_step(cooperative: Cooperative, *, to_status: str, changed_on: datetime.date | None) -> None:
    """Whether `cooperative` (as read) may take the step to `to_status` on `changed_on`; ValidationError if not.

    The service checks it under the row lock; forms call it too, to show the officer a form error.
    """
    if to_status == cooperative.status:
        raise ValidationError({"to_status": _("Koperasi sudah berstatus ini.")})
    if not cooperative.can_change_status_to(to_status):
        raise ValidationError(
            {
                "to_status": _("Status %(from)s tidak bisa langsung menjadi %(to)s.")
                % {
                    "from": cooperative.get_status_display(),
                    "to": Cooperative.Status(to_status).label,
                }
            }
        )
    if changed_on is not None:
        # Dated when it happened: not in the future (never applied early), not before the founding.
        message = StatusChange.date_error(cooperative, changed_on)
        if message:
            raise ValidationError({"changed_on": message})
    latest = StatusChange.objects.filter(cooperative=cooperative).order_by("-changed_on", "-id").first()
    if changed_on is not None and latest is not None and changed_on < latest.changed_on:
        # The status is the last step's: a step dated before it would not be the last, and the
        # history would end on a status the cooperative no longer has.
        raise ValidationError({
            "changed_on": _("Tanggal berlaku tidak boleh sebelum langkah status terakhir (%(date)s).")
            % {"date": latest.changed_on.strftime("%d/%m/%Y")}
        })
