"""The cooperatives' own sign-ins: a board member's account, bound to one cooperative."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .areas import area_queryset
from .cooperatives import Cooperative
from .people import BoardMember

# The role group of a cooperative's board members (registry/roles.py).
BOARD_ROLE = "Pengurus Koperasi"


class CooperativeAccount(models.Model):
    """A sign-in of a sitting board member (ketua, sekretaris, bendahara), bound to one cooperative.

    A Petugas creates it with a one-time code (only its keyed hash is stored) printed on a letter;
    the board member chooses a username and password with the code, once, within its validity.
    The account ends when the board member's term ends: its user is deactivated.
    """

    # Who may receive an account: the board that signs the cooperative's reports.
    ELIGIBLE_ROLES = (BoardMember.Role.CHAIR, BoardMember.Role.SECRETARY, BoardMember.Role.TREASURER)

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("koperasi"), on_delete=models.PROTECT, related_name="accounts"
    )
    board_member = models.ForeignKey(
        BoardMember, verbose_name=_("masa jabatan"), on_delete=models.PROTECT, related_name="accounts"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("pengguna"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="cooperative_account",
    )
    email = models.EmailField(_("email"), blank=True)
    code_hash = models.CharField(_("hash kode undangan"), max_length=64, unique=True, editable=False)
    code_expires_at = models.DateTimeField(_("kode berlaku sampai"))
    code_used_at = models.DateTimeField(_("kode dipakai"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dibuat oleh"), on_delete=models.SET_NULL, null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, editable=False)
    ended_at = models.DateTimeField(_("berakhir"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["code_hash"])

    objects = area_queryset("cooperative__desa__kecamatan").as_manager()

    class Meta:
        ordering = ["cooperative", "-created_at"]
        verbose_name = _("akun pengurus koperasi")
        verbose_name_plural = pgettext_lazy("jamak", "akun pengurus koperasi")
        permissions = [("use_portal", _("Dapat memakai portal koperasi"))]
        constraints = [
            # One running account (or invitation) per board term.
            models.UniqueConstraint(
                fields=["board_member"], condition=Q(ended_at__isnull=True), name="cooperativeaccount_one_per_term",
                violation_error_message=_("Pengurus ini sudah punya akun atau undangan yang berlaku."),
            ),
        ]

    def __str__(self):
        return f"{self.board_member.name} ({self.cooperative})"

    @property
    def is_open(self):
        """Still waiting for its first sign-in."""
        return self.user_id is None and self.ended_at is None

    def code_expired(self, now=None):
        return (now or timezone.now()) >= self.code_expires_at
