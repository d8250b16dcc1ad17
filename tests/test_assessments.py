"""Assessments: recording, the entry page, workflow and locking, list, recommendations, preparing a year.

Indicators computed from the records: tests/test_assessment_indicators.py.
"""

import datetime
from decimal import Decimal

from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory, TestCase
from django.urls import reverse

from registry.admin.assessments import RubricVersionAdmin
from registry.models import (
    Assessment,
    BoardMember,
    Cooperative,
    IndicatorScore,
    RubricIndicator,
    RubricVersion,
    YearlyReport,
)
from registry.services import assessments as services
from registry.services.rubrics import rubric_copy
from tests.access import LIMITED, PIMPINAN, make_limited_petugas
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_UTARA,
    make_board_member,
    make_cooperative,
    make_report,
    make_user,
    rubric_indicators,
)

YEAR = 2024
TODAY = datetime.date(2025, 11, 1)


def healthy_records(cooperative, year=YEAR):
    """Reports for year-2..year and a complete board: every computable indicator scores 4 or 3."""
    for y in range(year - 2, year + 1):
        make_report(
            cooperative, y, members_male=60 + (y - year) * 10, members_female=50, employees=3, managers=1,
            modal_sendiri=500_000_000, modal_luar=500_000_000, total_assets=1_000_000_000,
            business_volume=2_000_000_000 + (y - year) * 300_000_000, revenue=900_000_000, expenses=600_000_000,
            shu=120_000_000, financial_report=YearlyReport.FinancialReport.AUDITED,
            rat_date=datetime.date(y + 1, 3, 12), rat_reported_on=datetime.date(y + 1, 3, 30),
        )
    Cooperative.objects.filter(pk=cooperative.pk).update(certificate_status="sudah",
                                                         certificate_expiry=datetime.date(2027, 1, 1))
    for role in BoardMember.REQUIRED_ROLES:
        make_board_member(cooperative, role, term_start=datetime.date(2022, 1, 1), term_end=datetime.date(2027, 1, 1))
    cooperative.refresh_from_db()


# Tests give levels by hand; where one differs from a computed level it needs a reason, given by
# default so that the tests do not depend on which records each indicator is computed from.
FIELD_REASON = "Dinilai di lapangan."


def entry_data(levels, *, version=None, checklist=None, reasons=None, **extra):
    """POST data of the entry page: a level per indicator code (checklist: ticked items)."""
    data = {"notes": "", "change_reason": ""}
    if version is not None:
        data["version"] = version
    for code, indicator in rubric_indicators().items():
        prefix = f"i{indicator.pk}"
        if indicator.method == RubricIndicator.Method.CHECKLIST:
            data[f"{prefix}_checklist"] = (checklist or {}).get(code, indicator.checklist_items)
        elif levels.get(code):
            data[f"{prefix}_level"] = str(levels[code])
        data[f"{prefix}_reason"] = (reasons or {}).get(code, FIELD_REASON)
        data[f"{prefix}_notes"] = ""
        data[f"{prefix}_evidence"] = ""
    data.update(extra)
    return data


ALL_FOURS = {code: 4 for code in ["K1", "K2", "K3", "K4", "K5", "K6", "K7", "F1", "F2", "F3", "F4", "F5", "O1",
                                  "O2", "O3", "O4", "R1", "R2", "R3", "R4"]}


class AssessmentServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cooperative = make_cooperative()
        healthy_records(cls.cooperative)
        cls.petugas = make_user("Petugas")
        cls.indicators = rubric_indicators()

    def entries(self, levels, **reasons):
        return {
            i.pk: services.Entry(level=levels.get(code), override_reason=reasons.get(code, FIELD_REASON),
                                 checklist_met=i.checklist_items[:6])
            for code, i in self.indicators.items()
        }

    def record(self, levels, version=None, **reasons):
        return services.assessment_record(
            cooperative=self.cooperative, year=YEAR, entries=self.entries(levels, **reasons),
            expected_version=version, user=self.petugas, today=TODAY,
        )

    def test_record_scores_by_hand(self):
        levels = dict(ALL_FOURS, K1=3, O1=2, O2=2, R1=4, R3=3, R4=1, K7=2, O4=1, R2=3)
        assessment = self.record(levels)
        # Kelembagaan: K1 3x2, K2-K6 4 (weights 3,1,2,1,1), K7 2x1 -> 6+32+2 = 40 / 44 = 90.91
        # Keuangan: all 4 -> 100. Operasional: O1 2x2, O2 2x2, O3 4x1, O4 1x2, O5 6/8 = 75% -> 3 x1
        #   -> 4+4+4+2+3 = 17 / 32 = 53.13. Reputasi: R1 4x2, R2 3x2, R3 3, R4 1 -> 18 / 24 = 75
        # Overall (90.909 + 100 + 53.125 + 75) / 4 = 79.76 -> Cukup Sehat
        self.assertEqual(assessment.score_kelembagaan, Decimal("90.91"))
        self.assertEqual(assessment.score_keuangan, Decimal("100.00"))
        self.assertEqual(assessment.score_operasional, Decimal("53.13"))
        self.assertEqual(assessment.score_reputasi, Decimal("75.00"))
        self.assertEqual(assessment.overall_score, Decimal("79.76"))
        self.assertEqual(assessment.predicate, "cukup_sehat")
        self.assertEqual(assessment.weakest_condition, "operasional")
        self.assertEqual(assessment.kutim_label, "sehat")
        self.assertEqual(assessment.scores.count(), 21)
        self.assertEqual(assessment.rubric.year, 2020)

    def test_override_needs_and_keeps_its_reason(self):
        with self.assertRaises(ValidationError):
            self.record(dict(ALL_FOURS, F1=2), F1="")
        assessment = self.record(dict(ALL_FOURS, F1=2), F1="Modal sendiri termasuk hibah yang belum diaudit.")
        score = assessment.scores.get(indicator__code="F1")
        self.assertEqual((score.computed_level, score.level), (4, 2))
        # Saving again changes only F1: the other indicators get no new history row.
        before = IndicatorScore.history.count()
        self.record(dict(ALL_FOURS, F1=3), version=assessment.version, F1="Hibah sebagian diaudit.")
        self.assertEqual(IndicatorScore.history.count(), before + 1)
        score.refresh_from_db()
        self.assertTrue(score.is_override)
        self.assertEqual(score.override_reason, "Hibah sebagian diaudit.")
        reasons = list(score.history.order_by("history_id").values_list("override_reason", flat=True))
        self.assertEqual(reasons, ["Modal sendiri termasuk hibah yang belum diaudit.", "Hibah sebagian diaudit."])

    def test_database_refuses_an_override_without_reason(self):
        assessment = self.record(ALL_FOURS)
        score = assessment.scores.get(indicator__code="F1")
        with self.assertRaises(Exception):  # noqa: B017 (IntegrityError, wrapped differently per database)
            IndicatorScore.objects.filter(pk=score.pk).update(level=1)

    def test_workflow_and_lock(self):
        assessment = self.record(dict(ALL_FOURS, R4=None))
        with self.assertRaises(ValidationError):
            services.assessment_submit(assessment=assessment, user=self.petugas)  # incomplete
        assessment = self.record(ALL_FOURS, version=assessment.version)
        assessment = services.assessment_submit(assessment=assessment, user=self.petugas)
        self.assertEqual(assessment.status, "diajukan")
        verifier = make_user("Verifikator")
        assessment = services.assessment_verify(assessment=assessment, user=verifier)
        self.assertTrue(assessment.is_locked)
        self.assertEqual(assessment.verified_by, verifier)
        with self.assertRaises(ValidationError):
            self.record(ALL_FOURS, version=assessment.version)
        with self.assertRaises(ValidationError):
            services.assessment_reopen(assessment=assessment, reason=" ", user=verifier)
        admin = make_user("Admin Dinas")
        assessment = services.assessment_reopen(assessment=assessment, reason="Salah hitung SHU", user=admin)
        self.assertEqual(assessment.status, "draf")
        reasons = list(assessment.history.order_by("history_id").values_list("history_change_reason", "status"))
        self.assertEqual([status for _, status in reasons], ["draf", "draf", "diajukan", "diverifikasi", "draf"])
        self.assertEqual(reasons[-1][0], "Dibuka kembali: Salah hitung SHU")
        self.assertEqual(assessment.history.first().history_user, admin)


def assessment_for(cooperative, levels=ALL_FOURS, user=None, year=YEAR):
    return services.assessment_record(
        cooperative=cooperative, year=year, expected_version=None, user=user, today=TODAY,
        entries={i.pk: services.Entry(level=levels.get(code), checklist_met=i.checklist_items,
                                      override_reason=FIELD_REASON)
                 for code, i in rubric_indicators().items()},
    )


