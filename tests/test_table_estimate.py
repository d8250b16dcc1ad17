"""A whole table's list reads PostgreSQL's estimate and its bounded count in one statement, and
counts only when the estimate is at most twice the bound (registry/paginators.py,
BoundedCountPaginator._bounded_count_unless_estimated). The first and keyset pages of a list read the
estimate with their rows (`with_table_estimate`), and beyond twice the bound run no count at all.

The estimate is set in pg_class inside each test's transaction (rolled back after it), and the bound
is made 5 so that the edges are cheap to build.
"""

from unittest import mock

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from registry.models import Assessment, Cooperative, Member, Partnership
from registry.paginators import BoundedCountPaginator
from registry.views.assessments import AssessmentListView
from registry.views.cooperatives import CooperativeListView
from registry.views.members import MemberListView
from registry.views.partnerships import PartnershipListView
from tests.builders import (
    SANGATTA_UTARA,
    make_cooperative,
    make_member,
    make_partnership,
    make_user,
    pin_table_estimates,
)
from tests.test_dashboard import make_assessment

pytestmark = pytest.mark.postgres

BOUND = 5
TABLE = Cooperative._meta.db_table


def set_estimate(rows, model=Cooperative):
    pin_table_estimates(rows, model)


def statements(queries, word):
    return [q["sql"] for q in queries.captured_queries if word in q["sql"]]


class TableEstimateTests(TestCase):
    def paginator(self, queryset=None, table=TABLE):
        paginator = BoundedCountPaginator(
            Cooperative.objects.order_by("pk") if queryset is None else queryset, 3, estimate_table=table)
        paginator.count_limit = BOUND
        return paginator

    def cooperatives(self, n):
        for _ in range(n):
            make_cooperative(kecamatan=SANGATTA_UTARA)

    def count(self, paginator, statements=1):
        with self.assertNumQueries(statements):
            count = paginator.count
            paginator._table_estimate()  # what the templates' "about" rests on: read with the count
        return count, paginator.count_is_exact, paginator.count_is_estimate

    def test_an_estimate_of_exactly_twice_the_bound_is_counted(self):
        self.cooperatives(5)
        set_estimate(2 * BOUND)
        self.assertEqual(self.count(self.paginator()), (5, True, False))

    def test_an_estimate_beyond_twice_the_bound_is_shown_without_counting(self):
        self.cooperatives(5)
        set_estimate(2 * BOUND + 1)
        self.assertEqual(self.count(self.paginator()), (11, False, True))

    def test_beyond_the_bound_a_larger_estimate_is_shown_as_about(self):
        self.cooperatives(7)
        set_estimate(8)
        self.assertEqual(self.count(self.paginator()), (8, False, True))

    def test_beyond_the_bound_a_stale_estimate_gives_the_bound(self):
        self.cooperatives(7)  # counted up to the bound plus one: 6
        set_estimate(6)
        self.assertEqual(self.count(self.paginator()), (6, False, False))

    def test_a_table_never_analysed_is_counted(self):
        self.cooperatives(7)
        set_estimate(-1)
        self.assertEqual(self.count(self.paginator()), (6, False, False))

    def test_under_the_bound_the_count_is_exact_whatever_the_estimate(self):
        self.cooperatives(3)
        for estimate in (-1, 0, 3, 10):
            with self.subTest(estimate=estimate):
                set_estimate(estimate)
                self.assertEqual(self.count(self.paginator()), (3, True, False))

    def test_a_list_that_can_match_nothing_is_zero_without_a_statement(self):
        self.cooperatives(2)
        set_estimate(1_000_000)
        nothing = self.paginator(Cooperative.objects.filter(pk__in=[]))
        self.assertEqual(self.count(nothing, statements=0), (0, True, False))

    def test_a_list_that_is_not_the_whole_table_is_counted_without_the_estimate(self):
        self.cooperatives(7)
        set_estimate(1_000_000)
        # Beyond the bound, not the table: "more than the bound", and no estimate asked.
        self.assertEqual(self.count(self.paginator(table=None)), (6, False, False))


