"""Signing in: lockout per pair, per username and per address; the client address behind the proxy;
usernames longer than the field; password rules; the admin's own login page."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse

from registry.security import client_ip
from tests.builders import PASSWORD, make_user

WRONG = "salah-kata-sandi"


class LoginAttempts:
    """Posting the login form as a given address, optionally through a proxy."""

    def attempt(self, username, password, ip="10.0.0.5", **headers):
        return self.client.post(
            reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
        )

    def assertSignedIn(self, response):
        self.assertRedirects(response, reverse("registry:dashboard"))
        self.client.logout()

    def assertLocked(self, response):
        self.assertContains(response, "Akun dikunci sementara", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)


@override_settings(AXES_ENABLED=True)
class PairLockoutTests(LoginAttempts, TestCase):
    """Five wrong passwords for one username from one address lock that pair."""

    def setUp(self):
        self.user = make_user("Petugas", username="siti")

    def test_wrong_password_shows_indonesian_error(self):
        response = self.attempt("siti", WRONG)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Nama pengguna atau kata sandi salah")

    def test_five_failures_lock_even_the_right_password(self):
        for _ in range(4):
            self.assertEqual(self.attempt("siti", WRONG).status_code, 200)
        self.assertEqual(self.attempt("siti", WRONG).status_code, 429)
        self.assertLocked(self.attempt("siti", PASSWORD))

    def test_four_failures_do_not_lock(self):
        for _ in range(4):
            self.attempt("siti", WRONG)
        self.assertSignedIn(self.attempt("siti", PASSWORD))

    def test_the_same_username_from_another_address_still_signs_in(self):
        for _ in range(5):
            self.attempt("siti", WRONG)
        self.assertSignedIn(self.attempt("siti", PASSWORD, ip="10.0.0.99"))

    def test_success_resets_the_count(self):
        for _ in range(4):
            self.attempt("siti", WRONG)
        self.assertSignedIn(self.attempt("siti", PASSWORD))
        for _ in range(4):
            self.assertEqual(self.attempt("siti", WRONG).status_code, 200)


@override_settings(AXES_ENABLED=True)
class UsernameAcrossAddressesTests(LoginAttempts, TestCase):
    """Ten wrong passwords for one username, from any addresses, lock the username everywhere."""

    def setUp(self):
        make_user("Petugas", username="siti")

    def fail_from_many_addresses(self, count):
        for n in range(count):
            self.assertEqual(self.attempt("siti", WRONG, ip=f"198.51.100.{n + 1}").status_code, 200 if n < 9 else 429)

    def test_ten_failures_from_ten_addresses_lock_the_username(self):
        self.fail_from_many_addresses(10)
        self.assertLocked(self.attempt("siti", PASSWORD, ip="10.9.9.9"))

    def test_nine_failures_do_not(self):
        self.fail_from_many_addresses(9)
        self.assertSignedIn(self.attempt("siti", PASSWORD, ip="10.9.9.9"))

    def test_other_usernames_are_not_locked(self):
        make_user("Petugas", username="budi")
        self.fail_from_many_addresses(10)
        self.assertSignedIn(self.attempt("budi", PASSWORD, ip="10.9.9.9"))


@override_settings(AXES_ENABLED=True)
class AddressAcrossUsernamesTests(LoginAttempts, TestCase):
    """Twenty wrong passwords from one address, over any usernames, lock the address."""

    ATTACKER = "203.0.113.7"

    def setUp(self):
        make_user("Petugas", username="siti")
        make_user("Petugas", username="orang_dalam")  # an insider's own valid account

    def spray(self, count, start=0):
        for n in range(start, start + count):
            self.attempt(f"tebakan{n}", WRONG, ip=self.ATTACKER)

    def test_twenty_usernames_from_one_address_lock_the_address(self):
        self.spray(19)
        self.assertEqual(self.attempt("tebakan19", WRONG, ip=self.ATTACKER).status_code, 429)
        self.assertLocked(self.attempt("siti", PASSWORD, ip=self.ATTACKER))
        # The lock is the address's: the same person elsewhere signs in.
        self.assertSignedIn(self.attempt("siti", PASSWORD, ip="10.0.0.5"))

    def test_nineteen_do_not(self):
        self.spray(19)
        self.assertSignedIn(self.attempt("siti", PASSWORD, ip=self.ATTACKER))

    def test_signing_in_with_a_valid_account_does_not_clear_the_address_count(self):
        self.spray(19)
        self.assertSignedIn(self.attempt("orang_dalam", PASSWORD, ip=self.ATTACKER))
        self.assertEqual(self.attempt("tebakan99", WRONG, ip=self.ATTACKER).status_code, 429)
        self.assertLocked(self.attempt("siti", PASSWORD, ip=self.ATTACKER))

    def test_thresholds(self):
        self.assertEqual(settings.LOGIN_LOCKOUT_LIMITS, {
            ("username", "ip_address"): 5, ("username",): 10, ("ip_address",): 20,
        })
        self.assertEqual(settings.AXES_LOCKOUT_PARAMETERS, [["username", "ip_address"], ["username"], ["ip_address"]])
        self.assertEqual(settings.AXES_COOLOFF_TIME.total_seconds(), 15 * 60)
        self.assertTrue(settings.AXES_RESET_ON_SUCCESS)


@override_settings(AXES_ENABLED=True, TRUSTED_PROXIES=["127.0.0.1"])
class ForwardedAddressTests(LoginAttempts, TestCase):
    """X-Forwarded-For is believed only from the configured proxies."""

    def setUp(self):
        make_user("Petugas", username="siti")

    def test_a_direct_request_cannot_fake_its_address(self):
        for n in range(4):
            response = self.attempt("siti", WRONG, ip="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
            self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.attempt("siti", WRONG, ip="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.50").status_code, 429
        )
        self.assertLocked(self.attempt("siti", PASSWORD, ip="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.77"))
        self.assertEqual(set(AccessAttempt.objects.values_list("ip_address", flat=True)), {"203.0.113.9"})

    def test_through_the_proxy_each_client_has_its_own_address(self):
        for _ in range(5):
            self.attempt("siti", WRONG, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="36.80.1.2")
        self.assertLocked(self.attempt("siti", PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="36.80.1.2"))
        # A client's own header in front of the proxy's entry changes nothing.
        self.assertLocked(self.attempt("siti", PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 36.80.1.2"))
        # Another client behind the same proxy signs in.
        self.assertSignedIn(self.attempt("siti", PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="36.80.9.9"))


class ClientAddressTests(TestCase):
    def ip(self, remote, forwarded=None):
        meta = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            meta["HTTP_X_FORWARDED_FOR"] = forwarded
        return client_ip(RequestFactory().get("/", **meta))

    @override_settings(TRUSTED_PROXIES=[])
    def test_no_proxy_configured_believes_no_header(self):
        self.assertEqual(self.ip("10.1.1.1", "1.2.3.4"), "10.1.1.1")

    @override_settings(TRUSTED_PROXIES=["127.0.0.1"])
    def test_the_address_our_proxy_saw(self):
        self.assertEqual(self.ip("127.0.0.1", "6.6.6.6, 36.80.1.2"), "36.80.1.2")

    @override_settings(TRUSTED_PROXIES=["127.0.0.1"])
    def test_an_untrusted_sender_is_taken_at_its_address(self):
        self.assertEqual(self.ip("203.0.113.9", "36.80.1.2"), "203.0.113.9")

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/24", "127.0.0.1"])
    def test_a_chain_of_trusted_proxies_by_network(self):
        # client -> load balancer 10.0.0.4 -> local nginx 127.0.0.1 -> gunicorn
        self.assertEqual(self.ip("127.0.0.1", "6.6.6.6, 36.80.1.2, 10.0.0.4"), "36.80.1.2")
        self.assertEqual(self.ip("10.0.1.4", "36.80.1.2"), "10.0.1.4")  # outside the network

    @override_settings(TRUSTED_PROXIES=["127.0.0.1", "::1"])
    def test_garbage_and_edge_values(self):
        self.assertEqual(self.ip("127.0.0.1", "bukan-alamat"), "127.0.0.1")
        self.assertEqual(self.ip("127.0.0.1", ""), "127.0.0.1")
        self.assertEqual(self.ip("127.0.0.1"), "127.0.0.1")
        self.assertEqual(self.ip("::1", "2001:db8::5"), "2001:db8::5")
        self.assertEqual(self.ip("::ffff:127.0.0.1", "36.80.1.2"), "36.80.1.2")
        self.assertIsNone(self.ip(""))
        self.assertIsNone(self.ip("unix:/run/gunicorn.sock"))


@override_settings(AXES_ENABLED=True)
class LongUsernameTests(LoginAttempts, TestCase):
    """A username longer than the field is refused with a message, never a 500 (axes' column is 255)."""

    def test_over_the_field_length_is_refused_with_a_message(self):
        for length in (151, 256, 300, 10_000):
            with self.subTest(length=length):
                response = self.attempt("a" * length, WRONG)
                self.assertContains(response, "Nama pengguna paling panjang 150 karakter.")
        self.assertFalse(AccessAttempt.objects.exists())

    def test_at_the_field_length_it_is_an_ordinary_wrong_login(self):
        response = self.attempt("a" * 150, WRONG)
        self.assertContains(response, "Nama pengguna atau kata sandi salah")
        self.assertEqual(AccessAttempt.objects.get().username, "a" * 150)

    def test_the_long_username_is_sent_back_only_as_typed(self):
        response = self.attempt("<script>" + "a" * 200, WRONG)
        self.assertNotContains(response, "<script>a")


class AdminLoginTests(TestCase):
    def test_the_admin_login_page_is_ours(self):
        response = self.client.get("/admin/login/?next=/admin/")
        self.assertRedirects(response, "/accounts/login/?next=/admin/", fetch_redirect_response=False)

    def test_a_signed_in_user_without_admin_access_gets_403_not_a_loop(self):
        self.client.force_login(make_user("Petugas"))
        response = self.client.get("/admin/", follow=True)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(len(response.redirect_chain), 1)

    def test_admin_sends_anonymous_users_to_our_login(self):
        response = self.client.get("/admin/", follow=True)
        self.assertEqual(response.redirect_chain[-1][0], "/accounts/login/?next=%2Fadmin%2F")
        self.assertContains(response, "Masuk ke Kutim Koperasi")


class PasswordRuleTests(TestCase):
    def test_password_at_least_twelve_characters(self):
        with self.assertRaises(ValidationError):
            validate_password("Kutim-2026")
        validate_password("sawit-tumbuh-subur-2026")

    def test_login_page_in_indonesian(self):
        response = self.client.get(reverse("login"))
        self.assertContains(response, "Masuk ke Kutim Koperasi")
        self.assertContains(response, '<html lang="id">')
