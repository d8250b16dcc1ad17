"""A list's first page reads its rows before its count: a list that fits on the page is counted by
its rows, without a COUNT query (registry/paginators.py, KeysetPaginationMixin._first_page).

The page size is made 3 here so that the edges are cheap to build: 3 rows fit, 4 do not.
"""

from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from registry.views.findings import FindingListView
from tests.builders import MUARA_WAHAU, SANGATTA_UTARA, make_cooperative, make_finding, make_user

PAGE_SIZE = 3


def count_queries(queries):
    """The paginator's bounded count (registry/paginators.py), not the page's other figures."""
    return [q["sql"] for q in queries.captured_queries
            if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT") and 'FROM "registry_finding"' in q["sql"]]


class FirstPageTests(TestCase):
    def setUp(self):
        patcher = mock.patch.object(FindingListView, "paginate_by", PAGE_SIZE)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
        self.inside = make_cooperative(kecamatan=SANGATTA_UTARA)
        # Outside the Petugas's area: never among the rows nor in the count.
        make_finding(make_cooperative(kecamatan=MUARA_WAHAU))

    def get(self, path="/temuan/"):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        return response, count_queries(queries)

    def test_an_empty_list_is_counted_by_its_rows(self):
        response, counts = self.get()
        self.assertEqual(counts, [])
        self.assertEqual(response.context["paginator"].count, 0)
        self.assertFalse(response.context["is_paginated"])
        self.assertEqual(list(response.context["object_list"]), [])

    def test_a_list_of_exactly_one_page_is_counted_by_its_rows(self):
        findings = [make_finding(self.inside) for _ in range(PAGE_SIZE)]
        response, counts = self.get()
        self.assertEqual(counts, [])
        self.assertEqual(response.context["paginator"].count, PAGE_SIZE)
        self.assertEqual(response.context["paginator"].num_pages, 1)
        self.assertFalse(response.context["is_paginated"])
        self.assertFalse(response.context["page_obj"].has_next())
        self.assertCountEqual([f.pk for f in response.context["object_list"]], [f.pk for f in findings])
        self.assertEqual(list(response.context["page_obj"].numbered_pages), [1])

    def test_a_list_one_row_longer_than_a_page_is_counted_by_the_paginator(self):
        for _ in range(PAGE_SIZE + 1):
            make_finding(self.inside)
        response, counts = self.get()
        self.assertEqual(len(counts), 1, counts)
        self.assertEqual(response.context["paginator"].count, PAGE_SIZE + 1)
        self.assertEqual(len(response.context["object_list"]), PAGE_SIZE)
        self.assertTrue(response.context["is_paginated"])
        page = response.context["page_obj"]
        self.assertTrue(page.has_next())
        self.assertEqual(list(page.numbered_pages), [1, 2])
        # The keyset link continues after the last row shown, and page 2 holds the one left.
        self.assertEqual(page.last_pk, response.context["object_list"][-1].pk)
        second, _counts = self.get(f"/temuan/?setelah={page.last_pk}")
        self.assertEqual(len(second.context["object_list"]), 1)
        numbered, _counts = self.get("/temuan/?page=2")
        self.assertEqual([f.pk for f in numbered.context["object_list"]],
                         [f.pk for f in second.context["object_list"]])

    def test_the_first_page_costs_one_query_fewer_when_it_fits(self):
        for _ in range(PAGE_SIZE):
            make_finding(self.inside)
        self.client.get("/temuan/")  # the user's access and the filter form cached, as on every later page
        with CaptureQueriesContext(connection) as fits:
            self.client.get("/temuan/")
        make_finding(self.inside)
        with CaptureQueriesContext(connection) as longer:
            self.client.get("/temuan/")
        self.assertEqual(len(fits), len(longer) - 1)

    def test_a_filter_narrow_enough_for_one_page_shows_its_exact_count(self):
        for _ in range(PAGE_SIZE + 2):
            make_finding(self.inside)
        in_progress = make_finding(self.inside, follow_up_status="proses")
        response, counts = self.get("/temuan/?status=proses")
        self.assertEqual(counts, [])
        self.assertEqual(response.context["paginator"].count, 1)
        self.assertEqual([f.pk for f in response.context["object_list"]], [in_progress.pk])

    def test_page_one_by_number_is_the_first_page(self):
        for _ in range(PAGE_SIZE):
            make_finding(self.inside)
        response, counts = self.get("/temuan/?page=1")
        self.assertEqual(counts, [])
        self.assertEqual(response.context["paginator"].count, PAGE_SIZE)
