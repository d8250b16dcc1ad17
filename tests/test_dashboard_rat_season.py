"""The dashboard's RAT season figures and the portal's share, against the tracker (/rat/) they link to.

The district of tests/test_rat_season.py (build_portal_season): book year 2024, ten active
cooperatives in the season, seven reported (three through the portal), one held but not reported,
two past the due date without a RAT; one of the portal's is in Muara Wahau, the rest in Sangatta Utara.
"""

import datetime
import io
import re
from unittest import mock

from django.test import TestCase
from openpyxl import load_workbook

from registry.models import Cooperative, OfficeSettings, SummaryRefresh
from registry.selectors import dashboard as dashboard_selectors
from registry.selectors.dashboard import kecamatan_in_area, rat_season_counts
from registry.services.cooperatives import cooperative_change_status
from registry.services.summary import summary_refresh
from tests.access import make_limited_petugas
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_UTARA,
    make_board_account,
    make_cooperative,
    make_report,
    make_user,
)
from tests.figure_walk import figure_disagreements, walk
from tests.test_rat_season import build_portal_season

YEAR = 2024
DISTRICT = {"rat_musim": 10, "rat_dilaporkan": 7, "rat_belum_dilaporkan": 1, "rat_terlambat": 2, "rat_belum": 0,
            "rat_portal": 3, "rat_petugas": 4}


class DashboardRatSeasonTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_portal_season(cls)
        summary_refresh()
        cls.pimpinan = make_user("Pimpinan")
        cls.limited = make_limited_petugas()

    def figures(self, user, query=""):
        self.client.force_login(user)
        response = self.client.get(f"/dasbor/?tahun={YEAR}{query}")
        self.assertEqual(response.status_code, 200)
        return {f.key: f for f in response.context["sections"]["rat_season"]}

    def test_the_district_s_season_and_the_portal_s_share(self):
        found = self.figures(self.pimpinan)
        self.assertEqual({key: f.value for key, f in found.items()}, DISTRICT)
        self.assertEqual(found["rat_portal"].href, f"/rat/?tahun={YEAR}&lewat=portal")
        self.assertEqual(found["rat_terlambat"].href, f"/rat/?tahun={YEAR}&keadaan=terlambat")
        self.assertEqual(found["rat_portal"].detail, "42,9% dari RAT yang dilaporkan")
        self.assertEqual(found["rat_dilaporkan"].detail, "70,0% dari koperasi aktif")

    def test_each_figure_opens_a_list_of_the_same_number(self):
        for user, query in [(self.pimpinan, ""), (self.pimpinan, f"&kecamatan={MUARA_WAHAU}"), (self.limited, ""),
                            (self.limited, f"&kecamatan={SANGATTA_UTARA}")]:
            for key, figure in self.figures(user, query).items():
                with self.subTest(user=user.username, query=query, key=key):
                    listed = self.client.get(figure.href)
                    self.assertEqual(listed.status_code, 200)
                    self.assertEqual(listed.context["paginator"].count, figure.value)
                    self.assertEqual(len(listed.context["page_obj"].object_list), figure.value)

    def test_one_kecamatan(self):
        found = self.figures(self.pimpinan, f"&kecamatan={MUARA_WAHAU}")
        self.assertEqual({key: f.value for key, f in found.items()},
                         {**dict.fromkeys(DISTRICT, 0), "rat_musim": 1, "rat_dilaporkan": 1, "rat_portal": 1})
        self.assertEqual(found["rat_portal"].href, f"/rat/?tahun={YEAR}&lewat=portal&kecamatan={MUARA_WAHAU}")

    def test_a_limited_petugas_counts_only_their_area(self):
        found = self.figures(self.limited)
        self.assertEqual({key: f.value for key, f in found.items()},
                         {**DISTRICT, "rat_musim": 9, "rat_dilaporkan": 6, "rat_portal": 2})
        self.client.force_login(self.limited)
        self.assertEqual(self.client.get(f"/dasbor/?tahun={YEAR}&kecamatan={MUARA_WAHAU}").status_code, 404)
        self.assertEqual(self.client.get(f"/rat/?tahun={YEAR}&kecamatan={MUARA_WAHAU}").status_code, 404)

    def test_on_the_due_date_no_rat_is_still_in_time_and_the_day_after_overdue(self):
        codes = [code for code, _name in kecamatan_in_area(user=self.pimpinan)]

        def counts(today):
            return rat_season_counts(user=self.pimpinan, year=YEAR, codes=codes, chosen=False, today=today)[1]

        on_due = counts(datetime.date(2025, 6, 30))
        self.assertEqual((on_due["belum"], on_due["terlambat"]), (2, 0))
        after = counts(datetime.date(2025, 7, 1))
        self.assertEqual((after["belum"], after["terlambat"]), (0, 2))
        # The portal's share does not move with the calendar.
        self.assertEqual((on_due["portal"], after["portal"], after["petugas"]), (3, 3, 4))

    def test_the_figure_follows_an_acceptance_through_the_refresh_it_triggers(self):
        from tests.test_rat_season import accepted_through_portal

        refreshes = SummaryRefresh.objects.count()
        # The acceptance commits, and its commit queues the refresh (run at once by the tests' task backend).
        with self.captureOnCommitCallbacks(execute=True):
            accepted_through_portal(self.held, YEAR, self.reviewer, rat_date=datetime.date(2025, 5, 1))
        self.assertEqual(SummaryRefresh.objects.count(), refreshes + 1)
        found = self.figures(self.pimpinan)
        self.assertEqual((found["rat_portal"].value, found["rat_belum_dilaporkan"].value), (4, 0))
        self.assertEqual(self.client.get(found["rat_portal"].href).context["paginator"].count, 4)

    def test_a_status_change_leaves_the_season_through_the_refresh_it_triggers(self):
        with self.captureOnCommitCallbacks(execute=True):
            cooperative_change_status(cooperative=self.nothing, to_status=Cooperative.Status.INACTIVE,
                                      reason="Tidak beroperasi", changed_on=datetime.date(2025, 1, 10))
        found = self.figures(self.pimpinan)
        self.assertEqual((found["rat_musim"].value, found["rat_terlambat"].value), (9, 1))
        self.assertEqual(self.client.get(found["rat_terlambat"].href).context["paginator"].count, 1)

    def test_the_walk_checks_the_rat_season_links(self):
        for user in (self.pimpinan, self.limited):
            self.client.force_login(user)
            page = self.client.get(f"/dasbor/?tahun={YEAR}").content.decode()
            self.assertEqual(len(re.findall(r'<a href="/rat/\?[^"]+" data-count="\d+" title=', page)), 7)
            problems, _checked = walk(self.client, f"/dasbor/?tahun={YEAR}")
            self.assertEqual(problems, [])
            self.assertEqual(figure_disagreements(user, year=YEAR), [])

    def test_api_and_export_carry_the_season(self):
        self.client.force_login(self.pimpinan)
        body = self.client.get(f"/api/ringkasan.json?tahun={YEAR}").json()
        self.assertEqual({f["key"]: f["value"] for f in body["rat_season"]}, DISTRICT)
        self.assertEqual(next(f for f in body["rat_season"] if f["key"] == "rat_portal")["list_count"], 3)
        workbook = load_workbook(io.BytesIO(self.client.get(f"/dasbor/ekspor.xlsx?tahun={YEAR}").content))
        sheet = workbook["Musim RAT"]
        rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
        self.assertEqual(rows["Dilaporkan lewat portal koperasi"], 3)

    def test_a_board_account_sees_no_figure(self):
        self.client.force_login(make_board_account(self.staff).user)
        for path in (f"/dasbor/?tahun={YEAR}", f"/rat/?tahun={YEAR}", f"/api/ringkasan.json?tahun={YEAR}"):
            with self.subTest(path=path):
                response = self.client.get(path)
                # Not found, as every staff URL for a board account (tests/access.py): never a figure.
                self.assertEqual(response.status_code, 404)
                self.assertNotIn(b"data-count", response.content)

    def test_in_english(self):
        from django.conf import settings

        self.client.force_login(self.pimpinan)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch's cookie
        response = self.client.get(f"/dasbor/?tahun={YEAR}")
        self.assertContains(response, f"RAT season, book year {YEAR}")
        self.assertContains(response, "Reported through the cooperatives&#x27; portal")
        self.assertContains(response, "42.9% of the reported RATs")


