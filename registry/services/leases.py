"""Named leases (registry/models/operations.py): at most one holder at a time, on any machine."""

import time
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string

from ..models import Lease


def lease_acquire(*, name: str, seconds: float, wait: float = 0, poll: float = 0.5) -> str | None:
    """Take the lease `name` for `seconds`; the holder's token, or None if it stayed taken for `wait` s.

    One conditional UPDATE decides, so two callers never both succeed; a lease whose holder died
    is free again once its time is up.
    """
    Lease.objects.get_or_create(name=name)
    token = get_random_string(32)
    deadline = time.monotonic() + wait
    while True:
        now = timezone.now()
        taken = Lease.objects.filter(Q(holder="") | Q(until__lt=now), name=name).update(
            holder=token, since=now, until=now + timedelta(seconds=seconds)
        )
        if taken:
            return token
        if time.monotonic() >= deadline:
            return None
        time.sleep(poll)


def lease_release(*, name: str, token: str | None = None) -> bool:
    """Give the lease back (only if `token` still holds it; any holder's when `token` is None)."""
    leases = Lease.objects.filter(name=name)
    if token is not None:
        leases = leases.filter(holder=token)
    return bool(leases.update(holder="", since=None, until=None))


def lease_held(*, name: str, token: str, lock: bool = False) -> bool:
    """Whether `token` still holds `name`; with `lock`, the row stays locked to the end of the transaction."""
    leases = Lease.objects.filter(name=name, holder=token)
    return (leases.select_for_update() if lock else leases).exists()
