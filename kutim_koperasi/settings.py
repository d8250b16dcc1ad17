"""Settings for Kutim Koperasi, read from the environment.

One module for every environment. Production is the default: debug is off unless DJANGO_DEBUG=1,
so a forgotten variable gives a server that refuses to start without its keys, never debug pages
with a published secret key. `make run` and the test settings (kutim_koperasi/settings_test.py) set
DJANGO_DEBUG=1; production sets the variables documented in README.md.
"""

import base64
import hashlib
import ipaddress
import json
import os
import sys
import tempfile
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# ---------------------------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", default=False)
TESTING = "pytest" in sys.modules or env_bool("DJANGO_TESTING")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Development only: a fixed key so sessions survive restarts of `make run`.
    SECRET_KEY = "dev-only-insecure-key-kutim-koperasi-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the site's host names in production.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "registry",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # Before anything reads the body: a request larger than REQUEST_MAX_BYTES gets 413 unread.
    "kutim_koperasi.middleware.RequestBodyLimitMiddleware",
    # First: a database that cannot be reached gives the site's 503 page, whatever view was asked.
    "kutim_koperasi.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Indonesian unless the user chose English (the browser's Accept-Language is not followed).
    "registry.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A cooperative's board account gets 404 on every URL outside the portal and its own account.
    # Only a process_view (run after every middleware's request part, so the user is known): here,
    # before CSRF's, so a POST without a token is 404 too rather than a 403 that confirms the URL.
    "registry.middleware.BoardAccountReachMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The user's permissions, roles and area from the cache, checked by one query (registry/access.py).
    "registry.middleware.CachedAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: they end a stale session with a message on the login
    # page, and hold a signed-in user at the second-factor step until it is passed.
    "registry.middleware.SessionTimeoutMiddleware",
    "registry.middleware.SecondFactorMiddleware",
    # Then a malformed query string (a year that is not a year, a NUL byte) is refused with 400
    # before any view reads it.
    "registry.middleware.QueryParameterMiddleware",
    # Pages of signed-in users are never kept in a browser or proxy cache (they show personal data).
    "registry.middleware.NoStoreForSignedInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last: it turns a lockout raised during authentication into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kutim_koperasi.urls"
WSGI_APPLICATION = "kutim_koperasi.wsgi.application"
AUTH_USER_MODEL = "registry.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "registry.context_processors.user_area",
            ],
        },
    },
    # The rows of the long lists, included into their Django pages with {% jinja_include %}:
    # compiled to Python, they cost a fraction of Django's engine (registry/jinja_environment.py).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "registry.jinja_environment.environment"},
    },
]

# ---------------------------------------------------------------------------------------------
# Database: SQLite by default, PostgreSQL (production) through DATABASE_URL
# ---------------------------------------------------------------------------------------------

# Seconds a new connection may take before the request fails with the site's 503 page (an
# unreachable or unanswering database must not hold every worker until gunicorn's timeout).
DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
# Seconds one SQL statement may run on PostgreSQL; 0 = no limit. The web server sets 30 in
# kutim_koperasi/wsgi.py unless told otherwise; commands and the task worker run without one.
DATABASE_STATEMENT_TIMEOUT = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "0"))
# Seconds a connection is kept open between requests (0: one per request).
DATABASE_CONN_MAX_AGE = 0 if TESTING else int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))


def database_from_url(url, *, connect_timeout=DATABASE_CONNECT_TIMEOUT, statement_timeout=DATABASE_STATEMENT_TIMEOUT):
    """One DATABASES entry from a URL, with the timeouts and persistent, health-checked connections."""
    config = dj_database_url.parse(url, conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=True)
    options = config.setdefault("OPTIONS", {})
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # With Django's defaults 39% of requests failed with "database is locked" under 8
        # concurrent writers here: WAL lets readers run beside the writer, IMMEDIATE takes the write
        # lock at BEGIN (so a transaction never fails halfway when it upgrades), and the timeout
        # lets writers queue instead of failing.
        options.update({
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        })
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, with a check of a kept connection that costs no round trip.
        config["ENGINE"] = "kutim_koperasi.postgresql"
        options.setdefault("connect_timeout", connect_timeout)
        if statement_timeout:
            # The web server's statements are short; PostgreSQL's JIT compiles any whose estimated
            # cost passes jit_above_cost, as some counts and searches do at national size, and the
            # compiling took 60-70 ms beside a few ms of execution (docs/benchmarks.md). Commands
            # and the worker keep it for their long aggregates.
            flags = f"-c statement_timeout={statement_timeout * 1000} -c jit=off"
            options["options"] = f"{options['options']} {flags}" if options.get("options") else flags
    return config


DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}

# Django's cache, per process: each gunicorn worker keeps the access lookups of the users it served
# (registry/access.py) and the region choices it rendered (registry/widgets.py), a few kilobytes
# each. Entries are keyed by a token read from the database on every request, so a per-process
# cache is never stale; a shared cache (Redis, memcached) would only save each worker its first
# computation.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}},
    # The lists' filter forms (registry/templatetags/registry_forms.py), one entry per list, language,
    # area and filter values: apart, so that many different searches evict old forms, never a user's
    # cached permissions and area (registry/access.py) from the default cache.
    "filter_forms": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "filter-forms",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# A read replica (optional): the summary computation and /api/ringkasan.json read from this alias
# explicitly (`.using(REPLICA_DATABASE)`), never through a router, so a page after a save still
# reads its own write from the primary. Without a replica the alias is the primary itself.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_from_url(os.environ["DATABASE_REPLICA_URL"])
    REPLICA_DATABASE = "replica"
else:
    REPLICA_DATABASE = "default"
    if TESTING:
        # Tests that ask for the "replica" alias get a second, separate test database (no
        # replication), so they can tell which database a read came from. Like a real replica it is
        # never migrated: its tables are created from the models and the test fills them.
        DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIGRATE": False, "NAME": (
            None if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
            else f"test_{DATABASES['default']['NAME']}_replica"
        )}}

# ---------------------------------------------------------------------------------------------
# Authentication, sessions, lockout
# ---------------------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the access token with the user (registry/access.py).
    "registry.access.UserWithAccessTokenBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing dominates a test suite that logs in often; production keeps PBKDF2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "registry:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Django's database sessions, read through a statement compiled once per process (registry/sessions.py).
SESSION_ENGINE = "registry.sessions"

# A working day in the field, not longer: counted from sign-in, however active the session
# (registry.middleware.SessionTimeoutMiddleware), so an unattended browser in a shared office
# logs out. SESSION_COOKIE_AGE alone would slide with every write to the session.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# And 30 minutes without a request ends it earlier.
_idle_minutes = os.environ.get("DJANGO_SESSION_IDLE_MINUTES", "30").strip()
if not (_idle_minutes.isascii() and _idle_minutes.isdigit() and 1 <= int(_idle_minutes) <= SESSION_COOKIE_AGE // 60):
    raise ImproperlyConfigured("DJANGO_SESSION_IDLE_MINUTES must be between 1 and 720 (the 12-hour limit).")
SESSION_IDLE_TIMEOUT = timedelta(minutes=int(_idle_minutes))

# Lockout: failed sign-ins within the cool-off that lock, per combination of what the attempt
# came with. The pair catches one person guessing; the username alone a guess spread over many
# addresses; the address alone one address trying many usernames (set higher, because an office
# signs in from one public address). A success clears only its own pair (registry.security).
LOGIN_LOCKOUT_LIMITS = {
    ("username", "ip_address"): 5,
    ("username",): 10,
    ("ip_address",): 20,
}
AXES_LOCKOUT_PARAMETERS = [list(parameters) for parameters in LOGIN_LOCKOUT_LIMITS]
AXES_FAILURE_LIMIT = min(LOGIN_LOCKOUT_LIMITS.values())
AXES_HANDLER = "registry.security.LockoutHandler"
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
# The lockout page promises "try again after 15 minutes": attempts during it must not restart it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_CLIENT_IP_CALLABLE = "registry.security.client_ip"
AXES_USERNAME_CALLABLE = "registry.security.login_username"

# The reverse proxies in front of gunicorn (addresses or networks): X-Forwarded-For is believed
# only for the hops these appended. Empty (default) believes no header, because a client can
# write it; a request reaching gunicorn from any other address is taken at its own address.
if "DJANGO_TRUSTED_PROXY_COUNT" in os.environ:
    raise ImproperlyConfigured(
        "DJANGO_TRUSTED_PROXY_COUNT is replaced by DJANGO_TRUSTED_PROXIES: list the addresses of the "
        "reverse proxies in front of gunicorn, e.g. DJANGO_TRUSTED_PROXIES=127.0.0.1 (README.md)."
    )
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"DJANGO_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network (e.g. 127.0.0.1, 10.0.0.0/24)."
        ) from None

