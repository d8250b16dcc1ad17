"""The dashboard's body (figures, tables, charts) rendered once and kept: never older than the figures
the page would compute now, never shown to another area, another kecamatan, year or language.

The district of tests/test_rat_season.py (build_portal_season): book year 2024, ten active
cooperatives in the RAT season, two without a RAT past the due date of 30/06/2025.
"""

import datetime
import re
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry.models import OfficeSettings, SummaryRefresh
from registry.services.summary import summary_refresh
from tests.access import make_limited_petugas
from tests.builders import MUARA_WAHAU, SANGATTA_UTARA, make_cooperative, make_partnership, make_report, make_user
from tests.test_rat_season import build_portal_season

YEAR = 2024
PAGE = f"/dasbor/?tahun={YEAR}"


def body(response):
    """The page's figures, tables and charts as sent, and the figure count of each RAT season link."""
    html = response.content.decode().split('<section class="figures dashboard-figures"', 1)[1].split("</main>")[0]
    return html, {key: int(count) for key, count in re.findall(
        r'<tr id="rat_([a-z_]+)">.*?data-count="(\d+)"', html)}


def on(day):
    """timezone.localdate() as on `day` (the date a page is read), other dates converted as usual."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return real(value, timezone) if value is not None else day

    return mock.patch("django.utils.timezone.localdate", localdate)


class KeptBodyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_portal_season(cls)
        make_partnership(cls.staff)
        summary_refresh()
        cls.pimpinan = make_user("Pimpinan")
        cls.limited = make_limited_petugas()

    def setUp(self):
        self.client.force_login(self.pimpinan)

    def test_the_second_request_sends_the_kept_body_with_seven_queries(self):
        first = self.client.get(PAGE)
        # 1 session, 2 user with the access token, 3 last refresh, 4 kecamatan of the area, 5 active partnerships
        # (live), 6 office settings (the RAT due date): what the key is made of; the summary is not read.
        with self.assertNumQueries(6):
            second = self.client.get(PAGE)
        self.assertEqual(body(second), body(first))
        self.assertEqual(body(second)[1]["terlambat"], 2)
        # The figures stay readable from the context (computed only when read).
        self.assertEqual({f.key: f.value for f in second.context["sections"]["rat_season"]}["rat_terlambat"], 2)

    def test_a_write_shows_after_the_refresh_it_triggers(self):
        self.client.get(PAGE)
        with self.captureOnCommitCallbacks(execute=True):
            make_report(self.nothing, YEAR, rat_date=datetime.date(2025, 5, 1))
        counts = body(self.client.get(PAGE))[1]
        self.assertEqual((counts["terlambat"], counts["belum_dilaporkan"]), (1, 2))

    def test_a_new_partnership_counts_at_once_without_a_refresh(self):
        def partnerships():
            return re.search(r'href="/kemitraan/\?status=aktif[^"]*" data-count="(\d+)"',
                             self.client.get(PAGE).content.decode()).group(1)

        self.assertEqual(partnerships(), "1")
        refreshes = SummaryRefresh.objects.count()
        make_partnership(self.held)  # no refresh: the tests run the triggered ones only when asked
        self.assertEqual(SummaryRefresh.objects.count(), refreshes)
        self.assertEqual(partnerships(), "2")

    def test_a_changed_due_date_counts_at_once_without_a_refresh(self):
        with on(datetime.date(2025, 7, 15)):
            self.assertEqual(body(self.client.get(PAGE))[1]["terlambat"], 2)
            office = OfficeSettings.current()
            office.rat_due_months = 7  # RAT of 2024 by 31/07/2025
            office.save()
            counts = body(self.client.get(PAGE))[1]
        self.assertEqual((counts["terlambat"], counts["belum"]), (0, 2))

    def test_the_day_after_the_due_date_the_figures_move(self):
        with on(datetime.date(2025, 6, 30)):
            on_due = body(self.client.get(PAGE))[1]
            self.assertEqual(body(self.client.get(PAGE))[1], on_due)  # kept on the same day
        with on(datetime.date(2025, 7, 1)):
            after = body(self.client.get(PAGE))[1]
        self.assertEqual((on_due["belum"], on_due["terlambat"]), (2, 0))
        self.assertEqual((after["belum"], after["terlambat"]), (0, 2))

    def test_another_area_kecamatan_year_measure_or_language_gets_its_own_body(self):
        district = body(self.client.get(PAGE))[1]
        self.assertEqual(district["musim"], 10)
        self.assertEqual(body(self.client.get(f"{PAGE}&kecamatan={MUARA_WAHAU}"))[1]["musim"], 1)
        self.assertEqual(body(self.client.get(f"{PAGE}&kecamatan={SANGATTA_UTARA}"))[1]["musim"], 9)
        # 2023: the ten but the one founded on 31/12/2024.
        self.assertEqual(body(self.client.get(f"/dasbor/?tahun={YEAR - 1}"))[1]["musim"], 9)
        tiles = self.client.get(f"{PAGE}&ukuran=rat").content.decode()
        self.assertIn("Porsi RAT diadakan", tiles)
        self.assertNotIn("Porsi RAT diadakan", self.client.get(PAGE).content.decode().split("<svg", 1)[1][:400])
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        self.assertIn("active cooperatives in the 2024 RAT season", self.client.get(PAGE).content.decode())
        self.client.force_login(self.limited)
        self.assertEqual(body(self.client.get(PAGE))[1]["musim"], 9)  # never the district's body

    def test_a_season_counted_live_is_not_kept(self):
        SummaryRefresh.objects.update(rat_seasons=False)
        self.client.get(PAGE)
        # Counted live (a summary from before it held seasons): the summary and the count read again.
        with self.assertNumQueries(12):
            response = self.client.get(PAGE)
        make_cooperative(name="Q Baru")  # active, no RAT: counted at once, with no refresh
        self.assertEqual(body(self.client.get(PAGE))[1]["musim"], body(response)[1]["musim"] + 1)

    def test_who_may_recount_is_decided_per_request_beside_a_kept_body(self):
        kept = self.client.get(PAGE)
        self.assertNotContains(kept, "Hitung ulang sekarang")
        self.client.force_login(make_user("Admin Dinas"))
        with CaptureQueriesContext(connection) as queries:
            admin = self.client.get(PAGE)
        # Their first request: their permissions are read, the summary is not (the body is the one kept).
        self.assertFalse([q["sql"] for q in queries if "registry_summarycell" in q["sql"]])
        self.assertContains(admin, "Hitung ulang sekarang")
        self.assertContains(admin, "csrfmiddlewaretoken")
        self.assertEqual(body(admin), body(kept))
        self.assertNotIn("csrfmiddlewaretoken", body(admin)[0])
