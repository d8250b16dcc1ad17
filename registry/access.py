"""A signed-in user's permissions, roles and area, read once and reused until any of them changes.

Measured on the cooperative list (docs/benchmarks.md, "Per-request work"): five of its ten queries
asked who the user is allowed to be: their own and their groups' permissions, their groups' names
(the header's role), their kecamatan codes (the area rule) and, for a limited user, the kecamatan
names (the header). None of these changes between two requests unless an administrator changes
something, so they are kept in Django's cache under the key

    user id + the AccessStamp token + superuser and active flags

and the one query left per request reads the token (a one-row table), in the same statement that
reads the signed-in user (`UserWithAccessTokenBackend`), so it costs no round trip of its own.
Every change that can alter what is cached gives a new token (`bump`, connected in
`connect_invalidation`), inside the same transaction as the change: a request that sees the change
also sees the new token, and a request that read the old token before the change committed can only
store under a key nobody reads again. The cache is Django's (per process by default,
settings.CACHES): each gunicorn worker holds its own copy, and since every one of them reads the
token from the database on each request, none can serve what another worker's admin page changed.
"""

import uuid
from contextvars import ContextVar

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Subquery
from django.db.models.signals import m2m_changed, post_migrate, post_save, pre_delete
from django.utils import timezone

from .models import AccessStamp, Desa, Kecamatan, User
from .selectors.compiled import CompiledRead

# The token read by the current request, for caches of what derives from the area and the regions
# (registry/widgets.py): None outside a signed-in request, and then nothing is cached.
request_token = ContextVar("registry_access_token", default=None)

# A session lasts at most 12 hours; an entry unused that long is of no further use.
CACHE_SECONDS = 12 * 60 * 60
STAMP_PK = 1
MISSING = object()


def current_token():
    """The token of the current access data (one query), or None when its row is missing."""
    return AccessStamp.objects.filter(pk=STAMP_PK).values_list("token", flat=True).first()


def bump(using=DEFAULT_DB_ALIAS):
    """A new token: every cached access lookup is read afresh by the next request."""
    stamps = AccessStamp.objects.using(using)
    if not stamps.filter(pk=STAMP_PK).update(token=uuid.uuid4(), changed_at=timezone.now()):
        stamps.get_or_create(pk=STAMP_PK)  # the row was removed (a flushed test database)


# The token read with the user by UserWithAccessTokenBackend (an annotation of the user's row).
TOKEN_READ_WITH_USER = "access_token_read_with_user"


class UserWithAccessTokenBackend(ModelBackend):
    """Django's ModelBackend, whose per-request read of the signed-in user also reads the access
    token: the session, the user and the token were three round trips on every page, now two.

    The token comes from the same statement (one snapshot) as the user, as fresh as the separate
    query it replaces. A user loaded any other way (a view that sets request.user itself) has no
    such attribute, and `load` reads the token with a query of its own.
    """

    def get_user(self, user_id):
        if type(user_id) is int:  # the session's id, as Django's login keeps it for our integer key
            rows = _read_user_with_token(user_id)
        else:
            rows = _user_with_token(user_id)[:1]
        user = next(iter(rows), None)
        return user if user is not None and self.user_can_authenticate(user) else None


def _user_with_token(user_id):
    token = AccessStamp.objects.filter(pk=STAMP_PK).values("token")[:1]
    return User._default_manager.annotate(**{TOKEN_READ_WITH_USER: Subquery(token)}).filter(pk=user_id)


# The same statement on every request, written by the ORM once per process: building and compiling
# it was three quarters of the read's CPU (0.45 of 0.6 ms; docs/benchmarks.md, "The session and the
# user, compiled once").
_read_user_with_token = CompiledRead(_user_with_token)


def cache_key(user, token):
    return f"registry:access:{user.pk}:{token}:{int(user.is_superuser)}:{int(user.is_active)}"


def load(user):
    """Give `user` its permissions, roles and area from the cache (computing them once per token).

    Sets the attributes Django's ModelBackend and our User read lazily (`_perm_cache`,
    `role_names`, `area_codes`, `area_names`), so every later `has_perm()`, area rule and header
    of the request is answered without a query. Also keeps the token on the user
    (`access_token`) for caches of things derived from the area (registry/widgets.py).
    """
    token = getattr(user, TOKEN_READ_WITH_USER, MISSING)
    if token is MISSING:
        token = current_token()
    user.access_token = token
    if token is None:
        return
    key = cache_key(user, token)
    data = cache.get(key)
    # An active superuser's has_perm() is True without asking a backend: their permissions are not
    # read (Django reads them only if asked for the list, as before).
    superuser = user.is_active and user.is_superuser
    if data is None:
        backend = ModelBackend()
        data = {
            "user_perms": None if superuser else sorted(backend.get_user_permissions(user)),
            "group_perms": None if superuser else sorted(backend.get_group_permissions(user)),
            "role_names": user.role_names,
            "area_codes": user.area_codes,
            "area_names": user.area_names,
        }
        cache.set(key, data, CACHE_SECONDS)
    if data["user_perms"] is not None:
        user._user_perm_cache = set(data["user_perms"])
        user._group_perm_cache = set(data["group_perms"])
        user._perm_cache = user._user_perm_cache | user._group_perm_cache
    for name in ("role_names", "area_codes", "area_names"):
        setattr(user, name, data[name])  # fills the cached_property (request.user is a lazy proxy)


# ---------------------------------------------------------------------------------------------
# Invalidation: receivers, because a user's groups and area change through Django admin, through
# seed and management commands and through the services alike, and m2m_changed is the one place
# every one of those passes.
# ---------------------------------------------------------------------------------------------


def _bump_on_m2m(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    # pre_clear too: after a clear nothing says which rows were there, and the token must change
    # with the transaction that clears them.
    if action in ("post_add", "post_remove", "pre_clear"):
        bump(using)


def _bump_on_change(sender, using=DEFAULT_DB_ALIAS, raw=False, **kwargs):
    if not raw:  # loading a fixture: the migrate after it (or the next bump) renews the token
        bump(using)


def _bump_on_user_created(sender, instance, created, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    """A new account: its id may be one a rolled-back test (or a restored database) used before.
    Other saves of a user change nothing cached (superuser and active are in the key) and keep the
    token, so a sign-in's last_login costs no cache."""
    if created and not raw:
        bump(using)


def _bump_after_migrate(sender, using, **kwargs):
    # A data migration may change groups, permissions or regions through historical models, whose
    # signals no receiver here hears: every migrate gives a new token.
    if AccessStamp._meta.db_table in connections[using].introspection.table_names():
        bump(using=using)


def connect_invalidation():
    """Connected in RegistryConfig.ready()."""
    post_migrate.connect(_bump_after_migrate, dispatch_uid="registry_access_after_migrate")
    for through in (User.groups.through, User.user_permissions.through, User.kecamatan.through,
                    Group.permissions.through):
        m2m_changed.connect(_bump_on_m2m, sender=through, dispatch_uid=f"registry_access_{through._meta.label}")
    for model in (Group, Kecamatan, Desa):
        post_save.connect(_bump_on_change, sender=model, dispatch_uid=f"registry_access_save_{model._meta.label}")
    for model in (Group, Kecamatan, Desa, Permission, User):
        # pre_delete: the rows of the join tables go with the deleted row, without m2m_changed.
        pre_delete.connect(_bump_on_change, sender=model, dispatch_uid=f"registry_access_delete_{model._meta.label}")
    post_save.connect(_bump_on_user_created, sender=User, dispatch_uid="registry_access_user_created")
