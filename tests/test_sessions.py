"""Session limits: 30 minutes without a request, 12 hours after sign-in; the login page says why."""

import time
from datetime import timedelta

from django.test import TestCase, override_settings
from django.urls import reverse

from registry.middleware import SEEN_KEY, SEEN_RESOLUTION, STARTED_KEY
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
