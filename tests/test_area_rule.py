"""The area rule on the regions themselves, and the two questions code outside models/ may ask."""

import pytest
from django.contrib.auth.models import AnonymousUser

from registry.models import Desa, Kecamatan

from .builders import MUARA_WAHAU, SANGATTA_SELATAN, SANGATTA_UTARA, make_user

pytestmark = pytest.mark.django_db


def test_a_limited_user_reaches_only_their_kecamatan_and_its_desa():
    limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA, SANGATTA_SELATAN])
    assert list(Kecamatan.objects.for_user(limited).values_list("code", flat=True)) == [
        SANGATTA_UTARA, SANGATTA_SELATAN,
    ]
    desa = Desa.objects.for_user(limited)
    assert desa.exists()
    assert set(desa.values_list("kecamatan_id", flat=True)) == {SANGATTA_UTARA, SANGATTA_SELATAN}
    assert desa.count() == Desa.objects.filter(kecamatan__in=[SANGATTA_UTARA, SANGATTA_SELATAN]).count()


def test_a_district_user_reaches_every_region():
    district = make_user("Pimpinan")
    assert Kecamatan.objects.for_user(district).count() == Kecamatan.objects.count() == 18
    assert Desa.objects.for_user(district).count() == Desa.objects.count()


def test_an_anonymous_visitor_reaches_no_region():
    assert not Kecamatan.objects.for_user(AnonymousUser()).exists()
    assert not Desa.objects.for_user(AnonymousUser()).exists()
    assert not Kecamatan.objects.for_user(None).exists()


def test_whole_district_and_one_kecamatan_questions():
    limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
    district = make_user("Petugas")
    assert district.covers_whole_district
    assert not limited.covers_whole_district
    assert district.covers_kecamatan(MUARA_WAHAU)
    assert limited.covers_kecamatan(SANGATTA_UTARA)
    assert not limited.covers_kecamatan(MUARA_WAHAU)
