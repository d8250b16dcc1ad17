"""Choosing a desa within the user's area: a kecamatan select and desa grouped by kecamatan."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Desa
from ..widgets import QuickSelect


def area_desa(user):
    """The desa the user may choose (their kecamatan only, when limited), with their kecamatan."""
    return Desa.objects.for_user(user).select_related("kecamatan").order_by("kecamatan__name", "name")


def setup_desa_fields(form, user, *, desa_field="desa", required=True):
    """Limit `desa_field` to the user's area, group it by kecamatan and add a kecamatan select.

    Without JavaScript the grouped desa select is enough; static/js/desa.js narrows it to the
    chosen kecamatan. One query (desa with their kecamatan), reused for both selects.
    """
    desa = list(area_desa(user))
    groups = {}
    for item in desa:
        groups.setdefault(item.kecamatan, []).append((item.code, item.name))
    field = form.fields[desa_field]
    field.queryset = Desa.objects.for_user(user)
    field.required = required
    field.widget = QuickSelect(attrs={**field.widget.attrs, "data-desa-select": "1"})
    field.widget.choices = [("", "---------")] + [(k.name, choices) for k, choices in groups.items()]
    kecamatan_choices = [("", _("semua kecamatan"))] + [(k.code, k.name) for k in groups]
    form.fields["kecamatan"] = forms.ChoiceField(
        label=_("kecamatan"), choices=kecamatan_choices, required=False,
        help_text=_("Menyaring pilihan desa; desa menentukan kecamatan."),
        widget=QuickSelect(attrs={"data-kecamatan-select": "1"}),
    )
    instance_desa = getattr(form.instance, f"{desa_field}_id", None)
    kecamatan_of = {d.code: d.kecamatan_id for d in desa}
    if instance_desa in kecamatan_of:
        form.fields["kecamatan"].initial = kecamatan_of[instance_desa]
    form.kecamatan_of_desa = kecamatan_of
    # Put the kecamatan select right before the desa select.
    order = list(form.fields)
    order.remove("kecamatan")
    order.insert(order.index(desa_field), "kecamatan")
    form.order_fields(order)


def check_desa_in_kecamatan(form, cleaned_data, *, desa_field="desa"):
    desa = cleaned_data.get(desa_field)
    kecamatan = cleaned_data.get("kecamatan")
    if desa and kecamatan and form.kecamatan_of_desa.get(desa.code) != kecamatan:
        form.add_error(desa_field, _("Desa ini tidak berada di kecamatan yang dipilih."))


