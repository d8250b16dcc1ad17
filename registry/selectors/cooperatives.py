"""Reads for the staff workspace: the cooperative list and everything a profile shows."""

import datetime
import functools
import operator
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import data_quality as quality_rules
from .. import masks
from ..figures import MEMBERS_TOTAL, REPORT_TOTALS, board_is_complete, missing_board_roles
from ..models import BoardMember, Cooperative, Member, RegionAlias, StatusChange, YearlyReport, last_full_year
from ..models.areas import user_area
from .compiled import CompiledRead

# Fields whose history is not shown as a difference: bookkeeping, or ciphertext of personal data.
# nik_birth_agrees is derived from fields whose own changes are listed (the NIK, the birth date, the sex).
HIDDEN_HISTORY_FIELDS = {"version", "nik_encrypted", "nik_hash", "nik_birth_agrees", "created_at", "updated_at"}
NO_RAT_WARNING_YEARS = 2
HISTORY_WINDOW = 200  # history rows read per model for a cooperative's history page
# The records whose changes a cooperative's history page lists: kind, model, the column naming the cooperative.
HISTORY_SOURCES = [
    ("koperasi", Cooperative, "id"),
    ("pengurus", BoardMember, "cooperative_id"),
    ("laporan", YearlyReport, "cooperative_id"),
    ("anggota", Member, "cooperative_id"),
]
# Members the profile lists, by name; the member list filtered to the cooperative has them all.
PROFILE_MEMBERS = 10

# What a complete cooperative record holds, for the data quality panel.
COMPLETENESS_FIELDS = [
    "nomor_induk", "legal_entity_number", "legal_entity_date", "address", "postcode", "latitude", "longitude",
    "phone", "email", "ods_grade", "field_verified_on",
]


def cooperative_list(*, user):
    """The cooperatives in the user's area, with what a list row shows (desa and kecamatan) joined."""
    return Cooperative.objects.for_user(user).select_related("desa__kecamatan")


# What a row of the cooperative list shows of a cooperative (templates/jinja2/registry/cooperatives/_rows.html);
# the year's report figures and the status at a year's end come as the list's filters annotate them.
LIST_ROW_FIELDS = ["name", "merah_putih", "nomor_induk", "desa_id", "jenis", "kelompok", "status", "updated_at"]


def cooperative_list_rows(*, user):
    """`cooperative_list` with only the cooperative's own columns that the list's rows show (the
    names of the desa and kecamatan come with `with_row_names`, on the page's rows only)."""
    return Cooperative.objects.for_user(user).only(*LIST_ROW_FIELDS)


def with_row_names(cooperatives):
    """The desa's and kecamatan's names as columns of the same query rather than two more model
    instances per row; for the rows of a page only, so that the list's count and total line do
    not join the kecamatan for them."""
    return cooperatives.annotate(desa_name=F("desa__name"), kecamatan_name=F("desa__kecamatan__name"))


def cooperative_for_profile(*, user, pk, today=None):
    """The cooperative `pk` if it lies in the user's area (else None), with its desa and kecamatan
    and the counts the profile shows: members listed, active on `today`, and NIKs disagreeing with
    the birth date (`members_listed`, `members_active`, `members_nik_disagreeing`); the saved
    changes of its history page (`history_count`).

    The counts ride on the cooperative's own query (its members joined and counted, grouped by the
    cooperative), so the profile needs no aggregate query of its own. A join rather than three
    correlated subqueries: the same SQL work over the member index, and a third of the ORM's work to
    build it (docs/benchmarks.md, "Profile page"). The area rule follows single-valued relations
    (desa, kecamatan), so the join never counts a member twice. Compiled once per area and day.
    """
    rows = _profile_cooperative(pk, shape=(user_area(user), today or timezone.localdate()))
    return rows[0] if rows else None


def _cooperatives_with_counts(area, today):
    active = Q(members__left_on__isnull=True) | Q(members__left_on__gt=today)
    return Cooperative.objects.in_area(area).select_related("desa__kecamatan").annotate(
        members_listed=Count("members"),
        members_active=Count("members", filter=active),
        members_nik_disagreeing=Count("members", filter=Q(members__nik_birth_agrees=False)),
        history_count=history_count(),
    )


_profile_cooperative = CompiledRead(
    lambda key, area, today: _cooperatives_with_counts(area, today).filter(pk=key)
)


