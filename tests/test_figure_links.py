"""Every figure on the dashboard, counts and sums alike, equals the list it links to.

The district of tests/test_dashboard.py (book years 2024 and 2025) and a few more records: a
cooperative founded in 2024 whose status changed on 31/12/2024 and whose 2024 report made a loss,
a second Merah Putih cooperative in a desa that already has one, a 2023 report. The walk opens
every figure link of the page for several views (whole district, one kecamatan, a past year, each
role that may see the dashboard) and compares each number, read from the HTML as written in
Indonesian, with the list's count or its total line (tests/figure_walk.py).
"""

import datetime
import re
from decimal import Decimal

from django.core.cache import cache
from django.test import TestCase

from registry.services.summary import summary_refresh
from tests.access import make_limited_petugas
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_SELATAN,
    SANGATTA_UTARA,
    make_cooperative,
    make_report,
    make_user,
)
from tests.figure_walk import list_count, list_total, parse_number, walk
from tests.test_dashboard import YEAR, build_district, make_assessment

PAST = YEAR - 1


def add_more(cls):
    day = datetime.date
    from registry.models import StatusChange

    cls.young = make_cooperative(kecamatan=MUARA_WAHAU, legal_entity_date=day(PAST, 2, 1), jenis="jasa",
                                 status="dalam_pembinaan")
    StatusChange.objects.create(cooperative=cls.young, changed_on=day(PAST, 12, 31), from_status="aktif",
                                to_status="dalam_pembinaan", reason="Uji akhir tahun")
    make_report(cls.young, PAST, members_male=7, members_female=9, business_volume=12_345_678, shu=-2_500_000,
                total_assets=98_765_432, modal_sendiri=1_000_001, rat_date=day(YEAR, 3, 1))
    cls.second_mp = make_cooperative(kecamatan=SANGATTA_UTARA, desa=cls.a1.desa, merah_putih=True)
    make_report(cls.a1, PAST - 1, members_male=9, members_female=4, business_volume=800, shu=80,
                total_assets=4000, modal_sendiri=1500)
    make_report(cls.second_mp, YEAR, members_male=1234, members_female=2345, business_volume=5_000_000_000,
                shu=123_456_789, total_assets=7_654_321_000, modal_sendiri=3_000_000_000)


class FigureWalkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_district(cls)
        add_more(cls)
        summary_refresh()
        cls.roles = {role: make_user(role) for role in ("Admin Dinas", "Petugas", "Pimpinan", "Verifikator")}
        cls.limited = make_limited_petugas()

    def assert_walk(self, user, query):
        self.client.force_login(user)
        problems, checked = walk(self.client, f"/dasbor/?{query}")
        self.assertGreater(checked, 40, query)
        self.assertEqual(problems, [], f"{user.username} {query}")

    def test_every_figure_of_the_whole_district_for_each_role(self):
        for role, user in self.roles.items():
            with self.subTest(role=role):
                self.assert_walk(user, f"tahun={YEAR}")

    def test_every_figure_of_a_past_year_as_on_its_31_december(self):
        for role in ("Pimpinan", "Petugas"):
            with self.subTest(role=role):
                self.assert_walk(self.roles[role], f"tahun={PAST}")

    def test_every_figure_of_one_kecamatan(self):
        for code in (SANGATTA_UTARA, MUARA_WAHAU):
            for year in (YEAR, PAST):
                with self.subTest(kecamatan=code, year=year):
                    self.assert_walk(self.roles["Pimpinan"], f"tahun={year}&kecamatan={code}")

    def test_every_figure_of_a_limited_area(self):
        for query in (f"tahun={YEAR}", f"tahun={PAST}", f"tahun={PAST}&kecamatan={SANGATTA_SELATAN}"):
            with self.subTest(query=query):
                self.assert_walk(self.limited, query)

    def test_the_walk_reads_sums_from_the_page(self):
        """The sums are on the page as written, and the walk compares them (not only counts)."""
        self.client.force_login(self.roles["Pimpinan"])
        page = self.client.get(f"/dasbor/?tahun={YEAR}").content.decode()
        # Members of 2025: A1 20, A2 5, C2 150, the second Merah Putih 3.579.
        self.assertIn('data-total="anggota" title="Buka daftar (4 baris)">3.754</a>', page)
        self.assertIn('data-total="shu" title="Buka daftar (4 baris)">Rp 123.456.779</a>', page)
        self.assertIn('data-total="desa" title="Buka daftar (3 baris)">2</a>', page)  # 3 coops in 2 desa
        past = self.client.get(f"/dasbor/?tahun={PAST}").content.decode()
        self.assertIn('data-total="shu" title="Buka daftar (2 baris)">-Rp 2.499.900</a>', past)
        listed = self.client.get(f"/koperasi/?laporan_tahun={PAST}").content.decode()
        self.assertEqual(list_total(listed, "shu"), Decimal("-2499900"))
        self.assertEqual(list_total(listed, "anggota"), 15 + 16)
        self.assertEqual(list_count(listed), 2)

    def test_the_walk_finds_a_figure_that_disagrees(self):
        """A summary that drifted from its records: the walk names the figures that no longer match."""
        from registry.models import SummaryCell

        self.client.force_login(self.roles["Pimpinan"])
        SummaryCell.objects.filter(year=YEAR, dimension="", kecamatan=MUARA_WAHAU).update(shu=1)
        # Written behind the refresh's back (only a refresh writes the summary, under a new id): the
        # dashboard bodies kept for the refresh of this class's records predate the drift.
        cache.clear()
        problems, _checked = walk(self.client, f"/dasbor/?tahun={YEAR}&kecamatan={MUARA_WAHAU}")
        self.assertTrue(any("[shu]" in p for p in problems), problems)


