"""What a person without `reveal_nik` may see of someone's personal data (UU 27/2022).

One place for the rule, read by the pages, the history views, the exports and the admin: the last
four digits of a NIK (for everyone: `nik.mask_nik`), the birth year instead of the birth date, the
last three digits of a phone number. Whoever holds `registry.reveal_nik` (Admin Dinas, Petugas)
sees birth dates and phone numbers in full; a full NIK only through a logged reveal.
"""

import datetime

REVEAL_PERMISSION = "registry.reveal_nik"


def sees_personal_data(user):
    """Whether `user` may see birth dates and phone numbers in full (never a full NIK: that is a reveal)."""
    return bool(user and user.has_perm(REVEAL_PERMISSION))


def birth_year(value):
    """`1980` for a birth date: what a role without `reveal_nik` sees."""
    if isinstance(value, datetime.date):
        return str(value.year)
    return "" if value in (None, "") else str(value)[:4]


def phone(value):
    """`*********123`: enough to tell two numbers apart, not to call."""
    value = str(value or "")
    digits = sum(character.isdigit() for character in value)
    if not value:
        return ""
    return "*" * max(len(value) - 3, 3) + value[-3:] if digits > 3 else "***"


# model label -> field name -> how it shows to someone without `reveal_nik`. The NIK's ciphertext
# and hash are shown to nobody (history views leave them out); its last four digits are the mask.
MASKED_FIELDS = {
    "registry.member": {"birth_date": birth_year},
    "registry.historicalmember": {"birth_date": birth_year},
    "registry.boardmember": {"phone": phone},
    "registry.historicalboardmember": {"phone": phone},
}


def masked_fields(model):
    return MASKED_FIELDS.get(model._meta.label_lower, {})


def shown(model, field_name, value, *, full):
    """`value` of `model.field_name` as the viewer may see it (`full`: they hold `reveal_nik`)."""
    mask = masked_fields(model).get(field_name)
    if mask is None or full:
        return value
    return mask(value)
