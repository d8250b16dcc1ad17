"""Writes of a user's second factor: the authenticator app, backup codes, checking a code, a reset."""

import re
import time
from binascii import unhexlify

from django.db import transaction
from django_otp import device_classes, verify_token
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from ..models import User

BACKUP_CODE_COUNT = 10
# Device names, shown in /admin/.
APP_DEVICE_NAME = "Aplikasi autentikator"
BACKUP_DEVICE_NAME = "Kode cadangan"
# A code typed with spaces or dashes (as printed, "1234 56") is the same code.
_SEPARATORS = re.compile(r"[\s-]+")


def new_totp_key() -> str:
    """A fresh TOTP secret (hex, 20 bytes), kept in the session until a code proves the app has it."""
    return random_hex(20)


def normalise_code(code: str) -> str:
    return _SEPARATORS.sub("", code).lower()


def is_app_code(code: str) -> bool:
    """Whether a (normalised) code has the shape of an authenticator app's: six ASCII digits."""
    return len(code) == 6 and code.isascii() and code.isdigit()


@transaction.atomic
def totp_device_enrol(*, user: User, key: str, code: str) -> TOTPDevice | None:
    """The user's authenticator app, once `code` shows the app holds `key`; it replaces any earlier app.

    None when the code does not match: nothing is written, the user tries again with the same key.
    """
    code = normalise_code(code)
    if not is_app_code(code):
        return None
    totp = TOTP(unhexlify(key))
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=1):
        return None
    TOTPDevice.objects.filter(user=user).delete()
    # last_t: the code just used cannot serve again at the next sign-in.
    return TOTPDevice.objects.create(user=user, key=key, name=APP_DEVICE_NAME, confirmed=True, last_t=totp.t())


@transaction.atomic
def backup_codes_renew(*, user: User) -> list[str]:
    """New single-use backup codes for a lost phone; the earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_check(*, user: User, code: str) -> Device | None:
    """The device that accepts `code`, or None: six digits are tried on the authenticator app,
    anything else on the backup codes (a backup code is used up).

    Each device is locked while it checks and counts its failures: after a wrong code it refuses
    any code for a time that doubles with each further failure (django-otp's throttling).
    """
    code = normalise_code(code)
    model = TOTPDevice if is_app_code(code) else StaticDevice
    for device in model.objects.devices_for_user(user, confirmed=True):
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


@transaction.atomic
def second_factor_reset(*, user: User) -> int:
    """Remove every device and backup code of the user (lost phone): at the next sign-in an
    Admin Dinas enrols again, anyone else signs in with the password alone. The number removed."""
    removed = 0
    for model in device_classes():
        removed += model.objects.filter(user=user).count()
        model.objects.filter(user=user).delete()
    return removed
