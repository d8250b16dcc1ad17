"""Daily limits on access to personal data: reveals, NIK searches, full-NIK exports per user.

A stolen or careless account must not be able to take the register out one NIK at a time. The
limit counts the user's own log rows of the last 24 hours, so the log is the counter: nothing to
reset, and what was counted is what an auditor reads.
"""

import datetime
import logging

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import User

logger = logging.getLogger(__name__)
WINDOW = datetime.timedelta(hours=24)


class LimitReached(Exception):
    """The user reached a daily limit; `message` says which and when the next one is possible."""

    def __init__(self, message, retry_after):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after  # seconds


def enforce_daily_limit(*, user, recent, time_field, limit, what):
    """Raise LimitReached when `recent` (the user's log rows) holds `limit` rows of the last 24 hours.

    Call inside the transaction that writes the next log row: the user's row is locked first, so
    two requests at once are counted one after the other and the limit is never passed by one.
    `what` names the action in the message ("membuka NIK").
    """
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    now = timezone.now()
    window = recent.filter(**{f"{time_field}__gt": now - WINDOW})
    if window.count() < limit:
        return
    oldest = window.order_by(time_field).values_list(time_field, flat=True).first()
    free_at = oldest + WINDOW
    logger.warning("daily limit reached: %s, user %s, limit %s", what, user.pk, limit)
    raise LimitReached(
        _("Batas harian tercapai: Anda sudah %(what)s %(limit)s kali dalam 24 jam terakhir. "
          "Coba lagi setelah %(time)s WITA. Bila ada keperluan mendesak, hubungi Admin Dinas.")
        % {"what": what, "limit": limit,
           "time": date_format(timezone.localtime(free_at), "d/m/Y H:i")},
        retry_after=max(1, int((free_at - now).total_seconds()) + 1),
    )
