"""Reads about members: the list, and people listed in more than one cooperative."""

from django.db.models import Count, F

from ..models import Member, NikReveal, NikSearch


def member_list(*, user):
    """Members in the user's area with their cooperative and its kecamatan joined."""
    return Member.objects.for_user(user).select_related("cooperative__desa__kecamatan")


# What a row of the member list shows of a member (templates/jinja2/registry/members/_rows.html): the NIK
# as its mask, from the last four digits; the encrypted NIK, its hash and the birth date are not read.
# The cooperative's name is the member's own copy (Member.cooperative_name), as the list's order.
LIST_ROW_FIELDS = ["cooperative_id", "cooperative_name", "name", "has_nik", "nik_last4", "sex", "left_on"]


def member_list_rows(*, user):
    """`member_list` with only the member's own columns that the list's rows show (the kecamatan's
    name comes with `with_row_names`, on the page's rows only)."""
    return Member.objects.for_user(user).only(*LIST_ROW_FIELDS)


def with_row_names(members):
    """The kecamatan's name as a column of the same query rather than another model instance per row
    (building whole models a row was most of the rows' time); the cooperative's name is the
    member's own copy.

    Only for the rows of a page: joined into the list's count, the kecamatan's table made the
    national count of the first 10,001 members 3 ms slower (its cooperative and desa joins stay
    whenever a filter or the area needs them). The kecamatan is the member's own copy of its
    cooperative's (Member.kecamatan, kept by every write that moves either): one join fewer for
    PostgreSQL to read and to plan (planning the rows' statement took longer than running it)."""
    return members.annotate(kecamatan_name=F("kecamatan__name"))


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
    rows = member_list(user=user).filter(nik_hash__in=hashes).order_by(
        "nik_hash", "cooperative_name", "cooperative_id", "id")
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
