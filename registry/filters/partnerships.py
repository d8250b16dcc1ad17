"""Filters of the partnership, training and finding lists (/kemitraan/, /pelatihan/, /temuan/)."""

import json

import django_filters
from django.db import connections
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import MAX_YEAR, MIN_YEAR, Cooperative, Finding, OutsideParty, Partnership, Training, TrainingParticipant
from ..paginators import read_ids
from ..widgets import QuickNumberInput, QuickSelect, QuickTextInput
from .base import ListFilterSet, RegionChoiceFilter
from .cooperatives import YES_NO, kecamatan_choices

COOPERATIVE_PARTNER = "koperasi"
PARTNER_KINDS = [(COOPERATIVE_PARTNER, _("Koperasi lain")), *OutsideParty.Kind.choices]
YEAR_WIDGET = QuickNumberInput(attrs={"min": MIN_YEAR, "max": MAX_YEAR})
# A partnership search word in at most this many cooperatives' names is matched by their ids
# (PartnershipFilter.filter_search); in more, through the joins.
MATCHING_COOPERATIVES_READ = 20_000


def estimated_rows(rows):
    """PostgreSQL's estimate of how many rows `rows` gives (the plan alone, nothing read); 0 elsewhere.

    Reading the ids only to learn that there are more than the limit costs the most for the
    commonest words ("sawit": 10,001 of 51,827 names, 19-26 ms on a loaded machine); the trigram
    index's estimate tells them apart for the price of planning (52,527 estimated for "sawit",
    7,872 for "makmur" of 7,516). It decides only which way the same rows are found: a wrong
    estimate costs time, never a result."""
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        return 0
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"]


def id_set(ids, db):
    """`ids` as the right side of an `__in`: on PostgreSQL one array parameter, unnested. Written
    as a list of thousands of values, PostgreSQL estimates each value's share of the rows when it
    plans the statement (40-68 ms for 7,516 ids, more than the statement's run); an array in a
    subquery is planned in 0.2 ms and tested by a hash all the same."""
    if connections[db].vendor != "postgresql":
        return ids
    return RawSQL("SELECT unnest(%s::bigint[])", [ids])


class PartnershipFilter(ListFilterSet):
    """?q=&jenis=&status=&kecamatan=&mitra=&tahun=: kecamatan matches either side of the partnership."""

    q = django_filters.CharFilter(
        label=_("cari"), method="filter_search",
        widget=QuickTextInput(attrs={"type": "search", "placeholder": _("nama koperasi atau mitra")}),
    )
    jenis = django_filters.ChoiceFilter(
        label=_("jenis kemitraan"), field_name="kind", choices=Partnership.Kind.choices, empty_label=_("semua"),
        widget=QuickSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=Partnership.Status.choices, empty_label=_("semua"), widget=QuickSelect
    )
    kecamatan = RegionChoiceFilter(
        label=_("kecamatan"), queryset=kecamatan_choices, to_field_name="code", empty_label=_("semua"),
        widget=QuickSelect,
        method="filter_kecamatan",
    )
    mitra = django_filters.ChoiceFilter(
        label=_("jenis mitra"), choices=PARTNER_KINDS, empty_label=_("semua"), method="filter_partner_kind",
        widget=QuickSelect,
    )
    tahun = django_filters.NumberFilter(label=_("aktif pada tahun"), method="filter_year", widget=YEAR_WIDGET)

    class Meta:
        model = Partnership
        fields = []

    def filter_search(self, queryset, name, value):
        """Each word in the name of the cooperative, of the partner cooperative or of the outside party.

        A word in up to MATCHING_COOPERATIVES_READ cooperatives' names is matched by their ids, read
        first (through the trigram index of the names, migration 0005), unless PostgreSQL
        estimates more than twice as many. Tested through joins
        instead, every partnership of the district is joined to both its cooperatives before the
        page or the count can stop (a rare word: 250 ms for the rows and as much for the count at
        national size). A word in more names ("sawit": 40% of them) keeps the joins: there the rows
        and the bounded count stop after the first matches (docs/benchmarks.md)."""
        for word in value.split():
            named = Cooperative.objects.filter(name__icontains=word).order_by().values_list("pk", flat=True)
            matching = None
            if estimated_rows(named) <= 2 * MATCHING_COOPERATIVES_READ:  # else surely too many: not read
                matching = read_ids(named[: MATCHING_COOPERATIVES_READ + 1])
            if matching is not None and len(matching) <= MATCHING_COOPERATIVES_READ:
                matching = id_set(matching, queryset.db)
                parties = OutsideParty.objects.filter(name__icontains=word).values("pk")
                queryset = queryset.filter(
                    Q(cooperative__in=matching) | Q(partner_cooperative__in=matching) | Q(outside_party__in=parties)
                )
            else:
                queryset = queryset.filter(
                    Q(cooperative__name__icontains=word) | Q(partner_cooperative__name__icontains=word)
                    | Q(outside_party__name__icontains=word)
                )
        return queryset

    def filter_kecamatan(self, queryset, name, value):
        return queryset.in_kecamatan([value.code]) if value else queryset

    def filter_partner_kind(self, queryset, name, value):
        if value == COOPERATIVE_PARTNER:
            return queryset.filter(partner_cooperative__isnull=False)
        return queryset.filter(outside_party__kind=value) if value else queryset

    def filter_year(self, queryset, name, value):
        return queryset.active_in_year(int(value)) if value is not None else queryset


