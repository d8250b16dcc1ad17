"""Data-quality warnings: what a record may hold but the office should look at twice.

Warnings, never refusals: two cooperatives may truly share a name in one desa, and a member's NIK
may truly disagree with the birth date on their card (the error may be in either). Each rule is
defined here once and used by the forms (a warning on save), the profile's data-quality panel and
the Admin Dinas list `/mutu-data/`.
"""

import datetime

from django.db.models import Count, F, Q, Value
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .selectors.compiled import CompiledRead

# Members reported in the latest yearly report and members listed are "far apart" when they
# differ by more than this share of the larger figure and by more than MEMBERS_APART_MIN people:
# a few joiners or leavers between the report and the list are normal.
MEMBERS_APART_SHARE = 0.10
MEMBERS_APART_MIN = 5


def nik_birth_part(nik):
    """(day, month, two-digit year, female) encoded in digits 7-12 of a 16-digit NIK, or None.

    The day of birth is written plus 40 for women.
    """
    if not nik or len(nik) != 16 or not nik.isdigit():
        return None
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    return (day - 40 if female else day), month, year, female


def nik_birth_agrees(nik, birth_date, sex):
    """True when the NIK's birth part matches the birth date (and sex, when entered); False when it
    does not; None when there is nothing to compare (no NIK or no birth date)."""
    part = nik_birth_part(nik)
    if part is None or not isinstance(birth_date, datetime.date):
        return None
    day, month, year, female = part
    if (day, month, year) != (birth_date.day, birth_date.month, birth_date.year % 100):
        return False
    if sex in ("L", "P") and female != (sex == "P"):
        return False
    return True


def members_far_apart(reported, listed):
    """True when the members reported and the members listed differ by more than normal turnover."""
    if reported is None or listed is None:
        return False
    gap = abs(reported - listed)
    return gap > MEMBERS_APART_MIN and gap > MEMBERS_APART_SHARE * max(reported, listed)


def sitting_chairs(current_board):
    """The sitting ketua among a cooperative's current terms, when there is more than one."""
    from .models import BoardMember

    chairs = [term for term in current_board if term.role == BoardMember.Role.CHAIR]
    return chairs if len(chairs) > 1 else []


def same_name_in_desa(cooperative):
    """Other cooperatives of the same desa with the same name (case and spaces aside): one query."""
    if not cooperative.desa_id or not cooperative.name:
        return []
    # An unsaved cooperative excludes no row: no id is 0.
    return _same_name_in_desa(cooperative.desa_id, " ".join(cooperative.name.split()), cooperative.pk or 0)


def _others_of_the_name(desa, name, pk):
    from .models import Cooperative

    # UPPER on both sides rather than iexact: the name reaches the compiled SQL as it is (iexact is a
    # LIKE pattern on SQLite, escaped while compiling), and the index on (desa, UPPER(name)) answers it.
    return (
        Cooperative.objects.alias(upper_name=Upper("name")).filter(desa_id=desa, upper_name=Upper(Value(name)))
        .exclude(pk=pk).only("id", "name", "nomor_induk").order_by("name", "id")
    )


_same_name_in_desa = CompiledRead(_others_of_the_name, keys=(str, str, int))  # on every profile


def district_same_names(cooperatives):
    """Groups of cooperatives (of `cooperatives`, already limited to the user's area) sharing a
    name in one desa: a list of lists, in two queries whatever the size of the district."""
    keys = (
        cooperatives.exclude(desa=None).annotate(key=Lower("name")).values("desa_id", "key")
        .annotate(n=Count("id")).filter(n__gt=1).values_list("desa_id", "key")
    )
    keys = list(keys[:200])
    if not keys:
        return []
    condition = Q()
    for desa_id, key in keys:
        condition |= Q(desa_id=desa_id, name__iexact=key)
    groups = {}
    for cooperative in (cooperatives.filter(condition).select_related("desa__kecamatan")
                        .order_by("desa__kecamatan__name", "desa__name", "name", "id")):
        groups.setdefault((cooperative.desa_id, cooperative.name.lower()), []).append(cooperative)
    return list(groups.values())


