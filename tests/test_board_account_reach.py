"""A board account (Pengurus Koperasi) reaches the portal and its own account only: every other URL is
404, never a 403 that tells it the page exists (registry/middleware.py BoardAccountReachMiddleware).

tests/access.py holds the status of every URL name for every role; here the representative ones side
by side with staff, the POST without a CSRF token, the edges of who counts as a board account, and
the query the check must not cost staff.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.middleware import BoardAccountReachMiddleware
from registry.models import BOARD_ROLE, Cooperative
from tests.builders import MUARA_WAHAU, make_board_account, make_cooperative, make_member, make_report, make_user
from tests.test_access import url_names

YEAR = 2024


class BoardAccountReachTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.own = make_cooperative(name="Koperasi Milik Sendiri")
        cls.other = make_cooperative(name="Koperasi Tetangga Jauh", kecamatan=MUARA_WAHAU)
        cls.account = make_board_account(cls.own, username="pengurus1")
        make_report(cls.own, YEAR)
        make_report(cls.other, YEAR)
        make_member(cls.other, nik="6408041203900001", name="Anggota Tetangga")
        cls.admin = make_user("Admin Dinas", is_staff=True)  # staff: the admin site too

    def staff_urls(self):
        """Representative staff URLs, each one that staff open with 200."""
        return [
            reverse("registry:cooperative_list"),
            reverse("registry:cooperative_detail", args=[self.other.pk]),  # another cooperative's profile
            reverse("registry:cooperative_detail", args=[self.own.pk]),  # even one's own: the staff page
            reverse("registry:member_list"),
            reverse("registry:dashboard"),
            reverse("registry:list_export", args=["koperasi", "csv"]),
            reverse("registry:dashboard_export"),
            reverse("registry:summary_api"),
            f"{reverse('registry:rat_season')}?tahun={YEAR}",
            reverse("registry:review_queue"),
            reverse("registry:recommendation_list"),
            f"{reverse('registry:recommendation_letters')}?tahun={YEAR}",
            "/admin/",
            "/admin/registry/cooperative/",
        ]

    def test_staff_urls_are_not_found_for_a_board_account(self):
        self.client.force_login(self.account.user)
        for path in [*self.staff_urls(), reverse("admin_login")]:
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 404)
                # The site's own 404 page, as for an address that does not exist: nothing of the page asked.
                self.assertTemplateUsed(response, "404.html")
                self.assertNotContains(response, "Koperasi Tetangga Jauh", status_code=404)
                self.assertNotContains(response, "Anggota Tetangga", status_code=404)

    def test_the_same_urls_open_for_staff(self):
        self.client.force_login(self.admin)
        for path in self.staff_urls():
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 200)

    def test_a_missing_address_and_a_staff_page_answer_alike(self):
        self.client.force_login(self.account.user)
        missing = self.client.get("/tidak-ada-halaman-ini/")
        staff = self.client.get(reverse("registry:cooperative_list"))
        self.assertEqual((missing.status_code, staff.status_code), (404, 404))
        self.assertEqual([t.name for t in missing.templates], [t.name for t in staff.templates])

    def test_a_post_without_a_csrf_token_is_not_found_either(self):
        # The check runs before CSRF's: a token-less POST answers 404, not the CSRF 403 that would tell
        # an existing URL from a missing one; and nothing is written.
        url = reverse("registry:cooperative_update", args=[self.own.pk])
        board = Client(enforce_csrf_checks=True)
        board.force_login(self.account.user)
        self.assertEqual(board.post(url, {"name": "Diubah"}).status_code, 404)
        self.assertEqual(board.post(reverse("registry:summary_refresh")).status_code, 404)
        self.assertEqual(Cooperative.objects.get(pk=self.own.pk).name, "Koperasi Milik Sendiri")
        # Staff without the token: refused by CSRF (which is what the board would otherwise have seen).
        staff = Client(enforce_csrf_checks=True)
        staff.force_login(self.admin)
        self.assertEqual(staff.post(url, {"name": "Diubah"}).status_code, 403)

    def test_the_portal_account_pages_and_sign_in_stay_open(self):
        self.client.force_login(self.account.user)
        for path, status in [
            (reverse("registry:portal_home"), 200),
            (reverse("registry:portal_submission_create"), 200),
            (reverse("registry:account"), 200),
            (reverse("registry:password_change"), 200),
            (reverse("registry:second_factor_setup"), 200),
            (reverse("healthz"), 200),
            (reverse("registry:home"), 302),  # on to the portal
            (reverse("login"), 302),  # signed in already: on to the portal
        ]:
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, status)
        self.assertRedirects(self.client.get("/"), reverse("registry:portal_home"))
        self.assertEqual(self.client.post(reverse("set_language"), {"language": "en"}).status_code, 302)
        self.assertEqual(self.client.post(reverse("logout")).status_code, 302)

    def test_every_open_url_name_exists(self):
        # A misspelt name in the allow-list would close a page to the board without anyone noticing here.
        self.assertEqual(sorted(BoardAccountReachMiddleware.OPEN_URL_NAMES - set(url_names())), [])
        self.assertTrue(any(name.startswith(BoardAccountReachMiddleware.OPEN_URL_PREFIX) for name in url_names()))


class WhoIsABoardAccountTests(TestCase):
    """The edges of the rule: the board's role and nothing beyond its permission."""

    @classmethod
    def setUpTestData(cls):
        cls.url = reverse("registry:cooperative_list")

    def status_for(self, user):
        self.client.force_login(user)
        return self.client.get(self.url).status_code

    def test_the_role_without_a_running_account_is_still_kept_out(self):
        self.assertEqual(self.status_for(make_user(BOARD_ROLE)), 404)

    def test_a_user_without_a_role_is_refused_as_before(self):
        self.assertEqual(self.status_for(make_user(None)), 403)

    def test_a_board_member_who_also_holds_a_dinas_role_is_staff(self):
        user = make_board_account().user
        user.groups.add(Group.objects.get(name="Petugas"))
        self.assertEqual(self.status_for(user), 200)

    def test_a_superuser_in_the_board_role_is_staff(self):
        user = make_user(BOARD_ROLE, is_superuser=True)
        self.assertEqual(self.status_for(user), 200)


class NoQueryForStaffTests(TestCase):
    """Staff pay no query for the check: their permissions, which it reads, are the ones their view reads."""

    @classmethod
    def setUpTestData(cls):
        make_cooperative()
        cls.petugas = make_user("Petugas")

    def queries(self, path, *, with_check):
        middleware = list(settings.MIDDLEWARE)
        if not with_check:
            middleware.remove("registry.middleware.BoardAccountReachMiddleware")
        with override_settings(MIDDLEWARE=middleware):
            client = Client()
            client.force_login(self.petugas)
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(client.get(path).status_code, 200)
        return len(captured)

    def test_api_and_export_cost_the_same_with_the_check(self):
        for path in [reverse("registry:summary_api"), reverse("registry:list_export", args=["koperasi", "csv"])]:
            with self.subTest(path=path):
                self.queries(path, with_check=False)  # warms what a first request caches
                self.assertEqual(self.queries(path, with_check=True), self.queries(path, with_check=False))
