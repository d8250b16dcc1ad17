"""Filters of the cooperative list (/koperasi/): search, classification, RAT year, board."""

import functools
import operator

import django_filters
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import figures
from ..models import MAX_YEAR, MIN_YEAR, BoardMember, Cooperative, Desa, Kecamatan, YearlyReport
from ..widgets import QuickNumberInput, QuickSelect, QuickTextInput
from .base import ListFilterSet, RegionChoiceFilter

YES_NO = [("true", _("Ya")), ("false", _("Tidak"))]


def search_words(value):
    """The words of a search box, without empty ones."""
    return [word for word in (value or "").split() if word]


def search_q(value):
    """Every word must appear (any order, any case, part of a word) in the name or a number."""
    return functools.reduce(
        operator.and_,
        (
            Q(name__icontains=word) | Q(nomor_induk__icontains=word) | Q(legal_entity_number__icontains=word)
            for word in search_words(value)
        ),
        Q(),
    )


def kecamatan_choices(request):
    """The kecamatan a list may be narrowed to: those of the user's area."""
    return Kecamatan.objects.for_user(getattr(request, "user", None)).order_by("name")


def desa_choices(request):
    """The desa a list may be narrowed to: those of the user's area."""
    return Desa.objects.for_user(getattr(request, "user", None)).order_by("name")


