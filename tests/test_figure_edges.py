"""Edges of the figures' rules that no other test touched (each found by changing one line and seeing no test fail).

A big drop is a fall of BIG_DROP (10) points or more from last year's score: exactly 10 counts, 9,99 does not,
on the assessment list's flag, its filter ?turun_tajam=true and the dashboard's summary alike.
"""

from decimal import Decimal

from django.test import TestCase

from registry import figures
from registry.models import SummaryCell
from registry.services.summary import summary_refresh
from tests.builders import make_cooperative, make_user
from tests.test_dashboard import make_assessment

YEAR = 2024


class BigDropEdgeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.exactly = make_cooperative(name="Turun Tepat Sepuluh")
        cls.almost = make_cooperative(name="Turun Hampir Sepuluh")
        for cooperative, now in ((cls.exactly, "70.00"), (cls.almost, "70.01")):
            make_assessment(cooperative, YEAR - 1, "80", "sehat", score_kelembagaan=Decimal("80.00"))
            make_assessment(cooperative, YEAR, "75", "cukup_sehat", score_kelembagaan=Decimal(now))
        cls.pimpinan = make_user("Pimpinan")
        summary_refresh()

    def test_the_rule(self):
        self.assertEqual(figures.BIG_DROP, 10)
        self.assertTrue(figures.is_big_drop(Decimal("-10.00")))
        self.assertFalse(figures.is_big_drop(Decimal("-9.99")))

    def test_list_flag_filter_and_dashboard_agree(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get(f"/penilaian/?tahun={YEAR}")
        flagged = {
            assessment.cooperative.name: next(c for c in changes if c["code"] == "kelembagaan")["big_drop"]
            for assessment, changes in response.context["rows"]
        }
        self.assertEqual(flagged, {"Turun Tepat Sepuluh": True, "Turun Hampir Sepuluh": False})
        listed = self.client.get(f"/penilaian/?tahun={YEAR}&turun_tajam=true").context["object_list"]
        self.assertEqual([a.cooperative.name for a in listed], ["Turun Tepat Sepuluh"])
        cells = SummaryCell.objects.filter(year=YEAR, dimension="")
        self.assertEqual(sum(c.big_drop for c in cells), 1)
