"""Indicators computed from a cooperative's records, each with where its number came from.

From the yearly reports and the board (RAT on time, ratios, board complete, certificate), and from
partnerships, trainings and supervisory findings (board trained, partnerships, findings followed up).
"""

import datetime

from django.test import TestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from registry import assessment_inputs
from registry.models import Cooperative, RubricIndicator, YearlyReport
from tests.builders import (
    make_board_member,
    make_cooperative,
    make_finding,
    make_participant,
    make_partnership,
    make_report,
    make_training,
    rubric_indicators,
)

YEAR = 2024
TODAY = datetime.date(2025, 11, 1)


class ComputedIndicatorTests(TestCase):
    """Ratio and derived indicators from the records, with where the number came from."""

    @classmethod
    def setUpTestData(cls):
        cls.cooperative = make_cooperative()
        cls.indicators = rubric_indicators()

    def records(self, year=YEAR, today=TODAY):
        self.cooperative.refresh_from_db()
        return assessment_inputs.records_for([self.cooperative], year=year, today=today)[self.cooperative.pk]

    def suggest(self, code, **kwargs):
        return assessment_inputs.suggest(self.indicators[code], self.records(**kwargs))

    def test_kutim_label_counts_a_year_without_report_as_no_rat(self):
        # No report and no board in the last three years: the office's tool says Tidak Sehat.
        self.assertEqual(assessment_inputs.kutim_label(self.records(year=2023)), "tidak_sehat")
        # One report with a reported RAT lifts it to Setengah Sehat, never to Sehat.
        make_report(self.cooperative, 2022, business_volume=5_000_000, rat_date=datetime.date(2023, 3, 1),
                    rat_reported_on=datetime.date(2023, 3, 20))
        self.assertEqual(assessment_inputs.kutim_label(self.records(year=2023)), "setengah_sehat")

    def test_rat_on_time_explained(self):
        make_report(self.cooperative, 2023, rat_date=datetime.date(2024, 3, 12))
        suggestion = self.suggest("K2", year=2023)
        self.assertEqual(suggestion.level, 4)
        self.assertEqual(suggestion.explanation, "RAT 12/03/2024, 72 hari setelah tahun buku 2023: tepat waktu -> 4")

    def test_rat_late_earlier_none_and_missing(self):
        self.assertTrue(self.suggest("K2").missing)
        self.assertIn("laporan tahunan 2024", self.suggest("K2").explanation)
        make_report(self.cooperative, 2024)
        self.assertTrue(self.suggest("K2").missing)  # 2023 and 2022 unknown: not guessed as "none"
        make_report(self.cooperative, 2023)
        make_report(self.cooperative, 2022, rat_date=datetime.date(2023, 5, 2))
        self.assertEqual(self.suggest("K2").level, 2)
        YearlyReport.objects.filter(year=2022).update(rat_date=None)
        self.assertEqual(self.suggest("K2").level, 1)
        YearlyReport.objects.filter(year=2024).update(rat_date=datetime.date(2025, 7, 1))
        self.assertEqual(self.suggest("K2").level, 3)
        YearlyReport.objects.filter(year=2024).update(rat_date=datetime.date(2025, 6, 30))
        self.assertEqual(self.suggest("K2").level, 4)  # the deadline day itself is on time

    def test_rat_reported(self):
        report = make_report(self.cooperative, YEAR, rat_date=datetime.date(2025, 3, 1))
        self.assertEqual(self.suggest("K3").level, 1)
        for reported, level in [(datetime.date(2025, 4, 1), 4), (datetime.date(2025, 4, 2), 3),
                                (datetime.date(2025, 5, 30), 3), (datetime.date(2025, 5, 31), 2)]:
            YearlyReport.objects.filter(pk=report.pk).update(rat_reported_on=reported)
            self.assertEqual(self.suggest("K3").level, level, reported)

    def test_board_complete(self):
        self.assertTrue(self.suggest("K4").missing)
        start = datetime.date(2022, 1, 1)
        make_board_member(self.cooperative, "ketua", term_start=start)
        make_board_member(self.cooperative, "sekretaris", term_start=start)
        suggestion = self.suggest("K4")
        self.assertEqual(suggestion.level, 2)
        self.assertIn("Bendahara, Pengawas", suggestion.explanation)
        make_board_member(self.cooperative, "bendahara", term_start=start)
        make_board_member(self.cooperative, "pengawas", term_start=start, term_end=datetime.date(2025, 10, 31))
        self.assertEqual(self.suggest("K4").level, 3)  # the pengawas' term ended before the day judged
        self.assertEqual(self.suggest("K4", today=datetime.date(2025, 10, 1)).level, 4)

    def test_certificate(self):
        Cooperative.objects.filter(pk=self.cooperative.pk).update(
            certificate_status="sudah", certificate_expiry=datetime.date(2026, 1, 1))
        self.assertEqual(self.suggest("K5").level, 4)
        Cooperative.objects.filter(pk=self.cooperative.pk).update(certificate_expiry=datetime.date(2025, 1, 1))
        self.assertEqual(self.suggest("K5").level, 2)
        Cooperative.objects.filter(pk=self.cooperative.pk).update(certificate_status="belum", certificate_expiry=None)
        self.assertEqual(self.suggest("K5").level, 1)

    def test_ratios_explained(self):
        make_report(self.cooperative, 2023, business_volume=1_000_000_000, members_male=100)
        make_report(self.cooperative, YEAR, modal_sendiri=450_000_000, total_assets=1_000_000_000,
                    shu=50_000_000, revenue=1_000_000_000, expenses=850_000_000,
                    business_volume=900_000_000, members_male=105)
        equity = self.suggest("F1")
        self.assertEqual(equity.level, 4)
        self.assertEqual(equity.explanation,
                         "Modal sendiri Rp 450.000.000 / total aset Rp 1.000.000.000 = 45,0% (laporan 2024) -> 4")
        self.assertEqual(self.suggest("F2").level, 3)  # 5% exactly
        self.assertEqual(self.suggest("F3").level, 3)  # 85% exactly
        self.assertEqual(self.suggest("F4").level, 2)  # -10% exactly
        self.assertEqual(self.suggest("K6").level, 4)  # +5% exactly

    def test_zero_assets_are_missing_not_guessed(self):
        make_report(self.cooperative, YEAR)
        self.assertTrue(self.suggest("F1").missing)
        self.assertTrue(self.suggest("F3").missing)
        self.assertTrue(self.suggest("F4").missing)  # no 2023 report

    def test_manual_indicators_have_no_suggestion(self):
        self.assertIsNone(self.suggest("K1"))
        self.assertIsNone(self.suggest("O5"))  # checklist: scored from the ticked items

    def test_financial_report_and_management(self):
        make_report(self.cooperative, YEAR, financial_report="terlambat", managers=1, employees=0)
        self.assertEqual(self.suggest("F5").level, 2)
        self.assertEqual(self.suggest("O3").level, 3)

    def test_every_rubric_source_is_known(self):
        for indicator in RubricIndicator.objects.all():
            indicator.full_clean()


