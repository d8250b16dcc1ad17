"""The dashboard's RAT season figures and the portal's share, against the tracker (/rat/) they link to.

The district of tests/test_rat_season.py (build_portal_season): book year 2024, ten active
cooperatives in the season, seven reported (three through the portal), one held but not reported,
two past the due date without a RAT; one of the portal's is in Muara Wahau, the rest in Sangatta Utara.
"""

import datetime
import io
import re

from django.test import TestCase
from openpyxl import load_workbook

from registry.selectors.dashboard import kecamatan_in_area, rat_season_counts
from registry.services.summary import summary_refresh
from tests.access import make_limited_petugas
from tests.builders import MUARA_WAHAU, SANGATTA_UTARA, make_board_account, make_user
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

    def test_the_figure_follows_an_acceptance_without_a_refresh(self):
        from tests.test_rat_season import accepted_through_portal

        accepted_through_portal(self.held, YEAR, self.reviewer, rat_date=datetime.date(2025, 5, 1))
        found = self.figures(self.pimpinan)
        self.assertEqual((found["rat_portal"].value, found["rat_belum_dilaporkan"].value), (4, 0))

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
