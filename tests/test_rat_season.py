"""The RAT season tracker: each active cooperative's state, counts that equal their lists, letters, emails."""

import datetime
import re

from django.core import mail
from django.test import TestCase

from registry import rat_season
from registry.models import Cooperative, OfficeSettings, YearlyReport
from tests.builders import MUARA_WAHAU, SANGATTA_UTARA, make_cooperative, make_report, make_user

YEAR = 2024


class DueDateTests(TestCase):
    def test_the_national_default_is_30_june(self):
        office = OfficeSettings.current()
        self.assertEqual(office.rat_due(YEAR), datetime.date(2025, 6, 30))
        self.assertEqual(office.report_due(datetime.date(2025, 3, 1)), datetime.date(2025, 4, 1))

    def test_months_after_the_book_year(self):
        office = OfficeSettings(rat_due_months=1)
        self.assertEqual(office.rat_due(YEAR), datetime.date(2025, 1, 31))
        office.rat_due_months = 2
        self.assertEqual(office.rat_due(YEAR), datetime.date(2025, 2, 28))
        office.rat_due_months = 12
        self.assertEqual(office.rat_due(YEAR), datetime.date(2025, 12, 31))

    def test_one_row(self):
        self.assertEqual(OfficeSettings.current().pk, OfficeSettings.current().pk)
        self.assertEqual(OfficeSettings.objects.count(), 1)


class StateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.reported = make_cooperative(name="A Dilaporkan", email="a@example.org")
        make_report(cls.reported, YEAR, rat_date=datetime.date(2025, 3, 1), rat_reported_on=datetime.date(2025, 3, 5))
        cls.held = make_cooperative(name="B Belum Lapor", email="b@example.org")
        make_report(cls.held, YEAR, rat_date=datetime.date(2025, 5, 1))
        cls.nothing = make_cooperative(name="C Tanpa RAT", email="c@example.org")
        make_report(cls.nothing, YEAR)  # a yearly report without a RAT
        cls.silent = make_cooperative(name="D Tanpa Laporan", kecamatan=MUARA_WAHAU)
        cls.founded_in_year = make_cooperative(name="E Berdiri 31/12", legal_entity_date=datetime.date(YEAR, 12, 31))
        make_cooperative(name="F Berdiri Sesudahnya", legal_entity_date=datetime.date(YEAR + 1, 1, 1))
        make_cooperative(name="G Tidak Aktif", status=Cooperative.Status.INACTIVE)
        cls.admin = make_user("Admin Dinas")

    def states(self, today):
        season = rat_season.season(YEAR, OfficeSettings.current(), today)
        return {c.name: c.rat_state for c in rat_season.season_cooperatives(Cooperative.objects.all(), season)}

    def test_each_state_on_the_due_date_and_the_day_after(self):
        on_due = self.states(datetime.date(2025, 6, 30))
        self.assertEqual(on_due, {"A Dilaporkan": "dilaporkan", "B Belum Lapor": "belum_dilaporkan",
                                  "C Tanpa RAT": "belum", "D Tanpa Laporan": "belum", "E Berdiri 31/12": "belum"})
        after = self.states(datetime.date(2025, 7, 1))
        self.assertEqual(after["C Tanpa RAT"], "terlambat")
        self.assertEqual(after["D Tanpa Laporan"], "terlambat")
        self.assertEqual(after["B Belum Lapor"], "belum_dilaporkan")

    def test_a_report_is_late_the_day_after_its_due_date(self):
        office = OfficeSettings.current()
        held = rat_season.season_cooperatives(Cooperative.objects.filter(pk=self.held.pk),
                                              rat_season.season(YEAR, office, datetime.date(2025, 6, 1))).get()
        self.assertFalse(rat_season.report_is_late(held, rat_season.season(YEAR, office, datetime.date(2025, 6, 1))))
        self.assertTrue(rat_season.report_is_late(held, rat_season.season(YEAR, office, datetime.date(2025, 6, 2))))

    def test_every_count_equals_its_list(self):
        self.client.force_login(self.admin)
        page = self.client.get("/rat/", {"tahun": YEAR})
        html = page.content.decode()
        links = re.findall(r'<a href="([^"]+)" data-count="(\d+)"', html)
        self.assertEqual(len(links), 1 + len(rat_season.STATES) + len(rat_season.CHANNELS))
        for href, count in links:
            listed = self.client.get(href.replace("&amp;", "&"))
            self.assertEqual(listed.context["paginator"].count, int(count), href)
            self.assertEqual(len(listed.context["page_obj"].object_list), int(count), href)
        self.assertEqual(page.context["total"], 5)

    def test_filters_by_kecamatan_and_by_field_officer(self):
        self.client.force_login(self.admin)
        by_kecamatan = self.client.get("/rat/", {"tahun": YEAR, "kecamatan": MUARA_WAHAU})
        self.assertEqual([c.name for c in by_kecamatan.context["page_obj"].object_list], ["D Tanpa Laporan"])
        officer = make_user("Petugas", kecamatan=[SANGATTA_UTARA], first_name="Rahmat")
        by_officer = self.client.get("/rat/", {"tahun": YEAR, "petugas": officer.pk})
        self.assertEqual(by_officer.context["total"], 4)
        self.assertContains(by_officer, "Rahmat")

    def test_a_limited_petugas_sees_their_area_and_no_year_still_open(self):
        self.client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
        self.assertEqual(self.client.get("/rat/", {"tahun": YEAR}).context["total"], 4)
        self.assertEqual(self.client.get("/rat/", {"tahun": YEAR, "kecamatan": MUARA_WAHAU}).status_code, 404)
        self.assertEqual(self.client.get(f"/rat/surat/{self.silent.pk}/", {"tahun": YEAR}).status_code, 404)
        open_year = datetime.date.today().year
        self.assertEqual(self.client.get("/rat/", {"tahun": open_year}).status_code, 404)

    def test_the_page_counts_its_queries(self):
        self.client.force_login(self.admin)
        self.client.get("/rat/", {"tahun": YEAR})
        # session, user with the access token (permissions, roles, area: registry/access.py), office settings,
        # counts, one page of cooperatives, kecamatan choices, officers.
        with self.assertNumQueries(7):
            self.client.get("/rat/", {"tahun": YEAR})

    def test_the_year_chooser_offers_the_last_fifteen_seasons_and_the_chosen_one(self):
        self.client.force_login(self.admin)
        from registry.models import last_full_year

        last = last_full_year()
        chooser = re.search(r'<select name="tahun".*?</select>', self.client.get("/rat/").content.decode(), re.S)
        offered = [int(y) for y in re.findall(r'<option value="(\d+)"', chooser.group(0))]
        self.assertEqual(offered, list(range(last, last - 15, -1)))
        older = last - 20
        page = self.client.get("/rat/", {"tahun": older}).content.decode()
        self.assertIn(f'<option value="{older}" selected>', page)
        self.assertIn(f'<option value="{last}">', page)

    def test_letters_go_to_every_cooperative_not_yet_reported(self):
        self.client.force_login(self.admin)
        office = OfficeSettings.current()
        office.signatory_name = "Drs. Kepala Dinas"
        office.save()
        page = self.client.get("/rat/surat/", {"tahun": YEAR})
        names = [c.name for c in page.context["letters"]]
        self.assertEqual(sorted(names), ["B Belum Lapor", "C Tanpa RAT", "D Tanpa Laporan", "E Berdiri 31/12"])
        self.assertContains(page, "Drs. Kepala Dinas")
        self.assertContains(page, "Perihal: Pengingat Rapat Anggota Tahunan (RAT) tahun buku 2024")
        one = self.client.get(f"/rat/surat/{self.held.pk}/", {"tahun": YEAR})
        self.assertEqual([c.name for c in one.context["letters"]], ["B Belum Lapor"])
        self.assertContains(one, "01/05/2025")

    def test_reminders_are_emailed_by_the_worker_to_those_with_an_address(self):
        self.client.force_login(make_user("Petugas"))
        response = self.client.post("/rat/ingatkan/", {"tahun": YEAR})
        self.assertRedirects(response, f"/rat/?tahun={YEAR}", fetch_redirect_response=False)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["b@example.org", "c@example.org"])
        self.assertIn("belum kami terima", next(m.body for m in mail.outbox if m.to == ["b@example.org"]))