class ComputedIndicatorPropertyTests(HypothesisTestCase):
    """Whatever a yearly report holds, a computed indicator is a level 1-4 with an explanation, or missing."""

    @classmethod
    def setUpTestData(cls):
        cls.cooperative = make_cooperative()
        cls.computed = [i for i in rubric_indicators().values() if i.is_computed]

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        figures=st.fixed_dictionaries({
            name: st.integers(min_value=0, max_value=10**13)
            for name in ["modal_sendiri", "total_assets", "revenue", "expenses", "business_volume",
                         "members_male", "employees", "managers"]
        }),
        previous=st.one_of(st.none(), st.integers(min_value=0, max_value=10**13)),
        shu=st.integers(min_value=-(10**12), max_value=10**12),
        rat_days=st.one_of(st.none(), st.integers(min_value=0, max_value=700)),
    )
    def test_levels_stay_in_range(self, figures, previous, shu, rat_days):
        reports = {YEAR: YearlyReport(cooperative=self.cooperative, year=YEAR, shu=shu, **figures)}
        if rat_days is not None:
            reports[YEAR].rat_date = datetime.date(YEAR + 1, 1, 1) + datetime.timedelta(days=rat_days)
        if previous is not None:
            reports[YEAR - 1] = YearlyReport(cooperative=self.cooperative, year=YEAR - 1, business_volume=previous,
                                             members_male=previous % 1000)
        records = assessment_inputs.CooperativeRecords(cooperative=self.cooperative, year=YEAR, on=TODAY,
                                                       reports=reports)
        for indicator in self.computed:
            suggestion = assessment_inputs.suggest(indicator, records)
            self.assertTrue(suggestion.explanation)
            self.assertIn(suggestion.level, {None, 1, 2, 3, 4})


