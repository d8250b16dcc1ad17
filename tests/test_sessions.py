"""Session limits: 30 minutes without a request, 12 hours after sign-in; the login page says why. The
session store and the read of the signed-in user."""

import time
from datetime import timedelta
from unittest.mock import patch

from django.contrib.sessions.models import Session
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registry.access import TOKEN_READ_WITH_USER, UserWithAccessTokenBackend, current_token
from registry.middleware import SEEN_KEY, SEEN_RESOLUTION, STARTED_KEY
from registry.sessions import SessionStore
from tests.builders import PASSWORD, make_user

MINUTE = 60


class SessionLimitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("Pimpinan", username="kepala")

    def setUp(self):
        self.client.force_login(self.user)

    def set_clock(self, *, started_ago=0, seen_ago=0):
        """Move the session's sign-in time and last activity into the past."""
        now = int(time.time())
        session = self.client.session
        session[STARTED_KEY] = now - started_ago
        session[SEEN_KEY] = now - seen_ago
        session.save()

    def assertEndedWith(self, response, message, next_url="/dasbor/"):
        self.assertRedirects(response, f"{reverse('login')}?next={next_url.replace('/', '%2F')}",
                             fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)
        page = self.client.get(response["Location"])
        self.assertContains(page, message)
        self.assertContains(page, "Masuk ke Kutim Koperasi")

    def test_sign_in_starts_both_clocks(self):
        self.client.logout()
        self.client.post(reverse("login"), {"username": "kepala", "password": PASSWORD})
        session = self.client.session
        self.assertAlmostEqual(session[STARTED_KEY], time.time(), delta=5)
        self.assertEqual(session[SEEN_KEY], session[STARTED_KEY])

    def test_thirty_idle_minutes_end_the_session(self):
        self.set_clock(started_ago=31 * MINUTE, seen_ago=30 * MINUTE)
        response = self.client.get("/dasbor/")
        self.assertEndedWith(response, "tidak ada aktivitas selama 30 menit")

    def test_just_under_thirty_minutes_is_still_signed_in_and_activity_extends_it(self):
        self.set_clock(started_ago=60 * MINUTE, seen_ago=30 * MINUTE - 5)
        self.assertEqual(self.client.get("/dasbor/").status_code, 200)
        self.assertAlmostEqual(self.client.session[SEEN_KEY], time.time(), delta=5)
        # Another 29 minutes from that request: still signed in, because the request counted.
        self.set_clock(started_ago=89 * MINUTE, seen_ago=29 * MINUTE)
        self.assertEqual(self.client.get("/dasbor/").status_code, 200)

    def test_activity_is_written_at_most_once_a_minute(self):
        self.set_clock(seen_ago=SEEN_RESOLUTION - 10)
        seen = self.client.session[SEEN_KEY]
        self.assertEqual(self.client.get("/dasbor/").status_code, 200)
        self.assertEqual(self.client.session[SEEN_KEY], seen)
        self.set_clock(seen_ago=SEEN_RESOLUTION)
        self.client.get("/dasbor/")
        self.assertGreater(self.client.session[SEEN_KEY], seen)

    def test_twelve_hours_after_sign_in_end_the_session_however_active(self):
        self.set_clock(started_ago=12 * 60 * MINUTE, seen_ago=10)
        response = self.client.get("/dasbor/")
        self.assertEndedWith(response, "sudah 12 jam sejak masuk")

    def test_just_under_twelve_hours_is_still_signed_in(self):
        self.set_clock(started_ago=12 * 60 * MINUTE - 5, seen_ago=10)
        self.assertEqual(self.client.get("/dasbor/").status_code, 200)

    @override_settings(SESSION_IDLE_TIMEOUT=timedelta(minutes=5))
    def test_the_idle_limit_is_configurable(self):
        self.set_clock(started_ago=10 * MINUTE, seen_ago=5 * MINUTE)
        self.assertEndedWith(self.client.get("/dasbor/"), "tidak ada aktivitas selama 5 menit")

    def test_a_post_after_the_limit_signs_out_without_returning_to_the_post(self):
        self.set_clock(started_ago=40 * MINUTE, seen_ago=31 * MINUTE)
        response = self.client.post(reverse("logout"))
        self.assertRedirects(response, f"{reverse('login')}?next=%2Fdasbor%2F", fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_session_from_before_the_limits_gets_its_clock(self):
        session = self.client.session
        del session[STARTED_KEY], session[SEEN_KEY]
        session.save()
        self.assertEqual(self.client.get("/dasbor/").status_code, 200)
        self.assertAlmostEqual(self.client.session[STARTED_KEY], time.time(), delta=5)

    def test_anonymous_requests_are_untouched(self):
        self.client.logout()
        response = self.client.get(reverse("login"))
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(SEEN_KEY, self.client.session)


class SessionStoreTests(TestCase):
    """registry/sessions.py: Django's database sessions, read through a statement compiled once; the
    expiry compared on the row as Django compares it in SQL (`expire_date > now`)."""

    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("Pimpinan", username="pemegang-sesi")

    def setUp(self):
        self.client.force_login(self.user)
        self.key = self.client.session.session_key
        self.expires = Session.objects.get(session_key=self.key).expire_date

    def page_at(self, moment):
        with patch("registry.sessions.timezone.now", return_value=moment):
            return SessionStore(self.key).load()

    def test_a_session_is_read_until_its_expiry_and_not_at_it(self):
        self.assertEqual(self.page_at(self.expires - timedelta(microseconds=1))["_auth_user_id"], str(self.user.pk))
        self.assertEqual(self.page_at(self.expires), {})
        self.assertEqual(self.page_at(self.expires + timedelta(seconds=1)), {})

    def test_an_expired_session_signs_nobody_in(self):
        Session.objects.filter(session_key=self.key).update(expire_date=timezone.now() - timedelta(seconds=1))
        response = self.client.get("/dasbor/")
        self.assertRedirects(response, f"{reverse('login')}?next=%2Fdasbor%2F", fetch_redirect_response=False)

    def test_an_unknown_or_missing_key_is_no_session_and_a_write_gets_a_new_key(self):
        for key in ("tidak-ada-sesi-dengan-kunci-ini", None):
            with self.subTest(key=key):
                store = SessionStore(key)
                self.assertEqual(store.load(), {})
                self.assertIsNone(store.session_key)
                store["dicatat"] = 1
                store.save()
                self.assertNotEqual(store.session_key, key)
                self.assertEqual(SessionStore(store.session_key).load(), {"dicatat": 1})

    def test_a_signed_out_session_is_gone(self):
        self.client.logout()
        self.assertEqual(SessionStore(self.key).load(), {})

    def test_one_statement_for_every_request(self):
        with CaptureQueriesContext(connection) as first:
            SessionStore(self.key).load()
        other = self.client_class()
        other.force_login(make_user("Petugas"))
        with CaptureQueriesContext(connection) as second:
            SessionStore(other.session.session_key).load()
        self.assertEqual(len(first), 1)
        self.assertEqual(first[0]["sql"].replace(self.key, "?"),
                         second[0]["sql"].replace(other.session.session_key, "?"))


class UserReadTests(TestCase):
    """registry/access.py: the signed-in user and the access token, by a statement compiled once."""

    def test_the_user_is_read_by_an_integer_id_and_by_any_other_form_of_it(self):
        user = make_user("Petugas")
        backend = UserWithAccessTokenBackend()
        for user_id in (user.pk, str(user.pk)):
            with self.subTest(user_id=user_id):
                read = backend.get_user(user_id)
                self.assertEqual((read.pk, read.username, read.password), (user.pk, user.username, user.password))
                self.assertEqual(getattr(read, TOKEN_READ_WITH_USER), current_token())
        self.assertIsNone(backend.get_user(user.pk + 1000))
        self.assertIsNone(backend.get_user(2**70))  # beyond any id: no row, not a database error