def cooperative_for_history(*, user):
    """The cooperatives whose history page a user may open (the user's area), with `history_count`."""
    return Cooperative.objects.for_user(user).select_related("desa__kecamatan").annotate(
        history_count=history_count()
    )


def history_count():
    """The saved changes of a cooperative, its board terms, yearly reports and members (the rows
    `history_entries` chooses from), as an annotation of a query on the cooperatives.

    Raw SQL correlated to the cooperative's row: the same four counts over the history tables'
    cooperative indexes as four Subquery(Count()) expressions, for a twentieth of the ORM's work to
    build them (3 ms more per profile request with the expressions, 0.2 ms with this; measured on
    the demo district).
    """
    return RawSQL(_history_count_sql(), [], output_field=IntegerField())


@functools.cache
def _history_count_sql():
    # Written once per process: simple_history builds a new manager class on every `Model.history`.
    quote = connection.ops.quote_name
    owner = f"{quote(Cooperative._meta.db_table)}.{quote('id')}"
    counts = [
        f"(SELECT COUNT(*) FROM {quote(model.history.model._meta.db_table)} WHERE {quote(column)} = {owner})"
        for _kind, model, column in HISTORY_SOURCES
    ]
    return " + ".join(counts)


def cooperative_totals(queryset, *, reports=False, desa=False):
    """The total line of a filtered cooperative list, over all its rows (not one page): one aggregate query.

    `reports`: the sums of the year's reports the rows carry (the list ?laporan_tahun=Y, whose
    filter joins the report as `year_report`), keyed as figures.REPORT_TOTALS, with the members
    (men and women) as figures.MEMBERS_TOTAL. `desa`: how many desa/kelurahan the rows lie in.
    None when there is nothing to total.
    """
    sums = {}
    if reports:
        sums.update({key: Sum(f"year_report__{name}") for key, name in REPORT_TOTALS.items()})
    if desa:
        sums["desa"] = Count("desa", distinct=True)
    if not sums:
        return None
    totals = queryset.order_by().aggregate(**sums)
    if reports:
        male, female = totals["anggota_l"], totals["anggota_p"]
        totals[MEMBERS_TOTAL] = None if male is None else male + female
    return totals


@dataclass
class YearRow:
    report: YearlyReport
    previous: YearlyReport | None

    def _delta(self, name):
        if self.previous is None:
            return None
        return getattr(self.report, name) - getattr(self.previous, name)

    @property
    def members_delta(self):
        return None if self.previous is None else self.report.members_total - self.previous.members_total

    @property
    def assets_delta(self):
        return self._delta("total_assets")

    @property
    def volume_delta(self):
        return self._delta("business_volume")

    @property
    def shu_delta(self):
        return self._delta("shu")


@dataclass
class HistoryEntry:
    """One saved change of a record, as the profile shows it."""

    kind: str  # "koperasi", "pengurus", "laporan", "anggota"
    record: object
    subject: str
    changes: list = field(default_factory=list)

    @property
    def history_id(self):
        return self.record.history_id


@dataclass
class DataQuality:
    completeness: float
    missing: list
    issues: list


def yearly_rows(reports):
    """Reports newest first, each with the report of the year before (when there is one)."""
    by_year = {report.year: report for report in reports}
    return [YearRow(report, by_year.get(report.year - 1)) for report in sorted(reports, key=lambda r: -r.year)]


def _diff(model, new, old, *, full_personal):
    if old is None:
        return []
    delta = new.diff_against(old, excluded_fields=HIDDEN_HISTORY_FIELDS & {f.name for f in model._meta.fields})
    changes = []
    for change in delta.changes:
        model_field = model._meta.get_field(change.field)
        label = str(model_field.verbose_name)
        old_value = masks.shown(model, change.field, change.old, full=full_personal)
        new_value = masks.shown(model, change.field, change.new, full=full_personal)
        if old_value == new_value:
            continue  # a birth date corrected within the same year: nothing the viewer may see changed
        changes.append({"field": change.field, "label": label,
                        "old": display_value(model_field, old_value), "new": display_value(model_field, new_value)})
    return changes


