"""Reads about members: the list, and people listed in more than one cooperative."""

from django.db.models import Count

from ..models import Member, NikReveal, NikSearch


def member_list(*, user):
    """Members in the user's area with their cooperative and its kecamatan joined."""
    return Member.objects.for_user(user).select_related("cooperative__desa__kecamatan")


def duplicate_nik_hashes(*, user):
    """NIK hashes listed in more than one cooperative of the user's area, most cooperatives first."""
    return (
        Member.objects.for_user(user)
        .filter(nik_hash__isnull=False)
        .values("nik_hash")
        .annotate(cooperatives=Count("cooperative", distinct=True))
        .filter(cooperatives__gt=1)
        .order_by("-cooperatives", "nik_hash")
    )


def members_by_hash(*, user, hashes):
    """The membership rows of the given NIK hashes, grouped per hash in the given order. One query."""
    rows = member_list(user=user).filter(nik_hash__in=hashes).order_by("nik_hash", "cooperative__name", "id")
    grouped = {h: [] for h in hashes}
    for member in rows:
        grouped[member.nik_hash].append(member)
    return [grouped[h] for h in hashes if grouped[h]]


def nik_reveals(*, user):
    """The reveal log in the user's area, newest first, with who and whose."""
    return NikReveal.objects.for_user(user).select_related("user", "member__cooperative")


def nik_searches(*, limit=50):
    """The latest searches by full NIK, with who: never the NIK, only how many memberships it found."""
    return list(NikSearch.objects.select_related("user")[:limit])