class EntryPageAccessTests(TestCase):
    """Saving the entry page: never outside the area, never by a reader (every page's matrix: tests/access.py)."""

    @classmethod
    def setUpTestData(cls):
        cls.users = {LIMITED: make_limited_petugas(), PIMPINAN: make_user(PIMPINAN)}
        cls.inside = make_cooperative(kecamatan=SANGATTA_UTARA)
        cls.outside = make_cooperative(kecamatan=MUARA_WAHAU)
        healthy_records(cls.inside)
        healthy_records(cls.outside)
        assessment_for(cls.inside)
        assessment_for(cls.outside)

    def test_entry_post_outside_area_is_404(self):
        self.client.force_login(self.users[LIMITED])
        response = self.client.post(f"/koperasi/{self.outside.pk}/penilaian/{YEAR}/", entry_data(ALL_FOURS))
        self.assertEqual(response.status_code, 404)

    def test_pimpinan_reads_but_cannot_save(self):
        self.client.force_login(self.users[PIMPINAN])
        path = f"/koperasi/{self.inside.pk}/penilaian/{YEAR}/"
        response = self.client.get(path)
        self.assertNotContains(response, 'type="radio"')
        self.assertEqual(self.client.post(path, entry_data(ALL_FOURS, version=1)).status_code, 403)


class EntryPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.cooperative = make_cooperative()
        healthy_records(cls.cooperative)
        cls.url = f"/koperasi/{cls.cooperative.pk}/penilaian/{YEAR}/"

    def setUp(self):
        self.client.force_login(self.petugas)

    def test_new_assessment_shows_computed_suggestions_and_levels(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["assessment"])
        self.assertContains(response, "tepat waktu -&gt; 4")
        self.assertContains(response, "RAT diadakan paling lambat 30 Juni tahun berikutnya.")  # level description
        form = response.context["form"]
        k2 = rubric_indicators()["K2"]
        self.assertEqual(form[f"i{k2.pk}_level"].value(), "4")  # the computed level is the initial choice

    def test_missing_data_is_shown_as_missing(self):
        bare = make_cooperative()
        response = self.client.get(f"/koperasi/{bare.pk}/penilaian/{YEAR}/")
        self.assertContains(response, "Data belum tersedia: laporan tahunan 2024.")
        k2 = rubric_indicators()["K2"]
        self.assertIsNone(response.context["form"][f"i{k2.pk}_level"].value())  # nothing guessed

    def test_save_shows_totals_and_predicate(self):
        response = self.client.post(self.url, entry_data(ALL_FOURS), follow=True)
        self.assertContains(response, "Penilaian tersimpan.")
        self.assertContains(response, '<span class="figure-value" id="predicate">Sehat</span>', html=True)
        self.assertContains(response, '<span class="figure-value" id="overall-score">100,00</span>', html=True)
        assessment = Assessment.objects.get(cooperative=self.cooperative, year=YEAR)
        self.assertEqual(assessment.assessed_by, self.petugas)
        self.assertEqual(assessment.history.first().history_user, self.petugas)

    def test_override_without_reason_is_refused_and_input_kept(self):
        response = self.client.post(self.url, entry_data(dict(ALL_FOURS, F1=1), reasons={"F1": ""}))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Nilai 1 berbeda dari nilai terhitung 4: tulis alasannya.")
        self.assertFalse(Assessment.objects.exists())
        reasons = {"F1": "Aset belum termasuk kebun plasma."}
        self.client.post(self.url, entry_data(dict(ALL_FOURS, F1=1), reasons=reasons))
        score = IndicatorScore.objects.get(indicator__code="F1")
        self.assertEqual((score.level, score.override_reason), (1, "Aset belum termasuk kebun plasma."))
        self.assertContains(self.client.get(self.url), "Aset belum termasuk kebun plasma.")

    def test_checklist_scores_from_items(self):
        o5 = rubric_indicators()["O5"]
        self.client.post(self.url, entry_data(ALL_FOURS, checklist={"O5": o5.checklist_items[:4]}))
        self.assertEqual(IndicatorScore.objects.get(indicator=o5).level, 2)  # 4 of 8 = 50%

    def test_conflict_keeps_the_other_persons_edit(self):
        self.client.post(self.url, entry_data(ALL_FOURS))
        assessment = Assessment.objects.get()
        opened_at = assessment.version
        self.client.post(self.url, entry_data(dict(ALL_FOURS, R4=2), version=opened_at))  # someone else saves first
        response = self.client.post(self.url, entry_data(dict(ALL_FOURS, R4=3), version=opened_at))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Diubah orang lain sementara Anda mengisi")
        self.assertEqual(IndicatorScore.objects.get(indicator__code="R4").level, 2)
        self.assertEqual(response.context["form"].data["version"], opened_at + 1)

    def test_workflow_through_the_pages(self):
        self.client.post(self.url, entry_data(ALL_FOURS))
        self.client.post(self.url + "ajukan/")
        self.assertEqual(Assessment.objects.get().status, "diajukan")
        self.client.force_login(make_user("Verifikator"))
        self.client.post(self.url + "verifikasi/")
        self.assertEqual(Assessment.objects.get().status, "diverifikasi")
        self.client.force_login(self.petugas)
        response = self.client.get(self.url)
        self.assertContains(response, "sudah diverifikasi dan terkunci")
        self.assertNotContains(response, 'type="radio"')
        response = self.client.post(self.url, entry_data(dict(ALL_FOURS, R4=1), version=3))
        self.assertContains(response, "terkunci")
        self.assertEqual(IndicatorScore.objects.get(indicator__code="R4").level, 4)
        self.client.force_login(make_user("Admin Dinas"))
        response = self.client.post(self.url + "buka-kembali/", {"reason": ""}, follow=True)
        self.assertContains(response, "Alasan wajib diisi.")
        response = self.client.post(self.url + "buka-kembali/", {"reason": "Temuan baru"}, follow=True)
        self.assertContains(response, "Dibuka kembali: Temuan baru")
        self.assertEqual(Assessment.objects.get().status, "draf")

    def test_changed_records_move_the_suggestion_but_not_a_kept_override(self):
        reasons = {"F1": "Hibah belum diaudit."}
        self.client.post(self.url, entry_data(dict(ALL_FOURS, F1=2), reasons=reasons))
        YearlyReport.objects.filter(cooperative=self.cooperative, year=YEAR).update(
            financial_report="terlambat", modal_sendiri=100_000_000)
        form = self.client.get(self.url).context["form"]
        ind = rubric_indicators()
        self.assertEqual(form[f"i{ind['F5'].pk}_level"].value(), "2")  # follows the records: late -> 2
        self.assertEqual(form[f"i{ind['F1'].pk}_level"].value(), "2")  # the override stays

    def test_verified_assessment_shows_what_it_was_scored_with(self):
        self.client.post(self.url, entry_data(ALL_FOURS))
        assessment = services.assessment_submit(assessment=Assessment.objects.get(), user=self.petugas)
        services.assessment_verify(assessment=assessment, user=make_user("Verifikator"))
        YearlyReport.objects.filter(cooperative=self.cooperative, year=YEAR).update(rat_date=None, rat_reported_on=None)
        response = self.client.get(self.url)
        rows = {row.indicator.code: row for row in response.context["rows"]}
        self.assertEqual(rows["K2"].suggestion.level, 4)
        self.assertContains(response, "tepat waktu -&gt; 4")

    def test_verifier_returns_with_a_reason(self):
        self.client.post(self.url, entry_data(ALL_FOURS))
        self.client.post(self.url + "ajukan/")
        self.client.force_login(make_user("Verifikator"))
        response = self.client.post(self.url + "kembalikan/", {"reason": "Bukti RAT belum dilampirkan"}, follow=True)
        self.assertContains(response, "Dikembalikan: Bukti RAT belum dilampirkan")
        self.assertEqual(Assessment.objects.get().status, "dikembalikan")

    def test_last_year_beside_each_indicator(self):
        assessment_for(self.cooperative, dict(ALL_FOURS, R4=2), year=YEAR - 1)
        response = self.client.get(self.url)
        rows = {row.indicator.code: row for row in response.context["rows"]}
        self.assertEqual(rows["R4"].last_year_level, 2)

    def test_year_outside_range_is_404(self):
        self.assertEqual(self.client.get(f"/koperasi/{self.cooperative.pk}/penilaian/1900/").status_code, 404)


class AssessmentListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.pimpinan = make_user("Pimpinan")
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        cls.strong = make_cooperative(kecamatan=SANGATTA_UTARA, name="Koperasi Kuat")
        cls.weak = make_cooperative(kecamatan=MUARA_WAHAU, name="Koperasi Lemah")
        for cooperative in (cls.strong, cls.weak):
            healthy_records(cooperative, 2024)
            make_report(cooperative, 2021)
        assessment_for(cls.strong, year=2023)
        # Operasional 20/32 = 62.5, reputasi 100 -> 25: overall (100 + 100 + 62.5 + 25) / 4 = 71.88
        assessment_for(cls.strong, dict(ALL_FOURS, O1=1, O2=1, R1=1, R2=1, R3=1, R4=1), year=2024)
        low = {code: 1 for code in ALL_FOURS}
        assessment_for(cls.weak, {**low, "K2": 4, "K3": 4, "K4": 4, "K5": 1, "K6": 4, "F1": 4, "F2": 4, "F3": 4,
                                  "F4": 4, "F5": 4, "O3": 4}, year=2024)
        Assessment.objects.filter(cooperative=cls.weak).update(status="diajukan")

    def names(self, query, user=None):
        self.client.force_login(user or self.pimpinan)
        response = self.client.get("/penilaian/" + query)
        self.assertEqual(response.status_code, 200)
        return sorted((a.cooperative_name, a.year) for a, _changes, _final in response.context["rows"])

    def test_each_filter(self):
        self.assertEqual(self.names("?tahun=2023"), [("Koperasi Kuat", 2023)])
        self.assertEqual(self.names(f"?kecamatan={MUARA_WAHAU}"), [("Koperasi Lemah", 2024)])
        self.assertEqual(self.names("?predikat=sehat"), [("Koperasi Kuat", 2023)])
        self.assertEqual(self.names("?predikat=cukup_sehat"), [("Koperasi Kuat", 2024)])
        self.assertEqual(self.names("?terlemah=reputasi"), [("Koperasi Kuat", 2024), ("Koperasi Lemah", 2024)])
        self.assertEqual(self.names("?status=diajukan"), [("Koperasi Lemah", 2024)])
        self.assertEqual(len(self.names("")), 3)

    def test_limited_user_sees_their_area_only(self):
        self.assertEqual(self.names("", user=self.limited), [("Koperasi Kuat", 2023), ("Koperasi Kuat", 2024)])

    def test_big_drop_flagged(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get("/penilaian/?tahun=2024&kecamatan=" + SANGATTA_UTARA)
        (_assessment, changes, _final), = response.context["rows"]
        reputasi = next(c for c in changes if c["code"] == "reputasi")
        self.assertEqual(reputasi["change"], Decimal("-75.00"))
        self.assertTrue(reputasi["big_drop"])
        self.assertContains(response, "▼ -75,00")
        self.assertFalse(next(c for c in changes if c["code"] == "keuangan")["big_drop"])

    def test_row_numbers_in_each_language(self):
        # The row's numbers are written by the view, once per page, in the reader's language.
        self.client.force_login(self.pimpinan)
        url = "/penilaian/?tahun=2024&kecamatan=" + SANGATTA_UTARA
        response = self.client.get(url)
        self.assertContains(response, '<td class="num">71,88</td>', html=True)
        self.assertContains(response, '62,50<span class="yoy">▼ -37,50</span>')
        self.assertContains(response, '100,00<span class="yoy">0,00</span>')
        self.client.cookies["django_language"] = "en"
        response = self.client.get(url)
        self.assertContains(response, '<td class="num">71.88</td>', html=True)
        self.assertContains(response, '25.00<span class="yoy">▼ -75.00</span>')
        self.assertContains(response, '100.00<span class="yoy">0.00</span>')

    def test_row_without_last_year_or_complete_scores(self):
        Assessment.objects.filter(cooperative=self.strong, year=2024).update(
            unscored=2, overall_score=None, predicate="", score_keuangan=None)
        self.client.force_login(self.pimpinan)
        response = self.client.get("/penilaian/?tahun=2024&kecamatan=" + SANGATTA_UTARA)
        self.assertContains(response, '<span class="incomplete">belum lengkap: 2 indikator belum dinilai</span>')
        self.assertContains(response, '<td class="num">–</td>', html=True)  # no keuangan score, no change
        response = self.client.get("/penilaian/?tahun=2023&kecamatan=" + SANGATTA_UTARA)
        self.assertNotContains(response, 'class="yoy"')  # nothing a year before 2023

    def test_constant_queries(self):
        self.client.force_login(self.limited)
        self.client.get("/penilaian/")  # warm the content-type cache
        for _ in range(5):
            cooperative = make_cooperative(kecamatan=SANGATTA_UTARA)
            healthy_records(cooperative)
            assessment_for(cooperative)
        # 1 session, 2 user with the access token (permissions, roles, area: registry/access.py), 3 the page of
        # assessments (cooperative and kecamatan names joined; last year's scores as subqueries; a list that fits on its
        # page is counted by its rows, without a COUNT query (tests/test_first_page.py)), 4 years for the year filter;
        # the kecamatan choices from the cache.
        with self.assertNumQueries(4):
            response = self.client.get("/penilaian/")
        self.assertEqual(len(response.context["rows"]), 7)


class PrepareYearTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        cls.done = make_cooperative(kecamatan=SANGATTA_UTARA)
        healthy_records(cls.done)
        assessment_for(cls.done)
        cls.todo = [make_cooperative(kecamatan=SANGATTA_UTARA) for _ in range(3)]
        healthy_records(cls.todo[0])
        make_cooperative(kecamatan=SANGATTA_UTARA, status="tidak_aktif")
        make_cooperative(kecamatan=MUARA_WAHAU)

    def test_prepare_creates_drafts_with_computed_indicators(self):
        self.client.force_login(self.limited)
        response = self.client.post("/penilaian/siapkan/", {"year": YEAR}, follow=True)
        self.assertContains(response, "3 penilaian draf dibuat, 1 koperasi dilewati")
        self.assertEqual(Assessment.objects.filter(year=YEAR).count(), 4)
        prepared = Assessment.objects.get(cooperative=self.todo[0])
        self.assertEqual(prepared.status, "draf")
        self.assertEqual(prepared.scores.count(), 21)
        k2 = prepared.scores.get(indicator__code="K2")
        self.assertEqual((k2.computed_level, k2.level), (4, 4))
        self.assertIn("tepat waktu", k2.computed_explanation)
        self.assertIsNone(prepared.scores.get(indicator__code="K1").level)  # manual: left to the assessor
        self.assertEqual(prepared.predicate, "")  # incomplete
        self.assertEqual(prepared.score_keuangan, Decimal("100.00"))
        self.assertEqual(prepared.history.count(), 1)
        # Again: nothing new.
        response = self.client.post("/penilaian/siapkan/", {"year": YEAR}, follow=True)
        self.assertContains(response, "0 penilaian draf dibuat, 4 koperasi dilewati")


class RecommendationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.pimpinan = make_user("Pimpinan")
        cls.cooperative = make_cooperative(name="Koperasi Sawit Maju")
        cls.other = make_cooperative(name="Koperasi Tani Jaya", kecamatan=MUARA_WAHAU)
        for cooperative in (cls.cooperative, cls.other):
            services.assessment_submit(assessment=assessment_for(cooperative, dict(ALL_FOURS, K1=1, O1=2, R4=3)))

    def test_cooperative_page_lists_weak_indicators_with_helpers(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get(f"/koperasi/{self.cooperative.pk}/penilaian/{YEAR}/rekomendasi/")
        self.assertEqual([s.indicator.code for s in response.context["weak"]], ["K1", "O1"])
        self.assertContains(response, "Dampingi penyesuaian anggaran dasar dan pengesahannya.")
        self.assertContains(response, "Notaris / Kemenkumham")
        self.assertNotContains(response, "dampingi penyusunan proposal pembiayaan")  # R4 scored 3

    def test_district_grouped_by_action_and_helper(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get(f"/rekomendasi/?tahun={YEAR}")
        by_action = {a.code: [name for _, name, _ in a.cooperatives] for a in response.context["by_action"]}
        self.assertEqual(by_action["K1"], ["Koperasi Sawit Maju", "Koperasi Tani Jaya"])
        helpers = {g["helper"]: g for g in response.context["by_helper"]}
        self.assertTrue({"notaris", "koperasi_lain"} <= set(helpers))  # K1, O1 (and computed ones without records)
        self.assertEqual(helpers["koperasi_lain"]["count"], 2)
        self.assertContains(response, f'href="/penilaian/?tahun={YEAR}&amp;lemah=K1&amp;status=diajukan_diverifikasi"')
        response = self.client.get(f"/rekomendasi/?tahun={YEAR}&kecamatan={MUARA_WAHAU}")
        by_action = {a.code: [name for _, name, _ in a.cooperatives] for a in response.context["by_action"]}
        self.assertEqual(by_action["K1"], ["Koperasi Tani Jaya"])

    def test_district_names_are_capped_with_a_link_to_the_rest(self):
        from registry.selectors.assessments import NAMES_SHOWN

        for n in range(NAMES_SHOWN + 1):
            services.assessment_submit(
                assessment=assessment_for(make_cooperative(name=f"Koperasi Tambahan {n:02}"), dict(ALL_FOURS, K1=1))
            )
        assessment_for(make_cooperative(name="Koperasi Draf"), dict(ALL_FOURS, K1=1))  # a draft: not counted
        self.client.force_login(self.pimpinan)
        response = self.client.get(f"/rekomendasi/?tahun={YEAR}")
        k1 = next(a for a in response.context["by_action"] if a.code == "K1")
        self.assertEqual((k1.count, len(k1.cooperatives), k1.more), (NAMES_SHOWN + 3, NAMES_SHOWN, 3))
        self.assertContains(response, "dan 3 koperasi lain: lihat semua")
        # The link's list: the submitted or verified assessments with K1 scored 1 or 2 that year.
        listed = self.client.get(f"/penilaian/?tahun={YEAR}&lemah=K1&status=diajukan_diverifikasi")
        self.assertEqual(listed.context["paginator"].count, NAMES_SHOWN + 3)
        self.assertEqual(self.client.get(f"/penilaian/?tahun={YEAR}&lemah=K1").context["paginator"].count,
                         NAMES_SHOWN + 4)
        self.assertEqual(self.client.get(f"/penilaian/?tahun={YEAR}&lemah=R4").context["paginator"].count, 0)


class RecommendationExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cooperative = make_cooperative(name="Koperasi Sawit Maju")
        cls.other = make_cooperative(name="Koperasi Tani Jaya", kecamatan=MUARA_WAHAU)
        for cooperative in (cls.cooperative, cls.other):
            services.assessment_submit(assessment=assessment_for(cooperative, dict(ALL_FOURS, K1=1, O1=2, R4=3)))

    def read(self, response):
        import io

        from openpyxl import load_workbook

        self.assertEqual(response.status_code, 200)
        return load_workbook(io.BytesIO(response.content))

    def test_district_workbook_has_every_cooperative_behind_each_action(self):
        self.client.force_login(make_user("Petugas"))
        page = self.client.get(f"/rekomendasi/?tahun={YEAR}")
        self.assertContains(page, f'href="/rekomendasi.xlsx?tahun={YEAR}"')
        workbook = self.read(self.client.get(f"/rekomendasi.xlsx?tahun={YEAR}"))
        per_action = {row[0]: row[3] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)}
        counts = {a.code: a.count for a in page.context["by_action"]}
        self.assertEqual(per_action, counts)  # the page's counts, action by action
        per_cooperative = [row for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)
                           if row[2] == "K1"]
        self.assertEqual([row[0] for row in per_cooperative], ["Koperasi Sawit Maju", "Koperasi Tani Jaya"])
        one = self.read(self.client.get(f"/rekomendasi.xlsx?tahun={YEAR}&kecamatan={MUARA_WAHAU}"))
        self.assertEqual({row[0] for row in one.worksheets[1].iter_rows(min_row=2, values_only=True)},
                         {"Koperasi Tani Jaya"})

    def test_cooperative_workbook_lists_its_weak_indicators(self):
        self.client.force_login(make_user("Petugas"))
        page = self.client.get(f"/koperasi/{self.cooperative.pk}/penilaian/{YEAR}/rekomendasi/")
        self.assertContains(page, "rekomendasi.xlsx")
        workbook = self.read(self.client.get(f"/koperasi/{self.cooperative.pk}/penilaian/{YEAR}/rekomendasi.xlsx"))
        rows = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
        self.assertEqual([(row[1], row[3]) for row in rows], [("K1", 1), ("O1", 2)])
        self.assertIn("Dampingi penyesuaian anggaran dasar dan pengesahannya.", rows[0][4])

    def test_outside_the_area_or_without_export_permission(self):
        self.client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
        url = f"/koperasi/{self.other.pk}/penilaian/{YEAR}/rekomendasi.xlsx"
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(f"/rekomendasi.xlsx?tahun={YEAR}&kecamatan={MUARA_WAHAU}").status_code, 404)
        self.client.force_login(make_user("Verifikator"))
        self.assertEqual(self.client.get(f"/rekomendasi.xlsx?tahun={YEAR}").status_code, 403)