class SeasonFromSummaryTests(TestCase):
    """The dashboard reads the season from the summary and decides "overdue" or "still in time" as it
    reads: at every date and with any office settings its counts are the tracker's, counted live."""

    @classmethod
    def setUpTestData(cls):
        build_portal_season(cls)
        day = datetime.date
        # Dissolved on the last day of the book year: not active, so in no season from then on.
        dissolved = make_cooperative(name="D Bubar 31 Des")
        make_report(dissolved, 2024, rat_date=day(2025, 2, 1), rat_reported_on=day(2025, 2, 2))
        for to_status, on in (("tidak_aktif", day(2024, 11, 1)), ("diusulkan_bubar", day(2024, 12, 1)),
                              ("dibubarkan", day(2024, 12, 31))):
            cooperative_change_status(cooperative=dissolved, to_status=to_status, reason="Uji", changed_on=on)
        # Founded on the last day of 2025: in 2025's season, not in 2024's.
        founded = make_cooperative(name="E Berdiri 31 Des 2025", legal_entity_date=day(2025, 12, 31))
        make_report(founded, 2025, rat_date=day(2026, 3, 1))
        make_report(cls.staff, 2025, rat_date=day(2026, 3, 1), rat_reported_on=day(2026, 3, 2))
        summary_refresh()
        cls.pimpinan = make_user("Pimpinan")
        cls.limited = make_limited_petugas()

    def views(self):
        """(user, [(code, name)] of the kecamatan shown, chosen): the district, one kecamatan, a limited area."""
        district = kecamatan_in_area(user=self.pimpinan)
        return [
            (self.pimpinan, district, False),
            (self.pimpinan, [(c, n) for c, n in district if c == MUARA_WAHAU], True),
            (self.pimpinan, [(c, n) for c, n in district if c == SANGATTA_UTARA], True),
            (self.limited, kecamatan_in_area(user=self.limited), False),
        ]

    def from_summary(self, user, kecamatan, chosen, year, today):
        with mock.patch.object(dashboard_selectors, "rat_season_counts", side_effect=AssertionError("counted live")):
            return dashboard_selectors.dashboard(
                user=user, year=year, kecamatan=kecamatan, first_trend_year=2019, chosen=chosen, latest_year=2025,
                today=today,
            ).rat

    def live(self, user, kecamatan, chosen, year, today):
        return rat_season_counts(user=user, year=year, codes=[c for c, _n in kecamatan], chosen=chosen,
                                 today=today)[1]

    def test_equal_to_the_tracker_on_the_eve_of_the_due_date_on_it_and_the_day_after(self):
        for year in (2023, 2024, 2025):
            due = datetime.date(year + 1, 6, 30)
            for today in (due - datetime.timedelta(days=1), due, due + datetime.timedelta(days=1)):
                for user, kecamatan, chosen in self.views():
                    with self.subTest(year=year, today=today, user=user.username, kecamatan=kecamatan):
                        self.assertEqual(self.from_summary(user, kecamatan, chosen, year, today),
                                         self.live(user, kecamatan, chosen, year, today))

    def test_on_the_due_date_still_in_time_and_the_day_after_overdue(self):
        user, district, chosen = self.views()[0]
        on_due = self.from_summary(user, district, chosen, YEAR, datetime.date(2025, 6, 30))
        self.assertEqual((on_due["belum"], on_due["terlambat"], on_due["total"]), (2, 0, 10))
        after = self.from_summary(user, district, chosen, YEAR, datetime.date(2025, 7, 1))
        self.assertEqual((after["belum"], after["terlambat"], after["total"]), (0, 2, 10))

    def test_founded_on_the_last_day_of_the_year_shown_and_dissolved_on_31_december(self):
        user, district, chosen = self.views()[0]
        today = datetime.date(2026, 7, 1)
        # 2024: the ten of build_portal_season; the one dissolved on 31/12/2024 and the one founded
        # on 31/12/2025 are not in it. 2025: the nine active since before 2025 (one of them founded
        # 01/01/2025) and the one founded on its last day, whose RAT is held, not reported.
        self.assertEqual(self.from_summary(user, district, chosen, 2024, today)["total"], 10)
        season_2025 = self.from_summary(user, district, chosen, 2025, today)
        self.assertEqual({key: season_2025[key] for key in ("total", "dilaporkan", "belum_dilaporkan")},
                         {"total": 12, "dilaporkan": 1, "belum_dilaporkan": 1})
        self.assertEqual(season_2025, self.live(user, district, chosen, 2025, today))

    def test_a_change_of_the_office_s_due_date_counts_at_once_without_a_refresh(self):
        user, district, chosen = self.views()[0]
        refreshes = SummaryRefresh.objects.count()
        office = OfficeSettings.current()
        office.rat_due_months = 7  # RAT of 2024 by 31/07/2025
        office.save()
        self.assertEqual(SummaryRefresh.objects.count(), refreshes)
        for today, in_time, overdue in ((datetime.date(2025, 7, 31), 2, 0), (datetime.date(2025, 8, 1), 0, 2)):
            counts = self.from_summary(user, district, chosen, YEAR, today)
            self.assertEqual((counts["belum"], counts["terlambat"]), (in_time, overdue))
            self.assertEqual(counts, self.live(user, district, chosen, YEAR, today))

    def test_a_summary_written_before_it_held_seasons_is_not_read_for_them(self):
        # Rows of a refresh from before the season columns hold 0 there: the season is counted live.
        SummaryRefresh.objects.update(rat_seasons=False)
        user, district, chosen = self.views()[0]
        counts = dashboard_selectors.dashboard(user=user, year=YEAR, kecamatan=district, first_trend_year=2019,
                                               latest_year=2025, today=datetime.date(2025, 7, 1)).rat
        self.assertEqual((counts["total"], counts["dilaporkan"], counts["terlambat"]), (10, 7, 2))

    def test_a_year_the_summary_does_not_hold_is_counted_live(self):
        user, district, chosen = self.views()[0]
        counts = dashboard_selectors.dashboard(user=user, year=2010, kecamatan=district, first_trend_year=2019,
                                               latest_year=2025, today=datetime.date(2025, 7, 1)).rat
        self.assertEqual(counts, self.live(user, district, chosen, 2010, datetime.date(2025, 7, 1)))
