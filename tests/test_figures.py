"""One definition per figure: the same number for the same thing on every page that shows it.

The trained-board share (dashboard, /pelatihan/cakupan/, the cooperative list behind both, a
profile), active cooperatives and RAT held (dashboard, ministry recap) are each defined once in
registry/figures.py; these tests put the pages side by side over one small district.
"""

import datetime

from django.test import TestCase
from django.utils import timezone

from registry import figures
from registry.services.summary import summary_refresh
from tests.access import make_limited_petugas
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_SELATAN,
    SANGATTA_UTARA,
    make_board_member,
    make_cooperative,
    make_participant,
    make_report,
    make_training,
    make_user,
)

YEAR = 2025


class TrainedBoardTests(TestCase):
    """Who counts as a cooperative with a trained board, and its share, on each page."""

    @classmethod
    def setUpTestData(cls):
        today = timezone.localdate()
        cls.today = today
        two_years = figures.two_years_before(today)
        day = datetime.timedelta(days=1)
        # Ended exactly two years ago: still counts (both ends included). One day earlier: no longer.
        edge = make_training(start_date=two_years - day, end_date=two_years)
        too_old = make_training(start_date=two_years - 2 * day, end_date=two_years - day)
        recent = make_training(start_date=today - 10 * day, end_date=today - 9 * day)
        cls.edge = make_cooperative(name="Tepat Dua Tahun", kecamatan=SANGATTA_UTARA)
        make_participant(edge, make_board_member(cls.edge, "ketua"))
        cls.old = make_cooperative(name="Lewat Dua Tahun", kecamatan=SANGATTA_UTARA)
        make_participant(too_old, make_board_member(cls.old, "ketua"))
        cls.staff = make_cooperative(name="Hanya Staf", kecamatan=SANGATTA_SELATAN)
        make_participant(recent, cooperative=cls.staff)
        # Trained but not active: in neither the numerator nor the denominator.
        cls.inactive = make_cooperative(name="Tidak Aktif Terlatih", kecamatan=MUARA_WAHAU, status="tidak_aktif")
        make_participant(recent, make_board_member(cls.inactive, "ketua"))
        cls.wahau = make_cooperative(name="Wahau Terlatih", kecamatan=MUARA_WAHAU)
        make_participant(recent, make_board_member(cls.wahau, "sekretaris"))
        make_cooperative(name="Wahau Belum", kecamatan=MUARA_WAHAU)
        summary_refresh(today=today)
        cls.pimpinan = make_user("Pimpinan")
        cls.limited = make_limited_petugas()

    def dashboard_figure(self, user):
        self.client.force_login(user)
        response = self.client.get(f"/dasbor/?tahun={YEAR}")
        return next(f for f in response.context["sections"]["headline"] if f.key == "pengurus_dilatih")

    def coverage(self, user):
        self.client.force_login(user)
        return self.client.get("/pelatihan/cakupan/").context

    def test_the_edges_of_two_years(self):
        rows = {r["code"]: (r["active"], r["trained"]) for r in self.coverage(self.pimpinan)["rows"]}
        # Sangatta Utara: edge counts, old does not; Muara Wahau: the inactive one is left out.
        self.assertEqual(rows, {SANGATTA_UTARA: (2, 1), SANGATTA_SELATAN: (1, 0), MUARA_WAHAU: (2, 1)})

    def test_dashboard_and_coverage_page_agree(self):
        for user, active, trained in [(self.pimpinan, 5, 2), (self.limited, 3, 1)]:
            with self.subTest(user=user.username):
                shown = self.dashboard_figure(user)
                context = self.coverage(user)
                self.assertEqual((context["total_active"], context["total_trained"]), (active, trained))
                self.assertEqual(shown.value, trained)
                self.assertEqual(shown.value, context["total_trained"])
                self.assertEqual(figures.trained_board_share(shown.value, active), context["total_share"])
                # The dashboard says the same share as the coverage page's total line.
                share_text = f"{trained / active * 100:.1f}".replace(".", ",") + "%"
                self.assertIn(share_text, shown.detail)
                self.assertContains(self.client.get("/pelatihan/cakupan/"), share_text)

    def test_the_list_behind_both_counts_the_same(self):
        self.client.force_login(self.pimpinan)
        figure = self.dashboard_figure(self.pimpinan)
        listed = self.client.get(figure.href)
        self.assertEqual(listed.context["paginator"].count, 2)
        names = {c.name for c in listed.context["object_list"]}
        self.assertEqual(names, {"Tepat Dua Tahun", "Wahau Terlatih"})
        page = self.client.get("/pelatihan/cakupan/").content.decode()
        self.assertIn(f'?status=aktif&amp;pengurus_dilatih=true&amp;kecamatan={SANGATTA_UTARA}"', page)
        sangatta = self.client.get(f"/koperasi/?status=aktif&pengurus_dilatih=true&kecamatan={SANGATTA_UTARA}")
        self.assertEqual(sangatta.context["paginator"].count, 1)

    def test_profile_uses_the_same_rule(self):
        from registry.selectors.partnerships import profile_sections

        for cooperative, trained in [(self.edge, True), (self.old, False), (self.staff, False), (self.wahau, True)]:
            with self.subTest(cooperative=cooperative.name):
                sections = profile_sections(cooperative=cooperative, user=self.pimpinan, today=self.today)
                self.assertEqual(sections["board_trained_recently"], trained)