class RubricAdminTests(TestCase):
    def test_copy_rubric_to_next_year(self):
        admin_user = make_user("Admin Dinas", is_staff=True)
        request = RequestFactory().post("/admin/")
        request.user = admin_user
        request._messages = type("M", (), {"add": lambda *args, **kwargs: None})()
        model_admin = RubricVersionAdmin(RubricVersion, site)
        model_admin.copy_to_next_year(request, RubricVersion.objects.filter(year=2020))
        copy = RubricVersion.objects.get(year=2021)
        self.assertEqual(RubricIndicator.objects.filter(condition__rubric=copy).count(), 21)
        self.assertEqual(RubricVersion.for_year(2024), copy)
        self.assertEqual(RubricVersion.for_year(2020).year, 2020)
        # The old version is untouched, and an assessment scored with it keeps it.
        self.assertEqual(RubricIndicator.objects.filter(condition__rubric__year=2020).count(), 21)

    def test_assessment_keeps_its_rubric_version(self):
        old = assessment_for(make_cooperative(), year=YEAR)
        copy = rubric_copy(rubric=RubricVersion.objects.get(year=2020), year=YEAR)
        k1 = RubricIndicator.objects.get(condition__rubric=copy, code="K1")
        RubricIndicator.objects.filter(pk=k1.pk).update(weight=10, text="Badan hukum (bobot baru)")
        new = assessment_for(make_cooperative(), year=YEAR)
        self.assertEqual((old.rubric.year, new.rubric.year), (2020, YEAR))
        self.client.force_login(make_user("Pimpinan"))
        page = self.client.get(f"/koperasi/{old.cooperative_id}/penilaian/{YEAR}/")
        self.assertNotContains(page, "Badan hukum (bobot baru)")
        page = self.client.get(f"/koperasi/{new.cooperative_id}/penilaian/{YEAR}/")
        self.assertContains(page, "Badan hukum (bobot baru)")
        # K1 scored 4 with weight 10 instead of 2: kelembagaan stays 100 with all fours; overall too.
        self.assertEqual(new.scores.get(indicator__code="K1").indicator.weight, 10)

    def test_admin_pages_open(self):
        self.client.force_login(make_user("Admin Dinas", is_staff=True))
        cooperative = make_cooperative()
        objects = {
            "rubricversion": RubricVersion.objects.get(year=2020),
            "rubricindicator": RubricIndicator.objects.first(),
            "assessment": assessment_for(cooperative),
        }
        for name, obj in objects.items():
            for url in [reverse(f"admin:registry_{name}_changelist"), reverse(f"admin:registry_{name}_add"),
                        reverse(f"admin:registry_{name}_change", args=[obj.pk]),
                        reverse(f"admin:registry_{name}_history", args=[obj.pk])]:
                with self.subTest(url=url):
                    # Assessments are written on the registry's pages only: the admin has no add page.
                    expected = 403 if url.endswith("/add/") and name == "assessment" else 200
                    self.assertEqual(self.client.get(url).status_code, expected)


