"""Dashboard presentation: a figure as the link to the list that produces it."""

from django import template
from django.utils.html import format_html
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def figure_link(figure):
    """The figure's text linking to its list; data-count is that list's row count, data-total the key of
    the list's total line showing the same sum or average (the walk test reads both).

    A tag rather than an included template: the dashboard shows some 150 of them, and an include
    per figure was a third of the page's time at national scale.
    """
    if not figure.href:
        return figure.text
    title = ngettext("Buka daftar (%(n)s baris)", "Buka daftar (%(n)s baris)", figure.count) % {"n": figure.count}
    if figure.total:
        return format_html(
            '<a href="{}" data-count="{}" data-total="{}" title="{}">{}</a>',
            figure.href, figure.count, figure.total, title, figure.text,
        )
    return format_html('<a href="{}" data-count="{}" title="{}">{}</a>', figure.href, figure.count, title, figure.text)