class CooperativeListEstimateTests(TestCase):
    """Through the page, a list longer than its first page: the whole district's list shows the
    estimate from the one statement; a Petugas limited to a kecamatan gets the bound, not the estimate."""

    def setUp(self):
        for patcher in (mock.patch.object(CooperativeListView, "paginate_by", 3),
                        mock.patch.object(BoundedCountPaginator, "count_limit", BOUND)):
            patcher.start()
            self.addCleanup(patcher.stop)
        for _ in range(7):
            make_cooperative(kecamatan=SANGATTA_UTARA)
        set_estimate(2_000_000)

    def test_the_whole_district_sees_about_the_estimate_from_one_statement(self):
        self.client.force_login(make_user("Petugas"))
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/koperasi/")
        self.assertContains(response, "sekitar 2.000.000")
        paginator = response.context["paginator"]
        self.assertEqual((paginator.count, paginator.count_is_estimate), (2_000_000, True))
        estimates = statements(queries, "reltuples")
        self.assertEqual(len(estimates), 1)
        self.assertIn(f'FROM "{TABLE}"', estimates[0])  # the page's rows, in the same statement
        self.assertEqual(statements(queries, "COUNT("), [])

    def test_the_first_page_runs_one_query_fewer_than_a_count_would(self):
        self.client.force_login(make_user("Petugas"))
        self.client.get("/koperasi/")  # the user's access and region choices kept from here on
        with CaptureQueriesContext(connection) as beyond:
            self.client.get("/koperasi/")
        set_estimate(2 * BOUND)  # counted: the estimate is no longer far beyond the bound
        with CaptureQueriesContext(connection) as near:
            response = self.client.get("/koperasi/")
        self.assertEqual(len(beyond.captured_queries), len(near.captured_queries) - 1)
        self.assertEqual(len(statements(near, "COUNT(")), 1)
        # 7 rows counted up to the bound plus one (6), then the estimate, larger, shown as "about".
        self.assertContains(response, "sekitar 10")

    def test_at_exactly_twice_the_bound_the_page_counts_and_one_more_it_does_not(self):
        self.client.force_login(make_user("Petugas"))
        for estimate, counted in ((2 * BOUND, 1), (2 * BOUND + 1, 0)):
            with self.subTest(estimate=estimate):
                set_estimate(estimate)
                with CaptureQueriesContext(connection) as queries:
                    response = self.client.get("/koperasi/")
                self.assertEqual(len(statements(queries, "COUNT(")), counted)
                paginator = response.context["paginator"]
                self.assertEqual((paginator.count, paginator.count_is_exact, paginator.count_is_estimate),
                                 (estimate, False, True))

    def test_a_keyset_page_reads_the_estimate_with_its_rows(self):
        self.client.force_login(make_user("Petugas"))
        fourth = Cooperative.objects.order_by("name", "pk").values_list("pk", flat=True)[3]  # rows on both sides
        for direction in ("setelah", "sebelum"):
            with self.subTest(direction=direction), CaptureQueriesContext(connection) as queries:
                response = self.client.get(f"/koperasi/?{direction}={fourth}")
            self.assertEqual(len(response.context["object_list"]), 3)
            self.assertContains(response, "sekitar 2.000.000")
            self.assertEqual(len(statements(queries, "reltuples")), 1)
            self.assertEqual(statements(queries, "COUNT("), [])

    def test_a_whole_list_on_its_first_page_is_its_count_whatever_the_estimate(self):
        self.client.force_login(make_user("Petugas"))
        with mock.patch.object(CooperativeListView, "paginate_by", 25):
            response = self.client.get("/koperasi/")
        paginator = response.context["paginator"]
        self.assertEqual((paginator.count, paginator.count_is_exact, paginator.count_is_estimate), (7, True, False))
        self.assertContains(response, "<strong>7</strong> koperasi", html=False)

    def test_a_limited_petugas_sees_more_than_the_bound(self):
        self.client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/koperasi/")
        self.assertContains(response, "lebih dari 5")
        self.assertNotIn("reltuples", " ".join(q["sql"] for q in queries.captured_queries))


class MemberListEstimateTests(TestCase):
    """The member list of the whole district: the same, on the members' table."""

    def setUp(self):
        for patcher in (mock.patch.object(MemberListView, "paginate_by", 3),
                        mock.patch.object(BoundedCountPaginator, "count_limit", BOUND)):
            patcher.start()
            self.addCleanup(patcher.stop)
        cooperative = make_cooperative(kecamatan=SANGATTA_UTARA)
        for n in range(7):
            make_member(cooperative, name=f"Anggota {n}")
        set_estimate(3_000_000, Member)

    def test_the_whole_district_sees_about_the_estimate_without_a_count(self):
        self.client.force_login(make_user("Petugas"))
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/anggota/")
        self.assertContains(response, "sekitar 3.000.000")
        self.assertEqual(len(statements(queries, "reltuples")), 1)
        self.assertEqual(statements(queries, "COUNT("), [])
        self.assertEqual(len(response.context["object_list"]), 3)

    def test_a_filtered_list_is_counted_and_reads_no_estimate(self):
        self.client.force_login(make_user("Petugas"))
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/anggota/?jenis_kelamin=P")
        self.assertEqual(statements(queries, "reltuples"), [])
        self.assertTrue(response.context["paginator"].count_is_exact)