def display_value(model_field, value):
    if value is None or value == "":
        return "–"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def history_entries(*, cooperative, limit=50, full_personal=False):
    """The latest changes to the cooperative, its board terms, yearly reports and members, newest first.

    One query per model (history rows with their user); differences are computed in Python
    between consecutive history rows of the same record, for the `limit` entries shown only.
    Without `full_personal` (the viewer's `reveal_nik`) personal fields show as `masks` says: a
    birth year, the end of a phone number.
    """
    rows = []
    for kind, model, column in HISTORY_SOURCES:
        records = model.history.filter(**{column: cooperative.pk})
        # A bounded window per model, whatever the size of the cooperative: a change whose previous
        # version falls outside it is listed without its difference.
        latest = records.select_related("history_user").order_by("-history_date", "-history_id")[:HISTORY_WINDOW]
        records = sorted(latest, key=lambda r: (r.id, r.history_date, r.history_id))
        previous = {}
        for record in records:
            rows.append((kind, model, record, previous.get(record.id)))
            previous[record.id] = record
    rows.sort(key=lambda row: (row[2].history_date, row[2].history_id), reverse=True)
    return [
        HistoryEntry(kind=kind, record=record, subject=_subject(kind, record),
                     changes=_diff(model, record, old, full_personal=full_personal))
        for kind, model, record, old in rows[:limit]
    ]


def _subject(kind, record):
    if kind == "koperasi":
        return _("Data koperasi")
    if kind == "laporan":
        return _("Laporan tahun %(year)s") % {"year": record.year}
    if kind == "pengurus":
        return f"{record.name} ({dict(BoardMember.Role.choices).get(record.role, record.role)})"
    return _("Anggota %(name)s") % {"name": record.name}


def data_quality(*, cooperative, reports, current_roles, listed_members, today=None, current_board=(),
                 same_name=(), nik_disagreeing=0):
    """Completeness of the record and the problems the office looks for (rules in `data_quality`),
    from what the profile already read: no further queries."""
    today = today or timezone.localdate()
    missing = [
        str(Cooperative._meta.get_field(name).verbose_name)
        for name in COMPLETENESS_FIELDS
        if getattr(cooperative, name) in (None, "")
    ]
    completeness = 1 - len(missing) / len(COMPLETENESS_FIELDS)
    issues = []
    latest = max(reports, key=lambda r: r.year) if reports else None
    if latest is not None and quality_rules.members_far_apart(latest.members_total, listed_members):
        issues.append(
            _("Anggota dilaporkan %(reported)s (tahun %(year)s), tercatat di daftar %(listed)s.")
            % {"reported": latest.members_total, "year": latest.year, "listed": listed_members}
        )
    if not board_is_complete(current_roles):
        missing_roles = [str(BoardMember.Role(role).label) for role in missing_board_roles(current_roles)]
        issues.append(_("Pengurus tidak lengkap: belum ada %(roles)s yang menjabat.")
                      % {"roles": ", ".join(missing_roles)})
    for warning in (quality_rules.sitting_chairs_warning(quality_rules.sitting_chairs(current_board)),
                    quality_rules.same_name_warning(list(same_name))):
        if warning:
            issues.append(warning)
    if nik_disagreeing:
        issues.append(ngettext(
            "%(n)s anggota dengan NIK yang bagian tanggal lahirnya tidak cocok dengan tanggal lahir atau jenis "
            "kelamin yang diisi.",
            "%(n)s anggota dengan NIK yang bagian tanggal lahirnya tidak cocok dengan tanggal lahir atau jenis "
            "kelamin yang diisi.", nik_disagreeing) % {"n": nik_disagreeing})
    expired = cooperative.certificate_status == Cooperative.CertificateStatus.EXPIRED or (
        cooperative.certificate_expiry is not None and cooperative.certificate_expiry < today
    )
    if expired:
        issues.append(_("Sertifikat NIK sudah kedaluwarsa."))
    rat_years = [r.year for r in reports if r.rat_held]
    last_year = last_full_year(today)
    if not rat_years:
        issues.append(_("Belum ada RAT yang tercatat."))
    elif last_year - max(rat_years) >= NO_RAT_WARNING_YEARS:
        issues.append(ngettext("Tidak ada RAT selama %(n)s tahun (terakhir tahun buku %(year)s).",
                               "Tidak ada RAT selama %(n)s tahun (terakhir tahun buku %(year)s).",
                               last_year - max(rat_years))
                      % {"n": last_year - max(rat_years), "year": max(rat_years)})
    return DataQuality(completeness=completeness, missing=missing, issues=issues)