class ActiveAndRatTests(TestCase):
    """Active cooperatives and RAT held: the dashboard and the ministry recap count the same."""

    @classmethod
    def setUpTestData(cls):
        day = datetime.date
        a = make_cooperative(kecamatan=SANGATTA_UTARA)
        b = make_cooperative(kecamatan=SANGATTA_UTARA, status="dalam_pembinaan")
        c = make_cooperative(kecamatan=MUARA_WAHAU)
        make_report(a, YEAR, members_male=3, rat_date=day(YEAR + 1, 3, 1))
        make_report(b, YEAR, members_male=4)
        make_report(c, YEAR, members_female=5, rat_date=day(YEAR + 1, 2, 1))
        summary_refresh()
        cls.pimpinan = make_user("Pimpinan")

    def test_recap_and_dashboard(self):
        self.client.force_login(self.pimpinan)
        dashboard = self.client.get(f"/dasbor/?tahun={YEAR}").context
        headline = {f.key: f.value for f in dashboard["sections"]["headline"]}
        recap = self.client.get(f"/ekspor/rekap-kementerian/?tahun={YEAR}").context["total"]
        self.assertEqual(headline["aktif"], recap.active)
        self.assertEqual(headline["rat"], recap.rat_held)
        self.assertEqual(headline["anggota"], recap.members_total)
        self.assertEqual((headline["aktif"], headline["rat"], headline["anggota"]), (2, 2, 12))


def _levels(**changes):
    """Every indicator of the default rubric at 4, with `changes` (None: not scored)."""
    from tests.builders import rubric_indicators

    return {code: changes.get(code, 4) for code in rubric_indicators()}


def _record(cooperative, levels, *, year=2024):
    from registry.services import assessments as services
    from tests.builders import rubric_indicators

    return services.assessment_record(
        cooperative=cooperative, year=year, expected_version=None, today=datetime.date(2025, 11, 1),
        entries={i.pk: services.Entry(level=levels.get(code), checklist_met=i.checklist_items,
                                      override_reason="Dinilai di lapangan.")
                 for code, i in rubric_indicators().items()},
    )