def district_sitting_chairs(cooperatives, today):
    """Cooperatives (of `cooperatives`) with more than one sitting ketua on `today`, with the count."""
    from .models import BoardMember

    current = (
        Q(board_members__role=BoardMember.Role.CHAIR) & Q(board_members__term_start__lte=today)
        & (Q(board_members__ended_on__isnull=True) | Q(board_members__ended_on__gt=today))
        & (Q(board_members__term_end__isnull=True) | Q(board_members__term_end__gte=today))
    )
    return list(
        cooperatives.annotate(chairs=Count("board_members", filter=current)).filter(chairs__gt=1)
        .select_related("desa__kecamatan").order_by("desa__kecamatan__name", "name", "id")[:500]
    )


def district_nik_disagreements(cooperatives):
    """Cooperatives with members whose NIK disagrees with their birth date or sex, with the count."""
    return list(
        cooperatives.annotate(disagreeing=Count("members", filter=Q(members__nik_birth_agrees=False)))
        .filter(disagreeing__gt=0).select_related("desa__kecamatan")
        .order_by("-disagreeing", "name", "id")[:500]
    )


def district_members_far_apart(cooperatives, today):
    """(cooperative, year, reported, listed) where the latest yearly report and the member list
    are far apart; listed counts the members active on `today`, as the profile does."""
    from .models import YearlyReport

    active = Q(members__left_on__isnull=True) | Q(members__left_on__gt=today)
    rows = list(
        cooperatives.order_by().values("id").annotate(listed=Count("members", filter=active))
        .values_list("id", "listed")
    )
    latest = {}
    for report in (YearlyReport.objects.filter(cooperative_id__in=cooperatives.values("id"))
                   .order_by("cooperative_id", "year")
                   .annotate(total=F("members_male") + F("members_female"))
                   .values_list("cooperative_id", "year", "total")):
        latest[report[0]] = report
    far = {pk: (latest[pk][1], latest[pk][2], listed) for pk, listed in rows
           if pk in latest and members_far_apart(latest[pk][2], listed)}
    shown = cooperatives.filter(pk__in=list(far)[:500]).select_related("desa__kecamatan").order_by(
        "desa__kecamatan__name", "name", "id")
    return [(cooperative, *far[cooperative.pk]) for cooperative in shown]


# The warnings a save shows (messages in the user's language), one function per kind of record.

def same_name_warning(others):
    if not others:
        return None
    names = ", ".join(f"{c.name} ({c.nomor_induk or _('tanpa Nomor Induk')})" for c in others[:5])
    return ngettext(
        "Ada %(n)s koperasi lain bernama sama di desa ini: %(names)s. Tersimpan; pastikan ini bukan data ganda.",
        "Ada %(n)s koperasi lain bernama sama di desa ini: %(names)s. Tersimpan; pastikan ini bukan data ganda.",
        len(others)) % {"n": len(others), "names": names}


def sitting_chairs_warning(chairs):
    if not chairs:
        return None
    return ngettext(
        "%(n)s ketua menjabat bersamaan: %(names)s. Akhiri masa jabatan yang sudah selesai.",
        "%(n)s ketua menjabat bersamaan: %(names)s. Akhiri masa jabatan yang sudah selesai.",
        len(chairs)) % {"n": len(chairs), "names": ", ".join(term.name for term in chairs)}


def nik_disagreement_warning(member):
    if member.nik_birth_agrees is not False:
        return None
    return _("Bagian tanggal lahir NIK (digit 7-12) tidak cocok dengan tanggal lahir atau jenis kelamin yang "
             "diisi (untuk perempuan tanggalnya ditambah 40). Tersimpan; periksa KTP anggota ini.")


def cooperative_save_warnings(cooperative):
    return [w for w in [same_name_warning(same_name_in_desa(cooperative))] if w]


def board_save_warnings(cooperative, today=None):
    today = today or timezone.localdate()
    current = [term for term in cooperative.board_members.all() if term.is_current(today)]
    return [w for w in [sitting_chairs_warning(sitting_chairs(current))] if w]


def member_save_warnings(member):
    return [w for w in [nik_disagreement_warning(member)] if w]