# ---------------------------------------------------------------------------------------------
# Second factor: TOTP (an authenticator app) and backup codes, through django-otp
# ---------------------------------------------------------------------------------------------

# Admin Dinas accounts and superusers must enrol before they reach any page, /admin/ included:
# always in production; in development only when asked, so that `make run` lets a newcomer sign
# in as the demo admin with a password. Anyone with a device is asked for a code either way.
SECOND_FACTOR_REQUIRED = env_bool("DJANGO_SECOND_FACTOR_REQUIRED", default=not DEBUG)
if not DEBUG and not SECOND_FACTOR_REQUIRED:
    raise ImproperlyConfigured(
        "DJANGO_SECOND_FACTOR_REQUIRED cannot be turned off in production: Admin Dinas accounts "
        "always need a second factor when DJANGO_DEBUG is off."
    )
OTP_TOTP_ISSUER = "Kutim Koperasi"
# Keys stay out of the device pages of /admin/: a superuser could otherwise copy anyone's factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# ---------------------------------------------------------------------------------------------
# Personal data: member NIK encryption at rest and keyed hash for exact search
# ---------------------------------------------------------------------------------------------


def _derived_key(label):
    return base64.urlsafe_b64encode(hashlib.sha256(f"{label}:{SECRET_KEY}".encode()).digest()).decode()


# Comma-separated Fernet keys: the first encrypts, all decrypt (key rotation).
NIK_ENCRYPTION_KEYS = env_list("NIK_ENCRYPTION_KEY")
# The search hash key never rotates with the encryption keys: changing it would orphan every
# stored hash. Keep it apart.
NIK_HASH_KEY = os.environ.get("NIK_HASH_KEY", "")
if not NIK_ENCRYPTION_KEYS or not NIK_HASH_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "NIK_ENCRYPTION_KEY and NIK_HASH_KEY must be set when DJANGO_DEBUG is off. Generate with: "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        )
    NIK_ENCRYPTION_KEYS = NIK_ENCRYPTION_KEYS or [_derived_key("nik-encryption")]
    NIK_HASH_KEY = NIK_HASH_KEY or _derived_key("nik-hash")


def env_count(name, default, *, minimum=0):
    """A whole number from the environment, refused with a message rather than read wrongly."""
    value = os.environ.get(name, "").strip() or str(default)
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum} (got {value!r}).")
    return int(value)


# Per user, within any 24 hours: full NIKs revealed, NIK searches, exports with the full NIK column.
# Reaching a limit answers 429 with a message; Admin Dinas reads the logs behind each count.
NIK_REVEAL_DAILY_LIMIT = env_count("NIK_REVEAL_DAILY_LIMIT", 50, minimum=1)
NIK_SEARCH_DAILY_LIMIT = env_count("NIK_SEARCH_DAILY_LIMIT", 100, minimum=1)
FULL_NIK_EXPORT_DAILY_LIMIT = env_count("FULL_NIK_EXPORT_DAILY_LIMIT", 3, minimum=1)
# Years after leaving (left_on) after which a member's personal data is erased by
# `python manage.py purge_personal_data` (docs/personal-data.md, Retention).
PERSONAL_DATA_RETENTION_YEARS = env_count("PERSONAL_DATA_RETENTION_YEARS", 5, minimum=1)

