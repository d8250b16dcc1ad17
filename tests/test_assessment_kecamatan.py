"""The assessments' copy of their cooperative's kecamatan (`Assessment.kecamatan`) after every write
path, and the list reading it.

New assessments (the entry page, preparing a year, a plain create, the demo seed), an assessment
moved to another cooperative (a save, a history revert; the admin does not edit assessments), a
cooperative moved to a desa of another kecamatan (its form, the import and its undo, a history
revert) and a desa moved to another kecamatan (the admin): after each, every assessment holds the
kecamatan its cooperative's desa is in. The list filtered by kecamatan, and a kecamatan-limited
Petugas's, show, count and average the same rows as through the cooperatives. On PostgreSQL, an
assessment added while its cooperative moves ends with the new kecamatan, whichever transaction
locks first, and a kecamatan's year is averaged without joining the cooperatives.
"""

import datetime
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext

from registry.demo.assessments import seed_assessments
from registry.models import Assessment, RubricVersion, people
from registry.selectors.assessments import score_totals
from registry.services.history import history_revert
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_SELATAN,
    SANGATTA_UTARA,
    first_desa,
    make_cooperative,
    make_user,
)
from tests.moves import CooperativeMovesTests
from tests.races import AddedWhileTheCooperativeMoves
from tests.test_assessments import ALL_FOURS, assessment_for, entry_data, healthy_records

YEAR = 2024


def misplaced():
    """Assessments whose kecamatan is not their cooperative's (none, always)."""
    return list(Assessment.objects.exclude(kecamatan=F("cooperative__desa__kecamatan")).values_list("pk", flat=True))


def kecamatan_of(assessment):
    return Assessment.objects.values_list("kecamatan_id", flat=True).get(pk=assessment.pk)


def rubric():
    return RubricVersion.for_year(YEAR)


