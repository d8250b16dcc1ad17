"""The area rule on the regions themselves, and the two questions code outside models/ may ask."""

import pytest
from django.contrib.auth.models import AnonymousUser

from registry.models import Desa, Kecamatan

from .access import LIMITED_AREA, PETUGAS, PIMPINAN, make_limited_petugas
from .builders import MUARA_WAHAU, SANGATTA_UTARA, make_user

pytestmark = pytest.mark.django_db


def test_a_limited_user_reaches_only_their_kecamatan_and_its_desa():
    limited = make_limited_petugas()
    assert sorted(Kecamatan.objects.for_user(limited).values_list("code", flat=True)) == sorted(LIMITED_AREA)
    desa = Desa.objects.for_user(limited)
    assert desa.exists()
    assert set(desa.values_list("kecamatan_id", flat=True)) == set(LIMITED_AREA)
    assert desa.count() == Desa.objects.filter(kecamatan__in=LIMITED_AREA).count()


def test_a_district_user_reaches_every_region():
    district = make_user(PIMPINAN)
    assert Kecamatan.objects.for_user(district).count() == Kecamatan.objects.count() == 18
    assert Desa.objects.for_user(district).count() == Desa.objects.count()


def test_an_anonymous_visitor_reaches_no_region():
    assert not Kecamatan.objects.for_user(AnonymousUser()).exists()
    assert not Desa.objects.for_user(AnonymousUser()).exists()
    assert not Kecamatan.objects.for_user(None).exists()


def test_whole_district_and_one_kecamatan_questions():
    limited = make_limited_petugas()
    district = make_user(PETUGAS)
    assert district.covers_whole_district
    assert not limited.covers_whole_district
    assert district.covers_kecamatan(MUARA_WAHAU)
    assert limited.covers_kecamatan(SANGATTA_UTARA)
    assert not limited.covers_kecamatan(MUARA_WAHAU)
