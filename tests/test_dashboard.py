"""The district dashboard: each figure against a small hand-built district with known answers.

The district (book year 2025, previous 2024; no reports at all for 2019-2023):

| coop | kecamatan        | status now      | reports                                   | assessment 2025          |
|------|------------------|-----------------|-------------------------------------------|--------------------------|
| A1   | Sangatta Utara   | aktif           | 2024 15 members, RAT on time;             | 85 sehat, kelembagaan    |
|      |                  |                 | 2025 20 members, RAT reported 59 days late | 70 (90 in 2024: big drop) |
| A2   | Sangatta Utara   | tidak aktif     | 2025 5 members, no RAT                    | 40 DPK                   |
| B1   | Sangatta Selatan | aktif           | none                                      | none                     |
| C1   | Muara Wahau      | dibubarkan      | none (aktif until 10/01/2026)             | none                     |
| C2   | Muara Wahau      | aktif           | 2025 150 members, RAT on time             | none                     |
"""

import datetime
import io
import re
import xml.etree.ElementTree as ElementTree
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from registry import charts, figures
from registry.dashboard import Figure
from registry.models import Assessment, BoardMember, RubricVersion, StatusChange, SummaryCell
from registry.services.summary import summary_refresh
from tests.access import make_limited_petugas
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_SELATAN,
    SANGATTA_UTARA,
    make_board_member,
    make_cooperative,
    make_finding,
    make_member,
    make_participant,
    make_partnership,
    make_report,
    make_training,
    make_user,
)

YEAR = 2025
PAGE = f"/dasbor/?tahun={YEAR}"
TODAY = datetime.date(2026, 11, 27)


def make_assessment(cooperative, year, overall, predicate, **fields):
    return Assessment.objects.create(
        cooperative=cooperative, year=year, rubric=RubricVersion.objects.order_by("year").first(),
        overall_score=Decimal(overall), predicate=predicate, **fields,
    )


def build_district(cls):
    day = datetime.date
    cls.a1 = make_cooperative(kecamatan=SANGATTA_UTARA, certificate_status="sudah",
                              certificate_expiry=day(2027, 1, 1), merah_putih=True)
    cls.a2 = make_cooperative(kecamatan=SANGATTA_UTARA, status="tidak_aktif", certificate_status="expired",
                              jenis="jasa", kelompok="karyawan", sector="angkutan", palm_oil=False)
    cls.b1 = make_cooperative(kecamatan=SANGATTA_SELATAN, merah_putih=True)
    cls.c1 = make_cooperative(kecamatan=MUARA_WAHAU, status="dibubarkan", legal_entity_date=day(2024, 6, 1))
    cls.c2 = make_cooperative(kecamatan=MUARA_WAHAU)
    StatusChange.objects.create(cooperative=cls.c1, changed_on=day(2026, 1, 10), from_status="aktif",
                                to_status="dibubarkan", reason="RAT anggota memutuskan bubar")
    make_report(cls.a1, 2024, members_male=10, members_female=5, rat_date=day(2025, 3, 1),
                rat_reported_on=day(2025, 3, 20), business_volume=1000, shu=100, total_assets=5000, modal_sendiri=2000)
    make_report(cls.a1, 2025, members_male=12, members_female=8, rat_date=day(2026, 2, 1),
                rat_reported_on=day(2026, 4, 1), business_volume=1500, shu=-50, total_assets=6000, modal_sendiri=2500)
    make_report(cls.a2, 2025, members_male=3, members_female=2, business_volume=10, total_assets=20)
    make_report(cls.c2, 2025, members_male=100, members_female=50, rat_date=day(2026, 1, 15),
                rat_reported_on=day(2026, 2, 15), business_volume=500, shu=40, total_assets=900, modal_sendiri=400)
    for role in ("ketua", "sekretaris", "bendahara", "pengawas"):
        make_board_member(cls.c2, role)
    chair = make_board_member(cls.a1, BoardMember.Role.CHAIR)
    # Partnerships: A1-C2 joins two kecamatan (counted once), A2 with a company; B1's has ended.
    make_partnership(cls.a1, partner=cls.c2)
    make_partnership(cls.a2)
    make_partnership(cls.b1, status="selesai", end_date=day(2025, 1, 1))
    # A1's chair attended a training that ended 30 days ago; C2's ketua was absent.
    today = timezone.localdate()
    days = datetime.timedelta
    training = make_training(start_date=today - days(days=31), end_date=today - days(days=30))
    make_participant(training, chair)
    make_participant(training, cls.c2.board_members.get(role="ketua"), attended=False)
    # Findings: A2's is overdue; B1's is done; C2's is not due yet.
    make_finding(cls.a2, due_date=today - datetime.timedelta(days=10))
    make_finding(cls.b1, due_date=today - datetime.timedelta(days=10), follow_up_status="selesai",
                 followed_up_on=today - datetime.timedelta(days=12))
    make_finding(cls.c2, due_date=today + datetime.timedelta(days=10))
    make_assessment(cls.a1, 2024, "88", "sehat", score_kelembagaan=Decimal("90"), kutim_label="sehat")
    make_assessment(cls.a1, YEAR, "85", "sehat", score_kelembagaan=Decimal("70"), score_keuangan=Decimal("80"),
                    kutim_label="sehat")
    make_assessment(cls.a2, YEAR, "40", "dalam_pengawasan_khusus", score_kelembagaan=Decimal("30"),
                    kutim_label="tidak_sehat")
    # Member-level personal data that no dashboard, export or API may show.
    make_member(cls.a1, name="Siti Rahmawati Personal", nik="6408014508900001")
    summary_refresh()


