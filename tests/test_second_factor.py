"""Second factor: required for Admin Dinas and superusers before any page (/admin/ included), available
to everyone; enrolment, verification at sign-in, backup codes, throttling, resets."""

import io
import time
from binascii import unhexlify

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry import second_factor
from registry.services.second_factor import backup_codes_renew
from registry.views.account import PENDING_KEY_SESSION
from tests.builders import PASSWORD, make_user

SETUP = reverse("registry:second_factor_setup")
VERIFY = reverse("registry:second_factor_verify")
ACCOUNT = reverse("registry:account")


def app_code(key, steps_ahead=0):
    """The code an authenticator app holding `key` shows now (or `steps_ahead` periods later)."""
    totp = TOTP(unhexlify(key))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def enrol(user):
    """A confirmed authenticator app for `user`, as enrolment leaves it; its key."""
    device = TOTPDevice.objects.create(user=user, name="Aplikasi autentikator", confirmed=True)
    return device.key


def unthrottle():
    """As if the wait after a wrong code had passed."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.update(throttling_failure_timestamp=None, throttling_failure_count=0)


class SignInMixin:
    def force_login_verified(self, user):
        """Signed in with the second factor already given (force_login leaves the step owed)."""
        self.client.force_login(user)
        session = self.client.session
        session.pop(second_factor.SESSION_KEY, None)
        session.save()

    def sign_in(self, username, next_url=None):
        data = {"username": username, "password": PASSWORD}
        if next_url:
            data["next"] = next_url
        return self.client.post(reverse("login"), data)


@override_settings(SECOND_FACTOR_REQUIRED=True)
class RequiredForAdminsTests(SignInMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("Admin Dinas", username="admin_dinas", is_staff=True)
        cls.superuser = make_user(None, username="root", is_staff=True, is_superuser=True)
        cls.petugas = make_user("Petugas", username="petugas")

    def test_admin_without_a_device_is_held_at_enrolment_on_every_page(self):
        response = self.sign_in("admin_dinas")
        self.assertRedirects(response, reverse("registry:dashboard"), target_status_code=302)
        for path in ["/dasbor/", "/koperasi/", "/admin/", "/admin/registry/user/", ACCOUNT,
                     reverse("registry:password_change"), VERIFY]:
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertRedirects(response, f"{SETUP}?next={path.replace('/', '%2F')}",
                                     fetch_redirect_response=False)
        self.assertEqual(self.client.get(SETUP).status_code, 200)

    def test_a_superuser_too(self):
        self.sign_in("root")
        self.assertRedirects(self.client.get("/admin/"), f"{SETUP}?next=%2Fadmin%2F", fetch_redirect_response=False)

    def test_other_roles_are_not_held(self):
        self.sign_in("petugas")
        self.assertEqual(self.client.get("/dasbor/").status_code, 200)

    def test_signing_out_and_the_language_switch_stay_open(self):
        self.sign_in("admin_dinas")
        response = self.client.post(reverse("set_language"), {"language": "en", "next": SETUP})
        self.assertRedirects(response, SETUP, fetch_redirect_response=False)
        self.assertRedirects(self.client.post(reverse("logout")), reverse("login"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_enrolment_scan_confirm_then_backup_codes(self):
        self.sign_in("admin_dinas")
        page = self.client.get(f"{SETUP}?next=/admin/")
        self.assertContains(page, "<svg")
        self.assertContains(page, "Kode QR untuk aplikasi autentikator")
        self.assertNotContains(page, "<script")
        self.assertEqual(page["Cache-Control"].count("no-store"), 1)
        key = self.client.session[PENDING_KEY_SESSION]
        self.assertFalse(TOTPDevice.objects.exists())

        wrong = self.client.post(SETUP, {"code": "000000" if app_code(key) != "000000" else "111111"})
        self.assertContains(wrong, "Kode tidak cocok")
        self.assertFalse(TOTPDevice.objects.exists())
        self.assertEqual(self.client.session[PENDING_KEY_SESSION], key)  # the same key, scanned once

        done = self.client.post(SETUP, {"code": app_code(key), "next": "/admin/"})
        self.assertContains(done, "Kode cadangan")
        self.assertEqual(len(done.context["codes"]), 10)
        self.assertContains(done, 'href="/admin/"')
        device = TOTPDevice.objects.get(user=self.admin)
        self.assertTrue(device.confirmed)
        self.assertEqual(device.key, key)
        self.assertEqual(StaticToken.objects.filter(device__user=self.admin).count(), 10)
        self.assertNotIn(PENDING_KEY_SESSION, self.client.session)
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_a_code_typed_with_spaces_counts(self):
        self.sign_in("admin_dinas")
        self.client.get(SETUP)
        code = app_code(self.client.session[PENDING_KEY_SESSION])
        response = self.client.post(SETUP, {"code": f" {code[:3]} {code[3:]} "})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(TOTPDevice.objects.filter(user=self.admin).exists())

    def test_devices_reset_after_sign_in_lead_to_enrolment(self):
        enrol(self.admin)
        self.sign_in("admin_dinas")
        TOTPDevice.objects.all().delete()
        self.assertRedirects(self.client.get(VERIFY), reverse("registry:dashboard"), target_status_code=302)
        self.assertEqual(self.client.session[second_factor.SESSION_KEY], second_factor.ENROL)

    def test_an_admin_cannot_turn_it_off(self):
        enrol(self.admin)
        self.force_login_verified(self.admin)
        self.assertEqual(self.client.post(reverse("registry:second_factor_disable")).status_code, 403)
        self.assertTrue(TOTPDevice.objects.filter(user=self.admin).exists())


class VerificationTests(SignInMixin, TestCase):
    """Anyone with a device gives a code after the password, whether or not their role requires it."""

    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("Petugas", username="siti")
        cls.key = enrol(cls.user)

    def test_held_at_verification_on_every_page_and_never_at_enrolment(self):
        self.sign_in("siti", next_url="/koperasi/")
        # Enrolling another phone would get around the code: closed until the code is given.
        for path in ["/koperasi/", "/admin/", ACCOUNT, SETUP]:
            with self.subTest(path=path):
                self.assertRedirects(self.client.get(path), f"{VERIFY}?next={path.replace('/', '%2F')}",
                                     fetch_redirect_response=False)
        self.assertEqual(self.client.post(SETUP, {"code": "123456"}).status_code, 302)
        self.assertEqual(TOTPDevice.objects.filter(user=self.user).count(), 1)

    def test_the_right_code_lets_in_and_returns_to_the_page_asked_for(self):
        self.sign_in("siti")
        page = self.client.get(f"{VERIFY}?next=/koperasi/")
        self.assertContains(page, "Verifikasi dua langkah")
        response = self.client.post(VERIFY, {"code": app_code(self.key), "next": "/koperasi/"})
        self.assertRedirects(response, "/koperasi/")
        self.assertEqual(self.client.get("/dasbor/").status_code, 200)
        self.assertNotIn(second_factor.SESSION_KEY, self.client.session)

    def test_a_wrong_code_is_refused_and_then_codes_wait(self):
        self.sign_in("siti")
        wrong = "000000" if app_code(self.key) != "000000" else "111111"
        response = self.client.post(VERIFY, {"code": wrong})
        self.assertContains(response, "Kode salah")
        # Right after a wrong code even the right one waits (django-otp doubles the wait each time).
        response = self.client.post(VERIFY, {"code": app_code(self.key)})
        self.assertContains(response, "coba lagi setelah pukul")
        self.assertEqual(self.client.get("/dasbor/").status_code, 302)
        unthrottle()
        response = self.client.post(VERIFY, {"code": app_code(self.key)})
        self.assertEqual(response.status_code, 302)

    def test_a_code_serves_once(self):
        code = app_code(self.key)
        self.sign_in("siti")
        self.client.post(VERIFY, {"code": code})
        self.client.post(reverse("logout"))
        self.sign_in("siti")
        self.assertContains(self.client.post(VERIFY, {"code": code}), "Kode salah")

    def test_a_backup_code_lets_in_once(self):
        codes = backup_codes_renew(user=self.user)
        self.sign_in("siti")
        response = self.client.post(VERIFY, {"code": codes[0].upper()}, follow=True)
        self.assertContains(response, "Anda masuk dengan kode cadangan; tersisa 9")
        self.assertEqual(StaticToken.objects.filter(device__user=self.user).count(), 9)
        self.client.post(reverse("logout"))
        self.sign_in("siti")
        self.assertContains(self.client.post(VERIFY, {"code": codes[0]}), "Kode salah")
        unthrottle()
        self.assertEqual(self.client.post(VERIFY, {"code": codes[1]}).status_code, 302)

    def test_next_elsewhere_is_not_followed(self):
        self.sign_in("siti")
        response = self.client.post(VERIFY, {"code": app_code(self.key), "next": "https://contoh.example/"})
        self.assertRedirects(response, reverse("registry:dashboard"))

    def test_hostile_codes_are_refused_with_a_message(self):
        self.sign_in("siti")
        for code in ["", "²²²²²²", "1" * 17, "abc\x00def", "12345", "1234567"]:
            with self.subTest(code=code):
                unthrottle()
                response = self.client.post(VERIFY, {"code": code})
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors)

    def test_the_verification_page_without_a_pending_step_goes_on(self):
        self.client.force_login(make_user("Pimpinan"))
        self.assertRedirects(self.client.get(VERIFY), reverse("registry:dashboard"))


class OptionalSecondFactorTests(SignInMixin, TestCase):
    """In development (SECOND_FACTOR_REQUIRED off) nobody is held, and anyone may turn it on."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("Admin Dinas", username="admin", is_staff=True, is_superuser=True)
        cls.user = make_user("Pimpinan", username="kepala")

    def test_the_demo_admin_signs_in_with_the_password_alone(self):
        response = self.sign_in("admin")
        self.assertRedirects(response, reverse("registry:dashboard"))
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_anyone_turns_it_on_from_the_account_page(self):
        self.sign_in("kepala")
        account = self.client.get(ACCOUNT)
        self.assertContains(account, "Belum aktif")
        self.assertContains(account, f'href="{SETUP}"')
        self.client.get(SETUP)
        key = self.client.session[PENDING_KEY_SESSION]
        self.client.post(SETUP, {"code": app_code(key)})
        self.assertContains(self.client.get(ACCOUNT), "10 kode cadangan tersisa")
        # The next sign-in asks for a code.
        self.client.post(reverse("logout"))
        self.sign_in("kepala")
        self.assertRedirects(self.client.get("/dasbor/"), f"{VERIFY}?next=%2Fdasbor%2F", fetch_redirect_response=False)
        self.assertEqual(self.client.post(VERIFY, {"code": app_code(key, steps_ahead=1)}).status_code, 302)
        self.assertEqual(self.client.get("/dasbor/").status_code, 200)

    def test_a_new_phone_replaces_the_old_one(self):
        old_key = enrol(self.user)
        self.force_login_verified(self.user)
        self.client.get(SETUP)
        new_key = self.client.session[PENDING_KEY_SESSION]
        self.client.post(SETUP, {"code": app_code(new_key)})
        self.assertEqual(list(TOTPDevice.objects.filter(user=self.user).values_list("key", flat=True)), [new_key])
        self.assertNotEqual(old_key, new_key)

    def test_new_backup_codes_replace_the_old_ones(self):
        enrol(self.user)
        old = backup_codes_renew(user=self.user)
        self.force_login_verified(self.user)
        response = self.client.post(reverse("registry:backup_codes"))
        self.assertEqual(len(response.context["codes"]), 10)
        self.assertIn("no-store", response["Cache-Control"])
        tokens = set(StaticToken.objects.filter(device__user=self.user).values_list("token", flat=True))
        self.assertEqual(tokens, set(response.context["codes"]))
        self.assertFalse(tokens & set(old))

    def test_backup_codes_need_an_app_first(self):
        self.client.force_login(self.user)
        self.assertRedirects(self.client.post(reverse("registry:backup_codes")), ACCOUNT)
        self.assertFalse(StaticToken.objects.exists())

    def test_turning_it_off(self):
        enrol(self.user)
        backup_codes_renew(user=self.user)
        self.force_login_verified(self.user)
        self.assertContains(self.client.get(ACCOUNT), "Matikan verifikasi dua langkah")
        self.assertRedirects(self.client.post(reverse("registry:second_factor_disable")), ACCOUNT)
        self.assertFalse(TOTPDevice.objects.filter(user=self.user).exists())
        self.assertFalse(StaticToken.objects.exists())
        self.assertEqual(self.client.get(reverse("registry:second_factor_disable")).status_code, 405)