# ---------------------------------------------------------------------------------------------
# Language, time, formats
# ---------------------------------------------------------------------------------------------

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language switch's choice is remembered for a year on this browser (not only the session).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Makassar"  # WITA, UTC+8
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["kutim_koperasi.formats"]

# ---------------------------------------------------------------------------------------------
# Static files: served by whitenoise, nothing from the internet
# ---------------------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# ---------------------------------------------------------------------------------------------
# Files the application writes: export files, never served as static or media files
# ---------------------------------------------------------------------------------------------

# Nothing under MEDIA_ROOT has a URL (there is no MEDIA_URL route): files leave only through views
# that check who asks. Tests write under a temporary directory of their own process.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or (
    Path(tempfile.gettempdir()) / f"kutim-test-media-{os.getpid()}" if TESTING else BASE_DIR / "media"))
# Export files prepared by the task worker and downloaded from any web server: a directory (on one
# machine, or a mount every web server and worker shares) or any Django storage backend, e.g.
# django-storages' S3Storage with EXPORT_STORAGE_OPTIONS as JSON (docs/deploy.md).
EXPORT_STORAGE_DIR = Path(os.environ.get("EXPORT_STORAGE_DIR") or MEDIA_ROOT / "ekspor")
EXPORT_STORAGE_BACKEND = os.environ.get("EXPORT_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
try:
    EXPORT_STORAGE_OPTIONS = json.loads(os.environ.get("EXPORT_STORAGE_OPTIONS") or "{}")
except ValueError as error:
    raise ImproperlyConfigured(f"EXPORT_STORAGE_OPTIONS is not JSON: {error}") from None
if EXPORT_STORAGE_BACKEND == "django.core.files.storage.FileSystemStorage":
    # Readable by the service user only (with the units' UMask=0027, the directories too).
    EXPORT_STORAGE_OPTIONS = {
        "location": str(EXPORT_STORAGE_DIR), "file_permissions_mode": 0o600,
        "directory_permissions_mode": 0o700, **EXPORT_STORAGE_OPTIONS,
    }
# An export of more rows than this is prepared by the task worker and downloaded from "Ekspor saya";
# a smaller one is answered at once. Files are kept EXPORT_FILE_HOURS, then purged.
EXPORT_INLINE_MAX_ROWS = int(os.environ.get("EXPORT_INLINE_MAX_ROWS", "5000"))
# An import file larger than this (bytes) is checked and committed by the task worker with a progress
# page; a smaller one in the request. Uploads wait for their commit in the database (encrypted) for
# IMPORT_PENDING_HOURS, then the purge deletes them.
IMPORT_INLINE_MAX_BYTES = int(os.environ.get("IMPORT_INLINE_MAX_BYTES", str(256 * 1024)))
# The largest import file (bytes); the upload form refuses a larger one with a message.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
# The largest request body (bytes), refused with 413 before it is read (RequestBodyLimitMiddleware):
# the import limit and room for the form around the file. nginx's client_max_body_size is above it.
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(IMPORT_MAX_BYTES + 1024 * 1024)))
# An upload stays in memory, never in a temporary file on disk (it holds personal data); the body
# limit bounds it.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
IMPORT_PENDING_HOURS = int(os.environ.get("IMPORT_PENDING_HOURS", "6"))
EXPORT_FILE_HOURS = int(os.environ.get("EXPORT_FILE_HOURS", "24"))

# Documents cooperatives submit through the portal (RAT minutes, financial reports, photos), sealed
# with the NIK keys; a directory readable by the service user only, shared by every web server.
DOCUMENT_STORAGE_DIR = Path(os.environ.get("DOCUMENT_STORAGE_DIR") or MEDIA_ROOT / "dokumen")
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(5 * 1024 * 1024)))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "exports": {"BACKEND": EXPORT_STORAGE_BACKEND, "OPTIONS": EXPORT_STORAGE_OPTIONS},
    "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {
        "location": str(DOCUMENT_STORAGE_DIR), "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700,
    }},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# ---------------------------------------------------------------------------------------------
