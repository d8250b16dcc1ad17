"""Hostile input to the login form and the second-factor form: a message or a redirect, never a 500.

Run on SQLite and on PostgreSQL (the suite runs on both): PostgreSQL refuses what SQLite stores
(NUL characters, values longer than the column), which is where a 500 hid before.
"""

from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from registry import second_factor
from registry.services.second_factor import backup_codes_renew
from tests.builders import make_user

# Any text a client can send (no lone surrogates: they cannot be encoded into a request at all).
ANY_TEXT = st.characters(exclude_categories=("Cs",))
HOSTILE = st.one_of(
    st.text(ANY_TEXT, max_size=40),
    st.text(ANY_TEXT, min_size=140, max_size=600),  # around the field (150) and axes' column (255)
    st.sampled_from([
        "", " ", "\x00", "admin\x00", "a" * 151, "a" * 255, "a" * 256, "a" * 5000, "' OR 1=1 --", "%00",
        "<script>alert(1)</script>", "admin ", " admin", "ADMIN", "ａｄｍｉｎ", "../../etc/passwd", "\u202eadmin",
        "🙂" * 200, "\r\nSet-Cookie: x=1",
    ]),
)
ADDRESSES = st.sampled_from(["127.0.0.1", "203.0.113.9", "::1", "", "not-an-address"])
FORWARDED = st.one_of(
    st.none(),
    st.text(ANY_TEXT, max_size=80),
    st.lists(st.ip_addresses().map(str), max_size=4).map(", ".join),
)
FIELD = st.one_of(st.none(), HOSTILE, st.lists(HOSTILE, min_size=2, max_size=3))
# Authentication runs only with a password: mostly give one.
PASSWORD_FIELD = st.one_of(st.text(ANY_TEXT, min_size=1, max_size=30), FIELD)


def form_data(**fields):
    """POST data with each field absent (None), one value, or repeated (a list)."""
    return {name: value for name, value in fields.items() if value is not None}


@override_settings(AXES_ENABLED=True, TRUSTED_PROXIES=["127.0.0.1", "::1"])
class HostileLoginTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_user("Admin Dinas", username="admin")

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(username=FIELD, password=PASSWORD_FIELD, next_url=FIELD, remote=ADDRESSES, forwarded=FORWARDED)
    @example(username="a" * 256, password="x", next_url=None, remote="203.0.113.9", forwarded=None)
    @example(username="admin\x00", password="x\x00", next_url="\x00", remote="127.0.0.1", forwarded="\x00")
    def test_login_form(self, username, password, next_url, remote, forwarded):
        headers = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            headers["HTTP_X_FORWARDED_FOR"] = forwarded
        data = form_data(username=username, password=password, next=next_url)
        response = self.client.post(reverse("login"), data, **headers)
        self.assertIn(response.status_code, (200, 302, 429))
        if response.status_code == 302:
            # Only the right password signs in, and never to another site.
            self.assertEqual(username, "admin")
            self.assertTrue(response["Location"].startswith("/"), response["Location"])
            self.client.logout()
        elif response.status_code == 200:
            self.assertContains(response, "Masuk ke Kutim Koperasi")

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(next_url=HOSTILE)
    def test_login_page_with_a_hostile_next(self, next_url):
        response = self.client.get(reverse("login"), {"next": next_url})
        # The login page, or (control characters, an address longer than any of ours) the 400 page
        # of registry/query_params.py; never a 500, never a redirect elsewhere.
        self.assertIn(response.status_code, (200, 400))
        if response.status_code == 400:
            self.assertContains(response, "next", status_code=400)


class HostileSecondFactorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("Petugas", username="siti")
        backup_codes_renew(user=cls.user)
        cls.newcomer = make_user("Petugas", username="baru")

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(code=FIELD, next_url=FIELD)
    def test_verification_form(self, code, next_url):
        self.client.force_login(self.user)
        session = self.client.session
        session[second_factor.SESSION_KEY] = second_factor.VERIFY
        session.save()
        url = reverse("registry:second_factor_verify")
        response = self.client.post(url, form_data(code=code, next=next_url))
        if response.status_code == 302:  # a guessed backup code would be news
            self.fail(f"code {code!r} was accepted")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(code=FIELD)
    def test_enrolment_form(self, code):
        self.client.force_login(self.newcomer)
        response = self.client.post(reverse("registry:second_factor_setup"), form_data(code=code))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
