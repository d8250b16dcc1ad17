"""Writes about members whose every use must leave a trace: revealing a full NIK."""

from django.db import transaction

from ..models import Member, NikReveal, User


@transaction.atomic
def member_reveal_nik(*, member: Member, user: User, ip_address: str | None) -> str | None:
    """The member's full NIK, after logging who asked for it, when and from where (UU 27/2022).

    The log row is written first, in the same transaction: no NIK leaves without its trace.
    """
    NikReveal.objects.create(member=member, user=user, ip_address=ip_address)
    return member.nik
