"""`{% jinja_include "registry/cooperatives/_rows.html" %}`: a Jinja2 partial inside a Django page.

The partial sees the page's whole context (the view's variables and the context processors':
`request`, `user`, `perms`) and its output is trusted HTML: Jinja2 escaped what it wrote.
See registry/jinja_environment.py for why the rows of the lists are Jinja2.
"""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

from ..render_scope import render_scope

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja_include(context, template_name):
    partial = engines["jinja2"].env.get_template(template_name)
    with render_scope():
        return mark_safe(partial.render(context.flatten()))
