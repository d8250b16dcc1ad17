"""Numbers, money and shares in the reader's language (registry/formats.py), as Django would write them."""

from decimal import Decimal

from django.utils import translation
from django.utils.formats import number_format
from hypothesis import given
from hypothesis import strategies as st

from registry import formats


def django_angka(value, decimals):
    """The reference: Django's localised number_format, after rounding as `angka` does."""
    return number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)


@given(value=st.one_of(st.integers(-10**13, 10**13), st.decimals(-10**6, 10**6, places=2)),
       decimals=st.sampled_from([0, 1, 2]), language=st.sampled_from(["id", "en"]))
def test_angka_writes_numbers_as_django_number_format(value, decimals, language):
    with translation.override(language):
        assert formats.angka(value, decimals) == django_angka(value, decimals)


@given(value=st.one_of(st.none(), st.integers(-10**13, 10**13), st.decimals(-10**6, 10**6, places=2)),
       decimals=st.sampled_from([0, 1, 2]), language=st.sampled_from(["id", "en"]))
def test_angka_writer_writes_as_angka(value, decimals, language):
    with translation.override(language):
        assert formats.angka_writer()(value, decimals) == formats.angka(value, decimals)


@given(value=st.floats(-10**9, 10**9, allow_nan=False).filter(lambda v: abs(v) >= 0.01 or v == 0),
       decimals=st.sampled_from([0, 1, 2]))
def test_angka_writes_floats_as_django_number_format(value, decimals):
    with translation.override("id"):
        rounded = round(value, decimals)
        if rounded == 0:
            assert formats.angka(value, decimals) == django_angka(0, decimals)  # no "-0"
        else:
            assert formats.angka(value, decimals) == django_angka(value, decimals)


def test_indonesian_and_english():
    with translation.override("id"):
        assert formats.angka(1150) == "1.150"
        assert formats.angka(Decimal("1234.5"), 1) == "1.234,5"
        assert formats.angka(12_345_678_901_234_567_890) == "12.345.678.901.234.567.890"
        assert formats.rupiah(1234567) == "Rp 1.234.567"
        assert formats.rupiah(-2500) == "-Rp 2.500"
        assert formats.persen(667 / 1150) == "58,0%"
        assert formats.persen(Decimal("0.5"), 0) == "50%"
        assert formats.angka(-0.04, 1) == "0,0"
    with translation.override("en"):
        assert formats.angka(1150) == "1,150"
        assert formats.persen(0.58) == "58.0%"
        assert formats.rupiah(1234567) == "Rp 1,234,567"


def test_missing_is_a_dash():
    for write in (formats.angka, formats.rupiah, formats.persen):
        assert write(None) == "–"
        assert write("") == "–"
