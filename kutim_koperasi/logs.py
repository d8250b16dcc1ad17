"""Log lines an operator can grep: one line per event, a traceback included."""

import logging
from datetime import datetime

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
        return super().format(record).replace("\r\n", "\n").replace("\n", "\\n")


class NotServiceUnavailable(logging.Filter):
    """Leaves out the 503 answers of an unreachable database: one e-mail per request during an
    outage would flood ADMINS (the log line and the monitor's /healthz still tell)."""

    def filter(self, record):
        return getattr(record, "status_code", None) != 503