def figure(response, section, key):
    return next(f for f in response.context["sections"][section] if f.key == key)


class DashboardFigureTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_district(cls)
        cls.pimpinan = make_user("Pimpinan")
        cls.limited = make_limited_petugas()

    def page(self, user, query=""):
        self.client.force_login(user)
        response = self.client.get(PAGE + query)
        self.assertEqual(response.status_code, 200)
        return response

    def test_headline_figures_of_the_district(self):
        response = self.page(self.pimpinan)
        values = {f.key: (f.value, f.previous) for f in response.context["sections"]["headline"]}
        self.assertEqual(values["koperasi"], (5, 5))  # C1 existed (founded 2024) at the end of 2025
        self.assertEqual(values["aktif"], (3, 4))  # C1 was still aktif on 31/12/2025
        self.assertEqual(values["anggota"], (175, 15))
        self.assertEqual(values["rat"], (2, 1))
        self.assertEqual(values["rat_tepat"], (1, 1))  # A1's 2025 RAT reported 59 days after
        self.assertEqual(values["sertifikat"][0], 1)
        self.assertEqual(values["merah_putih"][0], 2)  # desa, two different ones
        self.assertEqual(values["nilai"], (Decimal("62.50"), Decimal("88.00")))
        self.assertEqual(values["kemitraan"][0], 2)
        self.assertEqual(values["pengurus_dilatih"][0], 1)
        dashboard = response.context["d"]
        self.assertEqual(dashboard.desa, 141)
        self.assertEqual((dashboard.current["members_male"], dashboard.current["members_female"]), (115, 60))
        self.assertAlmostEqual(dashboard.current.rat_share, 2 / 5)
        self.assertEqual(dashboard.now.active_share, 3 / 5)
        self.assertContains(response, '<span class="figure-value" id="total-koperasi">', html=False)
        self.assertEqual(re.search(r'id="total-koperasi"><a [^>]*>([^<]+)<', response.content.decode())[1], "5")
        self.assertEqual(re.search(r'id="aktif-koperasi"><a [^>]*>([^<]+)<', response.content.decode())[1], "3")

    def test_statuses_predicates_labels_and_conditions(self):
        response = self.page(self.pimpinan)
        statuses = {f.key: (f.value, f.previous) for f in response.context["sections"]["statuses"]}
        self.assertEqual(statuses, {
            "aktif": (3, 4), "tidak_aktif": (1, 1), "dalam_pembinaan": (0, 0), "diusulkan_bubar": (0, 0),
            "dibubarkan": (1, 0),
        })
        predicates = {f.key: f.value for f in response.context["sections"]["predicates"]}
        self.assertEqual(predicates, {"sehat": 1, "cukup_sehat": 0, "dalam_pengawasan": 0,
                                      "dalam_pengawasan_khusus": 1})
        labels = {f.key: f.value for f in response.context["sections"]["labels"]}
        self.assertEqual(labels, {"sehat": 1, "setengah_sehat": 0, "tidak_sehat": 1})
        conditions = {f.key: f.value for f in response.context["sections"]["conditions"]}
        self.assertEqual(conditions["kelembagaan"], Decimal("50.00"))
        self.assertEqual(conditions["keuangan"], Decimal("80.00"))  # only A1 has a finance score
        self.assertIsNone(conditions["operasional"])
        self.assertEqual(figure(response, "conditions", "kelembagaan").previous, Decimal("90.00"))

    def test_needs_attention(self):
        response = self.page(self.pimpinan)
        attention = {f.key: f.value for f in response.context["sections"]["attention"]}
        self.assertEqual(attention, {
            # B1: aktif, no RAT for 2024 and 2025; C1 too: founded in 2024, still aktif on 31/12/2025
            # (dissolved on 10/01/2026): 2025's figure is about 2025.
            "tanpa_rat": 2,
            "dpk": 1,
            "pengurus": 4,  # only C2 has a complete board
            "sertifikat_expired": 1,
            "turun_tajam": 1,  # A1: kelembagaan 90 -> 70
            "temuan": 1,  # A2's finding
        })
        named = {f.key: [name for _url, name in f.examples] for f in response.context["sections"]["attention"]}
        self.assertEqual(named["tanpa_rat"], [self.c1.name, self.b1.name])
        self.assertEqual(named["dpk"], [self.a2.name])
        self.assertEqual(named["turun_tajam"], [self.a1.name])
        self.assertEqual(named["temuan"], [self.a2.name])
        self.assertEqual(sorted(named["pengurus"]), sorted(c.name for c in (self.a1, self.a2, self.b1, self.c1)))
        self.assertContains(response, f'<a href="/koperasi/{self.b1.pk}/">{self.b1.name}</a>', html=True)
        self.client.force_login(self.limited)
        limited = self.client.get(PAGE)
        named = {f.key: [name for _url, name in f.examples] for f in limited.context["sections"]["attention"]}
        self.assertNotIn(self.c1.name, named["pengurus"])  # Muara Wahau is outside their area

    def test_per_kecamatan_and_by_classification(self):
        response = self.page(self.pimpinan)
        rows = {row.code: row for row in response.context["d"].per_kecamatan}
        self.assertEqual(len(rows), 18)
        utara = rows[SANGATTA_UTARA]
        self.assertEqual((utara.now["cooperatives"], utara.now["status_aktif"], utara.year.members), (2, 1, 25))
        self.assertEqual(utara.year.overall, Decimal("62.50"))
        self.assertEqual(utara.year.rat_share, 1 / 2)
        self.assertIsNone(rows["64.08.01"].year.members)  # no report: missing, not 0
        jenis = {r["label"]: (r["cooperatives"].value, r["active"].value, r["members"].value)
                 for r in response.context["dimension_rows"]["jenis"]}
        self.assertEqual(jenis, {"Produsen": (4, 3, 170), "Jasa": (1, 0, 5)})
        matrix = {row.code: overall for row, _scores, overall in response.context["condition_rows"]}
        self.assertEqual(matrix[SANGATTA_UTARA], ("62,50", "score-dalam_pengawasan"))

    def test_trends_show_missing_years_as_missing(self):
        response = self.page(self.pimpinan)
        trends = {row["year"]: row for row in response.context["trend_rows"]}
        self.assertEqual(list(trends), list(range(figures.FIRST_TREND_YEAR, YEAR + 1)))
        self.assertIsNone(trends[2022]["members"])
        self.assertIsNone(trends[2022]["business_volume"])
        self.assertEqual(trends[2024]["members"], 15)
        self.assertEqual(trends[2025]["shu"], -10)
        self.assertEqual(trends[2025]["total_assets"], 6920)
        self.assertEqual((trends[2023]["cooperatives"], trends[2023]["active"]), (4, 3))  # C1 founded in 2024
        self.assertContains(response, '<tr class="missing-year"><th scope="row">2022</th>', html=False)

    def test_a_year_without_any_record_is_missing_not_zero(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get("/dasbor/?tahun=2010")
        headline = {f.key: f for f in response.context["sections"]["headline"]}
        # A past year shows its own 31 December, not today's state: 2010 is not in the summary.
        self.assertIsNone(headline["koperasi"].value)
        self.assertIsNone(headline["koperasi"].previous)
        self.assertEqual(headline["koperasi"].as_of, "per 31/12/2010")
        for key in ("anggota", "rat", "rat_tepat", "nilai"):
            self.assertIsNone(headline[key].value, key)
        attention = {f.key: f.value for f in response.context["sections"]["attention"]}
        self.assertIsNone(attention["tanpa_rat"])
        self.assertIsNone(attention["dpk"])
        self.assertIsNone(attention["turun_tajam"])
        self.assertEqual({f.value for f in response.context["sections"]["predicates"]}, {None})

    def test_limited_petugas_sees_the_sum_of_their_kecamatan(self):
        response = self.page(self.limited)
        values = {f.key: f.value for f in response.context["sections"]["headline"]}
        self.assertEqual((values["koperasi"], values["aktif"], values["anggota"], values["rat"]), (3, 2, 25, 1))
        self.assertEqual(values["merah_putih"], 2)
        self.assertEqual(values["kemitraan"], 2)  # A1-C2 seen from Sangatta Utara, and A2's
        self.assertEqual([row.code for row in response.context["d"].per_kecamatan], [SANGATTA_UTARA,
                                                                                     SANGATTA_SELATAN])
        self.assertNotContains(response, "Muara Wahau")

    def test_kecamatan_filter_and_outside_area(self):
        response = self.page(self.pimpinan, f"&kecamatan={MUARA_WAHAU}")
        self.assertEqual(figure(response, "headline", "koperasi").value, 2)
        self.assertEqual(figure(response, "headline", "kemitraan").value, 1)  # A1-C2, from the C2 side
        self.assertIn(f"kecamatan={MUARA_WAHAU}", figure(response, "headline", "koperasi").href)
        self.client.force_login(self.limited)
        self.assertEqual(self.client.get(f"{PAGE}&kecamatan={MUARA_WAHAU}").status_code, 404)

    def test_default_year_is_the_last_full_year(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get("/dasbor/")
        from registry.models import last_full_year

        self.assertEqual(response.context["year"], last_full_year())
        # A year that is not a year is refused with a message, not replaced by another year.
        self.assertContains(self.client.get("/dasbor/?tahun=abc"), "Tahun harus empat angka", status_code=400)

    def test_every_linked_figure_equals_its_list_count(self):
        """Walk every link with a count on the page and open the list: its count must be the figure's."""
        admin = make_user("Admin Dinas")
        for user, query in [(self.pimpinan, ""), (self.limited, ""), (self.pimpinan, f"&kecamatan={MUARA_WAHAU}"),
                            (admin, "&kecamatan=" + SANGATTA_UTARA)]:
            html = self.page(user, query).content.decode()
            links = re.findall(r'<a href="([^"]+)" data-count="(\d+)"', html)
            self.assertGreater(len(links), 30)
            checked = set()
            for href, count in links:
                href = href.replace("&amp;", "&")
                if href in checked:
                    continue
                checked.add(href)
                with self.subTest(user=user.username, href=href):
                    listed = self.client.get(href)
                    self.assertEqual(listed.status_code, 200)
                    self.assertEqual(listed.context["paginator"].count, int(count))

    def test_constant_number_of_queries(self):
        self.client.force_login(self.limited)
        self.client.get(PAGE)  # warm the content-type cache
        for _ in range(15):
            cooperative = make_cooperative(kecamatan=SANGATTA_SELATAN)
            make_report(cooperative, YEAR, members_male=3)
            make_partnership(cooperative)
        summary_refresh()
        # 1 session, 2 user with the access token (permissions, roles, area: registry/access.py),
        # 3 kecamatan of the area (names), 4 totals per year and classification, 5 rows per kecamatan,
        # 6 trend per year, 7 desa per kecamatan, 8 named needs-attention cooperatives, 9 last refresh,
        # 10 active partnerships (live), 11 office settings (the RAT due date: the season's counts are in
        # the summary).
        with self.assertNumQueries(11):
            response = self.client.get(PAGE)
        self.assertEqual(figure(response, "headline", "koperasi").value, 18)

    def test_no_personal_data_for_pimpinan(self):
        self.client.force_login(self.pimpinan)
        for path in [PAGE, f"/dasbor/ekspor.xlsx?tahun={YEAR}", f"/api/ringkasan.json?tahun={YEAR}"]:
            response = self.client.get(path)
            self.assertEqual(response.status_code, 200)
            body = response.content if path.startswith("/api") or path == PAGE else _xlsx_text(response.content)
            self.assertNotIn(b"Siti Rahmawati", body)
            self.assertNotIn(b"6408014508900001", body)

    def test_xlsx_export_has_every_table(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get(f"/dasbor/ekspor.xlsx?tahun={YEAR}")
        self.assertEqual(response["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        self.assertIn("Per kecamatan", workbook.sheetnames)
        self.assertIn("Tren", workbook.sheetnames)
        headline = list(workbook["Angka utama"].values)
        self.assertEqual(headline[1][:3], ("koperasi terdaftar", 5, 5))
        trend = {row[0]: row for row in list(workbook["Tren"].values)[1:]}
        self.assertEqual(trend[2022][3], 0)  # no report in 2022
        self.assertTrue(all(v is None for v in trend[2022][4:]))  # so its members and money are empty, not 0
        self.assertEqual(trend[2025][4], 175)

    def test_xlsx_numbers_carry_their_formats(self):
        """Rupiah, thousands, shares and scores as Excel should show them; the header frozen."""
        self.client.force_login(self.pimpinan)
        workbook = load_workbook(io.BytesIO(self.client.get(f"/dasbor/ekspor.xlsx?tahun={YEAR}").content))
        trend = workbook["Tren"]
        self.assertEqual(trend.freeze_panes, "A2")
        self.assertTrue(trend["A1"].font.bold)
        row = next(r for r in trend.iter_rows(min_row=2) if r[0].value == 2025)
        self.assertEqual(row[4].number_format, "#,##0")  # members
        self.assertEqual(row[5].number_format, '"Rp" #,##0')  # business volume
        headline = {r[0].value: r for r in workbook["Angka utama"].iter_rows(min_row=2)}
        self.assertEqual(headline["koperasi terdaftar"][1].number_format, "#,##0")
        score = next(r for label, r in headline.items() if str(label).startswith("nilai akhir"))
        self.assertEqual(score[1].number_format, "0.00")
        per_kecamatan = workbook["Per kecamatan"]
        shares = [row[5] for row in per_kecamatan.iter_rows(min_row=2) if row[5].value is not None]
        self.assertTrue(shares and all(c.number_format == "0.0%" and c.value <= 1 for c in shares))  # RAT share
        self.assertGreater(per_kecamatan.column_dimensions["B"].width, 20)

    def test_json_api_returns_the_same_figures(self):
        self.client.force_login(self.limited)
        body = self.client.get(f"/api/ringkasan.json?tahun={YEAR}&kecamatan={SANGATTA_UTARA}").json()
        self.assertEqual(body["tahun"], YEAR)
        headline = {f["key"]: f for f in body["headline"]}
        self.assertEqual(headline["koperasi"]["value"], 2)
        self.assertEqual(headline["anggota"]["value"], 25)
        self.assertEqual(headline["nilai"]["value"], 62.5)
        self.assertIn("/koperasi/?", headline["aktif"]["list_url"])
        self.assertEqual([k["kode"] for k in body["per_kecamatan"]], [SANGATTA_UTARA])
        self.assertIsNone(next(r for r in body["tren"] if r["year"] == 2022)["members"])
        self.assertEqual(self.client.get(f"/api/ringkasan.json?kecamatan={MUARA_WAHAU}").status_code, 404)

    def test_refresh_by_admin_dinas_only(self):
        make_cooperative(kecamatan=SANGATTA_UTARA)
        self.client.force_login(self.pimpinan)
        self.assertEqual(self.client.post(reverse("registry:summary_refresh")).status_code, 403)
        self.client.force_login(make_user("Admin Dinas"))
        self.assertEqual(self.client.get(reverse("registry:summary_refresh")).status_code, 405)
        response = self.client.post(reverse("registry:summary_refresh"))
        self.assertRedirects(response, reverse("registry:dashboard"))
        self.assertEqual(figure(self.client.get(PAGE), "headline", "koperasi").value, 6)

    def test_charts_are_svg_with_title_and_description(self):
        html = self.page(self.pimpinan).content.decode()
        svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
        self.assertEqual(len(svgs), 6)
        for svg in svgs:
            root = ElementTree.fromstring(svg)
            tags = [child.tag.split("}")[-1] for child in root]
            self.assertEqual(tags[:2], ["title", "desc"])
        self.assertNotIn("<script", html)
        self.assertNotIn("style=", html)


def _xlsx_text(content):
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(str(v) for sheet in workbook for row in sheet.values for v in row if v is not None).encode()


class DashboardAreaTests(TestCase):
    """The district's counts, and a limited Petugas's own area only."""

    @classmethod
    def setUpTestData(cls):
        statuses = ["aktif"] * 3 + ["tidak_aktif", "dalam_pembinaan"]
        for status in statuses:
            make_cooperative(kecamatan=SANGATTA_UTARA, status=status)
        make_cooperative(kecamatan=SANGATTA_SELATAN, status="aktif")
        for status in ["aktif", "dibubarkan", "diusulkan_bubar", "tidak_aktif"]:
            make_cooperative(kecamatan="64.08.02", status=status)
        cls.pimpinan = make_user("Pimpinan")
        cls.limited = make_limited_petugas()
        summary_refresh()  # the dashboard sums the precomputed summary

    def test_district_counts(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get("/dasbor/")
        statuses = {f.key: f.value for f in response.context["sections"]["statuses"]}
        self.assertEqual(statuses, {
            "aktif": 5, "tidak_aktif": 2, "dalam_pembinaan": 1, "diusulkan_bubar": 1, "dibubarkan": 1,
        })
        self.assertInHTML('<span class="figure-value" id="total-koperasi">'
                          '<a href="/koperasi/" data-count="10" title="Buka daftar (10 baris)">10</a></span>',
                          response.content.decode())
        self.assertContains(response, "50,0% dari semua")
        self.assertContains(response, "Seluruh Kabupaten Kutai Timur")
        per_kecamatan = {k.code: (k.now["cooperatives"], k.now["status_aktif"])
                         for k in response.context["d"].per_kecamatan}
        self.assertEqual(len(per_kecamatan), 18)
        self.assertEqual(per_kecamatan[SANGATTA_UTARA], (5, 3))
        self.assertEqual(per_kecamatan["64.08.02"], (4, 1))
        self.assertEqual(per_kecamatan["64.08.01"], (0, 0))

    def test_limited_petugas_sees_only_their_area(self):
        self.client.force_login(self.limited)
        response = self.client.get("/dasbor/")
        headline = {f.key: f.value for f in response.context["sections"]["headline"]}
        self.assertEqual((headline["koperasi"], headline["aktif"]), (6, 4))
        self.assertEqual([k.code for k in response.context["d"].per_kecamatan], [SANGATTA_UTARA, SANGATTA_SELATAN])
        self.assertContains(response, "Sangatta Utara, Sangatta Selatan")
        self.assertNotContains(response, "Muara Wahau")

    def test_thousands_in_indonesian_format(self):
        from django.utils import translation

        from registry.templatetags.registry_format import angka, persen, rupiah

        with translation.override("id"):
            self.assertEqual(angka(1150), "1.150")
            self.assertEqual(rupiah(1234567), "Rp 1.234.567")
            self.assertEqual(rupiah(-2500), "-Rp 2.500")
            self.assertEqual(persen(667 / 1150), "58,0%")
            self.assertEqual(angka(None), "–")
        with translation.override("en"):
            self.assertEqual(angka(1150), "1,150")
            self.assertEqual(persen(0.58), "58.0%")

    def test_constant_queries(self):
        self.client.force_login(self.limited)
        self.client.get("/dasbor/")  # warm the content-type cache
        for _ in range(20):
            make_cooperative(kecamatan=SANGATTA_UTARA)
        summary_refresh()
        # 1 session, 2 user with the access token (permissions, roles, area: registry/access.py), 3 kecamatan of the
        # area, 4-9 summary: totals, per kecamatan, trend, desa, named needs-attention cooperatives, last
        # refresh (no partnership recorded, so none counted); 10 office settings (the RAT due date: the
        # season's counts are in the summary).
        with self.assertNumQueries(10):
            response = self.client.get("/dasbor/")
        self.assertEqual(response.status_code, 200)


@pytest.mark.django_db
def test_dashboard_in_english(client):
    """English when chosen with the switch (the browser's Accept-Language alone is not followed)."""
    client.force_login(make_user("Pimpinan"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/dasbor/", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 200
    assert response.wsgi_request.LANGUAGE_CODE == "en"
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_language_switch_sets_language(client):
    client.force_login(make_user("Pimpinan"))
    response = client.post(reverse("set_language"), {"language": "en", "next": "/dasbor/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/dasbor/").content.decode()


class ListFilterTests(TestCase):
    """The list filters added for the dashboard's figures: one test per parameter."""

    @classmethod
    def setUpTestData(cls):
        build_district(cls)
        cls.user = make_user("Pimpinan")

    def names(self, url):
        self.client.force_login(self.user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return {obj.pk for obj in response.context["object_list"]}

    def test_sektor(self):
        self.assertEqual(self.names("/koperasi/?sektor=angkutan"), {self.a2.pk})

    def test_laporan_tahun(self):
        self.assertEqual(self.names("/koperasi/?laporan_tahun=2025"), {self.a1.pk, self.a2.pk, self.c2.pk})

    def test_rat_dilaporkan_tahun(self):
        self.assertEqual(self.names("/koperasi/?rat_dilaporkan_tahun=2025"), {self.c2.pk})
        self.assertEqual(self.names("/koperasi/?rat_dilaporkan_tahun=2024"), {self.a1.pk})

    def test_tanpa_rat_2_tahun(self):
        self.assertEqual(self.names("/koperasi/?tanpa_rat_2_tahun=2025&status=aktif"), {self.b1.pk})
        self.assertEqual(self.names("/koperasi/?tanpa_rat_2_tahun=2025"), {self.a2.pk, self.b1.pk, self.c1.pk})

    def test_pengurus_dilatih(self):
        self.assertEqual(self.names("/koperasi/?pengurus_dilatih=true"), {self.a1.pk})
        self.assertEqual(self.names("/koperasi/?pengurus_dilatih=false"), {self.a2.pk, self.b1.pk, self.c1.pk,
                                                                           self.c2.pk})

    def test_label(self):
        assessments = self.names("/penilaian/?label=tidak_sehat")
        self.assertEqual(assessments, set(Assessment.objects.filter(cooperative=self.a2).values_list("pk", flat=True)))

    def test_turun_tajam(self):
        expected = set(Assessment.objects.filter(cooperative=self.a1, year=YEAR).values_list("pk", flat=True))
        self.assertEqual(self.names("/penilaian/?turun_tajam=true"), expected)


class SummaryTests(TestCase):
    def test_refresh_replaces_rows_and_is_exact_per_kecamatan(self):
        make_cooperative(kecamatan=SANGATTA_UTARA)
        summary_refresh(today=TODAY)
        first = SummaryCell.objects.count()
        summary_refresh(today=TODAY)
        self.assertEqual(SummaryCell.objects.count(), first)
        now = SummaryCell.objects.get(year=0, kecamatan=SANGATTA_UTARA, dimension="")
        self.assertEqual((now.cooperatives, now.status_aktif), (1, 1))

    def test_refresh_command(self):
        from django.core.management import call_command

        out = io.StringIO()
        call_command("refresh_summary", stdout=out)
        self.assertIn("Summary refreshed", out.getvalue())


@given(labels=st.lists(st.text(max_size=30), min_size=1, max_size=6),
       values=st.lists(st.one_of(st.none(), st.integers(0, 10**12)), min_size=6, max_size=6))
def test_charts_escape_every_label(labels, values):
    """Whatever the labels (<, &, quotes, control-free text), the SVG stays well-formed XML."""
    labels = ["".join(ch for ch in label if ch.isprintable()) for label in labels]
    items = [(label, values[i], str(values[i])) for i, label in enumerate(labels)]
    svgs = [
        charts.bar_chart(title=labels[0], desc=labels[-1], items=items),
        charts.stacked_bars(title=labels[0], desc="d", rows=[(label, [1, 2]) for label in labels],
                            legend=[(labels[0], "seg-a"), (labels[-1], "seg-b")]),
        charts.line_chart(title=labels[0], desc="d", years=[str(i) for i in range(len(labels))],
                          series=[(labels[0], "line-1", values[: len(labels)])]),
        charts.tile_map(title="t", desc=labels[0], tiles=[("64.08.01", label, values[i], "x", "/k/?a=1&b=2")
                                                          for i, label in enumerate(labels)]),
    ]
    for svg in svgs:
        ElementTree.fromstring(str(svg))


def test_figure_change_texts():
    assert Figure("x", "x", 5, previous=7).change == -2
    assert Figure("x", "x", None, previous=7).change_text == "–"
    assert Figure("x", "x", 0.5, kind="persen", previous=0.25).change_text.startswith("+25")


def _contrast(first, second):
    def luminance(colour):
        red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted([luminance(first), luminance(second)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_tile_map_text_keeps_4_5_to_1_on_every_step():
    """The tile fills in the stylesheet against the text colour each step gets (dark ink or white)."""
    import re
    from pathlib import Path

    css = (Path(__file__).resolve().parents[1] / "static" / "css" / "site.css").read_text()
    ink = re.search(r"--ink: (#[0-9a-f]{6})", css).group(1)
    fills = {int(step): colour for step, colour in re.findall(r"\.tile-(\d) \{ fill: (#[0-9a-f]{6}); \}", css)}
    assert sorted(fills) == list(range(charts.CLASSES + 1))
    for step, fill in fills.items():
        text = "#ffffff" if step in charts.LIGHT_TEXT_STEPS else ink
        assert _contrast(fill, text) >= 4.5, (step, fill, text, round(_contrast(fill, text), 2))


def test_tile_map_has_a_legend_from_the_lowest_to_the_highest_value():
    svg = str(charts.tile_map(title="t", desc="d", format_value=lambda v: f"{v} kop.",
                              tiles=[("64.08.01", "A", 3, "3", "/a"), ("64.08.02", "B", 40, "40", "/b"),
                                     ("64.08.03", "C", None, "–", "/c")]))
    legend = svg[svg.index('class="tile-legend"'):]
    assert "3 kop." in legend and "40 kop." in legend and "tanpa angka" in legend
    assert all(f"tile-{step}" in legend for step in range(charts.CLASSES + 1))
    # The darkest tile (B) carries white text, the lightest (A) dark text.
    assert 'class="tile-name tile-text-light"' in svg and 'class="tile-name"' in svg
    ElementTree.fromstring(svg)
