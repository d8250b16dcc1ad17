"""Filters of the member list (/anggota/): cooperative, kecamatan, sex, active, exact NIK."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Member, Sex
from ..widgets import QuickSelect
from .base import ListFilterSet, RegionChoiceFilter
from .cooperatives import YES_NO, kecamatan_choices


def active_q(today=None):
    today = today or timezone.localdate()
    return Q(left_on__isnull=True) | Q(left_on__gt=today)


# The last NIK search of a user with `reveal_nik` (registry.views.members.MemberNikSearchView):
# its keyed hash and mask, kept in the session so that the result pages and exports without the
# NIK ever being in a URL.
NIK_SEARCH_SESSION_KEY = "nik_search"


class MemberFilter(ListFilterSet):
    """?koperasi=<id>&kecamatan=<code>&jenis_kelamin=L|P&aktif=true|false&q=<name>&hasil_nik=1.

    No NIK in the query string: `hasil_nik=1` narrows to the session's last NIK search.
    """

    q = django_filters.CharFilter(label=_("nama"), field_name="name", lookup_expr="icontains")
    hasil_nik = django_filters.BooleanFilter(
        label=_("hasil pencarian NIK"), method="filter_nik_search", widget=forms.HiddenInput,
    )
    koperasi = django_filters.NumberFilter(label=_("koperasi (nomor)"), field_name="cooperative")
    # The member's copy of its cooperative's kecamatan (Member.kecamatan): one range of the index on
    # (kecamatan, sex) instead of one lookup per cooperative of the kecamatan.
    kecamatan = RegionChoiceFilter(
        label=_("kecamatan"), field_name="kecamatan", queryset=kecamatan_choices,
        to_field_name="code", empty_label=_("semua"), widget=QuickSelect,
    )
    jenis_kelamin = django_filters.ChoiceFilter(
        label=_("jenis kelamin"), field_name="sex", choices=Sex.choices, empty_label=_("semua"), widget=QuickSelect
    )
    aktif = django_filters.ChoiceFilter(
        label=_("aktif"), choices=YES_NO, method="filter_active", empty_label=_("semua"), widget=QuickSelect,
    )

    class Meta:
        model = Member
        fields = []

    def filter_nik_search(self, queryset, name, value):
        """Exact search through the keyed hash kept in the session; none when there is no search."""
        if not value:
            return queryset
        search = (getattr(self.request, "session", None) or {}).get(NIK_SEARCH_SESSION_KEY)
        if not search:
            return queryset.none()
        return queryset.filter(nik_hash=search["hash"])

    def filter_active(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(active_q()) if value == "true" else queryset.exclude(active_q())
