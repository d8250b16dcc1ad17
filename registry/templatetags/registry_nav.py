"""`{% main_nav_links %}`: the links of the main navigation (templates/base.html).

Every page drew the same fourteen links: a permission check, a URL reversed, a label translated
and the current section told, each a template node, about a tenth of a small page's CPU
(docs/benchmarks.md, "The main navigation drawn once"). What the links look like depends only on
which of them the user may see, which one is the current section, the language and the URL
configuration, so they are drawn once per such combination and kept in this process. The
permissions are still asked of the user on every request (from the access data read with the
user: registry/access.py), so a changed group or permission shows at once.
"""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

PORTAL = "portal account"  # shown to a cooperative's board account (the context's `portal_account`)
STAFF = "staff"  # shown to a user who may open Django admin

# (who sees it: a permission, PORTAL or STAFF; URL name; label; the current section: the page's URL
# name starts with this, or equals it after "=", or never for None)
LINKS = (
    (PORTAL, "registry:portal_home", _("Koperasi saya"), "portal_"),
    ("registry.view_dashboard", "registry:dashboard", _("Dasbor"), "=dashboard"),
    ("registry.view_cooperative", "registry:cooperative_list", _("Koperasi"), "cooperative_"),
    ("registry.view_yearlyreport", "registry:rat_season", _("Musim RAT"), "rat_"),
    ("registry.view_member", "registry:member_list", _("Anggota"), "member_"),
    ("registry.view_assessment", "registry:assessment_list", _("Penilaian"), "assessment_"),
    ("registry.view_assessment", "registry:recommendation_list", _("Rekomendasi"), "=recommendation_list"),
    ("registry.view_partnership", "registry:partnership_list", _("Kemitraan"), "partnership_"),
    ("registry.view_training", "registry:training_list", _("Pelatihan"), "training"),
    ("registry.view_finding", "registry:finding_list", _("Temuan"), "finding_"),
    ("registry.review_submission", "registry:review_queue", _("Tinjauan"), "review_"),
    ("registry.add_importbatch", "registry:importbatch_create", _("Impor"), "importbatch_"),
    ("registry.export_data", "registry:exportlog_list", _("Ekspor saya"), "exportlog_"),
    (STAFF, "admin:index", _("Administrasi"), None),
)
_DRAWN_KEPT = 512  # combinations kept; past that the drawings start afresh
_drawn = {}


@lru_cache(maxsize=256)
def current_link(url_name):
    """The index in LINKS of the section the page with this URL name belongs to, or None."""
    url_name = url_name or ""
    for index, (_who, _name, _label, section) in enumerate(LINKS):
        if section is None:
            continue
        if (url_name == section[1:]) if section.startswith("=") else url_name.startswith(section):
            return index
    return None


def _sees(user, who, portal_account):
    if who is PORTAL:
        return bool(portal_account)
    if who is STAFF:
        return bool(user.is_staff)
    return user.has_perm(who)


def _draw(shown, current):
    items = []
    for index, (_who, name, label, _section) in enumerate(LINKS):
        if shown[index]:
            mark = ' aria-current="page"' if index == current else ""
            href, text = conditional_escape(reverse(name)), conditional_escape(label)
            items.append(f'<li><a href="{href}"{mark}>{text}</a></li>')
    return mark_safe("\n      ".join(items))


@register.simple_tag(takes_context=True)
def main_nav_links(context):
    user = context["user"]
    portal_account = context.get("portal_account")
    shown = tuple(_sees(user, who, portal_account) for who, _name, _label, _section in LINKS)
    resolver_match = getattr(context.get("request"), "resolver_match", None)
    current = current_link(getattr(resolver_match, "url_name", None))
    key = (get_language(), get_urlconf(), get_script_prefix(), shown, current)
    drawn = _drawn.get(key)
    if drawn is None:
        if len(_drawn) >= _DRAWN_KEPT:
            _drawn.clear()
        drawn = _drawn[key] = _draw(shown, current)
    return drawn
