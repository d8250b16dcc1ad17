"""The main navigation drawn once per combination (registry/templatetags/registry_nav.py): the same
links as the template that drew them on every request, and a changed permission shown at once."""

import re
from pathlib import Path
from types import SimpleNamespace

from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.models import Group, Permission
from django.template import Context, Template
from django.test import TestCase
from django.utils import translation

from registry import urls as registry_urls
from registry.roles import ROLES
from registry.templatetags.registry_nav import LINKS, current_link
from tests.builders import make_board_account, make_user

# The links as templates/base.html drew them before, node by node (the rule's reference).
TEMPLATE_NAV = (Path(__file__).parent / "data" / "main_nav_links_before.html").read_text()

URL_NAMES = [None, "", *(pattern.name for pattern in registry_urls.urlpatterns if getattr(pattern, "name", None))]


def items(html):
    return re.findall(r"<li>.*?</li>", str(html))


class MainNavigationTests(TestCase):
    def draw_both(self, user, url_name, portal_account=None):
        request = SimpleNamespace(resolver_match=SimpleNamespace(url_name=url_name))
        context = {"user": user, "perms": PermWrapper(user), "request": request, "portal_account": portal_account}
        before = Template(TEMPLATE_NAV).render(Context(context))
        after = Template("{% load registry_nav %}{% main_nav_links %}").render(Context(context))
        return items(before), items(after)

    def test_every_role_every_page_and_both_languages_as_the_template_drew_them(self):
        users = [make_user(role) for role in ROLES] + [
            make_user(), make_user(is_superuser=True, is_staff=True), make_user("Petugas", is_staff=True),
        ]
        portal = make_board_account()
        self.assertGreater(len(URL_NAMES), 50)
        before, after = self.draw_both(users[0], "member_list")  # Admin Dinas: every link, one current
        self.assertEqual(len(after), len(LINKS) - 2)  # all but the portal's and Django admin (not staff)
        self.assertEqual(sum('aria-current="page"' in item for item in after), 1)
        for language in ("id", "en"):
            with translation.override(language):
                for user in users:
                    for url_name in URL_NAMES:
                        with self.subTest(language=language, user=user.username, url_name=url_name):
                            before, after = self.draw_both(user, url_name)
                            self.assertEqual(after, before)
                for url_name in ("portal_home", "portal_report", "dashboard", None):
                    with self.subTest(language=language, user="pengurus", url_name=url_name):
                        before, after = self.draw_both(portal.user, url_name, portal_account=portal)
                        self.assertEqual(after, before)
                        self.assertIn("Koperasi saya" if language == "id" else "My cooperative", after[0])

    def test_the_current_section(self):
        names = {name: current_link(name) for name in ("dashboard", "dashboard_refresh", "cooperative_detail",
                                                       "recommendation_list", "recommendation_letters",
                                                       "training_detail", "portal_home", None)}
        link = {index: LINKS[index][1] for index in names.values() if index is not None}
        self.assertEqual({name: index and link[index] for name, index in names.items()}, {
            "dashboard": "registry:dashboard", "dashboard_refresh": None,
            "cooperative_detail": "registry:cooperative_list", "recommendation_list": "registry:recommendation_list",
            "recommendation_letters": None, "training_detail": "registry:training_list", "portal_home": 0, None: None,
        })

    def test_a_permission_taken_away_leaves_the_navigation_at_once(self):
        user = make_user("Petugas")
        self.client.force_login(user)
        self.assertContains(self.client.get("/koperasi/"), '<li><a href="/impor/">Impor</a></li>', html=False)
        Group.objects.get(name="Petugas").permissions.remove(Permission.objects.get(codename="add_importbatch"))
        response = self.client.get("/koperasi/")
        self.assertNotContains(response, 'href="/impor/"')
        self.assertContains(response, '<li><a href="/koperasi/" aria-current="page">Koperasi</a></li>')
