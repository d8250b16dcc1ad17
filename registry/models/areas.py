"""The area rule, the regions of Kutai Timur, and the users whose work is limited to some of them."""

import uuid

from django.conf import settings
from django.contrib.auth import get_backends
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

# ---------------------------------------------------------------------------------------------
# The area rule
# ---------------------------------------------------------------------------------------------


class AreaQuerySet(models.QuerySet):
    """Querysets that know the path from their rows to a kecamatan code.

    `for_user()` is the one entry point that limits records to a user's area: every view reaches
    registry records through it, so a record outside the area is simply not found (404).
    """

    area_lookup = "desa__kecamatan"

    def for_user(self, user):
        return self.in_area(user_area(user))

    def in_area(self, area):
        """The rows in `area`, as `user_area` gives a user's."""
        if area is NO_AREA:
            return self.none()
        if area is WHOLE_DISTRICT:
            return self
        return self.in_kecamatan(area)

    def in_kecamatan(self, codes):
        return self.filter(**{f"{self.area_lookup}__in": codes})


NO_AREA = None
WHOLE_DISTRICT = "*"


def user_area(user):
    """All that the area rule reads of a user: NO_AREA (not signed in), WHOLE_DISTRICT, or the tuple
    of kecamatan codes they are limited to. A read compiled once per area (selectors/compiled.py)
    keeps one statement per value of it."""
    if not getattr(user, "is_authenticated", False):
        return NO_AREA
    codes = user.area_codes
    return WHOLE_DISTRICT if codes is None else tuple(codes)


def area_queryset(lookup):
    """An AreaQuerySet whose rows reach their kecamatan code through `lookup`."""
    return type(f"AreaQuerySet_{lookup}", (AreaQuerySet,), {"area_lookup": lookup})


# ---------------------------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------------------------


class Kecamatan(models.Model):
    """A district (kecamatan) of Kutai Timur with its Kemendagri code (64.08.xx)."""

    code = models.CharField(_("kode"), max_length=8, primary_key=True)
    name = models.CharField(_("nama"), max_length=100, unique=True)
    history = HistoricalRecords()

    objects = area_queryset("code").as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = pgettext_lazy("jamak", "kecamatan")

    def __str__(self):
        return self.name


class Desa(models.Model):
    """A village (desa) or urban village (kelurahan) with its Kemendagri code (64.08.xx.xxxx)."""

    class Level(models.TextChoices):
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan"), on_delete=models.PROTECT, related_name="desa_set"
    )
    level = models.CharField(_("jenis wilayah"), max_length=10, choices=Level.choices, default=Level.DESA)
    history = HistoricalRecords()

    objects = area_queryset("kecamatan").as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = pgettext_lazy("jamak", "desa/kelurahan")
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "name"], name="desa_unique_name_in_kecamatan"),
        ]

    def __str__(self):
        return self.name


class RegionAlias(models.Model):
    """A known other spelling of a region name word (Kongbeng for Kombeng), accepted on import."""

    alias = models.CharField(_("ejaan lain"), max_length=100, unique=True)
    canonical = models.CharField(_("ejaan resmi"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        ordering = ["alias"]
        verbose_name = _("alias nama wilayah")
        verbose_name_plural = pgettext_lazy("jamak", "alias nama wilayah")

    def __str__(self):
        return f"{self.alias} = {self.canonical}"


# ---------------------------------------------------------------------------------------------
# Users and their area
# ---------------------------------------------------------------------------------------------


class User(AbstractUser):
    """A person who signs in: Dinas staff, officials, administrators.

    `kecamatan` limits what the user sees and edits; empty means the whole district.
    """

    kecamatan = models.ManyToManyField(
        Kecamatan,
        verbose_name=_("wilayah kerja (kecamatan)"),
        blank=True,
        related_name="users",
        help_text=_("Kosongkan untuk seluruh kabupaten."),
    )
    # Who may see which area, and in which role, is itself audit data.
    history = HistoricalRecords(m2m_fields=["kecamatan", "groups"], excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("pengguna")
        verbose_name_plural = pgettext_lazy("jamak", "pengguna")

    @cached_property
    def area_codes(self):
        """The kecamatan codes this user is limited to, or None for the whole district.

        Read by the area rule (AreaQuerySet) only: code outside models/ asks the two questions below.
        """
        codes = sorted(self.kecamatan.values_list("code", flat=True)) if self.pk else []
        return codes or None

    @property
    def covers_whole_district(self):
        """Whether the user works on the whole district (no kecamatan set)."""
        return self.area_codes is None

    def covers_kecamatan(self, code):
        """Whether the kecamatan with this code lies in the user's area."""
        return self.area_codes is None or code in self.area_codes

    @cached_property
    def role_names(self):
        return sorted(self.groups.values_list("name", flat=True)) if self.pk else []

    @cached_property
    def area_names(self):
        """The names of the kecamatan this user is limited to (the page header), empty for the district."""
        if self.area_codes is None:
            return []
        return list(Kecamatan.objects.filter(code__in=self.area_codes).values_list("name", flat=True))

    def has_perm(self, perm, obj=None):
        """Django's has_perm (an active superuser has every permission; otherwise the first backend
        that grants it, and a backend's PermissionDenied refuses) over the backends loaded once per
        setting. Django imports and builds every backend anew for each question, about 5 of the 6
        microseconds one took, and a page asks some twenty (the menu, the export links, the buttons)."""
        if self.is_active and self.is_superuser:
            return True
        for backend in _permission_backends():
            try:
                if backend.has_perm(self, perm, obj):
                    return True
            except PermissionDenied:
                return False
        return False


_loaded_backends = ((), ())


def _permission_backends():
    """The authentication backends that answer permissions, loaded again when the setting changes."""
    global _loaded_backends
    paths = tuple(settings.AUTHENTICATION_BACKENDS)
    if _loaded_backends[0] != paths:
        _loaded_backends = (paths, tuple(backend for backend in get_backends() if hasattr(backend, "has_perm")))
    return _loaded_backends[1]


class AccessStamp(models.Model):
    """One row whose token changes with every change of who may do what, and where.

    A user's permissions, roles and area, and the region choices of their area, are cached between
    requests under this token (registry/access.py): a change of a user's groups, permissions or
    kecamatan, of a group's permissions or name, or of a kecamatan or desa gives a new token, so the
    next request of every user reads them afresh. A random token rather than a counter: a database
    restored from a backup (or a test rolled back) never brings back a token a cache still holds.
    """

    token = models.UUIDField(default=uuid.uuid4)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Internal: written by the receivers of registry/access.py only, never through a form or admin.
        default_permissions = ()
        verbose_name = _("penanda perubahan akses")
        verbose_name_plural = pgettext_lazy("jamak", "penanda perubahan akses")

    def __str__(self):
        return str(self.token)
