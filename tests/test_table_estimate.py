"""A whole-table list estimated well beyond the bound shows the estimate without counting the bound
first (registry/paginators.py, BoundedCountPaginator.count): above twice the bound the bounded
count is not run; at or below it, it is, and the count stays exact below the bound."""

from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from registry.paginators import BoundedCountPaginator
from tests.builders import make_cooperative, make_user

LIMIT = 3  # stands in for 10,000: twice the bound is 6


def bounded_counts(queries):
    return [q["sql"] for q in queries.captured_queries
            if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT") and '"registry_cooperative"' in q["sql"]]


class TableEstimateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        for n in range(5):
            make_cooperative(name=f"Koperasi {n}")

    def setUp(self):
        self.client.force_login(make_user("Petugas"))
        for patcher in (mock.patch.object(BoundedCountPaginator, "count_limit", LIMIT),
                        # pages of 2, so that the paginator counts (a list that fits is counted by its rows)
                        mock.patch("registry.views.cooperatives.CooperativeListView.paginate_by", 2)):
            patcher.start()
            self.addCleanup(patcher.stop)

    def page(self, estimate, query=""):
        with mock.patch.object(BoundedCountPaginator, "_table_estimate",
                               lambda paginator: estimate if paginator.estimate_table else None), \
                CaptureQueriesContext(connection) as queries:
            response = self.client.get(f"/koperasi/{query}")
        self.assertEqual(response.status_code, 200)
        return response.context["paginator"], bounded_counts(queries), response

    def test_an_estimate_beyond_twice_the_bound_is_shown_without_counting(self):
        paginator, counts, response = self.page(2 * LIMIT + 1)
        self.assertEqual(counts, [])
        self.assertEqual((paginator.count, paginator.count_is_exact, paginator.count_is_estimate),
                         (2 * LIMIT + 1, False, True))
        self.assertContains(response, "sekitar 7")

    def test_an_estimate_of_twice_the_bound_is_counted_first(self):
        paginator, counts, _response = self.page(2 * LIMIT)
        self.assertEqual(len(counts), 1)
        # 5 rows, beyond the bound of 3: "about" the estimate, which is above the rows counted.
        self.assertEqual((paginator.count, paginator.count_is_exact, paginator.count_is_estimate),
                         (2 * LIMIT, False, True))

    def test_a_stale_estimate_below_the_rows_gives_the_bound(self):
        paginator, counts, _response = self.page(2)
        self.assertEqual(len(counts), 1)
        self.assertEqual((paginator.count, paginator.count_is_exact, paginator.count_is_estimate),
                         (LIMIT + 1, False, False))

    def test_a_filtered_list_is_counted_whatever_the_tables_estimate(self):
        paginator, counts, _response = self.page(1_000_000, "?status=aktif")
        self.assertEqual(len(counts), 1)
        self.assertFalse(paginator.count_is_estimate)

    def test_no_estimate_means_the_bounded_count(self):
        paginator, counts, _response = self.page(None)
        self.assertEqual(len(counts), 1)
        self.assertEqual((paginator.count, paginator.count_is_exact), (LIMIT + 1, False))
