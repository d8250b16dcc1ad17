"""List exports: filters, area, masked/full NIK, formula neutralising, logging, and the round trip (an
exported file imports back with 0 created and 0 updated). Who may export which list: tests/access.py."""

import csv
import datetime
import io

from django.test import TestCase
from openpyxl import load_workbook

from registry.models import Cooperative, ExportLog
from registry.spreadsheets.columns import neutralise
from registry.spreadsheets.imports import import_dry_run
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_UTARA,
    make_board_member,
    make_cooperative,
    make_member,
    make_report,
    make_user,
)


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def read_xlsx(response):
    data = b"".join(response.streaming_content)
    return [list(row) for row in load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(
        values_only=True)]


class ExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.pimpinan = make_user("Pimpinan")
        cls.admin = make_user("Admin Dinas")
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        cls.coop = make_cooperative(
            kecamatan=SANGATTA_UTARA, nomor_induk="6408010000001", name="=HYPERLINK(\"x\")",
            legal_entity_number="006385/BH/M.KUKM.2/XI/2017", legal_entity_date=datetime.date(2017, 11, 17),
            latitude="0.512345", longitude="117.512345",
        )
        cls.far = make_cooperative(kecamatan=MUARA_WAHAU, nomor_induk="6408020000002", jenis=Cooperative.Jenis.SERVICES)
        cls.members = [
            make_member(cls.coop, nik=f"64080145128000{i:02d}", name=f"Anggota {i}", member_number=f"A-{i}",
                        birth_date=datetime.date(1980, 12, 5), joined_on=datetime.date(2015, 2, 1), desa=cls.coop.desa)
            for i in range(1, 4)
        ]
        make_member(cls.coop, nik=None, name="Tanpa NIK", member_number="A-9")
        make_member(cls.far, nik="6408024512800009", name="Jauh")
        make_board_member(cls.coop, "ketua", name="Budi", term_end=datetime.date(2027, 12, 31))
        make_report(cls.coop, 2024, members_male=10, modal_sendiri=1_250_000_000, shu=-5_000_000,
                    rat_date=datetime.date(2025, 3, 15), rat_quorum=True)

    def get(self, user, kind, fmt, query=""):
        self.client.force_login(user)
        return self.client.get(f"/ekspor/{kind}/{fmt}/{query}")

    def full_nik(self, user, fmt, query=""):
        self.client.force_login(user)
        return self.client.post(f"/ekspor/anggota-nik-lengkap/{query}",
                                {"purpose": "Uji ekspor bolak-balik", "file_format": fmt})

    def test_filters_and_area(self):
        rows = read_csv(self.get(self.petugas, "koperasi", "csv", "?jenis=jasa"))
        self.assertEqual(len(rows), 2)
        rows = read_csv(self.get(self.limited, "koperasi", "csv"))
        self.assertEqual([row[1] for row in rows[1:]], ["6408010000001"])
        rows = read_csv(self.get(self.limited, "anggota", "csv"))
        self.assertNotIn("Jauh", [row[3] for row in rows])

    def test_findings_export_with_the_list_s_filters_and_area(self):
        from tests.builders import make_finding

        make_finding(self.coop, description="Buku kas tidak diperbarui", risk="tinggi")
        make_finding(self.far, description="Temuan di kecamatan lain")
        rows = read_xlsx(self.get(self.petugas, "temuan", "xlsx"))
        self.assertEqual(len(rows), 3)
        self.assertIn("Uraian", rows[0])
        rows = read_csv(self.get(self.limited, "temuan", "csv"))
        self.assertEqual([row[1] for row in rows[1:]], ["=HYPERLINK(\"x\")".replace("=", "'=", 1)])
        self.assertIn("Buku kas tidak diperbarui", rows[1])
        rows = read_csv(self.get(self.petugas, "temuan", "csv", "?risiko=tinggi"))
        self.assertEqual(len(rows), 2)

    def test_xlsx_dates_and_money_carry_their_formats(self):
        self.client.force_login(self.petugas)
        data = b"".join(self.client.get("/ekspor/laporan/xlsx/").streaming_content)
        sheet = load_workbook(io.BytesIO(data)).worksheets[0]
        self.assertEqual(sheet.freeze_panes, "A2")
        header = [cell.value for cell in sheet[1]]
        row = sheet[2]
        money = row[header.index("Modal sendiri")]
        self.assertEqual((money.value, money.number_format), (1_250_000_000, '"Rp" #,##0'))
        shu = row[header.index("SHU")]
        self.assertEqual((shu.value, shu.number_format), (-5_000_000, '"Rp" #,##0'))
        rat = row[header.index("Tanggal RAT")]
        self.assertEqual((rat.value.date(), rat.number_format), (datetime.date(2025, 3, 15), "dd/mm/yyyy"))
        self.assertGreaterEqual(sheet.column_dimensions["A"].width, 10)

    def test_nik_masked_unless_full_asked_and_allowed(self):
        rows = read_csv(self.get(self.petugas, "anggota", "csv"))
        niks = [row[4] for row in rows[1:]]
        self.assertIn("************0001", niks)
        self.assertFalse([nik for nik in niks if nik.isdigit()])
        # The old GET switch exports nothing: it is sent to the page that asks for the purpose.
        response = self.get(self.petugas, "anggota", "csv", "?nik_lengkap=1&aktif=true")
        self.assertRedirects(response, "/ekspor/anggota-nik-lengkap/?aktif=true", fetch_redirect_response=False)
        self.assertFalse(ExportLog.objects.filter(full_nik=True).exists())
        rows = read_csv(self.full_nik(self.admin, "csv"))
        self.assertIn("6408014512800001", [row[4] for row in rows[1:]])
        log = ExportLog.objects.filter(full_nik=True).get()
        self.assertEqual((log.user, log.kind, log.row_count), (self.admin, "anggota", 5))

    def test_logged_with_filter_and_count(self):
        read_csv(self.get(self.pimpinan, "koperasi", "csv", "?jenis=jasa"))
        log = ExportLog.objects.get()
        self.assertEqual((log.kind, log.file_format, log.query, log.row_count), ("koperasi", "csv", "jenis=jasa", 1))

    def test_formula_cells_neutralised_numbers_stay_numbers(self):
        self.assertEqual(neutralise("=1+1"), "'=1+1")
        self.assertEqual(neutralise("@SUM"), "'@SUM")
        self.assertEqual(neutralise(-5), -5)
        rows = read_xlsx(self.get(self.petugas, "koperasi", "xlsx"))
        names = [row[0] for row in rows[1:]]
        self.assertIn("'=HYPERLINK(\"x\")", names)
        rows = read_xlsx(self.get(self.petugas, "laporan", "xlsx"))
        self.assertIn(-5_000_000, rows[1])

    def assert_round_trip(self, kind, export_kind, fmt, query=""):
        if export_kind == "anggota-nik-lengkap":
            response = self.full_nik(self.admin, fmt)
        else:
            response = self.get(self.admin, export_kind, fmt, query)
        data = b"".join(response.streaming_content)
        result = import_dry_run(kind=kind, data=data, file_name=f"x.{fmt}", user=self.admin)
        self.assertEqual(result.errors, [])
        self.assertEqual((result.created, result.updated), (0, 0), kind)
        self.assertGreater(result.unchanged, 0)

    def test_round_trip_each_kind(self):
        for fmt in ("csv", "xlsx"):
            with self.subTest(fmt=fmt):
                self.assert_round_trip("koperasi", "koperasi", fmt)
                self.assert_round_trip("pengurus", "pengurus", fmt)
                # Members round-trip with the full NIK column (masked NIKs cannot identify a member).
                self.assert_round_trip("anggota", "anggota-nik-lengkap", fmt)
                self.assert_round_trip("laporan", "laporan", fmt)


class ExportQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        coop = make_cooperative(kecamatan=SANGATTA_UTARA)
        for i in range(6):
            make_member(coop, nik=f"64080145128000{i + 10:02d}", desa=coop.desa)

    def test_members_csv_queries_do_not_grow_with_rows(self):
        self.client.force_login(self.petugas)
        read_csv(self.client.get("/ekspor/anggota/csv/"))  # the first request reads the user's access
        # session, user with the access token (permissions, roles, area: registry/access.py); the export log row;
        # whether the export is past the inline limit (a count bounded by it); the log row; the members
        # with cooperative and desa joined (one query, read in chunks); the log's row count.
        with self.assertNumQueries(6):
            rows = read_csv(self.client.get("/ekspor/anggota/csv/"))
        self.assertEqual(len(rows), 7)