class CooperativeFilter(ListFilterSet):
    """The list's query string: ?q=&kecamatan=&desa=&jenis=&kelompok=&status=&... &urut=."""

    q = django_filters.CharFilter(
        label=_("cari"), method="filter_search",
        widget=QuickTextInput(attrs={"type": "search", "placeholder": _("nama, nomor induk, nomor badan hukum")}),
    )
    kecamatan = RegionChoiceFilter(
        label=_("kecamatan"), field_name="desa__kecamatan", queryset=kecamatan_choices, to_field_name="code",
        empty_label=_("semua"), widget=QuickSelect,
    )
    desa = RegionChoiceFilter(
        label=_("desa/kelurahan"), field_name="desa", queryset=desa_choices, to_field_name="code",
        empty_label=_("semua"), widget=QuickSelect,
    )
    jenis = django_filters.ChoiceFilter(
        label=_("jenis"), choices=Cooperative.Jenis.choices, empty_label=_("semua"), widget=QuickSelect
    )
    kelompok = django_filters.ChoiceFilter(
        label=_("kelompok"), choices=Cooperative.Kelompok.choices, empty_label=_("semua"), widget=QuickSelect
    )
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=Cooperative.Status.choices, method="filter_status", empty_label=_("semua"),
        widget=QuickSelect,
    )
    # The state on 31 December of a past year (a dashboard figure of that year): only cooperatives
    # founded by then, and `status` is their status on that day by the status history.
    akhir_tahun = django_filters.NumberFilter(
        label=_("keadaan per 31 Desember tahun"), method="filter_year_end",
        widget=QuickNumberInput(attrs={"min": MIN_YEAR, "max": MAX_YEAR}),
    )
    status_nik = django_filters.ChoiceFilter(
        label=_("status sertifikat NIK"), field_name="certificate_status",
        choices=Cooperative.CertificateStatus.choices, empty_label=_("semua"), widget=QuickSelect,
    )
    merah_putih = django_filters.ChoiceFilter(
        label=_("Merah Putih"), choices=YES_NO, method="filter_merah_putih", empty_label=_("semua"),
        widget=QuickSelect,
    )
    rat_tahun = django_filters.NumberFilter(
        label=_("RAT diadakan tahun"), method="filter_rat_year",
        widget=QuickNumberInput(attrs={"min": MIN_YEAR, "max": MAX_YEAR}),
    )
    pengurus_lengkap = django_filters.ChoiceFilter(
        label=_("pengurus lengkap"), choices=YES_NO, method="filter_board_complete", empty_label=_("semua"),
        widget=QuickSelect,
    )
    # The lists behind the dashboard's figures: registry/figures.py defines each count.
    sektor = django_filters.ChoiceFilter(
        label=_("sektor usaha"), field_name="sector", choices=Cooperative.Sector.choices, empty_label=_("semua"),
        widget=QuickSelect,
    )
    laporan_tahun = django_filters.NumberFilter(
        label=_("laporan tahunan ada untuk tahun"), method="filter_report_year",
        widget=QuickNumberInput(attrs={"min": MIN_YEAR, "max": MAX_YEAR}),
    )
    rat_dilaporkan_tahun = django_filters.NumberFilter(
        label=_("RAT dilaporkan tepat waktu tahun"), method="filter_rat_reported_on_time",
        widget=QuickNumberInput(attrs={"min": MIN_YEAR, "max": MAX_YEAR}),
    )
    tanpa_rat_2_tahun = django_filters.NumberFilter(
        label=_("tanpa RAT tahun ini dan sebelumnya"), method="filter_without_rat",
        widget=QuickNumberInput(attrs={"min": MIN_YEAR, "max": MAX_YEAR}),
    )
    pengurus_dilatih = django_filters.ChoiceFilter(
        label=_("pengurus dilatih dalam dua tahun"), choices=YES_NO, method="filter_board_trained",
        empty_label=_("semua"), widget=QuickSelect,
    )
    urut = django_filters.OrderingFilter(
        label=_("urutkan"), widget=QuickSelect,
        fields=(("name", "nama"), ("desa__kecamatan__name", "kecamatan"), ("status", "status"),
                ("updated_at", "diperbarui")),
        field_labels={
            "name": _("nama"), "desa__kecamatan__name": _("kecamatan"), "status": _("status"),
            "updated_at": _("terakhir diubah"),
        },
    )

    class Meta:
        model = Cooperative
        fields = []

    def _year_end(self):
        """The year of ?akhir_tahun= when it is valid, else None."""
        value = self.form.cleaned_data.get("akhir_tahun")
        return None if value is None else int(value)

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        year = self._year_end()
        if year is None:
            return queryset.filter(status=value)
        return queryset.alias(year_status=figures.status_at_year_end(year)).filter(year_status=value)

    def filter_year_end(self, queryset, name, value):
        if value is None:
            return queryset
        year = int(value)
        return queryset.filter(figures.founded_by_q(year)).annotate(year_end_status=figures.status_at_year_end(year))

    def filter_search(self, queryset, name, value):
        return queryset.filter(search_q(value)) if search_words(value) else queryset

    def filter_rat_year(self, queryset, name, value):
        if value is None:
            return queryset
        held = YearlyReport.objects.filter(figures.rat_held_q(), cooperative=OuterRef("pk"), year=int(value))
        return queryset.filter(Exists(held))

    def filter_merah_putih(self, queryset, name, value):
        return queryset.filter(merah_putih=(value == "true")) if value else queryset

    def filter_board_complete(self, queryset, name, value):
        if not value:
            return queryset
        if value == "true":
            return queryset.filter(figures.board_complete_q())  # four EXISTS: index probes per cooperative
        return queryset.alias(board_roles=figures.current_required_roles()).filter(
            board_roles__lt=len(BoardMember.REQUIRED_ROLES)
        )

    def filter_report_year(self, queryset, name, value):
        """Cooperatives with a report for the year, each row carrying that report's summed figures.

        Joined rather than tested with EXISTS: the rows show the report's members and Rupiah, and
        the list's total line sums them (selectors.cooperatives.report_totals). One report per
        cooperative and year, so the join adds no row.
        """
        if value is None:
            return queryset
        report = FilteredRelation("yearly_reports", condition=Q(yearly_reports__year=int(value)))
        return queryset.annotate(year_report=report).filter(year_report__isnull=False).annotate(
            **{f"report_{field}": F(f"year_report__{field}") for field in figures.REPORT_TOTALS.values()}
        )

    def filter_rat_reported_on_time(self, queryset, name, value):
        if value is None:
            return queryset
        on_time = YearlyReport.objects.filter(cooperative=OuterRef("pk"), year=int(value)).filter(
            figures.rat_reported_on_time_q()
        )
        return queryset.filter(Exists(on_time))

    def filter_without_rat(self, queryset, name, value):
        return queryset if value is None else queryset.filter(figures.without_rat_q(int(value)))

    def filter_board_trained(self, queryset, name, value):
        if not value:
            return queryset
        trained = figures.board_trained_q(timezone.localdate())
        return queryset.filter(trained) if value == "true" else queryset.exclude(trained)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A stable order under every sort: ties broken by id, so no row shows on two pages. The id
        # runs the way the sort does, so that a descending sort is the ascending one read backwards
        # and one index on (column, id) serves both, for the first page and for any page after a row.
        ordering = list(queryset.query.order_by) or ["name"]
        if "id" not in ordering and "-id" not in ordering:
            ordering.append("-id" if str(ordering[0]).startswith("-") else "id")
        return queryset.order_by(*ordering)
