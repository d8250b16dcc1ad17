"""Member NIK (Nomor Induk Kependudukan): validation, encryption at rest, search hash, masking.

A NIK is `PP KK CC DDMMYY SSSS`: province, regency, district, birth date (women's day + 40) and a
serial. It is personal data under UU 27/2022, so it is stored encrypted (Fernet) beside a keyed
hash (HMAC-SHA256) that serves exact search and uniqueness without decrypting.
"""

import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# [0-9], never \d: \d also matches Arabic-Indic, Devanagari and other Unicode digits.
NIK_RE = re.compile(r"[0-9]{16}")
KUTIM_PREFIX = "6408"


def validate_nik(value):
    """Raise ValidationError unless `value` is 16 ASCII digits with a possible birth date."""
    if not isinstance(value, str) or not NIK_RE.fullmatch(value):
        raise ValidationError(_("NIK harus tepat 16 angka (0-9)."), code="nik_format")
    day, month = int(value[6:8]), int(value[8:10])
    if day > 40:  # women: day of birth + 40
        day -= 40
    if not (1 <= day <= 31 and 1 <= month <= 12):
        raise ValidationError(
            _("Bagian tanggal lahir NIK (digit 7-12) tidak mungkin: tanggal %(day)s, bulan %(month)s."),
            code="nik_date",
            params={"day": value[6:8], "month": value[8:10]},
        )
    return value


def nik_outside_kutim(value):
    """True when the region prefix is not Kutim's: worth a warning, not an error (members move)."""
    return not value.startswith(KUTIM_PREFIX)


def normalise_nik(value):
    """Strip the spaces, dots and dashes people type between groups of digits."""
    return re.sub(r"[\s.\-]", "", value or "")


@lru_cache(maxsize=4)
def _fernet(keys):
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def fernet():
    """The configured keys: the first encrypts, every one decrypts (rotation: rotate_nik_keys)."""
    return _fernet(tuple(settings.NIK_ENCRYPTION_KEYS))


def newest_fernet():
    """The first key alone: what a token already rotated decrypts with."""
    return _fernet(tuple(settings.NIK_ENCRYPTION_KEYS[:1]))


def encrypt_nik(nik):
    return fernet().encrypt(nik.encode("ascii")).decode("ascii")


def decrypt_nik(token):
    """The plain NIK, or None when the token cannot be read with the configured keys."""
    if not token:
        return None
    try:
        return fernet().decrypt(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        return None


def hash_nik(nik):
    return hmac.new(settings.NIK_HASH_KEY.encode(), nik.encode("ascii"), hashlib.sha256).hexdigest()


def last4(nik):
    """What a mask shows, stored beside the ciphertext so that no mask ever needs a decryption."""
    return nik[-4:] if nik else ""


def mask_nik(last_digits):
    """`************0001`: the last four digits, everywhere and for everyone.

    Never more: the six middle digits are the birth date (day + 40 for women) and the first six
    the region, both readable from a profile (birth date, sex, desa), so a mask that kept either
    could be undone without a logged reveal.
    """
    if not last_digits:
        return ""
    return "*" * 12 + last_digits[-4:]


def mask_nik_short(nik):
    """The mask of a full NIK (imports, tests); stored records use `mask_nik(member.nik_last4)`."""
    return mask_nik(last4(nik))


# Sixteen digits, also typed in groups (`6408 0412 0390 0001`, `6408.0412...`): what a log line,
# a stored filter or an error report must never hold. Longer runs of digits are left alone.
_NIK_LIKE_RE = re.compile(r"(?<![0-9])[0-9](?:[ .\-]?[0-9]){15}(?![0-9])")
REDACTED = "[NIK]"


def redact_niks(text):
    """`text` with every 16-digit number (grouped or not) replaced by `[NIK]`."""
    if not text or not isinstance(text, str):
        return text
    return _NIK_LIKE_RE.sub(REDACTED, text)


def contains_nik(text):
    return bool(text) and isinstance(text, str) and _NIK_LIKE_RE.search(text) is not None
