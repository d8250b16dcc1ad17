"""The cooperative list's search read as one list of matching ids (registry/paginators.py,
MatchingIdsPaginator): the same rows, in the same order, with the same count as the plain filter
counted and paged in two reads, for a search alone over the whole district in name order."""

from unittest import mock

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from registry.filters.cooperatives import search_q
from registry.models import Cooperative
from registry.paginators import AFTER, BoundedCountPaginator, MatchingIdsPaginator
from registry.views.cooperatives import CooperativeListView
from tests.builders import MUARA_WAHAU, SANGATTA_UTARA, make_cooperative, make_user

PAGE = CooperativeListView.paginate_by


def plain(text, rows=None):
    """The ids the plain filter finds, in the list's order."""
    rows = Cooperative.objects.all() if rows is None else rows
    return list(rows.filter(search_q(text)).order_by("name", "id").values_list("pk", flat=True))


class MatchingIdsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # "Sawit" in 30 names (more than a page: 26 after "Aaa" ones without it), mixed case, some
        # cooperatives sharing a name (the id breaks the tie); one word found only in a Nomor Induk,
        # one only in a legal entity number; two kecamatan.
        for n in range(26):
            make_cooperative(name=f"Koperasi Aaa {n:02}", nomor_induk=f"64080100{n:05}")
        for n in range(30):
            name = ["Koperasi SAWIT Jaya", "koperasi sawit makmur", f"KUD Kelapa Sawit {n:02}"][n % 3]
            kecamatan = MUARA_WAHAU if n % 4 == 0 else SANGATTA_UTARA
            make_cooperative(name=name, kecamatan=kecamatan)
        for n in range(PAGE):
            make_cooperative(name=f"Koperasi Tepat Halaman {n:02}")
        make_cooperative(name="Koperasi Bahari", legal_entity_number="AHU-0000667.AH.01.27.TAHUN 2020")
        cls.petugas = make_user("Petugas")

    def setUp(self):
        self.client.force_login(self.petugas)

    def page(self, query):
        response = self.client.get(f"/koperasi/?{query}")
        self.assertEqual(response.status_code, 200)
        return response

    def ids(self, response):
        return [row.pk for row in response.context["object_list"]]

    def test_each_page_equals_the_plain_filter_in_order(self):
        searches = ["sawit", "SaWiT", "sawit makmur", "makmur sawit", "aaa", "tepat halaman", "6408010000007",
                    "0000667.AH", "08010", "tidak-ada-yang-cocok", "kud 1"]
        for text in searches:
            expected = plain(text)
            with self.subTest(text=text):
                response = self.page(f"q={text}")
                paginator = response.context["paginator"]
                self.assertIsInstance(paginator, MatchingIdsPaginator)
                self.assertEqual(paginator.count, len(expected))
                self.assertTrue(paginator.count_is_exact)
                shown = []
                for number in range(1, paginator.num_pages + 1):
                    shown += self.ids(self.page(f"q={text}&page={number}"))
                self.assertEqual(shown, expected)

    def test_a_word_found_only_in_a_number(self):
        self.assertEqual(len(self.ids(self.page("q=6408010000007"))), 1)  # the Nomor Induk
        self.assertEqual(len(self.ids(self.page("q=ah.01.27"))), 1)  # the legal entity number

    def test_no_match_and_exactly_one_page(self):
        empty = self.page("q=zzqx")
        self.assertEqual(empty.context["paginator"].count, 0)
        self.assertEqual(self.ids(empty), [])
        full = self.page("q=tepat")
        self.assertEqual(full.context["paginator"].count, PAGE)
        self.assertEqual(full.context["paginator"].num_pages, 1)
        self.assertEqual(self.ids(full), plain("tepat"))
        self.assertEqual(self.client.get("/koperasi/?q=tepat&page=2").status_code, 404)

    def test_descending_names_and_the_last_page(self):
        expected = plain("sawit")[::-1]
        first = self.page("q=sawit&urut=-nama")
        self.assertIsInstance(first.context["paginator"], MatchingIdsPaginator)
        self.assertEqual(self.ids(first), expected[:PAGE])
        self.assertEqual(self.ids(self.page("q=sawit&urut=-nama&page=last")), expected[PAGE:])

    def test_the_bound_is_the_same_as_two_reads(self):
        """Beyond `count_limit` the count is a bound ("more than"), on the same rows as before."""
        for limit, page in [(25, 1), (25, 2), (26, 2), (29, 2), (30, 1), (30, 2)]:
            with self.subTest(limit=limit, page=page), \
                    mock.patch.object(BoundedCountPaginator, "count_limit", limit):
                ids_once = self.page(f"q=sawit&page={page}")
                with mock.patch.object(CooperativeListView, "search_alone_by_name", return_value=False):
                    two_reads = self.page(f"q=sawit&page={page}")
                self.assertIsInstance(ids_once.context["paginator"], MatchingIdsPaginator)
                self.assertNotIsInstance(two_reads.context["paginator"], MatchingIdsPaginator)
                for attribute in ("count", "count_is_exact", "count_is_estimate", "num_pages"):
                    self.assertEqual(getattr(ids_once.context["paginator"], attribute),
                                     getattr(two_reads.context["paginator"], attribute), attribute)
                self.assertEqual(self.ids(ids_once), self.ids(two_reads))
                self.assertEqual(ids_once.context["paginator"].count_is_exact, limit >= 30)

    def test_a_page_after_a_row_counts_from_the_same_ids(self):
        expected = plain("sawit")
        response = self.page(f"q=sawit&{AFTER}={expected[PAGE - 1]}")
        self.assertEqual(self.ids(response), expected[PAGE:])
        self.assertEqual(response.context["paginator"].count, len(expected))

    def test_two_reads_for_another_filter_order_or_an_area(self):
        """The ids are read once only where an index walks them (migration 0041); the rest as before."""
        for query in ("q=sawit&status=aktif", "q=sawit&urut=status", "q=sawit&urut=kecamatan", "status=aktif", ""):
            with self.subTest(query=query):
                paginator = self.page(query).context["paginator"]
                self.assertNotIsInstance(paginator, MatchingIdsPaginator)
        self.assertEqual(self.ids(self.page("q=sawit&urut=status")),
                         list(Cooperative.objects.filter(search_q("sawit")).order_by("status", "id")
                              .values_list("pk", flat=True)[:PAGE]))
        limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        self.client.force_login(limited)
        response = self.page("q=sawit")
        self.assertNotIsInstance(response.context["paginator"], MatchingIdsPaginator)
        area = Cooperative.objects.for_user(limited)
        self.assertEqual(response.context["paginator"].count, len(plain("sawit", area)))
        self.assertEqual(self.ids(response), plain("sawit", area)[:PAGE])
        self.assertLess(len(plain("sawit", area)), len(plain("sawit")))  # the area filter is in force

    def test_constant_queries(self):
        self.page("q=sawit")  # warm caches; stores the list's query in the session
        for n in range(30):
            make_cooperative(name=f"Koperasi Sawit Tambahan {n}")
        # 1 session, 2 user with the access token (registry/access.py), 3 the ids of the first 10,001
        # matches in the list's order (the count), 4 the page's rows by id (desa and kecamatan joined).
        with self.assertNumQueries(4), CaptureQueriesContext(connection) as queries:
            response = self.page("q=sawit")
        self.assertEqual(len(response.context["object_list"]), PAGE)
        # The rows are read by id, not by walking the search again (nor before the ids, as a list that
        # may fit on its first page is: KeysetPaginationMixin._first_page).
        ids, rows = [q["sql"] for q in queries.captured_queries if '"registry_cooperative"' in q["sql"]]
        self.assertNotIn("kecamatan_name", ids)
        self.assertIn('"registry_cooperative"."id" IN (', rows)


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_search_s_ids_are_walked_in_the_search_index(client):
    """The ids statement is answered from cooperative_search_walk alone, in its order: the name, the
    id and the three UPPER values the search tests (migration 0041). The planner is told not to read
    the table whole nor to sort, as it would not at national size."""
    for n in range(5):
        make_cooperative(name=f"Koperasi Sawit {n}")
    client.force_login(make_user("Petugas"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/koperasi/?q=sawit").status_code == 200
    statements = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT ARRAY(")]
    assert len(statements) == 1, captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        # A handful of rows would be sorted after any scan; at national size the sort is what the walk saves.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("EXPLAIN " + statements[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using cooperative_search_walk on registry_cooperative" in plan, plan
    assert "Sort" not in plan, plan
