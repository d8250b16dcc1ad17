"""Filters of the assessment list (/penilaian/): year, kecamatan, predicate, weakest condition, status."""

import django_filters
from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from .. import figures
from ..models import MAX_YEAR, MIN_YEAR, Assessment, Condition, IndicatorScore, KutimLabel, Predicate
from ..widgets import QuickSelect
from .base import ListFilterSet, RegionChoiceFilter
from .cooperatives import kecamatan_choices

# ?status= value of the assessments district recommendations are drawn from.
FINAL = "diajukan_diverifikasi"


def year_choices():
    """The years that have assessments, newest first, read on every request of the list.

    A loose index scan: the newest year, then the newest one before it, and so on, each one step
    down the index on year (assessment_year), so the statement reads one index entry per year
    rather than every assessment (a DISTINCT read all 121,483 of them at national size, 29-46 ms;
    this, 0.06 ms). Whole-district, as before: a year is a choice even where the user's area has
    none of it (an empty list)."""
    table = connection.ops.quote_name(Assessment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE years(year) AS ("
            f"SELECT MAX(year) FROM {table} "
            f"UNION ALL SELECT (SELECT MAX(later.year) FROM {table} AS later WHERE later.year < years.year) "
            "FROM years WHERE years.year IS NOT NULL"
            ") SELECT year FROM years WHERE year IS NOT NULL ORDER BY year DESC"
        )
        return [(year, str(year)) for (year,) in cursor.fetchall()]


class AssessmentFilter(ListFilterSet):
    """?tahun=&kecamatan=&predikat=&terlemah=&status="""

    tahun = django_filters.ChoiceFilter(
        label=_("tahun"), field_name="year", choices=year_choices, empty_label=_("semua"), widget=QuickSelect
    )
    # The assessment's copy of its cooperative's kecamatan (Assessment.kecamatan), as the area rule reads.
    kecamatan = RegionChoiceFilter(
        label=_("kecamatan"), field_name="kecamatan", queryset=kecamatan_choices,
        to_field_name="code", empty_label=_("semua"), widget=QuickSelect,
    )
    predikat = django_filters.ChoiceFilter(
        label=_("predikat"), field_name="predicate", choices=Predicate.choices, empty_label=_("semua"),
        widget=QuickSelect,
    )
    terlemah = django_filters.ChoiceFilter(
        label=_("kondisi terlemah"), field_name="weakest_condition", choices=Condition.choices, empty_label=_("semua"),
        widget=QuickSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=[*Assessment.Status.choices, (FINAL, _("Diajukan atau diverifikasi"))],
        method="filter_status", empty_label=_("semua"), widget=QuickSelect,
    )
    # The lists behind the dashboard's figures (registry/figures.py).
    label = django_filters.ChoiceFilter(
        label=_("label RAT Kutim"), field_name="kutim_label", choices=KutimLabel.choices, empty_label=_("semua"),
        widget=QuickSelect,
    )
    turun_tajam = django_filters.ChoiceFilter(
        label=_("suatu kondisi turun tajam"), choices=[("true", _("Ya"))], method="filter_big_drop",
        empty_label=_("semua"), widget=QuickSelect,
    )
    # The cooperatives behind a recommendation (/rekomendasi/): an indicator code scored 1 or 2 with
    # data behind it (figures.recommended_q).
    lemah = django_filters.CharFilter(label=_("indikator bernilai 1-2 (kode)"), method="filter_weak")

    class Meta:
        model = Assessment
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # A year without assessments yet (a dashboard figure of 0 links here) is an empty list, not a
        # refused filter: the asked year joins the years that have assessments.
        # The years are read once here, not again when the form is checked and drawn.
        # (Read through year_choices, not the field's choices: those begin with the empty choice,
        # which the field adds again to whatever it is given.)
        # The years with assessments are also the list's first page's (AssessmentListView.read_rows):
        # read once, and given to the field as a list, not the callable it would call again.
        choices = year_choices()
        self.years_assessed = [value for value, _label in choices]
        asked = (data or {}).get("tahun", "")
        if asked.isdigit() and MIN_YEAR <= int(asked) <= MAX_YEAR and int(asked) not in self.years_assessed:
            choices.append((int(asked), asked))
        self.form.fields["tahun"].choices = choices

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(figures.final_assessment_q()) if value == FINAL else queryset.filter(status=value)

    def filter_weak(self, queryset, name, value):
        weak = IndicatorScore.objects.filter(figures.recommended_q(), assessment=OuterRef("pk"),
                                             indicator__code=value.strip())
        return queryset.filter(Exists(weak))

    def filter_big_drop(self, queryset, name, value):
        return queryset.filter(figures.big_drop_q()) if value == "true" else queryset
