"""People by their names: `{% person user %}` writes a full name, with the username where two share it.

The one way every page names who did something (history, import batches, the reveal log, status
steps, assessments, conflicts). A username alone means little to a reader; a full name alone cannot
tell apart two accounts of people who share it, so those get their username beside it.
"""

from django import template
from django.db.models import Count
from django.db.models.functions import Lower, Trim

from ..models import User
from ..selectors.compiled import CompiledRead

register = template.Library()

NOBODY = "–"


def shared_full_names():
    """The full names (lower case, trimmed) that more than one account carries: one query."""
    return {(first, last) for first, last in _shared_names() if first or last}


# Compiled once per process (a page naming people asks on every request: a profile's status steps).
_shared_names = CompiledRead(
    lambda: User.objects.annotate(first=Lower(Trim("first_name")), last=Lower(Trim("last_name")))
    .values("first", "last").annotate(accounts=Count("id")).filter(accounts__gt=1)
    .values_list("first", "last"),
    keys=(),
)


def person_name(user, shared):
    """A user's full name, with the username when `shared` (see shared_full_names) holds that name."""
    name = user.get_full_name()
    if not name:
        return user.username
    if (user.first_name.strip().lower(), user.last_name.strip().lower()) in shared:
        return f"{name} ({user.username})"
    return name


def person_on_page(request, user, default=NOBODY):
    """What `{% person %}` writes, for the page of `request`: the shared names are read once per
    request, whatever the number of people on the page (also `person()` in the Jinja2 partials)."""
    if user is None or user == "":
        return default
    if not user.get_full_name():
        return user.username
    shared = getattr(request, "_shared_full_names", None)
    if shared is None:
        shared = shared_full_names()
        if request is not None:
            request._shared_full_names = shared
    return person_name(user, shared)


@register.simple_tag(takes_context=True)
def person(context, user, default=NOBODY):
    """`{% person record.history_user %}`; `default` when there is nobody (a system change)."""
    return person_on_page(context.get("request"), user, default)
