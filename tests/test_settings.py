"""Settings read from the environment: production refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.test import RequestFactory, override_settings

from registry.security import client_ip

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


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_client_ip_ignores_forwarded_header_without_proxy():
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.1.1.1"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_client_ip_takes_the_address_our_proxy_saw():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 36.80.1.2")
    assert client_ip(request) == "36.80.1.2"