# Security headers
# ---------------------------------------------------------------------------------------------

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

if not DEBUG:
    # Behind a TLS-terminating reverse proxy that sets X-Forwarded-Proto (README.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True
    # A load balancer or monitor may ask for /healthz over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# ---------------------------------------------------------------------------------------------
# Background tasks (Django's tasks API through django-tasks; rows in the same database)
# ---------------------------------------------------------------------------------------------

# `python manage.py db_worker` runs the tasks on any machine that reaches the database; `make run`
# starts one beside the development server. Tests run tasks at once, in the test's thread.
# TASKS_IMMEDIATE=1 runs them inside the request instead (a single process, no worker; slower saves).
TASKS_IMMEDIATE = TESTING or env_bool("TASKS_IMMEDIATE")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend" if TASKS_IMMEDIATE
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}
# Seconds a burst of saves waits before the one summary refresh it triggers.
SUMMARY_REFRESH_DELAY = int(os.environ.get("SUMMARY_REFRESH_DELAY", "5"))
# Seconds after which a refresh that never finished (its worker killed) no longer blocks the next.
SUMMARY_REFRESH_LEASE = int(os.environ.get("SUMMARY_REFRESH_LEASE", str(30 * 60)))
# /healthz: a worker that has not beaten for this many seconds is reported missing (503).
WORKER_HEARTBEAT_SECONDS = 10
WORKER_STALE_SECONDS = int(os.environ.get("WORKER_STALE_SECONDS", "120"))
# A task whose worker died is run again (registry/services/recovery.py) until it has been claimed
# this many times, then marked failed.
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", "3"))
HEALTHZ_REQUIRE_WORKER = env_bool("HEALTHZ_REQUIRE_WORKER", default=not TASKS_IMMEDIATE)

# ---------------------------------------------------------------------------------------------
# Error reporting: e-mail to ADMINS, and a Sentry-compatible service when SENTRY_DSN is set
# ---------------------------------------------------------------------------------------------

# "Name <address>, address2": who receives server errors and failed tasks (debug off only).
ADMINS = [(name or address, address) for name, address in getaddresses(env_list("DJANGO_ADMINS")) if address]
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", "kutim-koperasi@localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", SERVER_EMAIL)
EMAIL_SUBJECT_PREFIX = "[Kutim Koperasi] "
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
# Error e-mails carry no request values (forms and query strings hold names and NIKs) and no
# local variables of the traceback.
DEFAULT_EXCEPTION_REPORTER_FILTER = "kutim_koperasi.error_reports.PersonalDataReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "kutim_koperasi.error_reports.PersonalDataExceptionReporter"

SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN and not TESTING:
    from kutim_koperasi.error_reports import sentry_init

    sentry_init(SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", "production"))

# ---------------------------------------------------------------------------------------------
# History and logging
# ---------------------------------------------------------------------------------------------

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# One line per event on standard error (a traceback too: its line breaks are written as "\n");
# gunicorn's access log uses the same format (kutim_koperasi/gunicorn.conf.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "not_service_unavailable": {"()": "kutim_koperasi.logs.NotServiceUnavailable"},
        # No NIK in any log line or e-mail: a 16-digit number becomes [NIK] (docs/personal-data.md).
        "redact_nik": {"()": "kutim_koperasi.logs.RedactNik"},
    },
    "formatters": {"line": {"()": "kutim_koperasi.logs.OneLineFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "line", "filters": ["redact_nik"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler", "level": "ERROR",
            "filters": ["require_debug_false", "not_service_unavailable", "redact_nik"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Server errors (django.request) and failed tasks (django_tasks) also go to ADMINS by e-mail.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django_tasks": {"handlers": ["mail_admins"], "level": "INFO"},
        # A task given up because its worker kept dying (registry/services/recovery.py) too.
        "registry.worker": {"handlers": ["mail_admins"], "level": "INFO"},
        # Axes logs every login attempt at INFO; keep failures, drop the noise in tests.
        "axes": {"level": "WARNING" if TESTING else "INFO"},
    },
}
