"""The registry's time rules that concern any record: no event in the future, only closed book years.

A cooperative's own life (founding to dissolution) is on `Cooperative` (`life_error_on`,
`life_error_in_year`). Each rule returns the message that refuses a value, or None, so a model's
`clean()`, a service and an import row all say the same words.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _


def day_text(day: datetime.date) -> str:
    """A date as the office writes it: 26/11/2026."""
    return day.strftime("%d/%m/%Y")


def future_error(day: datetime.date | None, *, today: datetime.date | None = None) -> str | None:
    """Refuses a date after today: events are recorded once they happened."""
    today = today or timezone.localdate()
    if day is not None and day > today:
        return _("Tanggal %(day)s belum terjadi: tanggal kejadian tidak boleh setelah hari ini (%(today)s).") % {
            "day": day_text(day), "today": day_text(today),
        }
    return None


def last_full_year(today: datetime.date | None = None) -> int:
    """The most recent book year that has ended (book years are calendar years): the last closed one."""
    return (today or timezone.localdate()).year - 1


def open_year_error(year: int | None, *, today: datetime.date | None = None) -> str | None:
    """Refuses a book year that has not ended: it cannot be reported or assessed yet."""
    last = last_full_year(today)
    if year is not None and year > last:
        return _("Tahun buku %(year)s belum ditutup: laporan dan penilaian hanya untuk tahun buku yang sudah "
                 "berakhir (paling akhir %(last)s).") % {"year": year, "last": last}
    return None
