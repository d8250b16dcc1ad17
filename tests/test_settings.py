"""Settings read from the environment: production refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-tests-only-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "koperasi.kutaitimurkab.go.id",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://koperasi.kutaitimurkab.go.id",
    "NIK_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "NIK_HASH_KEY": "a-separate-long-random-hash-key-for-tests-only",
}


def manage(*args, **env):
    """manage.py in a fresh process with only `env` of the DJANGO_* and NIK_* variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NIK_"))}
    clean.pop("PYTEST_CURRENT_TEST", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True,
        timeout=120,
    )


def test_production_without_secret_key_fails_clearly():
    env = {**PRODUCTION}
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_without_nik_key_fails_clearly():
    env = {**PRODUCTION}
    del env["NIK_ENCRYPTION_KEY"]
    result = manage("check", **env)
    assert result.returncode != 0
    assert "NIK_ENCRYPTION_KEY and NIK_HASH_KEY must be set" in result.stderr


def test_production_settings_pass_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_sqlite_is_configured_for_concurrent_writers():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return  # PostgreSQL run: nothing SQLite-specific to check
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] == 20
    assert "journal_mode=WAL" in options["init_command"]


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]
    assert settings.TIME_ZONE == "Asia/Makassar"


def test_csp_allows_self_only(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "default-src 'self'" in policy


def settings_value(expression, **env):
    """A settings expression as a fresh process with `env` computes it."""
    result = manage("shell", "--no-imports", "-c", f"from django.conf import settings; print({expression})", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


# Safe defaults: without DJANGO_DEBUG the settings are production's.


def test_without_django_debug_debug_is_off_and_a_secret_key_is_required():
    result = manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_without_django_debug_nik_keys_are_required():
    env = {key: value for key, value in PRODUCTION.items() if key not in ("DJANGO_DEBUG", "NIK_HASH_KEY")}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "NIK_ENCRYPTION_KEY and NIK_HASH_KEY must be set" in result.stderr


def test_without_django_debug_the_given_keys_are_used_never_derived():
    env = {key: value for key, value in PRODUCTION.items() if key != "DJANGO_DEBUG"}
    assert settings_value("settings.DEBUG", **env) == "False"
    assert settings_value("settings.NIK_ENCRYPTION_KEYS", **env) == repr([PRODUCTION["NIK_ENCRYPTION_KEY"]])
    assert settings_value("settings.NIK_HASH_KEY", **env) == PRODUCTION["NIK_HASH_KEY"]


def test_debug_only_when_asked():
    assert settings_value("settings.DEBUG", DJANGO_DEBUG="1") == "True"
    for value in ("0", "", "no", "nonsense"):
        env = {**PRODUCTION, "DJANGO_DEBUG": value}
        assert settings_value("settings.DEBUG", **env) == "False", value


def test_the_demo_seed_refuses_production_settings_without_yes():
    env = {key: value for key, value in PRODUCTION.items() if key != "DJANGO_DEBUG"}  # DJANGO_DEBUG forgotten
    result = manage("seed_demo", "--cooperatives", "1", **env)
    assert result.returncode != 0
    assert "Refusing to seed demo data without --yes" in result.stderr


def test_development_derives_keys_only_with_debug_on():
    assert settings_value("len(settings.NIK_ENCRYPTION_KEYS)", DJANGO_DEBUG="1") == "1"


def test_test_settings_are_development_ones():
    assert settings.SECRET_KEY.startswith("dev-only-")
    assert settings.SECOND_FACTOR_REQUIRED is False


# Sign-in settings


def test_production_requires_the_second_factor_and_cannot_turn_it_off():
    assert settings_value("settings.SECOND_FACTOR_REQUIRED", **PRODUCTION) == "True"
    result = manage("check", **PRODUCTION, DJANGO_SECOND_FACTOR_REQUIRED="0")
    assert result.returncode != 0
    assert "DJANGO_SECOND_FACTOR_REQUIRED cannot be turned off in production" in result.stderr


def test_development_asks_for_the_second_factor_only_when_told():
    assert settings_value("settings.SECOND_FACTOR_REQUIRED", DJANGO_DEBUG="1") == "False"
    asked = {"DJANGO_DEBUG": "1", "DJANGO_SECOND_FACTOR_REQUIRED": "1"}
    assert settings_value("settings.SECOND_FACTOR_REQUIRED", **asked) == "True"


def test_trusted_proxies_are_addresses_or_networks():
    value = settings_value("settings.TRUSTED_PROXIES", **PRODUCTION, DJANGO_TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/24")
    assert value == repr(["127.0.0.1", "10.0.0.0/24"])
    result = manage("check", **PRODUCTION, DJANGO_TRUSTED_PROXIES="127.0.0.1,proxy.local")
    assert result.returncode != 0
    assert "'proxy.local' is not an IP address or network" in result.stderr


def test_the_old_proxy_count_is_refused_with_directions():
    result = manage("check", **PRODUCTION, DJANGO_TRUSTED_PROXY_COUNT="1")
    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXY_COUNT is replaced by DJANGO_TRUSTED_PROXIES" in result.stderr


def test_idle_timeout_is_configurable_within_the_session_limit():
    assert settings.SESSION_IDLE_TIMEOUT.total_seconds() == 30 * 60
    assert settings_value("settings.SESSION_IDLE_TIMEOUT.total_seconds()", **PRODUCTION,
                          DJANGO_SESSION_IDLE_MINUTES="10") == "600.0"
    for value in ("0", "721", "tiga puluh"):
        result = manage("check", **PRODUCTION, DJANGO_SESSION_IDLE_MINUTES=value)
        assert result.returncode != 0
        assert "DJANGO_SESSION_IDLE_MINUTES must be between 1 and 720" in result.stderr


def test_export_files_go_to_a_private_directory_or_a_configured_storage():
    exports = settings.STORAGES["exports"]
    assert Path(exports["OPTIONS"]["location"]).is_relative_to(settings.MEDIA_ROOT)
    assert not Path(exports["OPTIONS"]["location"]).is_relative_to(settings.STATIC_ROOT)
    assert exports["OPTIONS"]["file_permissions_mode"] == 0o600
    value = settings_value('settings.STORAGES["exports"]["OPTIONS"]["location"]', **PRODUCTION,
                           EXPORT_STORAGE_DIR="/srv/bersama/ekspor")
    assert value == "/srv/bersama/ekspor"
    # Any storage backend with its options as JSON (docs/deploy.md: django-storages' S3Storage).
    value = settings_value('settings.STORAGES["exports"]', **PRODUCTION,
                           EXPORT_STORAGE_BACKEND="django.core.files.storage.InMemoryStorage",
                           EXPORT_STORAGE_OPTIONS='{"location": "ekspor"}')
    assert value == repr({"BACKEND": "django.core.files.storage.InMemoryStorage", "OPTIONS": {"location": "ekspor"}})
    result = manage("check", **PRODUCTION, EXPORT_STORAGE_OPTIONS="{bucket")
    assert result.returncode != 0
    assert "EXPORT_STORAGE_OPTIONS is not JSON" in result.stderr