class OfficeSettingsAdminTests(TestCase):
    def test_one_row_edited_over_its_version_never_added_twice_or_deleted(self):
        admin = make_user("Admin Dinas", is_staff=True)
        self.client.force_login(admin)
        self.assertEqual(self.client.get("/admin/registry/officesettings/").status_code, 200)
        office = OfficeSettings.objects.get()
        self.assertEqual(self.client.get("/admin/registry/officesettings/add/").status_code, 403)
        self.assertEqual(self.client.get(f"/admin/registry/officesettings/{office.pk}/delete/").status_code, 403)
        data = {"government": office.government, "office_name": office.office_name, "address": office.address,
                "place": "Sangatta", "signatory_name": "Drs. Kepala", "signatory_title": "Kepala Dinas",
                "signatory_nip": "", "rat_due_months": 5, "rat_report_days": 31, "version": office.version}
        response = self.client.post(f"/admin/registry/officesettings/{office.pk}/change/", data)
        self.assertEqual(response.status_code, 302)
        office.refresh_from_db()
        self.assertEqual((office.rat_due_months, office.signatory_name, office.version), (5, "Drs. Kepala", 2))
        self.assertEqual(office.rat_due(YEAR), datetime.date(2025, 5, 31))
        stale = self.client.post(f"/admin/registry/officesettings/{office.pk}/change/", {**data, "version": 1})
        self.assertContains(stale, "Tidak disimpan")


class RatExportTests(TestCase):
    setUpTestData = classmethod(StateTests.setUpTestData.__func__)  # the same district

    def test_the_workbook_has_the_page_s_rows(self):
        import io

        from openpyxl import load_workbook

        self.client.force_login(self.admin)
        page = self.client.get("/rat/", {"tahun": YEAR, "keadaan": "belum_dilaporkan"})
        self.assertContains(page, "/rat/ekspor.xlsx?")
        response = self.client.get("/rat/ekspor.xlsx", {"tahun": YEAR, "keadaan": "belum_dilaporkan"})
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        self.assertEqual([row[1] for row in rows], [c.name for c in page.context["page_obj"].object_list])
        self.assertEqual(rows[0][4].date(), datetime.date(2025, 5, 1))
        self.assertEqual(sheet.cell(2, 5).number_format, "dd/mm/yyyy")
        everything = self.client.get("/rat/ekspor.xlsx", {"tahun": YEAR})
        self.assertEqual(load_workbook(io.BytesIO(everything.content)).worksheets[0].max_row - 1, 5)


# ---------------------------------------------------------------------------------------------
# The portal's share: which reported RATs the boards sent themselves, which staff typed in
# ---------------------------------------------------------------------------------------------

def accepted_through_portal(cooperative, year, reviewer, **fields):
    """A submission for `year` sent by the board and accepted by `reviewer` through the review's service."""
    from registry.services.submissions import submission_accept
    from tests.builders import make_submission

    submission = make_submission(cooperative, year, status="disampaikan", **fields)
    existing = cooperative.yearly_reports.filter(year=year).first()
    return submission_accept(submission=submission, expected_version=submission.version,
                             record_version=existing.version if existing else 0, by=reviewer)


