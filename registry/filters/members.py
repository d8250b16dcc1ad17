"""Filters of the member list (/anggota/): cooperative, kecamatan, sex, active, exact NIK."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import nik as nik_codec
from ..models import Member, Sex
from ..widgets import QuickSelect
from .cooperatives import YES_NO, kecamatan_choices


def active_q(today=None):
    today = today or timezone.localdate()
    return Q(left_on__isnull=True) | Q(left_on__gt=today)


class MemberFilter(django_filters.FilterSet):
    """?koperasi=<id>&kecamatan=<code>&jenis_kelamin=L|P&aktif=true|false&nik=<16 digits>&q=<name>."""

    q = django_filters.CharFilter(label=_("nama"), field_name="name", lookup_expr="icontains")
    nik = django_filters.CharFilter(
        label=_("NIK lengkap"), method="filter_nik",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    koperasi = django_filters.NumberFilter(label=_("koperasi (nomor)"), field_name="cooperative")
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("kecamatan"), field_name="cooperative__desa__kecamatan", queryset=kecamatan_choices,
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

    def filter_nik(self, queryset, name, value):
        """Exact search through the keyed hash: the NIK itself is never compared or stored plain."""
        value = nik_codec.normalise_nik(value)
        if not value:
            return queryset
        if not nik_codec.NIK_RE.fullmatch(value):
            return queryset.none()
        return queryset.filter(nik_hash=nik_codec.hash_nik(value))

    def filter_active(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(active_q()) if value == "true" else queryset.exclude(active_q())
