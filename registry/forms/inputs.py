"""Fields for what people type as they write it on paper: Rupiah with dots, dates as 26/11/2026; and
free text that must not hold a NIK."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .. import nik as nik_codec

# After spaces are removed: an optional sign, an optional "Rp"/"Rp.", the sign again (both
# "-Rp 5.000" and "Rp -5.000" are written), then whole Rupiah either as plain digits or in groups
# of three after dots; a written-out zero cents (",00", ",-") is accepted because it says nothing.
MONEY = re.compile(
    r"(?P<sign>-?)(?:rp\.?)?(?P<sign2>-?)(?P<amount>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,(?:-|0{1,2}))?",
    re.IGNORECASE | re.ASCII,
)
SPACES = re.compile(r"\s+")


def group_thousands(value):
    """1250000000 -> 1.250.000.000, whatever the interface language: the form reads it back."""
    text = f"{abs(int(value)):,}".replace(",", ".")
    return f"-{text}" if value < 0 else text


class RupiahInput(forms.TextInput):
    """A text box showing a stored amount as 1.250.000.000 and what was typed as it was typed."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return group_thousands(value)
        return super().format_value(value)


class RupiahField(forms.Field):
    """Whole Rupiah typed as 1.250.000.000, 1250000000 or Rp 1.250.000.000.

    Ambiguous text is refused rather than guessed: `1,5` may be one and a half Rupiah or one and a
    half million, `1.25.0` has its dots in the wrong places. Takes the keyword arguments Django
    gives an integer or a decimal model field's form field, so `Meta.field_classes` can name it.
    """

    widget = RupiahInput
    default_error_messages = {
        "invalid": _("Tulis jumlah Rupiah dengan angka, misalnya 1.250.000.000 atau Rp 1.250.000.000."),
        "comma": _(
            "Koma tidak dipakai: Rupiah dicatat tanpa sen. Tulis angka lengkapnya, misalnya 1.500.000 "
            "untuk satu setengah juta."
        ),
        "grouping": _(
            "Titik ribuan tidak pada tempatnya: tulis kelompok tiga angka, misalnya 1.250.000.000, "
            "atau tanpa titik: 1250000000."
        ),
        "negative": _("Nilai ini tidak boleh negatif."),
        "min_value": _("Nilai terkecil yang dapat disimpan adalah Rp %(limit)s."),
        "max_value": _("Terlalu besar: nilai terbesar yang dapat disimpan adalah Rp %(limit)s."),
    }

    def __init__(self, *, min_value=None, max_value=None, max_digits=None, decimal_places=None, **kwargs):
        kwargs.pop("step_size", None)
        super().__init__(**kwargs)
        if max_digits is not None:
            largest = 10 ** (max_digits - (decimal_places or 0)) - 1
            max_value = largest if max_value is None else min(max_value, largest)
            min_value = -largest if min_value is None else max(min_value, -largest)
        self.min_value = min_value
        self.max_value = max_value

    def limit_to_model_field(self, model_field):
        """Take the model's own bounds (a `MinValueValidator(0)` makes a negative amount refused here)."""
        for validator in model_field.validators:
            if isinstance(validator, MinValueValidator):
                self.min_value = max(self.min_value, validator.limit_value) if self.min_value is not None \
                    else validator.limit_value
            elif isinstance(validator, MaxValueValidator):
                self.max_value = min(self.max_value, validator.limit_value) if self.max_value is not None \
                    else validator.limit_value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = SPACES.sub("", str(value))
        if text in self.empty_values:
            return None
        match = MONEY.fullmatch(text)
        if match is None or (match["sign"] and match["sign2"]):
            if re.search(r"[0-9],[0-9]", text):
                raise forms.ValidationError(self.error_messages["comma"], code="comma")
            if "." in text and re.fullmatch(r"-?(?:rp\.?)?[0-9][0-9.]*", text, re.IGNORECASE | re.ASCII):
                raise forms.ValidationError(self.error_messages["grouping"], code="grouping")
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        amount = int(match["amount"].replace(".", ""))
        return -amount if (match["sign"] or match["sign2"]) else amount

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            if self.min_value == 0:
                raise forms.ValidationError(self.error_messages["negative"], code="min_value")
            raise forms.ValidationError(
                self.error_messages["min_value"], code="min_value", params={"limit": group_thousands(self.min_value)}
            )
        if self.max_value is not None and value > self.max_value:
            raise forms.ValidationError(
                self.error_messages["max_value"], code="max_value", params={"limit": group_thousands(self.max_value)}
            )

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != self.to_python(initial)
        except forms.ValidationError:
            return True


DATE_INVALID = _("Tanggal tidak dikenali atau tidak ada: tulis hh/bb/tttt, misalnya 26/11/2026.")


def use_typed_inputs(form):
    """Give a form's date fields the Indonesian message and its Rupiah fields the model's bounds."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    for name, field in form.fields.items():
        if isinstance(field, forms.DateField):
            field.error_messages["invalid"] = DATE_INVALID
        elif isinstance(field, RupiahField) and model is not None:
            try:
                field.limit_to_model_field(model._meta.get_field(name))
            except FieldDoesNotExist:
                pass


class NoNikInFreeTextMixin:
    """Refuse a NIK (16 digits, also grouped, as `nik.contains_nik` reads it) typed into any free-text field.

    What a cooperative's board and the Dinas write to each other (a RAT's decisions, a reason, a
    review note) is stored in clear, kept in the history and shown on the review pages, where a
    member's NIK must never be: refused at entry, as the erasure and export forms refuse it.
    """

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            value = cleaned.get(name)
            if isinstance(field, forms.CharField) and isinstance(value, str) and nik_codec.contains_nik(value):
                self.add_error(name, _("%(field)s tidak boleh memuat NIK.") % {"field": capfirst(field.label or name)})
        return cleaned
