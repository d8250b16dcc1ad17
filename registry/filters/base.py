"""What the lists' FilterSets share."""

import copy
import hashlib

import django_filters
from django.core.cache import cache
from django_filters.fields import ModelChoiceField

from .. import access
from ..widgets import region_choices_identity


class FieldsOfOneForm(dict):
    """The fields of a form class built for one FilterSet: its form takes them as they are."""

    def __deepcopy__(self, memo):
        return dict(self)


class FiltersOfOneSet(dict):
    """A FilterSet class's filters, which each FilterSet copies for itself (`copy_filter`)."""

    def __deepcopy__(self, memo):
        return {name: copy_filter(filter_) for name, filter_ in self.items()}


def copy_filter(filter_):
    """A filter of its own for one FilterSet, without a deep copy of what it shares with the class's.

    django-filter deep-copies every filter of the class for each FilterSet, widgets, choices and
    lazy labels included: 0.34 ms of the cooperative list's 0.38 ms FilterSet (17 filters, measured
    without the database). What a FilterSet changes of a filter is its own: `parent` and `model`
    (set by FilterSet.__init__), the field it builds (`_field`) and the method bound to it; its
    `extra` (the field's arguments) is a dict of its own, whose values (a widget, choices, a
    queryset or a function giving one) are never changed in place: Django's form field copies the
    widget and clones the queryset it is given.
    """
    copied = copy.copy(filter_)
    copied.__dict__.pop("_field", None)
    copied.extra = dict(filter_.extra)
    if filter_.method is not None:
        copied.method = filter_.method  # a FilterMethod of the copy's, which finds the method on its parent
    return copied


class ListFilterSet(django_filters.FilterSet):
    """A FilterSet whose filters and form are its own without deep copies of the class's.

    django-filter builds a form class for each FilterSet from fields built for it alone (each
    FilterSet holds copies of its class's filters, and each filter builds its field once), and
    Django's Form then deep-copies those fields again, widgets and querysets included, as if the
    class served many forms. Every list request with a query string (a filter, a search, page 2)
    builds the form to check its values: for the cooperative list the second copy was a quarter of
    building and checking it (0.25 of 1 ms, measured without the database).
    """

    def __init__(self, *args, **kwargs):
        # FilterSet.__init__ deep-copies base_filters: this dict copies them as copy_filter says.
        self.base_filters = FiltersOfOneSet(type(self).base_filters)
        super().__init__(*args, **kwargs)

    def get_form_class(self):
        form_class = super().get_form_class()
        # A second form of the same FilterSet would share the first one's fields: it copies them.
        if not getattr(self, "_built_form_class", False):
            self._built_form_class = True
            form_class.base_fields = FieldsOfOneForm(form_class.base_fields)
        return form_class


class RegionChoiceField(ModelChoiceField):
    """A kecamatan or desa chosen by its code, found in a list kept per area instead of read again.

    Every list narrowed to a kecamatan or a desa read that region again to check the code (a query
    of its own, the fifth of the cooperative list filtered by kecamatan and status). The regions a
    user may choose are the ones already cached for the filter's <select> (registry/widgets.py), under
    a key made of the area's query and the access token, which every change of a region or of a
    user's area renews: a region found is kept under the same key plus the code. A code that is not
    among the user's regions is refused as before and never kept, so no address can fill the cache.
    """

    def to_python(self, value):
        if not isinstance(value, str) or value in self.empty_values or (
            self.null_label is not None and value == self.null_value
        ):
            return super().to_python(value)
        identity = region_choices_identity(self)
        if identity is None:  # outside a signed-in request, or another model
            return super().to_python(value)
        key = "registry:region:" + hashlib.sha256(repr((identity, value)).encode()).hexdigest()
        region = cache.get(key)
        if region is None:
            region = super().to_python(value)  # refuses a code outside the area: nothing kept
            cache.set(key, region, access.CACHE_SECONDS)
        return region


class RegionChoiceFilter(django_filters.ModelChoiceFilter):
    """ModelChoiceFilter for a kecamatan or desa of the user's area (RegionChoiceField)."""

    field_class = RegionChoiceField
