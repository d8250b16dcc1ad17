"""Who is asking: the client address behind the office's reverse proxy."""

from django.conf import settings


def client_ip(request):
    """The client's address for lockouts and audit logs.

    X-Forwarded-For is written by whoever sends the request, so only the entries appended by our
    own proxies (the last TRUSTED_PROXY_COUNT) are believed; without proxies, REMOTE_ADDR.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")
