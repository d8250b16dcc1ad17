"""Log lines an operator can grep: one line per event, a traceback included."""

import logging
from datetime import datetime

from registry.nik import redact_niks

LINE = "%(asctime)s %(levelname)s %(name)s %(message)s"


class OneLineFormatter(logging.Formatter):
    """`2026-11-26T01:00:00.123+08:00 ERROR django.request Internal Server Error: /x\\nTraceback ...`.

    Line breaks inside a message or a traceback are written as a literal backslash-n, so every
    event is one line for journald, grep and log shippers; the time is ISO 8601 with its offset.
    """

    def __init__(self, fmt=LINE, datefmt=None, style="%", **kwargs):
        super().__init__(fmt, datefmt, style, **kwargs)

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        return datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")

    def format(self, record):
        # The last line of defence: whatever reached the line, a 16-digit number leaves as [NIK].
        return redact_niks(super().format(record).replace("\r\n", "\n").replace("\n", "\\n"))


class RedactNik(logging.Filter):
    """Any 16-digit number (a NIK, also typed in groups) in a log message becomes `[NIK]`.

    On every handler of the application and of gunicorn (settings.LOGGING, gunicorn.conf.py), so
    that e-mails to ADMINS get the redacted message too, whatever the formatter.
    """

    def filter(self, record):
        message = record.getMessage()
        redacted = redact_niks(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class NotServiceUnavailable(logging.Filter):
    """Leaves out the 503 answers of an unreachable database: one e-mail per request during an
    outage would flood ADMINS (the log line and the monitor's /healthz still tell)."""

    def filter(self, record):
        return getattr(record, "status_code", None) != 503
