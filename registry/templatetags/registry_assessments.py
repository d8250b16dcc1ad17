"""Assessment presentation: the final score, or what is still missing when the assessment is incomplete."""

from django import template
from django.utils.html import format_html
from django.utils.translation import ngettext

from ..formats import angka

register = template.Library()


def incomplete_text(unscored):
    """"belum lengkap: N indikator belum dinilai", said wherever a final score would be."""
    return ngettext(
        "belum lengkap: %(n)s indikator belum dinilai", "belum lengkap: %(n)s indikator belum dinilai", unscored
    ) % {"n": angka(unscored)}


@register.simple_tag
def final_score(assessment, write=angka):
    """The final score (two decimals), or "belum lengkap: N indikator belum dinilai" and no number."""
    if assessment.unscored:
        return format_html('<span class="incomplete">{}</span>', incomplete_text(assessment.unscored))
    return write(assessment.overall_score, 2)