class DemoAssessmentTests(TestCase):
    """registry/demo/assessments.py on a small demo district."""

    def test_three_years_with_every_predicate_and_idempotent(self):
        from registry.demo.assessments import seed_assessments
        from registry.demo.district import seed_district

        today = datetime.date(2026, 11, 26)
        seed_district(cooperatives=300, until_year=2025, today=today)
        result = seed_assessments(today=today)
        self.assertEqual(seed_assessments(today=today).created, 0)
        # Each year's cooperatives that were founded by then (none before its founding).
        alive = Cooperative.objects.exclude(status="dibubarkan")
        expected = sum(alive.filter(founded_on__year__lte=year).count() for year in (2023, 2024, 2025))
        self.assertEqual(result.created, expected)
        self.assertLess(expected, 3 * alive.count())  # some were founded within these years
        for year in (2023, 2024, 2025):
            predicates = set(Assessment.objects.filter(year=year).values_list("predicate", flat=True))
            self.assertEqual(predicates, {"sehat", "cukup_sehat", "dalam_pengawasan", "dalam_pengawasan_khusus"})
        active = Assessment.objects.filter(year=2025, cooperative__status="aktif")
        healthy = active.filter(predicate__in=["sehat", "cukup_sehat"]).count()
        self.assertGreater(healthy / active.count(), 0.6)
        # Computed indicators come from the records, with their explanation.
        k2 = IndicatorScore.objects.filter(indicator__code="K2", computed_level__isnull=False).first()
        self.assertEqual(k2.level, k2.computed_level)
        self.assertIn("RAT", k2.computed_explanation)
        self.assertFalse(Assessment.objects.filter(status="diverifikasi", verified_at__isnull=True).exists())

    def test_seed_demo_district_has_three_years_of_assessments(self):
        import io

        from django.core.management import call_command

        from registry.models import last_full_year

        out = io.StringIO()
        call_command("seed_demo", yes=True, stdout=out, stderr=io.StringIO())
        self.assertIn("Assessments of the last three book years:", out.getvalue())
        last = last_full_year()
        self.assertEqual(sorted(set(Assessment.objects.values_list("year", flat=True))), [last - 2, last - 1, last])
        for year in (last - 2, last - 1, last):
            predicates = set(Assessment.objects.filter(year=year).values_list("predicate", flat=True))
            self.assertEqual(predicates, {"sehat", "cukup_sehat", "dalam_pengawasan", "dalam_pengawasan_khusus"})