# What a member row of the profile shows (and the model needs to mask the NIK).
PROFILE_MEMBER_FIELDS = ["id", "cooperative_id", "name", "has_nik", "nik_last4", "sex", "joined_on", "left_on"]

# The profile's sections by the cooperative's id, each compiled to SQL once per process (CompiledRead).
profile_status_changes = CompiledRead(
    lambda key: StatusChange.objects.filter(cooperative_id=key).select_related("changed_by")
)
profile_board = CompiledRead(
    lambda key: BoardMember.objects.filter(cooperative_id=key).order_by("role", "-term_start", "id")
)
profile_reports = CompiledRead(lambda key: YearlyReport.objects.filter(cooperative_id=key))
profile_members = CompiledRead(
    lambda key: Member.objects.filter(cooperative_id=key).only(*PROFILE_MEMBER_FIELDS)
    .order_by("name", "id")[:PROFILE_MEMBERS]
)


def cooperative_profile(*, cooperative, today=None):
    """Everything the profile shows besides the cooperative itself, in a fixed number of queries.

    `cooperative` comes from `cooperative_for_profile`, with its counts. Queries: status steps with
    their user; board terms; yearly reports; the first members by name (PROFILE_MEMBERS: the
    member list filtered to the cooperative has the rest, under the same counts); other
    cooperatives of the same name in the desa. The change history has a page of its own
    (`history_entries`), which the profile links to with `history_count`.
    """
    today = today or timezone.localdate()
    status_changes = profile_status_changes(cooperative.pk)
    board = profile_board(cooperative.pk)
    for term in board:
        term.current = term.is_current(today)
    current_board = [term for term in board if term.current]
    current_roles = {term.role for term in current_board}
    reports = profile_reports(cooperative.pk)
    counts = {
        "listed": cooperative.members_listed,
        "active": cooperative.members_active,
        "nik_disagreeing": cooperative.members_nik_disagreeing,
    }
    members = profile_members(cooperative.pk)
    return {
        "status_changes": status_changes,
        "board": board,
        "current_board": current_board,
        "board_complete": board_is_complete(current_roles),
        "years": yearly_rows(reports),
        "member_counts": counts,
        "members": members,
        "quality": data_quality(
            cooperative=cooperative, reports=reports, current_roles=current_roles,
            listed_members=counts["active"], today=today, current_board=current_board,
            same_name=quality_rules.same_name_in_desa(cooperative), nik_disagreeing=counts["nik_disagreeing"],
        ),
    }


SUGGESTION_LIMIT = 20


def region_words(words):
    """Each search word with the region spelling it stands for (Sengata -> Sangatta), from RegionAlias."""
    aliases = {
        alias.lower(): canonical
        for alias, canonical in RegionAlias.objects.filter(
            functools.reduce(operator.or_, (Q(alias__iexact=word) for word in words))
        ).values_list("alias", "canonical")
    } if words else {}
    return [(word, aliases.get(word.lower())) for word in words]


def cooperative_search_q(text):
    """Every word of `text` in the name, the start of the Nomor Induk, the desa or the kecamatan.

    A region alias (Sengata, Kongbeng) also matches the region it names: one query reads the
    aliases among the words. None for a text without words.
    """
    words = [word for word in text.split() if word][:8]
    if not words:
        return None
    condition = Q()
    for word, canonical in region_words(words):
        spellings = [word] if canonical is None else [word, canonical]
        condition &= Q(name__icontains=word) | Q(nomor_induk__startswith=word) | functools.reduce(
            operator.or_,
            (Q(desa__name__icontains=s) | Q(desa__kecamatan__name__icontains=s) for s in spellings),
        )
    return condition


def cooperative_suggestions(*, queryset, text, limit=SUGGESTION_LIMIT):
    """At most `limit` cooperatives of `queryset` (the user's area) matching `text` (cooperative_search_q).

    Ordered by name, so the query stops at the limit. Two queries: the aliases among the words, the
    cooperatives with their desa and kecamatan.
    """
    condition = cooperative_search_q(text)
    if condition is None:
        return []
    return list(queryset.filter(condition).select_related("desa__kecamatan").order_by("name", "pk")[:limit])


def suggestion_label(cooperative):
    """What a suggestion shows, so that two cooperatives of the same name are told apart."""
    parts = [cooperative.nomor_induk or _("tanpa Nomor Induk"), cooperative.desa.name, cooperative.desa.kecamatan.name]
    return " · ".join(parts)