@override_settings(SECOND_FACTOR_REQUIRED=True)
class ResetTests(SignInMixin, TestCase):
    """A lost phone and lost backup codes: an Admin Dinas resets the devices in /admin/ (or the command)."""

    @classmethod
    def setUpTestData(cls):
        cls.operator = make_user("Admin Dinas", username="operator", is_staff=True)
        cls.lost = make_user("Admin Dinas", username="hilang", is_staff=True)
        enrol(cls.lost)
        backup_codes_renew(user=cls.lost)

    def test_admin_action_resets_and_is_logged(self):
        operator_key = enrol(self.operator)
        self.sign_in("operator")
        self.client.post(VERIFY, {"code": app_code(operator_key)})
        response = self.client.post(
            reverse("admin:registry_user_changelist"),
            {"action": "reset_second_factor", "_selected_action": [self.lost.pk]},
            follow=True,
        )
        self.assertContains(response, "Verifikasi dua langkah 1 pengguna diatur ulang")
        self.assertFalse(TOTPDevice.objects.filter(user=self.lost).exists())
        self.assertFalse(StaticToken.objects.filter(device__user=self.lost).exists())
        entry = LogEntry.objects.get(object_id=str(self.lost.pk))
        self.assertEqual(entry.user, self.operator)
        self.assertIn("Verifikasi dua langkah diatur ulang", entry.change_message)
        # The next sign-in of the reset admin asks to enrol again.
        self.client.post(reverse("logout"))
        self.sign_in("hilang")
        self.assertRedirects(self.client.get("/admin/"), f"{SETUP}?next=%2Fadmin%2F", fetch_redirect_response=False)

    def test_accounts_admins_without_the_change_permission_cannot(self):
        viewer = make_user(None, username="pengamat", is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
        self.client.force_login(viewer)
        self.client.post(
            reverse("admin:registry_user_changelist"),
            {"action": "reset_second_factor", "_selected_action": [self.lost.pk]},
        )
        self.assertTrue(TOTPDevice.objects.filter(user=self.lost).exists())

    def test_the_command_for_when_no_admin_can_sign_in(self):
        out = io.StringIO()
        call_command("reset_second_factor", "hilang", stdout=out)
        self.assertIn("hilang: 2 device(s) removed", out.getvalue())
        self.assertFalse(TOTPDevice.objects.filter(user=self.lost).exists())