class TrainingFilter(ListFilterSet):
    """?q=&bentuk=&topik=&tahun=&kecamatan= (trainings with a participant from that kecamatan)."""

    q = django_filters.CharFilter(
        label=_("cari"), method="filter_search",
        widget=QuickTextInput(attrs={"type": "search", "placeholder": _("judul, penyelenggara, tempat")}),
    )
    bentuk = django_filters.ChoiceFilter(
        label=_("bentuk kegiatan"), field_name="kind", choices=Training.Kind.choices, empty_label=_("semua"),
        widget=QuickSelect,
    )
    topik = django_filters.ChoiceFilter(
        label=_("topik"), field_name="topic", choices=Training.Topic.choices, empty_label=_("semua"), widget=QuickSelect
    )
    tahun = django_filters.NumberFilter(label=_("tahun"), field_name="start_date__year", widget=YEAR_WIDGET)
    kecamatan = RegionChoiceFilter(
        label=_("peserta dari kecamatan"), queryset=kecamatan_choices, to_field_name="code",
        empty_label=_("semua"), widget=QuickSelect, method="filter_kecamatan",
    )

    class Meta:
        model = Training
        fields = []

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(organiser__icontains=word) | Q(place__icontains=word)
            )
        return queryset

    def filter_kecamatan(self, queryset, name, value):
        if not value:
            return queryset
        participants = TrainingParticipant.objects.filter(
            training=OuterRef("pk"), cooperative__desa__kecamatan=value
        )
        return queryset.filter(Exists(participants))


class FindingFilter(ListFilterSet):
    """?q=&kecamatan=&jenis=&risiko=&status=&lewat_batas=true|false."""

    q = django_filters.CharFilter(
        label=_("cari"), method="filter_search",
        widget=QuickTextInput(attrs={"type": "search", "placeholder": _("nama koperasi atau uraian")}),
    )
    # The finding's copy of its cooperative's kecamatan (Finding.kecamatan), as the area rule reads.
    kecamatan = RegionChoiceFilter(
        label=_("kecamatan"), field_name="kecamatan", queryset=kecamatan_choices,
        to_field_name="code", empty_label=_("semua"), widget=QuickSelect,
    )
    jenis = django_filters.ChoiceFilter(
        label=_("jenis temuan"), field_name="kind", choices=Finding.Kind.choices, empty_label=_("semua"),
        widget=QuickSelect,
    )
    risiko = django_filters.ChoiceFilter(
        label=_("tingkat risiko"), field_name="risk", choices=Finding.Risk.choices, empty_label=_("semua"),
        widget=QuickSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("status tindak lanjut"), field_name="follow_up_status", choices=Finding.FollowUp.choices,
        empty_label=_("semua"), widget=QuickSelect,
    )
    lewat_batas = django_filters.ChoiceFilter(
        label=_("lewat batas waktu"), choices=YES_NO, empty_label=_("semua"), method="filter_overdue",
        widget=QuickSelect,
    )

    class Meta:
        model = Finding
        fields = []

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(cooperative__name__icontains=word) | Q(description__icontains=word))
        return queryset

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        overdue = Q(due_date__lt=timezone.localdate()) & ~Q(follow_up_status=Finding.FollowUp.DONE)
        return queryset.filter(overdue) if value == "true" else queryset.exclude(overdue)
