"""Whether the configured NIK keys are the ones the database was written with.

A wrong or lost NIK_ENCRYPTION_KEY does not raise anywhere by itself: every NIK simply reads as
blank, exports have empty columns, and a wrong NIK_HASH_KEY makes every search by NIK find nothing.
So the database keeps one key-check value (`NikKeyCheck`): a known text encrypted under the
encryption key and its HMAC under the hash key. The system check (`manage.py check`, `check
--deploy`, `migrate`, `runserver`), the WSGI application and the task worker compare it with the
configured keys and refuse to start on a mismatch, with a message that says which key and what to do.

The value is written after `migrate` when missing (a fresh database, or one from before the check),
but only once a sample of the stored NIKs reads and hashes correctly with the configured keys: a
wrong key at that moment is reported, never enshrined.
"""

import hashlib
import hmac

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, router

from . import nik as nik_codec

KNOWN_TEXT = "kutim-koperasi:nik-key-check:v1"
SAMPLE = 5  # stored NIKs read before a missing check value is written
CHECK_ID = "registry.E010"

WRONG_ENCRYPTION_KEY = (
    "NIK_ENCRYPTION_KEY cannot decrypt the key-check value stored in the database: the configured keys are not "
    "the ones the NIKs were encrypted with, so every NIK would show blank. Set NIK_ENCRYPTION_KEY to the key(s) "
    "in use (after a rotation the new key first, then the old ones). README.md, 'When a NIK key is lost'."
)
WRONG_HASH_KEY = (
    "NIK_HASH_KEY is not the key the stored NIK hashes were made with: every search by NIK and the uniqueness "
    "check would silently fail. Set NIK_HASH_KEY back to its original value (it never rotates). README.md, "
    "'When a NIK key is lost'."
)


def _hash(text):
    return hmac.new(settings.NIK_HASH_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def _decrypts(token):
    try:
        return nik_codec.fernet().decrypt(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        return None


def _sample_problems(model):
    """Problems with the configured keys found in a few stored NIKs (none stored: none found)."""
    from .models import Member

    rows = Member.objects.db_manager(router.db_for_read(model)).filter(has_nik=True).order_by("pk")
    for token, stored_hash in rows.values_list("nik_encrypted", "nik_hash")[:SAMPLE]:
        nik = _decrypts(token)
        if nik is None:
            return [WRONG_ENCRYPTION_KEY]
        if nik_codec.hash_nik(nik) != stored_hash:
            return [WRONG_HASH_KEY]
    return []


def key_problems():
    """What is wrong with the configured NIK keys, as sentences; empty when they fit the database.

    A database that cannot be read (not reachable, not migrated yet) is nobody's business here: the
    health check and `migrate` report those.
    """
    from .models import NikKeyCheck

    try:
        check = NikKeyCheck.objects.order_by("pk").first()
        if check is None:
            return _sample_problems(NikKeyCheck)
    except DatabaseError:
        return []
    problems = []
    if _decrypts(check.encrypted) != KNOWN_TEXT:
        problems.append(WRONG_ENCRYPTION_KEY)
    if not hmac.compare_digest(check.hash, _hash(KNOWN_TEXT)):
        problems.append(WRONG_HASH_KEY)
    return problems


def write_key_check(*, using=None, verify=True):
    """Write (or rewrite, after a rotation) the key-check value under the configured keys.

    Refused with ImproperlyConfigured when stored NIKs do not read with them, unless `verify` is
    off (`nik_key_check --accept-lost-key`: the old key is gone for good).
    """
    from .models import NikKeyCheck

    problems = _sample_problems(NikKeyCheck) if verify else []
    if problems:
        raise ImproperlyConfigured(" ".join(problems))
    manager = NikKeyCheck.objects.db_manager(using) if using else NikKeyCheck.objects
    fields = {"encrypted": nik_codec.encrypt_nik(KNOWN_TEXT), "hash": _hash(KNOWN_TEXT)}
    check = manager.order_by("pk").first()
    if check is None:
        return manager.create(**fields)
    manager.filter(pk=check.pk).update(**fields)
    return manager.get(pk=check.pk)


def write_missing_key_check(sender, using=None, **kwargs):
    """post_migrate: the key-check value of a database that has none (fresh, or from before it)."""
    from .models import NikKeyCheck

    try:
        if NikKeyCheck.objects.using(using).exists():
            return
    except DatabaseError:
        return
    if not _sample_problems(NikKeyCheck):
        write_key_check(using=using)


def check_nik_keys(app_configs=None, **kwargs):
    """System check: an Error per key that does not fit the database (stops runserver, migrate, check)."""
    from django.core import checks

    return [checks.Error(problem, id=CHECK_ID) for problem in key_problems()]


def require_valid_keys():
    """For processes that run no system check (gunicorn's workers, the task worker): refuse to start."""
    problems = key_problems()
    if problems:
        raise ImproperlyConfigured(" ".join(problems))
