"""The entry form as one works: the error summary at the top, the unscored indicators named, the
totals computed by the server as levels are chosen (JSON) or with "Hitung", equal to what a save stores.

Who may post to the totals: tests/access.py (anonymous, each role, outside the area). The browser
refresh: tests/browser/test_assessments.py.
"""


from django.test import TestCase
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from registry.models import Assessment, RubricIndicator
from registry.selectors import assessments as selectors
from registry.services import assessments as services
from registry.views.assessments import stored_totals
from tests.builders import make_cooperative, make_user, rubric_indicators
from tests.test_assessments import ALL_FOURS, FIELD_REASON, TODAY, YEAR, entry_data, healthy_records

CODES = sorted(ALL_FOURS)
# Every level the same, and a few mixes: the predicate's bands and their edges (all 2 = 50 is just under
# Dalam Pengawasan's 51, all 3 = 75 is Cukup Sehat, all 4 = 100), one left unscored (no total at all).
CASES = {
    "all 4": ALL_FOURS,
    "all 3": dict.fromkeys(CODES, 3),
    "all 2": dict.fromkeys(CODES, 2),
    "all 1": dict.fromkeys(CODES, 1),
    "mixed": dict(ALL_FOURS, K1=3, O1=2, O2=2, R3=3, R4=1, K7=2, O4=1, R2=3),
    "one unscored": dict(ALL_FOURS, R4=None),
}
CHECKLIST_ITEMS = {"all 1": [], "all 2": 3, "all 3": 5}  # of 8 items: 0% -> 1, 37% -> 2, 62% -> 3


class EntryTotalsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.cooperative = make_cooperative()
        healthy_records(cls.cooperative)
        cls.url = reverse("registry:assessment_entry", args=[cls.cooperative.pk, YEAR])
        cls.totals_url = reverse("registry:assessment_totals", args=[cls.cooperative.pk, YEAR])

    def setUp(self):
        self.client.force_login(self.petugas)

    def data(self, case, **extra):
        items = CHECKLIST_ITEMS.get(case)
        checklist = None
        if items is not None:
            indicator = next(i for i in rubric_indicators().values() if i.method == RubricIndicator.Method.CHECKLIST)
            checklist = {indicator.code: indicator.checklist_items[:items] if isinstance(items, int) else items}
        return entry_data(CASES[case], checklist=checklist, **extra)

    def test_live_totals_equal_what_a_save_stores(self):
        for case in CASES:
            with self.subTest(case=case):
                Assessment.objects.all().delete()
                live = self.client.post(self.totals_url, self.data(case))
                self.assertEqual(live.status_code, 200)
                self.assertEqual(live["Content-Type"], "application/json")
                self.assertFalse(Assessment.objects.exists())  # saves nothing
                shown = live.json()
                self.client.post(self.url, self.data(case))
                saved = stored_totals(selectors.assessment_entry(cooperative=self.cooperative, year=YEAR))
                for key in ("conditions", "overall", "predicate", "predicate_note", "unscored"):
                    self.assertEqual(shown[key], saved[key], key)

    def test_the_bands_edges_as_shown(self):
        expected = {"all 4": ("100,00", "Sehat"), "all 3": ("75,00", "Cukup Sehat"),
                    "all 2": ("50,00", "Dalam Pengawasan Khusus"), "all 1": ("25,00", "Dalam Pengawasan Khusus"),
                    "one unscored": ("belum lengkap: 1 indikator belum dinilai", "–")}
        for case, (overall, predicate) in expected.items():
            with self.subTest(case=case):
                shown = self.client.post(self.totals_url, self.data(case)).json()
                self.assertEqual((shown["overall"], shown["predicate"]), (overall, predicate))

    def test_unscored_named_and_linked(self):
        shown = self.client.post(self.totals_url, self.data("one unscored")).json()
        r4 = rubric_indicators()["R4"]
        self.assertEqual(shown["unscored_rows"], [{"anchor": f"id_i{r4.pk}_level", "text": f"R4 {r4.text}"}])
        self.assertEqual(shown["unscored_heading"], "1 indikator belum dinilai")
        self.assertEqual(shown["predicate_note"], "(lengkapi semua indikator)")

    def test_an_override_without_its_reason_still_scores_live(self):
        shown = self.client.post(self.totals_url, self.data("all 4", reasons={"F1": ""}, **{
            f"i{rubric_indicators()['F1'].pk}_level": "1"})).json()
        self.assertNotEqual(shown["conditions"]["keuangan"], "100,00")

    def test_garbage_is_no_500(self):
        data = self.data("all 4", version="x", notes="n" * 5000)
        data[f"i{rubric_indicators()['K1'].pk}_level"] = "9"
        shown = self.client.post(self.totals_url, data).json()
        self.assertEqual(shown["unscored"], 1)

    def test_the_hitung_button_shows_the_totals_and_saves_nothing(self):
        response = self.client.post(self.url, self.data("all 3", hitung="1"))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Assessment.objects.exists())
        self.assertContains(response, '<span class="figure-value" id="overall-score">75,00</span>', html=True)
        self.assertContains(response, '<span class="figure-value" id="predicate">Cukup Sehat</span>', html=True)
        self.assertContains(response, "belum disimpan")
        # The levels chosen stay in the form.
        k1 = rubric_indicators()["K1"]
        self.assertEqual(response.context["form"][f"i{k1.pk}_level"].value(), "3")

    def test_hitung_on_a_saved_assessment_keeps_it(self):
        self.client.post(self.url, self.data("all 4"))
        assessment = Assessment.objects.get()
        self.client.post(self.url, self.data("all 1", version=assessment.version, hitung="1"))
        assessment.refresh_from_db()
        self.assertEqual((assessment.version, str(assessment.overall_score)), (1, "100.00"))

    def test_the_page_loads_the_script_from_static_only(self):
        page = self.client.get(self.url)
        self.assertContains(page, f'data-totals-url="{self.totals_url}"')
        self.assertContains(page, "/static/js/assessment_totals.js")
        self.assertNotContains(page, "<script>")  # no inline script: the CSP allows 'self' only
        self.client.force_login(make_user("Pimpinan"))
        self.assertNotContains(self.client.get(self.url), "assessment_totals.js")


class ErrorSummaryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.cooperative = make_cooperative()
        healthy_records(cls.cooperative)
        cls.url = reverse("registry:assessment_entry", args=[cls.cooperative.pk, YEAR])

    def setUp(self):
        self.client.force_login(self.petugas)

    def test_each_error_is_listed_at_the_top_linking_to_its_field(self):
        f1 = rubric_indicators()["F1"]
        response = self.client.post(self.url, entry_data(dict(ALL_FOURS, F1=1), reasons={"F1": ""}))
        content = response.content.decode()
        summary = content.index('id="error-summary"')
        self.assertLess(summary, content.index('id="indikator-F1"'))
        self.assertContains(response, f'<a href="#id_i{f1.pk}_reason">F1 {f1.text} – alasan bila berbeda dari nilai '
                                      f'terhitung: Nilai 1 berbeda dari nilai terhitung 4: tulis alasannya.</a>',
                            html=True)
        self.assertContains(response, f'id="id_i{f1.pk}_reason"')
        # The totals of the form as typed, as the live refresh shows them; nothing saved.
        self.assertContains(response, "belum disimpan")
        self.assertNotContains(response, '<span class="figure-value" id="overall-score">–</span>', html=True)
        self.assertFalse(Assessment.objects.exists())

    def test_every_unscored_indicator_is_named_with_a_link(self):
        ind = rubric_indicators()
        response = self.client.post(self.url, entry_data(dict(ALL_FOURS, R4=None, K1=None)), follow=True)
        self.assertContains(response, "2 indikator belum dinilai")
        for code in ("K1", "R4"):
            self.assertContains(response, f'<a href="#id_i{ind[code].pk}_level">{code} {ind[code].text}</a>',
                                html=True)
        self.assertContains(response, f'id="id_i{ind["R4"].pk}_level"')  # the anchor exists

    def test_submitting_incomplete_names_each_unscored_indicator(self):
        ind = rubric_indicators()
        self.client.post(self.url, entry_data(dict(ALL_FOURS, R4=None, K1=None)))
        response = self.client.post(self.url + "ajukan/", {"version": 1}, follow=True)
        self.assertContains(response, "Semua indikator harus dinilai sebelum diajukan. Belum dinilai: "
                                      f"{ind['K1'].code} {ind['K1'].text}; {ind['R4'].code} {ind['R4'].text}.")
        self.assertEqual(Assessment.objects.get().status, "draf")

    def test_no_summary_when_all_is_well(self):
        response = self.client.post(self.url, entry_data(ALL_FOURS), follow=True)
        self.assertNotContains(response, 'id="error-summary"')
        self.assertContains(response, 'id="unscored-summary" hidden')


class PreviewEqualsRecordTests(HypothesisTestCase):
    """For any levels, the service's preview is what assessment_record stores."""

    @classmethod
    def setUpTestData(cls):
        cls.cooperative = make_cooperative()
        healthy_records(cls.cooperative)
        cls.petugas = make_user("Petugas")

    @settings(max_examples=25, deadline=None)
    @given(levels=st.fixed_dictionaries({code: st.one_of(st.none(), st.integers(1, 4)) for code in CODES}),
           ticked=st.integers(0, 8))
    def test_preview_is_what_a_save_stores(self, levels, ticked):
        indicators = rubric_indicators()
        entries = {
            i.pk: services.Entry(level=levels.get(code), override_reason=FIELD_REASON,
                                 checklist_met=i.checklist_items[:ticked])
            for code, i in indicators.items()
        }
        ordered = services.rubric_indicators(services.rubric_for_year(YEAR))
        preview = services.assessment_preview(indicators=ordered, entries=entries)
        Assessment.objects.all().delete()
        saved = services.assessment_record(cooperative=self.cooperative, year=YEAR, entries=entries,
                                           expected_version=None, user=self.petugas, today=TODAY)
        for code, score in saved.condition_scores().items():
            self.assertEqual(preview.conditions.get(code), score, code)
        self.assertEqual((preview.overall, preview.predicate or "", preview.unscored),
                         (saved.overall_score, saved.predicate, saved.unscored))
