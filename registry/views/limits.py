"""The answer to a request past a daily limit on personal data (registry.services.limits)."""

from django.shortcuts import render


def limit_reached(request, error):
    """429 with the limit's Indonesian message and when to try again."""
    response = render(request, "registry/limit_reached.html", {"message": error.message}, status=429)
    response["Retry-After"] = str(error.retry_after)
    response["Cache-Control"] = "no-store"
    return response
