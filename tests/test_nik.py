"""Member NIK: the validator, masking, encryption at rest and the search hash."""

import string

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from registry import nik as nik_codec

# A syntactically valid NIK: 640801 (Kutim), born 15/08/90, serial 0001.
VALID = "6408011508900001"
VALID_WOMAN = "6408015508900002"  # day 15 + 40


def test_valid_nik_passes():
    assert nik_codec.validate_nik(VALID) == VALID


def test_womans_day_plus_forty_passes():
    assert nik_codec.validate_nik(VALID_WOMAN) == VALID_WOMAN


@pytest.mark.parametrize(
    "value",
    [
        "640801150890000",  # 15 digits
        "64080115089000011",  # 17 digits
        "6408011508900O01",  # letter O
        "6408 11508900001",
        "",
        "6408013208900001",  # day 32 (neither a day nor a day+40)
        "6408010008900001",  # day 0
        "6408014008900001",  # day 40 = 0 + 40
        "6408017208900001",  # day 72 = 32 + 40
        "6408011500900001",  # month 0
        "6408011513900001",  # month 13
    ],
)
def test_invalid_nik_rejected(value):
    with pytest.raises(ValidationError):
        nik_codec.validate_nik(value)


def test_non_string_rejected():
    with pytest.raises(ValidationError):
        nik_codec.validate_nik(6408011508900001)


ascii_digits = st.text(alphabet=string.digits, min_size=16, max_size=16)


def _date_part_possible(value):
    day, month = int(value[6:8]), int(value[8:10])
    day = day - 40 if day > 40 else day
    return 1 <= day <= 31 and 1 <= month <= 12


@given(ascii_digits)
def test_sixteen_ascii_digits_accepted_exactly_when_date_part_is_possible(value):
    if _date_part_possible(value):
        assert nik_codec.validate_nik(value) == value
    else:
        with pytest.raises(ValidationError):
            nik_codec.validate_nik(value)


@given(
    st.integers(min_value=1, max_value=31),
    st.integers(min_value=1, max_value=12),
    st.booleans(),
    st.text(alphabet=string.digits, min_size=6, max_size=6),
    st.text(alphabet=string.digits, min_size=6, max_size=6),
)
def test_every_possible_birth_date_accepted_for_both_sexes(day, month, woman, region, rest):
    value = f"{region}{day + 40 if woman else day:02d}{month:02d}{rest}"
    assert nik_codec.validate_nik(value) == value


@given(ascii_digits, st.integers(min_value=0, max_value=15), st.sampled_from("٠١٢٣٤٥٦٧٨٩०१२३४५६७८९０１２３"))
def test_any_non_ascii_digit_rejected(value, position, digit):
    # Arabic-Indic, Devanagari and full-width digits all match a regex \d: the validator must not.
    tampered = value[:position] + digit + value[position + 1 :]
    with pytest.raises(ValidationError):
        nik_codec.validate_nik(tampered)


@given(st.text(alphabet=string.digits, max_size=40).filter(lambda s: len(s) != 16))
def test_wrong_length_rejected(value):
    with pytest.raises(ValidationError):
        nik_codec.validate_nik(value)


def test_error_message_is_indonesian():
    with pytest.raises(ValidationError) as info:
        nik_codec.validate_nik("123")
    assert "NIK harus tepat 16 angka" in info.value.messages[0]


def test_normalise_strips_separators():
    assert nik_codec.normalise_nik(" 6408 0115.0890-0001 ") == VALID


def test_outside_kutim_is_only_a_flag():
    assert nik_codec.nik_outside_kutim("6472011508900001")
    assert not nik_codec.nik_outside_kutim(VALID)


def test_masks_show_four_digits_never_the_region_or_the_birth_date():
    assert nik_codec.mask_nik_short(VALID) == "************0001"
    assert nik_codec.mask_nik(nik_codec.last4(VALID)) == "************0001"
    assert nik_codec.mask_nik_short(None) == ""
    assert nik_codec.mask_nik("") == ""


@given(ascii_digits)
def test_redaction_catches_any_nik_however_grouped(value):
    for typed in (value, " ".join([value[:4], value[4:8], value[8:12], value[12:]]), f"{value[:6]}.{value[6:]}"):
        redacted = nik_codec.redact_niks(f"cari {typed}; selesai")
        assert redacted == "cari [NIK]; selesai"
        assert nik_codec.contains_nik(typed)


@given(ascii_digits)
def test_encryption_round_trip_never_holds_plain_text(value):
    token = nik_codec.encrypt_nik(value)
    assert value not in token
    assert nik_codec.decrypt_nik(token) == value


def test_encryption_is_randomised_but_hash_is_stable():
    assert nik_codec.encrypt_nik(VALID) != nik_codec.encrypt_nik(VALID)
    assert nik_codec.hash_nik(VALID) == nik_codec.hash_nik(VALID)
    assert nik_codec.hash_nik(VALID) != nik_codec.hash_nik(VALID_WOMAN)
    assert len(nik_codec.hash_nik(VALID)) == 64


def test_hash_is_keyed(settings):
    before = nik_codec.hash_nik(VALID)
    settings.NIK_HASH_KEY = "another-key"
    assert nik_codec.hash_nik(VALID) != before


def test_old_key_still_decrypts_after_rotation(settings):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.NIK_ENCRYPTION_KEYS = [old]
    token = nik_codec.encrypt_nik(VALID)
    settings.NIK_ENCRYPTION_KEYS = [new, old]
    assert nik_codec.decrypt_nik(token) == VALID
    settings.NIK_ENCRYPTION_KEYS = [new]
    assert nik_codec.decrypt_nik(token) is None
