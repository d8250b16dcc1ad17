"""Signing in: lockout after failed attempts, password rules, session length."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse

from tests.builders import PASSWORD, make_user


@override_settings(AXES_ENABLED=True)
class LockoutTests(TestCase):
    def setUp(self):
        self.user = make_user("Petugas", username="siti")

    def attempt(self, password, ip="10.0.0.5"):
        return self.client.post(
            reverse("login"), {"username": "siti", "password": password}, REMOTE_ADDR=ip
        )

    def test_wrong_password_shows_indonesian_error(self):
        response = self.attempt("salah-kata-sandi")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Nama pengguna atau kata sandi salah")

    def test_five_failures_lock_even_the_right_password(self):
        for _ in range(4):
            self.assertEqual(self.attempt("salah-kata-sandi").status_code, 200)
        self.assertEqual(self.attempt("salah-kata-sandi").status_code, 429)
        response = self.attempt(PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Akun dikunci sementara", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_lock_is_per_username_and_address(self):
        for _ in range(5):
            self.attempt("salah-kata-sandi")
        # The same username from another address still signs in.
        response = self.attempt(PASSWORD, ip="10.0.0.99")
        self.assertRedirects(response, reverse("registry:dashboard"))

    def test_success_resets_the_count(self):
        for _ in range(4):
            self.attempt("salah-kata-sandi")
        self.assertRedirects(self.attempt(PASSWORD), reverse("registry:dashboard"))
        self.client.logout()
        for _ in range(4):
            self.assertEqual(self.attempt("salah-kata-sandi").status_code, 200)

    def test_lockout_settings(self):
        self.assertEqual(settings.AXES_FAILURE_LIMIT, 5)
        self.assertEqual(settings.AXES_COOLOFF_TIME.total_seconds(), 15 * 60)
        self.assertEqual(settings.AXES_LOCKOUT_PARAMETERS, [["username", "ip_address"]])
        self.assertTrue(settings.AXES_RESET_ON_SUCCESS)


class PasswordAndSessionTests(TestCase):
    def test_password_at_least_twelve_characters(self):
        with self.assertRaises(ValidationError):
            validate_password("Kutim-2026")
        validate_password("sawit-tumbuh-subur-2026")

    def test_session_at_most_twelve_hours(self):
        self.assertLessEqual(settings.SESSION_COOKIE_AGE, 12 * 60 * 60)

    def test_login_page_in_indonesian(self):
        response = self.client.get(reverse("login"))
        self.assertContains(response, "Masuk ke Kutim Koperasi")
        self.assertContains(response, '<html lang="id">')