class ProfileAssessmentSectionTests(TestCase):
    """The cooperative profile lists its assessments."""

    @classmethod
    def setUpTestData(cls):
        from registry.models import Assessment, RubricVersion
        from registry.models.assessments import Predicate

        cls.cooperative = make_cooperative()
        Assessment.objects.create(
            cooperative=cls.cooperative, year=2024, rubric=RubricVersion.objects.order_by("year").first(),
            overall_score="71.25", predicate=Predicate.CUKUP_SEHAT,
        )

    def test_profile_shows_assessments_to_readers(self):
        self.client.force_login(make_user("Pimpinan"))
        response = self.client.get(f"/koperasi/{self.cooperative.pk}/")
        self.assertContains(response, 'id="penilaian"')
        self.assertContains(response, "71,25")
        self.assertContains(response, f"/koperasi/{self.cooperative.pk}/penilaian/2024/")
        # Pimpinan cannot add assessments: no "assess the last book year" button.
        self.assertNotContains(response, "Nilai tahun buku")

    def test_petugas_is_offered_the_last_book_year(self):
        from registry.models import last_full_year

        self.client.force_login(make_user("Petugas"))
        response = self.client.get(f"/koperasi/{self.cooperative.pk}/")
        self.assertContains(response, f"/koperasi/{self.cooperative.pk}/penilaian/{last_full_year()}/")
