"""Writes about members whose every use must leave a trace: revealing a full NIK, searching by one."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .. import nik as nik_codec
from ..models import Member, NikReveal, NikSearch, User
from .limits import enforce_daily_limit

logger = logging.getLogger(__name__)

# A purpose is a short sentence ("pencocokan data bantuan pupuk"), not a letter or two.
REVEAL_PURPOSE_MIN = 5
REVEAL_PURPOSE_MAX = 200


@transaction.atomic
def member_reveal_nik(*, member: Member, user: User, ip_address: str | None, purpose: str) -> str | None:
    """The member's full NIK, after logging who asked for it, why, when and from where (UU 27/2022).

    The log row is written first, in the same transaction: no NIK leaves without its trace.
    Raises LimitReached past NIK_REVEAL_DAILY_LIMIT reveals in 24 hours. None when the stored NIK
    cannot be read with the configured keys (logged as an error: a key problem, never a blank).
    """
    enforce_daily_limit(user=user, recent=NikReveal.objects.filter(user=user), time_field="revealed_at",
                        limit=settings.NIK_REVEAL_DAILY_LIMIT, what=_("membuka NIK"))
    purpose = " ".join(str(purpose or "").split())
    if not REVEAL_PURPOSE_MIN <= len(purpose) <= REVEAL_PURPOSE_MAX:
        raise ValueError("a reveal needs its purpose")  # the view checks first and says so to the user
    NikReveal.objects.create(member=member, user=user, ip_address=ip_address, purpose=purpose)
    nik = member.nik
    if member.has_nik and nik is None:
        logger.error("member %s: the stored NIK cannot be decrypted with NIK_ENCRYPTION_KEY", member.pk)
    return nik


@dataclass
class NikSearchResult:
    nik_hash: str
    masked: str
    memberships: list  # the members found in the user's area, with their cooperative


@transaction.atomic
def member_search_nik(*, nik: str, user: User, ip_address: str | None) -> NikSearchResult:
    """Memberships of a full NIK in the user's area, after logging the search (never the NIK).

    `nik` is already validated (16 digits). Raises LimitReached past NIK_SEARCH_DAILY_LIMIT.
    """
    enforce_daily_limit(user=user, recent=NikSearch.objects.filter(user=user), time_field="searched_at",
                        limit=settings.NIK_SEARCH_DAILY_LIMIT, what=_("mencari NIK"))
    nik_hash = nik_codec.hash_nik(nik)
    memberships = list(
        Member.objects.for_user(user).filter(nik_hash=nik_hash)
        .select_related("cooperative__desa__kecamatan").order_by("cooperative_name", "cooperative_id", "id")
    )
    NikSearch.objects.create(user=user, ip_address=ip_address, nik_hash=nik_hash, found=len(memberships))
    return NikSearchResult(nik_hash=nik_hash, masked=nik_codec.mask_nik_short(nik), memberships=memberships)
