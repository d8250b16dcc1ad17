"""Choosing a cooperative by typing: a text field resolved on the server, suggestions where JavaScript runs.

Among 1.150 (and at national size 130.000) cooperatives, most named "Koperasi ...", a select of
every name is unusable. The field is a text box: a script (static/js/cooperative_search.js) offers
suggestions from `registry:cooperative_suggest`, each written "Name (#id)"; without the script the
typed text is resolved here: a Nomor Induk, an exact name, or "(#id)". A name that two cooperatives
share is refused with both listed, never guessed.
"""

import re

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..selectors.cooperatives import cooperative_suggestions, suggestion_label

ID_WRITTEN = re.compile(r"(?:.*\()?#([0-9]{1,12})\)?", re.ASCII)
# Shorter runs of digits are record ids (what the suggestions and older links send); a Nomor Induk
# Koperasi has 13 or more digits.
NOMOR_INDUK_MIN_DIGITS = 10
LISTED = 5


def written(cooperative):
    """How a chosen cooperative is written in the field: "Koperasi Sawit Jaya (#12)"."""
    return f"{cooperative.name} (#{cooperative.pk})"


def written_pk(text):
    """The record id in a value written as `written()` or as bare digits, else None."""
    text = " ".join(str(text).split())
    match = ID_WRITTEN.fullmatch(text)
    if match:
        return int(match[1])
    if text.isascii() and text.isdigit() and len(text) < NOMOR_INDUK_MIN_DIGITS:
        return int(text)
    return None


class CooperativeSearchInput(forms.TextInput):
    """A text box with an (initially empty) list of suggestions that the script fills."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-suggest-url"] = reverse("registry:cooperative_suggest")
        widget_attrs["list"] = f"{widget_attrs.get('id', name)}-saran"
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id', self.attrs.get('id', name))}-saran"
        return format_html('{}<datalist id="{}"></datalist>', html, list_id)


class CooperativeField(forms.Field):
    """One cooperative out of `queryset` (the user's area), typed or picked from the suggestions."""

    widget = CooperativeSearchInput
    default_error_messages = {
        "not_found": _("Koperasi “%(text)s” tidak ditemukan di wilayah Anda. Ketik sebagian nama lalu pilih "
                       "dari saran, atau tulis Nomor Induk Koperasi."),
        "ambiguous": _("Ada %(count)s koperasi “%(text)s”: %(listed)s. Tulis Nomor Induknya atau pilih dari saran."),
        "similar": _("Tidak ada koperasi bernama persis “%(text)s”. Yang mirip: %(listed)s. Pilih salah satu "
                     "dari saran atau tulis Nomor Induknya."),
    }

    def __init__(self, *, queryset, **kwargs):
        kwargs.setdefault("help_text", _("Ketik nama, Nomor Induk, desa atau kecamatan."))
        super().__init__(**kwargs)
        self.queryset = queryset

    def prepare_value(self, value):
        if hasattr(value, "pk"):
            return written(value)
        pk = written_pk(value) if value not in self.empty_values else None
        if pk is not None and str(value).strip() == str(pk):
            # From the queryset: a cooperative outside the user's area is not named, even by its id.
            cooperative = self.queryset.filter(pk=pk).first()
            return written(cooperative) if cooperative else value
        return value

    def has_changed(self, initial, data):
        initial_pk = getattr(initial, "pk", initial)
        data_pk = written_pk(data) if data not in self.empty_values else None
        if initial in self.empty_values and data in self.empty_values:
            return False
        return data_pk is None or str(data_pk) != str(initial_pk)

    def _listed(self, cooperatives):
        return "; ".join(f"{written(c)}: {suggestion_label(c)}" for c in cooperatives[:LISTED])

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "pk"):
            return value
        text = " ".join(str(value).split())
        if not text:
            return None
        queryset = self.queryset.select_related("desa__kecamatan")
        pk = written_pk(text)
        if pk is not None:
            matches = list(queryset.filter(pk=pk)[:1])
        elif text.isascii() and text.isdigit():
            matches = list(queryset.filter(nomor_induk=text)[:LISTED + 1])
        else:
            matches = list(queryset.filter(name__iexact=text).order_by("name", "pk")[:LISTED + 1])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise forms.ValidationError(
                self.error_messages["ambiguous"], code="ambiguous",
                params={"count": len(matches) if len(matches) <= LISTED else f"{LISTED}+", "text": text,
                        "listed": self._listed(matches)},
            )
        similar = cooperative_suggestions(queryset=self.queryset, text=text, limit=LISTED) if pk is None else []
        if similar:
            raise forms.ValidationError(self.error_messages["similar"], code="similar",
                                        params={"text": text, "listed": self._listed(similar)})
        raise forms.ValidationError(self.error_messages["not_found"], code="not_found", params={"text": text})


class CooperativePickForm(forms.Form):
    """A page that first asks which cooperative (a GET form): the typed text, resolved in the user's
    area. Named `pilih_koperasi`, since `koperasi` in an address is always a record id."""

    pilih_koperasi = CooperativeField(queryset=None, label=_("Koperasi"))

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilih_koperasi"].queryset = queryset