class PartnershipTrainingFindingIndicatorTests(TestCase):
    """Board trained (K7), partnerships (O4), findings followed up (R2), and the violations source."""

    TODAY = datetime.date(2026, 3, 1)

    def records(self, cooperative, year=2025):
        return assessment_inputs.records_for([cooperative], year=year, today=self.TODAY)[cooperative.pk]

    def test_board_training(self):
        from registry.assessment_inputs import board_training

        cooperative = make_cooperative()
        self.assertIsNone(board_training(self.records(cooperative)).level)  # no board: not computable
        members = [make_board_member(cooperative, role) for role in ("ketua", "sekretaris", "bendahara", "pengawas")]
        self.assertTrue(board_training(self.records(cooperative)).missing)  # nothing recorded: the assessor picks
        make_participant(make_training(start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2020, 1, 1)),
                         cooperative=cooperative)  # staff only, long ago
        self.assertEqual(board_training(self.records(cooperative)).level, 1)
        recent = make_training(start_date=datetime.date(2025, 6, 1), end_date=datetime.date(2025, 6, 2))
        make_participant(recent, members[0])
        make_participant(recent, members[1], attended=False)  # absent: does not count
        self.assertEqual(board_training(self.records(cooperative)).level, 2)
        make_participant(recent, members[2])
        make_participant(make_training(start_date=datetime.date(2023, 1, 1), end_date=datetime.date(2023, 1, 2)),
                         members[3])  # more than two years before the reference day (31/12/2025)
        self.assertEqual(board_training(self.records(cooperative)).level, 2)
        make_participant(make_training(), members[3])
        self.assertEqual(board_training(self.records(cooperative)).level, 3)
        make_participant(make_training(), members[1])
        suggestion = board_training(self.records(cooperative))
        self.assertEqual(suggestion.level, 4)
        self.assertIn("4 dari 4 pengurus", suggestion.explanation)

    def test_partnerships(self):
        from registry.assessment_inputs import partnerships

        cooperative = make_cooperative()
        self.assertTrue(partnerships(self.records(cooperative)).missing)
        make_partnership(cooperative, status="dihentikan", start_date=datetime.date(2020, 1, 1),
                         end_date=datetime.date(2021, 1, 1))
        self.assertEqual(partnerships(self.records(cooperative)).level, 1)
        make_partnership(make_cooperative(), partner=cooperative, status="diusulkan", start_date=None)
        self.assertEqual(partnerships(self.records(cooperative)).level, 2)
        make_partnership(cooperative, start_date=datetime.date(2023, 1, 1))
        self.assertEqual(partnerships(self.records(cooperative)).level, 3)
        make_partnership(cooperative, status="selesai", start_date=datetime.date(2022, 1, 1),
                         end_date=datetime.date(2024, 12, 31))  # ended before the book year
        self.assertEqual(partnerships(self.records(cooperative)).level, 3)
        make_partnership(make_cooperative(), partner=cooperative, start_date=datetime.date(2025, 7, 1))
        self.assertEqual(partnerships(self.records(cooperative)).level, 4)

    def test_findings_followed_up_on_time(self):
        from registry.assessment_inputs import findings

        cooperative = make_cooperative()
        self.assertTrue(findings(self.records(cooperative)).missing)
        make_finding(cooperative, found_on=datetime.date(2025, 12, 1), due_date=datetime.date(2026, 6, 1))
        self.assertEqual(findings(self.records(cooperative)).level, 4)  # not yet due on the reference day
        make_finding(cooperative, due_date=datetime.date(2025, 3, 1), follow_up_status="selesai",
                     followed_up_on=datetime.date(2025, 2, 20))
        self.assertEqual(findings(self.records(cooperative)).level, 4)
        make_finding(cooperative, due_date=datetime.date(2025, 3, 1), follow_up_status="selesai",
                     followed_up_on=datetime.date(2025, 5, 1))  # late
        self.assertEqual(findings(self.records(cooperative)).level, 3)
        make_finding(cooperative, due_date=datetime.date(2025, 4, 1))
        make_finding(cooperative, due_date=datetime.date(2025, 4, 1))
        self.assertEqual(findings(self.records(cooperative)).level, 2)
        other = make_cooperative()
        make_finding(other, due_date=datetime.date(2025, 4, 1))
        self.assertEqual(findings(self.records(other)).level, 1)

    def test_violations(self):
        from registry.assessment_inputs import DERIVED_SOURCES

        violations = DERIVED_SOURCES["violations"]
        cooperative = make_cooperative()
        make_finding(cooperative)  # administrative: not a violation
        self.assertEqual(violations(self.records(cooperative)).level, 4)
        make_finding(cooperative, kind="pelanggaran", follow_up_status="selesai",
                     followed_up_on=datetime.date(2025, 2, 1))
        self.assertEqual(violations(self.records(cooperative)).level, 3)
        make_finding(cooperative, kind="sanksi")
        self.assertEqual(violations(self.records(cooperative)).level, 2)
        make_finding(cooperative, kind="kasus_hukum")
        self.assertEqual(violations(self.records(cooperative)).level, 1)
        self.assertEqual(violations(self.records(cooperative, year=2024)).level, 4)

    def test_records_for_many_in_constant_queries(self):
        cooperatives = [make_cooperative() for _ in range(5)]
        for cooperative in cooperatives:
            make_partnership(cooperative)
            make_finding(cooperative)
            make_participant(make_training(), make_board_member(cooperative, "ketua"))
        # reports, board, partnerships, participations with their training, findings
        with self.assertNumQueries(5):
            records = assessment_inputs.records_for(cooperatives, year=2025, today=self.TODAY)
            for r in records.values():
                assessment_inputs.board_training(r)