class WritesTests(TestCase):
    """New assessments, and one moved to another cooperative."""

    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.admin = make_user("Admin Dinas", is_staff=True, is_superuser=True)
        cls.south = make_cooperative(kecamatan=SANGATTA_SELATAN, name="Koperasi Selatan")
        cls.far = make_cooperative(kecamatan=MUARA_WAHAU, name="Koperasi Jauh")

    def test_the_entry_page_sets_it_from_the_cooperative(self):
        healthy_records(self.south, YEAR)
        self.client.force_login(self.petugas)
        response = self.client.post(f"/koperasi/{self.south.pk}/penilaian/{YEAR}/", entry_data(ALL_FOURS))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(kecamatan_of(Assessment.objects.get(cooperative=self.south)), SANGATTA_SELATAN)

    def test_preparing_a_year_sets_it_on_each(self):
        self.client.force_login(self.petugas)
        response = self.client.post("/penilaian/siapkan/", {"year": YEAR}, follow=True)
        self.assertContains(response, "2 penilaian draf dibuat")
        self.assertEqual(dict(Assessment.objects.values_list("cooperative_id", "kecamatan_id")),
                         {self.south.pk: SANGATTA_SELATAN, self.far.pk: MUARA_WAHAU})

    def test_a_given_kecamatan_is_overwritten_by_the_cooperatives(self):
        assessment = Assessment(cooperative=self.south, year=YEAR, rubric=rubric(), kecamatan_id=MUARA_WAHAU)
        assessment.save()
        self.assertEqual(kecamatan_of(assessment), SANGATTA_SELATAN)

    def test_a_plain_save_moved_to_another_cooperative(self):
        created = Assessment.objects.create(cooperative=self.south, year=YEAR, rubric=rubric())
        assessment = Assessment.objects.get(pk=created.pk)
        assessment.cooperative = self.far
        assessment.save()
        self.assertEqual(kecamatan_of(assessment), MUARA_WAHAU)
        assessment.cooperative = self.south
        assessment.save(update_fields=["cooperative"])
        self.assertEqual(kecamatan_of(assessment), SANGATTA_SELATAN)

    def test_a_history_revert_to_the_first_cooperative(self):
        assessment = assessment_for(self.south, year=YEAR)
        moved = Assessment.objects.get(pk=assessment.pk)
        moved.cooperative = self.far
        moved.save()
        self.assertEqual(kecamatan_of(assessment), MUARA_WAHAU)
        change = Assessment.history.filter(id=assessment.pk).order_by("-history_id").first()
        history_revert(record=change, instance=Assessment.objects.get(pk=assessment.pk), user=self.admin)
        self.assertEqual(Assessment.objects.get(pk=assessment.pk).cooperative_id, self.south.pk)
        self.assertEqual(kecamatan_of(assessment), SANGATTA_SELATAN)
        self.assertEqual(misplaced(), [])

    def test_the_demo_seed_sets_it(self):
        for with_history in (True, False):
            Assessment.objects.all().delete()
            seed_assessments(years=[YEAR], today=datetime.date(2025, 11, 1), with_history=with_history)
            self.assertEqual(Assessment.objects.count(), 2)
            self.assertEqual(misplaced(), [])

    def test_a_bulk_insert_without_it_fails_loudly(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Assessment.objects.bulk_create([Assessment(cooperative=self.south, year=YEAR, rubric=rubric())])

    def test_the_history_does_not_hold_it(self):
        assessment = Assessment.objects.create(cooperative=self.south, year=YEAR, rubric=rubric())
        self.assertFalse(hasattr(assessment.history.first(), "kecamatan_id"))


class MovesTests(CooperativeMovesTests, TestCase):
    """A cooperative (or its desa) moved to another kecamatan: its assessments follow, others stay."""

    kecamatan_of = staticmethod(kecamatan_of)
    misplaced = staticmethod(misplaced)

    def make_rows(self, cooperative):
        return [Assessment.objects.create(cooperative=cooperative, year=year, rubric=rubric()) for year in (2023, 2024)]

    def make_bystander_row(self, cooperative):
        return Assessment.objects.create(cooperative=cooperative, year=2024, rubric=rubric())

    def test_the_list_names_the_kecamatan_moved_to(self):
        """The list's rows name the kecamatan from the assessment's copy (selectors.assessments.with_row_values)."""
        self.move_with_the_form(self.there)
        rows = self.client.get("/penilaian/").context["object_list"]
        names = {row.pk: row.kecamatan_name for row in rows}
        self.assertEqual({names[a.pk] for a in self.moving}, {"Sangatta Selatan"})
        self.assertEqual(names[self.stays.pk], "Sangatta Utara")

    def test_the_area_rule_and_the_filter_follow_the_move(self):
        limited = make_user("Petugas", kecamatan=[SANGATTA_SELATAN])
        self.assertFalse(Assessment.objects.for_user(limited).exists())
        self.move_with_the_form(self.there)
        self.assertEqual(set(Assessment.objects.for_user(limited)), set(self.moving))
        self.client.force_login(self.admin)
        response = self.client.get(f"/penilaian/?kecamatan={SANGATTA_SELATAN}")
        self.assertEqual({a.pk for a, _changes, _final in response.context["rows"]}, {a.pk for a in self.moving})


class ListTests(TestCase):
    """The list filtered by kecamatan (and year), and a limited Petugas's: the same rows, count and
    average line as through the cooperatives."""

    @classmethod
    def setUpTestData(cls):
        cls.pimpinan = make_user("Pimpinan")
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA, MUARA_WAHAU])
        low = {code: 1 for code in ALL_FOURS}
        for n, code in enumerate((SANGATTA_UTARA, SANGATTA_UTARA, SANGATTA_SELATAN, MUARA_WAHAU)):
            cooperative = make_cooperative(kecamatan=code, name=f"Koperasi {n}")
            healthy_records(cooperative, 2024)
            for year in (2023, 2024):
                assessment_for(cooperative, ALL_FOURS if (n + year) % 2 else dict(low, K2=4, F1=4), year=year)

    def through_cooperatives(self, codes, year=None):
        rows = Assessment.objects.filter(cooperative__desa__kecamatan__in=codes)
        return rows.filter(year=year) if year else rows

    def page(self, query, user):
        self.client.force_login(user)
        response = self.client.get("/penilaian/" + query)
        self.assertEqual(response.status_code, 200)
        return response.context

    def test_a_kecamatan_and_a_year(self):
        for code in (SANGATTA_UTARA, SANGATTA_SELATAN, MUARA_WAHAU):
            expected = self.through_cooperatives([code], 2024)
            averages, count = score_totals(expected)
            context = self.page(f"?tahun=2024&kecamatan={code}", self.pimpinan)
            self.assertEqual({a.pk for a, _c, _f in context["rows"]}, {a.pk for a in expected})
            self.assertEqual(context["paginator"].count, count)
            self.assertEqual(context["averages"], averages)
            self.assertGreater(count, 0)

    def test_a_kecamatan_without_a_year(self):
        context = self.page(f"?kecamatan={SANGATTA_UTARA}", self.pimpinan)
        expected = self.through_cooperatives([SANGATTA_UTARA])
        self.assertEqual({a.pk for a, _c, _f in context["rows"]}, {a.pk for a in expected})
        self.assertEqual(context["paginator"].count, 4)

    def test_a_limited_petugas(self):
        codes = [SANGATTA_UTARA, MUARA_WAHAU]
        context = self.page("", self.limited)
        self.assertEqual({a.pk for a, _c, _f in context["rows"]}, {a.pk for a in self.through_cooperatives(codes)})
        context = self.page("?tahun=2024", self.limited)
        averages, count = score_totals(self.through_cooperatives(codes, 2024))
        self.assertEqual((context["averages"], context["paginator"].count), (averages, count))
        # A kecamatan outside the area: nothing, not the other kecamatan's rows.
        context = self.page(f"?tahun=2024&kecamatan={SANGATTA_SELATAN}", self.limited)
        self.assertEqual(list(context["rows"]), [])


