"""The filters a list is showing, each with a link that removes just that one."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ActiveFilter:
    name: str
    label: str
    value: str
    remove_url: str


def _display(filter_, form_field, value):
    if isinstance(value, bool):
        return str(_("Ya") if value else _("Tidak"))
    choices = getattr(form_field, "choices", None)
    if choices is not None and not hasattr(value, "pk"):
        for key, text in choices:
            if str(key) == str(value):
                return str(text)
    return str(value)


def active_filters(filterset, request, *, ignore=("urut", "page")):
    """The filters in use (valid values only), with the list's URL without each of them."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return []
    active = []
    for name, value in filterset.form.cleaned_data.items():
        if name in ignore or value in (None, "", [], ()):
            continue
        params = request.GET.copy()
        params.pop(name, None)
        for position in ("page", "setelah", "sebelum"):  # a changed filter starts from its first page
            params.pop(position, None)
        query = params.urlencode()
        form_field = filterset.form.fields[name]
        active.append(
            ActiveFilter(
                name=name,
                label=str(form_field.label),
                value=_display(filterset.filters[name], form_field, value),
                remove_url=f"{request.path}?{query}" if query else request.path,
            )
        )
    return active
