"""Audit records of access to personal data (UU 27/2022): who saw whose full NIK, who looked a NIK
up, and when."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .areas import area_queryset
from .people import Member


class NikReveal(models.Model):
    """One explicit reveal of a member's full NIK: who, whose, when and from which address.

    Append-only: written by `member_reveal_nik`, never changed; no history of its own is needed.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(Member, verbose_name=_("anggota"), on_delete=models.PROTECT, related_name="nik_reveals")
    revealed_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    # Why the full NIK was needed, as the officer stated it (UU 27/2022: processing for a purpose).
    # Empty only on reveals logged before the purpose was asked.
    purpose = models.CharField(_("keperluan"), max_length=200, blank=True)

    objects = area_queryset("member__cooperative__desa__kecamatan").as_manager()

    class Meta:
        ordering = ["-revealed_at", "-id"]
        verbose_name = _("pembukaan NIK")
        verbose_name_plural = _("log pembukaan NIK")
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.user} -> {self.member} ({self.revealed_at:%d/%m/%Y %H:%M})"


class MemberErasure(models.Model):
    """One erasure of a member's personal data: who, whose (the tombstone), when, why; never the data.

    `erased_by` is empty for the retention purge (`purge_personal_data`), which erases members who
    left more than PERSONAL_DATA_RETENTION_YEARS ago.
    """

    class Source(models.TextChoices):
        REQUEST = "permintaan", _("Atas permintaan")
        RETENTION = "retensi", _("Masa simpan habis")

    member = models.ForeignKey(Member, verbose_name=_("anggota (tanda hapus)"), on_delete=models.PROTECT,
                               related_name="erasures")
    erased_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    erased_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    source = models.CharField(_("dasar"), max_length=10, choices=Source.choices)
    reason = models.TextField(_("alasan"))

    objects = area_queryset("member__cooperative__desa__kecamatan").as_manager()

    class Meta:
        ordering = ["-erased_at", "-id"]
        verbose_name = _("penghapusan data pribadi")
        verbose_name_plural = _("log penghapusan data pribadi")
        default_permissions = ("view",)

    def __str__(self):
        return f"#{self.member_id} ({self.erased_at:%d/%m/%Y %H:%M})"


class NikSearch(models.Model):
    """One search by full NIK: who, when, from where, how many memberships it found.

    The NIK itself is never stored; its keyed hash is, so an auditor can answer "who looked up
    this person" by hashing the NIK in question (erasure clears it with the member's data).
    Searches count against a daily limit: for a role without `reveal_nik` a search is the only
    way to test a guessed NIK.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.PROTECT, related_name="+"
    )
    searched_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    nik_hash = models.CharField(_("hash NIK"), max_length=64, null=True, blank=True, db_index=True)
    found = models.PositiveIntegerField(_("keanggotaan ditemukan"), default=0)

    class Meta:
        ordering = ["-searched_at", "-id"]
        verbose_name = _("pencarian NIK")
        verbose_name_plural = _("log pencarian NIK")
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.user} ({self.searched_at:%d/%m/%Y %H:%M})"


class NikKeyCheck(models.Model):
    """One row: a known text encrypted under NIK_ENCRYPTION_KEY and its HMAC under NIK_HASH_KEY.

    Written when the database is migrated (registry.key_check), re-encrypted by `rotate_nik_keys`:
    at start the application checks that its keys read it, and refuses to run with keys that would
    show every NIK blank and hash every search wrong.
    """

    encrypted = models.TextField(_("nilai uji terenkripsi"))
    hash = models.CharField(_("nilai uji hash"), max_length=64)
    written_at = models.DateTimeField(_("ditulis"), default=timezone.now)

    class Meta:
        verbose_name = _("nilai uji kunci NIK")
        default_permissions = ()

    def __str__(self):
        return f"{self._meta.verbose_name} ({self.written_at:%d/%m/%Y %H:%M})"