class NumberParsingTests(TestCase):
    def test_indonesian_numbers(self):
        self.assertEqual(parse_number("1.234.567"), 1234567)
        self.assertEqual(parse_number("Rp 1.234.567"), 1234567)
        self.assertEqual(parse_number("-Rp 2.500"), -2500)
        self.assertEqual(parse_number("85,50"), Decimal("85.5"))
        self.assertEqual(parse_number("58,0%"), Decimal("58.0"))
        self.assertIsNone(parse_number("–"))
        with self.assertRaises(ValueError):
            parse_number("1,234.5")


class TotalLineTests(TestCase):
    """The total line sums the whole filtered list, not its page, in one query."""

    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        for n in range(30):
            cooperative = make_cooperative(kecamatan=SANGATTA_UTARA if n % 2 else MUARA_WAHAU,
                                           merah_putih=n < 4)
            make_report(cooperative, YEAR, members_male=n, members_female=1, business_volume=1_000_000 * n,
                        shu=-n, total_assets=10**12, modal_sendiri=n)
        make_cooperative(merah_putih=True)  # without a report: not on the year's list

    def test_sums_over_every_page(self):
        self.client.force_login(self.petugas)
        page = self.client.get(f"/koperasi/?laporan_tahun={YEAR}").content.decode()
        self.assertEqual(list_count(page), 30)
        self.assertEqual(len(re.findall(r'<tr>\s*<th scope="row"><a href="/koperasi/\d+/"', page)), 25)
        self.assertEqual(list_total(page, "anggota"), sum(range(30)) + 30)
        self.assertEqual(list_total(page, "anggota_l"), sum(range(30)))
        self.assertEqual(list_total(page, "anggota_p"), 30)
        self.assertEqual(list_total(page, "volume_usaha"), 1_000_000 * sum(range(30)))
        self.assertEqual(list_total(page, "shu"), -sum(range(30)))
        self.assertEqual(list_total(page, "aset"), 30 * 10**12)
        self.assertEqual(list_total(page, "modal_sendiri"), sum(range(30)))
        # The second page shows the same total line.
        second = self.client.get(f"/koperasi/?laporan_tahun={YEAR}&page=2").content.decode()
        self.assertEqual(list_total(second, "anggota"), sum(range(30)) + 30)
        # Narrowed to one kecamatan, the total follows the filter.
        narrowed = self.client.get(f"/koperasi/?laporan_tahun={YEAR}&kecamatan={SANGATTA_UTARA}").content.decode()
        self.assertEqual(list_total(narrowed, "anggota_l"), sum(range(1, 30, 2)))

    def test_rows_show_their_report(self):
        self.client.force_login(self.petugas)
        response = self.client.get(f"/koperasi/?laporan_tahun={YEAR}&urut=nama")
        row = response.context["object_list"][0]
        report = row.yearly_reports.get()
        self.assertEqual((row.report_members_male, row.report_members_female), (report.members_male, 1))
        self.assertContains(response, "Volume usaha")
        # A year without reports: an empty list, no total line.
        empty = self.client.get(f"/koperasi/?laporan_tahun={YEAR - 5}")
        self.assertEqual(empty.context["paginator"].count, 0)
        self.assertNotContains(empty, 'data-total="')

    def test_no_total_line_without_a_summed_filter(self):
        self.client.force_login(self.petugas)
        self.assertNotContains(self.client.get("/koperasi/?status=aktif"), 'data-total="')

    def test_merah_putih_counts_its_desa(self):
        self.client.force_login(self.petugas)
        page = self.client.get("/koperasi/?merah_putih=true").content.decode()
        self.assertEqual(list_count(page), 5)
        # Four in the first desa of their kecamatan (two kecamatan), the fifth in Sangatta Utara's first.
        self.assertEqual(list_total(page, "desa"), 2)

    def test_constant_queries_with_the_total_line(self):
        self.client.force_login(self.petugas)
        url = f"/koperasi/?laporan_tahun={YEAR}"
        self.client.get(url)  # warm caches; stores the list's query in the session
        # As the plain list (tests/test_cooperatives.py: 5), plus 6: the total line's one aggregate.
        with self.assertNumQueries(5):
            self.client.get(url)
        for n in range(10):
            make_report(make_cooperative(name=f"Koperasi Tambahan {n}"), YEAR, members_male=1)
        with self.assertNumQueries(5):
            response = self.client.get(url)
        self.assertEqual(response.context["totals"]["anggota_l"], sum(range(30)) + 10)