@pytest.mark.postgres
class AssessmentAddedWhileItsCooperativeMovesTests(AddedWhileTheCooperativeMoves, TransactionTestCase):
    """Two connections: a new assessment and its cooperative's move to another kecamatan, at once."""

    reads = (people, "cooperative_facts")  # where KeepsCooperativeKecamatan.save reads the kecamatan

    def setUp(self):
        self.moving = make_cooperative(kecamatan=SANGATTA_UTARA)
        self.there = first_desa(SANGATTA_SELATAN)

    def add(self):
        return Assessment.objects.create(cooperative=self.moving, year=YEAR, rubric=rubric())

    def assert_rewritten(self, assessment):
        self.assertEqual(kecamatan_of(assessment), SANGATTA_SELATAN)
        self.assertEqual(misplaced(), [])


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_kecamatans_year_is_averaged_from_its_index_without_joining_the_cooperatives(client):
    for n, code in enumerate((SANGATTA_UTARA, SANGATTA_UTARA, SANGATTA_SELATAN)):
        Assessment.objects.create(cooperative=make_cooperative(kecamatan=code, name=f"Koperasi {n}"), year=2025,
                                  rubric=rubric())
    # Elsewhere, many more (written in bulk, with their copies).
    elsewhere = make_cooperative(kecamatan=MUARA_WAHAU)
    Assessment.objects.bulk_create([
        Assessment(cooperative=elsewhere, kecamatan_id=MUARA_WAHAU, year=1950 + n, rubric=rubric()) for n in range(150)
    ])
    for user, path in ((make_user("Petugas"), f"/penilaian/?tahun=2025&kecamatan={SANGATTA_UTARA}"),
                       (make_user("Petugas", kecamatan=[SANGATTA_UTARA]), "/penilaian/?tahun=2025")):
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.context["paginator"].count == 2
        (statement,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT SUM(")]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registry_assessment")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + statement)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        # Which index the planner takes for these few rows is its choice (a filter after the year's
        # index, `(kecamatan_id)::text = ...`, or a condition of the kecamatan's, `kecamatan_id = ...`);
        # that the kecamatan is the assessment's own column, tested without joining the cooperatives,
        # holds at any size.
        assert re.search(r"\(?kecamatan_id\)?(::text)? = '64\.08\.04'", plan), plan
        assert "registry_cooperative" not in plan and "registry_desa" not in plan, plan
    # An index that begins with the kecamatan and the year, with the scores the average line sums in
    # it, so that a kecamatan's year is one range of it, answered without the table (at national size
    # 17,000 rows, docs/benchmarks.md; whether the table is read depends on its visibility map).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef('assessment_kecamatan_year'::regclass)")
        definition = cursor.fetchone()[0]
    assert "(kecamatan_id, year) INCLUDE (score_kelembagaan, score_keuangan, score_operasional, " \
           "score_reputasi, overall_score)" in definition, definition
