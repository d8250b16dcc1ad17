"""The dashboard by year: a year counts only cooperatives alive in it, a past year shows its own 31 December,
every card says the date of its figure, and every list a figure links to shows the same number.

The district (today's state; status steps dated):

| coop     | founded    | status steps                               | reports (RAT)            |
|----------|------------|--------------------------------------------|--------------------------|
| dec31    | 2005       | aktif -> dalam pembinaan on 01/03/2023,     | 2023 without RAT         |
|          |            | -> tidak aktif on 31/12/2023                |                          |
| jan1     | 2005       | aktif -> dalam pembinaan on 01/01/2024      | none                     |
| new2023  | 31/12/2023 | none (aktif)                               | none                     |
| ratprev  | 2005       | none (aktif)                               | 2022 with RAT            |
| late     | the year after the last full year | none (aktif)        | none                     |
"""

import datetime
import re

from django.test import TestCase
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from registry import assessment_inputs, figures, scoring
from registry.models import Cooperative, StatusChange, SummaryCell, last_full_year
from registry.services.summary import summary_refresh
from tests.builders import (
    make_board_member,
    make_cooperative,
    make_participant,
    make_report,
    make_training,
    make_user,
)

DAY = datetime.timedelta(days=1)
PAST = 2023


def step(cooperative, day, from_status, to_status):
    StatusChange.objects.create(cooperative=cooperative, changed_on=day, from_status=from_status, to_status=to_status,
                                reason="Uji")
    Cooperative.objects.filter(pk=cooperative.pk).update(status=to_status, status_since=day)


def year_cell(year):
    """The district's summary row of a year (the whole district, all classifications)."""
    cells = SummaryCell.objects.filter(year=year, dimension="")
    return {name: sum(getattr(c, name) for c in cells)
            for name in ("cooperatives", "status_aktif", "status_tidak_aktif", "status_dalam_pembinaan",
                         "active_without_rat")}


class YearFiguresTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        old = datetime.date(2005, 1, 1)
        cls.dec31 = make_cooperative(legal_entity_date=old)
        step(cls.dec31, datetime.date(PAST, 3, 1), "aktif", "dalam_pembinaan")
        step(cls.dec31, datetime.date(PAST, 12, 31), "dalam_pembinaan", "tidak_aktif")
        make_report(cls.dec31, PAST)
        cls.jan1 = make_cooperative(legal_entity_date=old)
        step(cls.jan1, datetime.date(PAST + 1, 1, 1), "aktif", "dalam_pembinaan")
        cls.new2023 = make_cooperative(legal_entity_date=datetime.date(PAST, 12, 31))  # its last day
        cls.ratprev = make_cooperative(legal_entity_date=old)
        make_report(cls.ratprev, PAST - 1, rat_date=datetime.date(PAST, 3, 1))
        cls.late = make_cooperative(legal_entity_date=min(timezone.localdate(),
                                                          datetime.date(last_full_year() + 1, 1, 1)))
        cls.pimpinan = make_user("Pimpinan")
        summary_refresh()

    def listed(self, query):
        self.client.force_login(self.pimpinan)
        response = self.client.get(f"/koperasi/?{query}")
        self.assertEqual(response.status_code, 200)
        return {c.pk for c in response.context["object_list"]}

    def test_a_status_change_on_31_december_counts_for_that_year(self):
        cell = year_cell(PAST)
        # dec31 became tidak aktif on 31/12: so it was at the year's end; jan1 changed a day later: still aktif.
        self.assertEqual(cell["status_tidak_aktif"], 1)
        self.assertEqual(cell["status_dalam_pembinaan"], 0)
        self.assertEqual(self.listed(f"akhir_tahun={PAST}&status=tidak_aktif"), {self.dec31.pk})
        self.assertEqual(self.listed(f"akhir_tahun={PAST}&status=dalam_pembinaan"), set())
        self.assertEqual(self.listed(f"akhir_tahun={PAST + 1}&status=dalam_pembinaan"), {self.jan1.pk})
        self.assertEqual(year_cell(PAST + 1)["status_dalam_pembinaan"], 1)
        self.assertEqual(year_cell(PAST - 1)["status_tidak_aktif"], 0)

    def test_a_cooperative_founded_in_the_selected_year_counts_in_it_not_before(self):
        self.assertEqual(year_cell(PAST)["cooperatives"], 4)  # all but `late`
        self.assertEqual(year_cell(PAST - 1)["cooperatives"], 3)  # new2023 not yet
        self.assertIn(self.new2023.pk, self.listed(f"akhir_tahun={PAST}"))
        self.assertNotIn(self.new2023.pk, self.listed(f"akhir_tahun={PAST - 1}"))

    def test_a_cooperative_founded_after_the_year_is_never_in_its_figures(self):
        last = last_full_year()
        self.assertNotIn(self.late.pk, self.listed(f"akhir_tahun={last}"))
        self.assertNotIn(self.late.pk, self.listed(f"akhir_tahun={last}&status=aktif&tanpa_rat_2_tahun={last}"))
        self.assertEqual(year_cell(last)["cooperatives"], 4)
        self.assertEqual(Cooperative.objects.count(), 5)  # but it is registered now

    def test_without_rat_needs_both_years_of_life_and_counts_a_rat_of_the_year_before(self):
        without = f"akhir_tahun={PAST}&status=aktif&tanpa_rat_2_tahun={PAST}"
        # new2023 was founded in PAST (no RAT possible for PAST - 1); ratprev held one for PAST - 1;
        # dec31 was no longer aktif on 31/12; jan1 was aktif and held none.
        self.assertEqual(self.listed(without), {self.jan1.pk})
        self.assertEqual(year_cell(PAST)["active_without_rat"], 1)
        following = f"akhir_tahun={PAST + 1}&status=aktif&tanpa_rat_2_tahun={PAST + 1}"
        self.assertEqual(self.listed(following), {self.new2023.pk, self.ratprev.pk})
        self.assertEqual(year_cell(PAST + 1)["active_without_rat"], 2)

    def test_past_year_shows_that_year_with_its_date(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get(f"/dasbor/?tahun={PAST}")
        headline = {f.key: f for f in response.context["sections"]["headline"]}
        self.assertEqual((headline["koperasi"].value, headline["koperasi"].previous), (4, 3))
        self.assertEqual((headline["aktif"].value, headline["aktif"].previous), (3, 3))
        self.assertEqual(headline["koperasi"].as_of, f"per 31/12/{PAST}")
        self.assertEqual(headline["anggota"].as_of, f"tahun buku {PAST}")
        self.assertIn(f"akhir_tahun={PAST}", headline["aktif"].href)
        statuses = {f.key: f.value for f in response.context["sections"]["statuses"]}
        self.assertEqual((statuses["aktif"], statuses["tidak_aktif"]), (3, 1))
        self.assertContains(response, f"per 31/12/{PAST}")
        self.assertContains(response, f"Akhir {PAST - 1}")

    def test_latest_year_shows_today_with_the_refresh_date(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get("/dasbor/")
        headline = {f.key: f for f in response.context["sections"]["headline"]}
        self.assertEqual(headline["koperasi"].value, 5)
        self.assertEqual(headline["koperasi"].previous, 4)  # 31/12 of the last full year: `late` not yet
        refreshed = timezone.localtime(response.context["d"].refreshed_at).date()
        self.assertEqual(headline["koperasi"].as_of, f"per {refreshed:%d/%m/%Y}")
        self.assertNotIn("akhir_tahun", headline["koperasi"].href)
        self.assertEqual(headline["rat"].as_of, f"tahun buku {last_full_year()}")

    def test_a_year_not_yet_closed_shows_the_last_full_year(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get(f"/dasbor/?tahun={last_full_year() + 1}")
        self.assertEqual(response.context["year"], last_full_year())

    def test_every_linked_figure_of_a_past_year_equals_its_list(self):
        self.client.force_login(self.pimpinan)
        for year in (PAST, PAST + 1, last_full_year()):
            html = self.client.get(f"/dasbor/?tahun={year}").content.decode()
            links = set(re.findall(r'<a href="([^"]+)" data-count="(\d+)"', html))
            self.assertGreater(len(links), 20)
            for href, count in links:
                href = href.replace("&amp;", "&")
                with self.subTest(year=year, href=href):
                    self.assertEqual(self.client.get(href).context["paginator"].count, int(count))

    def test_list_shows_the_status_at_the_year_end(self):
        self.client.force_login(self.pimpinan)
        response = self.client.get(f"/koperasi/?akhir_tahun={PAST}&status=aktif")
        self.assertContains(response, "pada akhir tahun: Aktif")
        self.assertContains(response, "keadaan per 31 Desember tahun")


class StatusAtYearEndPropertyTests(HypothesisTestCase):
    """The SQL status on 31 December agrees with the rule read step by step."""

    @settings(max_examples=40, deadline=None)
    @given(
        current=st.sampled_from(Cooperative.Status.values),
        steps=st.lists(st.tuples(st.dates(datetime.date(2015, 1, 1), datetime.date(2026, 6, 30)),
                                 st.sampled_from(Cooperative.Status.values),
                                 st.sampled_from(Cooperative.Status.values)).filter(lambda s: s[1] != s[2]),
                       max_size=4),
        year=st.integers(2014, 2027),
    )
    def test_sql_follows_the_history(self, current, steps, year):
        cooperative = make_cooperative(status=current)
        for day, from_status, to_status in steps:
            StatusChange.objects.create(cooperative=cooperative, changed_on=day, from_status=from_status,
                                        to_status=to_status, reason="Uji")
        ordered = sorted(StatusChange.objects.filter(cooperative=cooperative), key=lambda s: (s.changed_on, s.pk))
        end = datetime.date(year, 12, 31)
        before = [s for s in ordered if s.changed_on <= end]
        after = [s for s in ordered if s.changed_on > end]
        expected = before[-1].to_status if before else after[0].from_status if after else current
        got = Cooperative.objects.filter(pk=cooperative.pk).annotate(
            s=figures.status_at_year_end(year)).values_list("s", flat=True).get()
        self.assertEqual(got, expected)


class TrainedBoardEdgeTests(TestCase):
    """"Trained in the last two years": a training that ended exactly two years ago still counts."""

    @classmethod
    def setUpTestData(cls):
        cls.cooperative = make_cooperative()
        cls.chair = make_board_member(cls.cooperative, "ketua", term_start=datetime.date(2015, 1, 1))
        cls.on = datetime.date(2025, 6, 30)

    def trained(self, end_date):
        training = make_training(start_date=end_date - DAY, end_date=end_date)
        participant = make_participant(training, self.chair)
        try:
            counted = Cooperative.objects.filter(pk=self.cooperative.pk).filter(
                figures.board_trained_q(self.on)).exists()
            records = assessment_inputs.records_for([self.cooperative], year=2024, today=self.on)[self.cooperative.pk]
            level = assessment_inputs.board_training(records).level
        finally:
            participant.delete()
            training.delete()
        return counted, level

    def test_exactly_two_years_ago_counts(self):
        self.assertEqual(self.trained(datetime.date(2023, 6, 30)), (True, 4))

    def test_a_day_more_does_not(self):
        self.assertEqual(self.trained(datetime.date(2023, 6, 29)), (False, 1))

    def test_ending_on_the_day_counts_the_day_after_not(self):
        self.assertEqual(self.trained(self.on), (True, 4))
        self.assertEqual(self.trained(self.on + DAY), (False, 1))

    def test_29_february_reaches_back_to_28_february(self):
        self.assertEqual(figures.two_years_before(datetime.date(2024, 2, 29)), datetime.date(2022, 2, 28))


class KutimLabelYearsTests(TestCase):
    """Kutim's label reads the last three book years only, however many are given."""

    def rat_years(self, *held):
        first = 2025 - len(held) + 1
        return [scoring.RatYear(first + i, held=h, reported=h) for i, h in enumerate(held)]

    def test_a_missing_rat_four_years_back_does_not_matter(self):
        self.assertEqual(scoring.kutim_label(self.rat_years(False, True, True, True), operating=True,
                                             board_active=True), scoring.KUTIM_SEHAT)
        self.assertEqual(scoring.kutim_label(self.rat_years(False, False, True, True, True), operating=True,
                                             board_active=True), scoring.KUTIM_SEHAT)

    def test_a_rat_four_years_back_does_not_save_the_last_three(self):
        self.assertEqual(scoring.kutim_label(self.rat_years(True, False, False, False), operating=False,
                                             board_active=False), scoring.KUTIM_TIDAK_SEHAT)

    def test_the_last_three_by_year_not_by_position(self):
        years = list(reversed(self.rat_years(False, True, True, True)))  # newest first
        self.assertEqual(scoring.kutim_label(years, operating=True, board_active=True), scoring.KUTIM_SEHAT)

    def test_from_the_records_a_fourth_year_back_is_not_read(self):
        cooperative = make_cooperative()
        make_board_member(cooperative, "ketua", term_start=datetime.date(2015, 1, 1))
        make_report(cooperative, 2021, business_volume=10)  # no RAT four years back
        for year in (2022, 2023, 2024):
            make_report(cooperative, year, business_volume=10, rat_date=datetime.date(year + 1, 3, 1),
                        rat_reported_on=datetime.date(year + 1, 3, 10))
        records = assessment_inputs.records_for([cooperative], year=2024, today=datetime.date(2025, 6, 1))
        self.assertEqual(assessment_inputs.kutim_label(records[cooperative.pk]), scoring.KUTIM_SEHAT)