class AverageLineTests(TestCase):
    """The assessment list of a year shows each condition's average and the final score's."""

    @classmethod
    def setUpTestData(cls):
        cls.pimpinan = make_user("Pimpinan")
        scores = [("80.00", "70.10"), ("61.25", None), ("90.00", "55.55")]
        for overall, finance in scores:
            make_assessment(make_cooperative(), YEAR, overall, "sehat",
                            score_keuangan=None if finance is None else Decimal(finance))

    def test_averages_over_the_scored_ones(self):
        self.client.force_login(self.pimpinan)
        page = self.client.get(f"/penilaian/?tahun={YEAR}").content.decode()
        self.assertEqual(list_total(page, "akhir"), Decimal("77.08"))  # 231.25 / 3
        self.assertEqual(list_total(page, "keuangan"), Decimal("62.82"))  # 125.65 / 2 rounded as the dashboard does
        self.assertIsNone(list_total(page, "reputasi"))
        # Without a year the list is not behind a dashboard average: no average line.
        self.assertNotContains(self.client.get("/penilaian/"), 'data-total="')

    def test_a_year_without_assessments_is_an_empty_list_not_a_refused_filter(self):
        """A dashboard figure of 0 for a year nobody assessed yet links to its (empty) list."""
        self.client.force_login(self.pimpinan)
        response = self.client.get(f"/penilaian/?tahun={YEAR - 6}")
        self.assertEqual(response.context["paginator"].count, 0)
        self.assertFalse(response.context["filter"].errors)
        self.assertNotContains(response, "pilihan yang valid")

    def test_constant_queries_with_the_average_line(self):
        self.client.force_login(self.pimpinan)
        url = f"/penilaian/?tahun={YEAR}"
        self.client.get(url)
        # 1 session, 2 user with the access token (permissions, roles, area: registry/access.py), 3 years of the
        # year filter (read once), 4 the page (a list that fits on its page is counted by its rows, without
        # a COUNT query: tests/test_first_page.py), 5 the average line's one aggregate; the kecamatan
        # choices from the cache.
        with self.assertNumQueries(5):
            self.client.get(url)
        for _ in range(5):
            make_assessment(make_cooperative(), YEAR, "50", "dalam_pengawasan")
        with self.assertNumQueries(5):
            self.client.get(url)
