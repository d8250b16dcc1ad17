"""WSGI entry point for gunicorn (`make serve`)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kutim_koperasi.settings")
# A web request's SQL statement may run 30 s at most unless the environment says otherwise; the
# task worker and management commands (migrations, the nightly rebuild) run without this limit.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "30")
application = get_wsgi_application()

# gunicorn runs no system check: a worker with NIK keys that do not fit the database refuses to
# start (the message names the key) rather than serve blank NIKs.
from registry.key_check import require_valid_keys  # noqa: E402

require_valid_keys()
