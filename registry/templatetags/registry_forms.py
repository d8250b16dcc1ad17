"""Form fields in templates: {{ field|field_group }}, Django's as_field_group built in Python (registry/widgets.py)."""

from django import template

from ..widgets import field_group

register = template.Library()

register.filter("field_group", field_group)
