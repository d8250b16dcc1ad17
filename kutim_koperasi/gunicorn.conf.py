"""gunicorn's settings for `make serve` and the systemd unit (docs/deploy.md), from the environment.

BIND and PORT: where it listens (127.0.0.1:8000 behind nginx; 0.0.0.0 for a load balancer on a
private network). WEB_CONCURRENCY: worker processes. GUNICORN_TIMEOUT: seconds a request may take.
FORWARDED_ALLOW_IPS (default DJANGO_TRUSTED_PROXIES): the proxies whose X-Forwarded-* headers are believed.
"""

import gc
import os

bind = f"{os.environ.get('BIND', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# The proxies whose X-Forwarded-* headers gunicorn believes: the application's own list unless told.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or os.environ.get("DJANGO_TRUSTED_PROXIES") or "127.0.0.1"

# One line per request in the application's own format (kutim_koperasi/logs.py). The path is
# logged without its query string and without the referrer: both can hold a searched name or NIK;
# a 16-digit number left in a path or a message is written as [NIK] (logs.RedactNik).
accesslog = "-"
access_log_format = '%({x-forwarded-for}i)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_nik": {"()": "kutim_koperasi.logs.RedactNik"}},
    "formatters": {"line": {"()": "kutim_koperasi.logs.OneLineFormatter"}},
    "handlers": {
        "error": {"class": "logging.StreamHandler", "formatter": "line", "stream": "ext://sys.stderr",
                  "filters": ["redact_nik"]},
        "access": {"class": "logging.StreamHandler", "formatter": "line", "stream": "ext://sys.stdout",
                   "filters": ["redact_nik"]},
    },
    "root": {"level": "INFO", "handlers": ["error"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}


def post_worker_init(worker):
    """Once the worker has loaded Django, the project and every module they import, their objects
    (some hundreds of thousands, alive until the worker exits) are set aside from the garbage
    collector: its full collections, which a page's allocations set off now and then, otherwise walk
    all of them each time. About 5% of a list page's CPU (docs/benchmarks.md, "The worker's objects
    set aside from the garbage collector"). What a request allocates is collected as before."""
    gc.collect()
    gc.freeze()
