"""The signed-in user's own account page and password change: every user, in the site's layout."""

from django.test import TestCase
from django.urls import reverse

from tests.builders import PASSWORD, make_user

ROLES = ["Admin Dinas", "Petugas", "Pimpinan", "Verifikator", None]
ACCOUNT = reverse("registry:account")
PASSWORD_CHANGE = reverse("registry:password_change")
NEW_PASSWORD = "sawit-tumbuh-subur-2026"


class AccountAccessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {role: make_user(role) for role in ROLES}
        cls.users["limited"] = make_user("Petugas", kecamatan=["64.08.04"])

    def test_anonymous_goes_to_the_login_page(self):
        for path in (ACCOUNT, PASSWORD_CHANGE, reverse("registry:second_factor_setup")):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertRedirects(response, f"{reverse('login')}?next={path.replace('/', '%2F')}",
                                     fetch_redirect_response=False)
        for name in ("registry:backup_codes", "registry:second_factor_disable"):
            with self.subTest(name=name):
                self.assertEqual(self.client.post(reverse(name)).status_code, 302)

    def test_every_user_has_the_pages_whatever_the_role(self):
        for who, user in self.users.items():
            self.client.force_login(user)
            for path in (ACCOUNT, PASSWORD_CHANGE, reverse("registry:second_factor_setup")):
                with self.subTest(who=who, path=path):
                    self.assertEqual(self.client.get(path).status_code, 200)

    def test_the_header_links_the_account_and_the_password_change(self):
        self.client.force_login(self.users["Pimpinan"])
        page = self.client.get("/dasbor/")
        self.assertContains(page, f'href="{ACCOUNT}"')
        self.assertContains(page, f'href="{PASSWORD_CHANGE}"')

    def test_the_account_page_says_who_and_where(self):
        self.client.force_login(self.users["limited"])
        page = self.client.get(ACCOUNT)
        self.assertContains(page, self.users["limited"].username)
        self.assertContains(page, "Sangatta Utara")
        self.assertContains(page, "Verifikasi dua langkah")


class PasswordChangeTests(TestCase):
    def setUp(self):
        self.user = make_user("Petugas", username="siti")
        self.client.force_login(self.user)

    def change(self, old, new1, new2=None):
        return self.client.post(
            PASSWORD_CHANGE, {"old_password": old, "new_password1": new1, "new_password2": new2 or new1}
        )

    def test_in_the_site_layout_and_language(self):
        page = self.client.get(PASSWORD_CHANGE)
        self.assertContains(page, "Ganti kata sandi")
        self.assertContains(page, '<html lang="id">')
        self.assertContains(page, "Kutim Koperasi")
        self.assertContains(page, 'name="old_password"')

    def test_a_change_keeps_the_session_and_the_new_password_signs_in(self):
        response = self.change(PASSWORD, NEW_PASSWORD)
        self.assertRedirects(response, ACCOUNT, fetch_redirect_response=False)
        self.assertContains(self.client.get(ACCOUNT), "Kata sandi sudah diganti.")
        self.assertEqual(self.client.get("/dasbor/").status_code, 200)
        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password(NEW_PASSWORD))

    def test_the_old_password_must_be_right(self):
        response = self.change("bukan-kata-sandi-lama", NEW_PASSWORD)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["old_password"])
        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password(PASSWORD))

    def test_the_password_rules_apply(self):
        for new1, new2 in [("Kutim-2026", "Kutim-2026"), ("12345678901234", "12345678901234"),
                           (NEW_PASSWORD, NEW_PASSWORD + "x")]:
            with self.subTest(new=new1):
                response = self.change(PASSWORD, new1, new2)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors)
        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password(PASSWORD))

    def test_other_sessions_of_the_user_end(self):
        other = self.client_class()
        other.force_login(self.user)
        self.assertEqual(other.get("/dasbor/").status_code, 200)
        self.change(PASSWORD, NEW_PASSWORD)
        self.assertEqual(other.get("/dasbor/").status_code, 302)
