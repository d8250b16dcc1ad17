"""The per-kecamatan recap for the ministry: figures, area, XLSX, query count (access: tests/access.py)."""

import datetime
import io

from django.test import TestCase
from openpyxl import load_workbook

from registry.models import Cooperative, ExportLog
from tests.builders import MUARA_WAHAU, SANGATTA_UTARA, make_cooperative, make_report, make_user


class RecapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.pimpinan = make_user("Pimpinan")
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        a = make_cooperative(kecamatan=SANGATTA_UTARA, jenis=Cooperative.Jenis.SAVINGS_LOANS)
        b = make_cooperative(kecamatan=SANGATTA_UTARA, status=Cooperative.Status.INACTIVE)
        c = make_cooperative(kecamatan=MUARA_WAHAU)
        make_report(a, 2024, members_male=10, members_female=5, modal_sendiri=1_000, shu=-50,
                    rat_date=datetime.date(2025, 3, 1))
        make_report(b, 2024, members_male=1, modal_sendiri=500)
        make_report(c, 2024, members_female=7, modal_sendiri=200)
        make_report(c, 2023, members_female=99)

    def test_figures_per_kecamatan_and_total(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get("/ekspor/rekap-kementerian/?tahun=2024")
        rows = {row.code: row for row in response.context["rows"]}
        sangatta = rows[SANGATTA_UTARA]
        self.assertEqual((sangatta.cooperatives, sangatta.active, sangatta.rat_held), (2, 1, 1))
        self.assertEqual((sangatta.members_male, sangatta.members_female), (11, 5))
        self.assertEqual(sangatta.money["modal_sendiri"], 1_500)
        self.assertEqual(sangatta.money["shu"], -50)
        total = response.context["total"]
        self.assertEqual((total.cooperatives, total.members_total, total.money["modal_sendiri"]), (3, 23, 1_700))
        self.assertEqual(len(response.context["rows"]), 18)

    def test_limited_user_sees_own_area(self):
        self.client.force_login(self.limited)
        response = self.client.get("/ekspor/rekap-kementerian/?tahun=2024")
        self.assertEqual([row.code for row in response.context["rows"]], [SANGATTA_UTARA])
        self.assertEqual(response.context["total"].cooperatives, 2)

    def test_xlsx_logged(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get("/ekspor/rekap-kementerian/?tahun=2024&format=xlsx")
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        self.assertIn("2024", sheet["A1"].value)
        self.assertEqual(sheet.cell(sheet.max_row, 2).value, "Jumlah")
        self.assertEqual(ExportLog.objects.get().kind, "rekap")

    def test_queries(self):
        self.client.force_login(self.limited)
        self.client.get("/ekspor/rekap-kementerian/?tahun=2024")  # the first request reads the user's access
        # session, user with the access token (permissions, roles, area: registry/access.py); kecamatan of the area;
        # cooperative counts; report sums.
        with self.assertNumQueries(5):
            self.client.get("/ekspor/rekap-kementerian/?tahun=2024")
