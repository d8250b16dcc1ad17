"""RAT reminders by email: sent by the task worker, one message per cooperative, logged in numbers."""

import logging

from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import rat_season
from ..models import Cooperative, OfficeSettings, User

logger = logging.getLogger(__name__)


def rat_reminders_send(*, user_id: int, year: int, cooperative_ids: list[int]) -> dict:
    """Send the reminder to each of `cooperative_ids` that is still in the user's area, still has an
    email address and still has no reported RAT for `year` when the worker gets to it."""
    user = User.objects.get(pk=user_id)
    office = OfficeSettings.current()
    season = rat_season.season(year, office, timezone.localdate())
    cooperatives = rat_season.season_cooperatives(
        Cooperative.objects.for_user(user).filter(pk__in=cooperative_ids).exclude(email=""), season,
    ).filter(rat_state__in=[rat_season.OVERDUE, rat_season.NOT_REPORTED, rat_season.NOT_YET])
    sent = 0
    with translation.override("id"), get_connection() as connection:
        for cooperative in cooperatives.select_related("desa__kecamatan").order_by("pk"):
            cooperative.report_late = rat_season.report_is_late(cooperative, season)
            body = render_to_string("registry/rat/reminder_email.txt",
                                    {"cooperative": cooperative, "season": season, "office": office})
            subject = _("Pengingat RAT tahun buku %(year)s: %(name)s") % {"year": year, "name": cooperative.name}
            EmailMessage(subject, body, to=[cooperative.email], connection=connection).send()
            sent += 1
    logger.info("RAT reminders for %s sent by user %s: %s of %s", year, user_id, sent, len(cooperative_ids))
    return {"year": year, "sent": sent, "asked": len(cooperative_ids)}