class RecommendationsFromDataTests(TestCase):
    """Recommendations come only from indicators scored with data, and district ones only from
    submitted and verified assessments."""

    @classmethod
    def setUpTestData(cls):
        from registry.services import assessments as services

        cls.pimpinan = make_user("Pimpinan")
        # No yearly report at all: K6 (membership growth) has no data, whatever level is typed.
        cls.cooperative = make_cooperative(name="Koperasi Tanpa Laporan")
        cls.assessment = services.assessment_submit(assessment=_record(cls.cooperative, _levels(K1=1, K6=1)))
        cls.draft = _record(make_cooperative(name="Koperasi Masih Draf"), _levels(K1=1))

    def test_cooperative_page(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get(f"/koperasi/{self.cooperative.pk}/penilaian/2024/rekomendasi/")
        self.assertEqual([s.indicator.code for s in response.context["weak"]], ["K1"])
        self.assertEqual([s.indicator.code for s in response.context["without_data"]], ["K6"])
        self.assertContains(response, "tanpa data di registri")

    def test_district_page(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get("/rekomendasi/?tahun=2024")
        by_action = {a.code: [name for _, name, _ in a.cooperatives] for a in response.context["by_action"]}
        self.assertEqual(by_action, {"K1": ["Koperasi Tanpa Laporan"]})
        self.assertContains(response, "Hanya dari penilaian yang sudah diajukan atau diverifikasi")
        # The count links to a list that counts the same.
        listed = self.client.get("/penilaian/?tahun=2024&lemah=K1&status=diajukan_diverifikasi")
        self.assertEqual(listed.context["paginator"].count, 1)
        self.assertEqual(self.client.get("/penilaian/?tahun=2024&lemah=K6").context["paginator"].count, 0)


class IncompleteAssessmentTests(TestCase):
    """An incomplete assessment says how many indicators are missing and shows no final score or predicate."""

    @classmethod
    def setUpTestData(cls):
        cls.pimpinan = make_user("Pimpinan")
        cls.cooperative = make_cooperative(name="Koperasi Belum Lengkap")
        cls.assessment = _record(cls.cooperative, _levels(K1=None, R4=None))

    def test_stored_without_final_score(self):
        a = self.assessment
        self.assertEqual((a.unscored, a.overall_score, a.predicate), (2, None, ""))
        self.assertIsNone(a.score_kelembagaan)  # K1 missing
        self.assertIsNone(a.score_reputasi)  # R4 missing
        self.assertIsNotNone(a.score_keuangan)
        self.assertFalse(a.is_complete)

    def test_pages_say_what_is_missing(self):
        self.client.force_login(self.pimpinan)
        pk = self.cooperative.pk
        for url in [f"/koperasi/{pk}/penilaian/2024/", "/penilaian/?tahun=2024", f"/koperasi/{pk}/",
                    f"/koperasi/{pk}/penilaian/2024/rekomendasi/"]:
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), "belum lengkap: 2 indikator belum dinilai")

    def test_complete_once_every_indicator_is_scored(self):
        from registry.services import assessments as services
        from tests.builders import rubric_indicators

        completed = services.assessment_record(
            cooperative=self.cooperative, year=2024, expected_version=self.assessment.version,
            today=datetime.date(2025, 11, 1),
            entries={i.pk: services.Entry(level=4, checklist_met=i.checklist_items, override_reason="Lapangan.")
                     for i in rubric_indicators().values()},
        )
        self.assertEqual((completed.unscored, completed.predicate), (0, "sehat"))
        self.assertIsNotNone(completed.overall_score)
        self.client.force_login(self.pimpinan)
        self.assertNotContains(self.client.get("/penilaian/?tahun=2024"), "belum lengkap")

    def test_migration_clears_scores_stored_over_part_of_the_indicators(self):
        """Migration 0017: an assessment stored before, with a final score over the scored indicators only."""
        import importlib

        from django.apps import apps

        from registry.models import Assessment

        Assessment.objects.filter(pk=self.assessment.pk).update(
            unscored=0, overall_score="95.00", score_kelembagaan="90.00", score_reputasi="99.00",
            weakest_condition="kelembagaan",
        )
        migration = importlib.import_module("registry.migrations.0017_assessment_unscored")
        migration.incomplete_without_scores(apps, None)
        a = Assessment.objects.get(pk=self.assessment.pk)
        self.assertEqual((a.unscored, a.overall_score, a.score_kelembagaan, a.score_reputasi), (2, None, None, None))
        self.assertEqual(a.weakest_condition, "keuangan")  # the lowest of the complete ones (all 100: the first)
        self.assertIsNotNone(a.score_keuangan)