class AssessmentListEstimateTests(TestCase):
    """The assessments of every year, unfiltered: the whole table, read with its estimate like the
    cooperatives' (AssessmentListView.estimates_whole_table). The rows come from one statement per
    year put together (a UNION); the estimate is read by that statement."""

    def setUp(self):
        for patcher in (mock.patch.object(AssessmentListView, "paginate_by", 3),
                        mock.patch.object(BoundedCountPaginator, "count_limit", BOUND)):
            patcher.start()
            self.addCleanup(patcher.stop)
        for n in range(7):
            cooperative = make_cooperative(kecamatan=SANGATTA_UTARA, name=f"Koperasi {n}")
            make_assessment(cooperative, 2025, "70.00", "cukup_sehat")
            if n < 2:
                make_assessment(cooperative, 2024, "60.00", "cukup_sehat")
        set_estimate(2_000_000, Assessment)

    def test_the_whole_list_shows_about_the_estimate_without_a_count(self):
        self.client.force_login(make_user("Petugas"))
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/penilaian/")
        self.assertContains(response, "sekitar 2.000.000 penilaian")
        estimates = statements(queries, "reltuples")
        self.assertEqual(len(estimates), 1)
        self.assertIn("UNION", estimates[0])  # the rows of both years, in the same statement
        self.assertEqual(statements(queries, "COUNT("), [])
        self.assertEqual(len(response.context["object_list"]), 3)

    def test_a_keyset_page_reads_the_estimate_with_its_rows(self):
        self.client.force_login(make_user("Petugas"))
        fourth = Assessment.objects.order_by("-year", "cooperative__name", "pk").values_list("pk", flat=True)[3]
        for direction in ("setelah", "sebelum"):
            with self.subTest(direction=direction), CaptureQueriesContext(connection) as queries:
                response = self.client.get(f"/penilaian/?{direction}={fourth}")
            self.assertEqual(len(response.context["object_list"]), 3)
            self.assertContains(response, "sekitar 2.000.000 penilaian")
            self.assertEqual(len(statements(queries, "reltuples")), 1)
            self.assertEqual(statements(queries, "COUNT("), [])

    def test_at_exactly_twice_the_bound_the_list_counts(self):
        self.client.force_login(make_user("Petugas"))
        set_estimate(2 * BOUND, Assessment)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/penilaian/")
        self.assertEqual(len(statements(queries, "COUNT(")), 1)
        # 9 rows counted up to the bound plus one (6), then the estimate, larger, shown as "about".
        self.assertContains(response, "sekitar 10 penilaian")

    def test_a_year_reads_no_estimate_and_is_counted_exactly_by_its_averages(self):
        self.client.force_login(make_user("Petugas"))
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/penilaian/?tahun=2025")
        self.assertEqual(statements(queries, "reltuples"), [])
        paginator = response.context["paginator"]
        self.assertEqual((paginator.count, paginator.count_is_exact), (7, True))

    def test_an_area_limited_petugas_reads_no_estimate(self):
        self.client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/penilaian/")
        self.assertEqual(statements(queries, "reltuples"), [])
        self.assertContains(response, "lebih dari 5 penilaian")


class PartnershipListEstimateTests(TestCase):
    """The partnerships of the whole district, unfiltered: the same, on the partnerships' table."""

    def setUp(self):
        for patcher in (mock.patch.object(PartnershipListView, "paginate_by", 3),
                        mock.patch.object(BoundedCountPaginator, "count_limit", BOUND)):
            patcher.start()
            self.addCleanup(patcher.stop)
        for _ in range(7):
            make_partnership(make_cooperative(kecamatan=SANGATTA_UTARA))
        set_estimate(2_000_000, Partnership)

    def test_the_whole_list_shows_about_the_estimate_without_a_count(self):
        self.client.force_login(make_user("Petugas"))
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/kemitraan/")
        self.assertContains(response, "sekitar 2.000.000 kemitraan")
        self.assertEqual(len(statements(queries, "reltuples")), 1)
        self.assertEqual(statements(queries, "COUNT("), [])

    def test_a_filtered_list_is_counted_and_reads_no_estimate(self):
        self.client.force_login(make_user("Petugas"))
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/kemitraan/?status=aktif")
        self.assertEqual(statements(queries, "reltuples"), [])
        self.assertContains(response, "lebih dari 5 kemitraan")

    def test_an_area_limited_petugas_reads_no_estimate(self):
        self.client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/kemitraan/")
        self.assertEqual(statements(queries, "reltuples"), [])
        self.assertContains(response, "lebih dari 5 kemitraan")
