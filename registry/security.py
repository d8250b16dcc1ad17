"""Who is signing in, and how often they failed: the client address behind the office's reverse
proxy, the username as axes records it, and the lockout thresholds per combination."""

import ipaddress
from functools import lru_cache

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

# axes keeps the username in a 255-character column; the login form refuses longer ones first.
USERNAME_RECORD_LENGTH = 255


@lru_cache(maxsize=8)
def _networks(proxies):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(value):
    """The IP address in `value`, IPv4-mapped IPv6 as IPv4; None when it is not one."""
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def client_ip(request):
    """The client's address for lockouts and audit logs, or None when the request carries none.

    X-Forwarded-For is written by whoever sends the request, so it is read from the right and only
    while the hop that handed the request over is one of TRUSTED_PROXIES: a request reaching
    gunicorn from any other address is taken at that address, whatever its header says.
    """
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))
    address = _address(request.META.get("REMOTE_ADDR"))
    if address is None:
        return None
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    while hops and any(address in network for network in trusted):
        previous = _address(hops.pop())
        if previous is None:
            break  # not written by one of our proxies: the last trusted hop is all we know
        address = previous
    return str(address)


def login_username(request, credentials=None):
    """The username of a sign-in attempt as axes records it, cut to its column."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    return username[:USERNAME_RECORD_LENGTH] if isinstance(username, str) else username


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a threshold per lockout combination (LOGIN_LOCKOUT_LIMITS).

    Axes compares one failure count with one limit (AXES_FAILURE_LIMIT): the count given back is
    the worst combination's, scaled so that it reaches the limit exactly when that combination
    reaches its own threshold.
    """

    def get_failures(self, request, credentials=None):
        limit = get_failure_limit(request, credentials)
        combinations = get_lockout_parameters(request, credentials)
        worst = 0
        for parameters, attempts in zip(combinations, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            key = (parameters,) if isinstance(parameters, str) else tuple(parameters)
            worst = max(worst, failures * limit // settings.LOGIN_LOCKOUT_LIMITS[key])
        return worst

    def reset_user_attempts(self, request, credentials=None):
        """A success clears the failures of its own username from its own address only.

        Clearing by address would let someone with one valid account wipe the count of a
        password-guessing run over other usernames by signing in between guesses.
        """
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials), ip_address=request.axes_ip_address
        ).delete()
        return count