def build_portal_season(cls):
    """Book year 2024 (due 30/06/2025) in Sangatta Utara unless said; expected states and channels:

    | cooperative           | record                                                   | state, channel       |
    |-----------------------|----------------------------------------------------------|----------------------|
    | S Staf                | RAT 01/03/2025 reported 10/03/2025, typed by staff       | dilaporkan, petugas  |
    | P Portal 31 Des       | RAT on 31/12/2024 through the portal, accepted           | dilaporkan, portal   |
    | P Portal Batas        | Muara Wahau; RAT on the due date 30/06/2025, portal      | dilaporkan, portal   |
    | P Portal Berdiri      | founded 31/12/2024; RAT through the portal               | dilaporkan, portal   |
    | W Menunggu Tinjauan   | staff's reported RAT; its portal submission still waits  | dilaporkan, petugas  |
    | X Portal Tahun Lain   | portal accepted for 2023 only; 2024's typed by staff     | dilaporkan, petugas  |
    | T Staf Sesudah Portal | portal accepted without a RAT; staff added the RAT later | dilaporkan, petugas  |
    | N Portal Tanpa RAT    | portal accepted without a RAT date                       | terlambat            |
    | H Belum Lapor         | RAT held 01/05/2025, not reported                        | belum_dilaporkan     |
    | O Tanpa Apa Pun       | nothing                                                  | terlambat            |
    | not counted: a cooperative founded 01/01/2025; an inactive one with an accepted portal RAT |
    """
    day = datetime.date
    cls.reviewer = make_user("Petugas")
    cls.staff = make_cooperative(name="S Staf")
    make_report(cls.staff, 2024, rat_date=day(2025, 3, 1), rat_reported_on=day(2025, 3, 10))
    cls.portal_year_end = make_cooperative(name="P Portal 31 Des")
    accepted_through_portal(cls.portal_year_end, 2024, cls.reviewer, rat_date=day(2024, 12, 31))
    cls.portal_due = make_cooperative(name="P Portal Batas", kecamatan=MUARA_WAHAU)
    accepted_through_portal(cls.portal_due, 2024, cls.reviewer, rat_date=day(2025, 6, 30))
    cls.portal_founded = make_cooperative(name="P Portal Berdiri", legal_entity_date=day(2024, 12, 31))
    accepted_through_portal(cls.portal_founded, 2024, cls.reviewer, rat_date=day(2025, 2, 1))
    cls.waiting = make_cooperative(name="W Menunggu Tinjauan")
    make_report(cls.waiting, 2024, rat_date=day(2025, 3, 1), rat_reported_on=day(2025, 3, 2))
    from tests.builders import make_submission
    make_submission(cls.waiting, 2024, status="disampaikan", rat_date=day(2025, 3, 1))
    cls.other_year = make_cooperative(name="X Portal Tahun Lain")
    accepted_through_portal(cls.other_year, 2023, cls.reviewer, rat_date=day(2024, 4, 1))
    make_report(cls.other_year, 2024, rat_date=day(2025, 4, 1), rat_reported_on=day(2025, 4, 5))
    cls.staff_after_portal = make_cooperative(name="T Staf Sesudah Portal")
    report = accepted_through_portal(cls.staff_after_portal, 2024, cls.reviewer)
    YearlyReport.objects.filter(pk=report.pk).update(rat_date=day(2025, 4, 1), rat_reported_on=day(2025, 4, 2))
    cls.no_rat = make_cooperative(name="N Portal Tanpa RAT")
    accepted_through_portal(cls.no_rat, 2024, cls.reviewer)
    cls.held = make_cooperative(name="H Belum Lapor")
    make_report(cls.held, 2024, rat_date=day(2025, 5, 1))
    cls.nothing = make_cooperative(name="O Tanpa Apa Pun")
    make_cooperative(name="Z Berdiri 2025", legal_entity_date=day(2025, 1, 1))
    inactive = make_cooperative(name="Z Tidak Aktif")
    accepted_through_portal(inactive, 2024, cls.reviewer, rat_date=day(2025, 3, 1))
    Cooperative.objects.filter(pk=inactive.pk).update(status=Cooperative.Status.INACTIVE)


class PortalShareTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_portal_season(cls)
        cls.pimpinan = make_user("Pimpinan")

    def page(self, user=None, **query):
        self.client.force_login(user or self.pimpinan)
        response = self.client.get("/rat/", {"tahun": YEAR, **query})
        self.assertEqual(response.status_code, 200)
        return response

    def names(self, response):
        return sorted(c.name for c in response.context["page_obj"].object_list)

    def test_channels_of_the_reported_rats(self):
        counts = {c["code"]: c["count"] for c in self.page().context["channels"]}
        self.assertEqual(counts, {"portal": 3, "petugas": 4})
        portal = self.page(lewat="portal")
        self.assertEqual(self.names(portal), ["P Portal 31 Des", "P Portal Batas", "P Portal Berdiri"])
        self.assertEqual(portal.context["paginator"].count, 3)
        self.assertContains(portal, '<strong>3</strong> koperasi', html=False)
        self.assertContains(portal, '<span class="badge rat-portal">lewat portal</span>', count=3)
        staff = self.page(lewat="petugas")
        self.assertEqual(self.names(staff),
                         ["S Staf", "T Staf Sesudah Portal", "W Menunggu Tinjauan", "X Portal Tahun Lain"])
        states = {s["code"]: s["count"] for s in self.page().context["states"]}
        self.assertEqual(states, {"dilaporkan": 7, "belum_dilaporkan": 1, "terlambat": 2, "belum": 0})

    def test_share_of_the_reported(self):
        page = self.page()
        portal = next(c for c in page.context["channels"] if c["code"] == "portal")
        self.assertEqual(portal["share"], 3 / 7)
        self.assertEqual(rat_season.portal_share({"dilaporkan": 0, "portal": 0}), None)
        self.assertContains(page, "43% dari RAT yang dilaporkan")

    def test_every_channel_count_equals_its_list_in_every_filter(self):
        officer = make_user("Petugas", kecamatan=[MUARA_WAHAU], first_name="Wahau")
        limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        for user, query, expected in [
            (self.pimpinan, {}, {"portal": 3, "petugas": 4}),
            (self.pimpinan, {"kecamatan": MUARA_WAHAU}, {"portal": 1, "petugas": 0}),
            (self.pimpinan, {"kecamatan": SANGATTA_UTARA}, {"portal": 2, "petugas": 4}),
            (self.pimpinan, {"petugas": officer.pk}, {"portal": 1, "petugas": 0}),
            (limited, {}, {"portal": 2, "petugas": 4}),
        ]:
            with self.subTest(user=user.username, query=query):
                page = self.page(user, **query)
                channels = {c["code"]: c for c in page.context["channels"]}
                self.assertEqual({code: c["count"] for code, c in channels.items()}, expected)
                for code, channel in channels.items():
                    listed = self.client.get(channel["href"])
                    self.assertEqual(listed.context["paginator"].count, expected[code])
                    self.assertEqual(len(listed.context["page_obj"].object_list), expected[code])
                    self.assertTrue(all(c.rat_channel == code for c in listed.context["page_obj"].object_list))

    def test_a_channel_with_another_state_is_empty_and_an_unknown_one_not_found(self):
        self.assertEqual(self.page(lewat="portal", keadaan="dilaporkan").context["paginator"].count, 3)
        self.assertEqual(self.page(lewat="portal", keadaan="terlambat").context["paginator"].count, 0)
        self.assertEqual(len(self.page(lewat="portal", keadaan="terlambat").context["page_obj"].object_list), 0)
        self.client.force_login(self.pimpinan)
        self.assertEqual(self.client.get("/rat/", {"tahun": YEAR, "lewat": "pos"}).status_code, 404)

    def test_the_export_names_the_channel(self):
        import io

        from openpyxl import load_workbook

        self.client.force_login(make_user("Petugas"))
        response = self.client.get("/rat/ekspor.xlsx", {"tahun": YEAR, "lewat": "portal"})
        rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
        self.assertEqual(rows[0][-1], "Dilaporkan lewat")
        self.assertEqual(sorted((row[1], row[-1]) for row in rows[1:]),
                         [("P Portal 31 Des", "portal"), ("P Portal Batas", "portal"), ("P Portal Berdiri", "portal")])

    def test_the_page_counts_its_queries_with_a_channel(self):
        self.page(lewat="portal")
        for n in range(5):
            accepted_through_portal(make_cooperative(name=f"P Tambahan {n}"), YEAR, self.reviewer,
                                    rat_date=datetime.date(2025, 3, 1))
        # As without a channel (test_the_page_counts_its_queries): the counts' one aggregate includes it.
        with self.assertNumQueries(7):
            response = self.client.get("/rat/", {"tahun": YEAR, "lewat": "portal"})
        self.assertEqual(response.context["paginator"].count, 8)

    def test_a_board_account_is_refused(self):
        from tests.builders import make_board_account

        self.client.force_login(make_board_account(self.staff).user)
        for path in ("/rat/", f"/rat/?tahun={YEAR}&lewat=portal", "/rat/ekspor.xlsx", "/dasbor/"):
            with self.subTest(path=path):
                response = self.client.get(path)
                # Refused like every staff page (tests/access.py READ: 403 before any lookup); no figure leaks.
                self.assertIn(response.status_code, (403, 404))
                self.assertNotIn(b"data-count", response.content)
