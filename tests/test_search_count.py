"""A search's count: exact up to `search_count_limit` matches, "more than" beyond, and every match
still reachable page after page.

The bound stands in at 3 here for 1,000 (registry/paginators.py): exactly 3 matches are counted
exactly, 4 are "more than 3". The same list without a search keeps the filters' bound (10,000).
"""

from unittest import mock

from django.test import TestCase

from registry.paginators import AFTER, BoundedCountPaginator, KeysetPaginationMixin, MatchingIdsPaginator
from registry.views.cooperatives import CooperativeListView
from registry.views.members import MemberListView
from tests.builders import make_cooperative, make_finding, make_member, make_partnership, make_training, make_user

BOUND = 3
# Each list, and what it lists in the fixture: 4 records found by "banyak", 3 by "tepat", 8 in all.
LISTS = ["/koperasi/", "/anggota/", "/kemitraan/", "/pelatihan/", "/temuan/"]


class SearchCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        for word, n in (("Banyak", 4), ("Tepat", 3), ("Lain", 1)):
            for i in range(n):
                cooperative = make_cooperative(name=f"Koperasi {word} {i}")
                make_member(cooperative, name=f"Siti {word} {i}")
                make_partnership(cooperative)
                make_finding(cooperative)
                make_training(title=f"Bimtek {word} {i}")

    def setUp(self):
        self.client.force_login(make_user("Petugas"))

    def counted(self, path):
        """The page with its count asked of the paginator, as a list longer than its page asks it (a
        list that fits on its first page is counted by its rows: tests/test_first_page.py)."""
        with mock.patch.object(BoundedCountPaginator, "search_count_limit", BOUND), \
                mock.patch.object(KeysetPaginationMixin, "_first_page", return_value=None):
            response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        return response, response.context["paginator"]

    def test_a_search_is_counted_up_to_its_bound(self):
        for path in LISTS:
            with self.subTest(path):
                response, paginator = self.counted(f"{path}?q=tepat")
                self.assertEqual((paginator.count, paginator.count_is_exact), (BOUND, True))
                self.assertEqual(len(response.context["object_list"]), BOUND)

                response, paginator = self.counted(f"{path}?q=banyak")
                self.assertEqual((paginator.count, paginator.count_is_exact, paginator.count_is_estimate),
                                 (BOUND + 1, False, False))
                self.assertContains(response, f"lebih dari {BOUND} ")
                self.assertContains(response, "perjelas kata pencarian")
                self.assertEqual(len(response.context["object_list"]), 4)  # the count bounds no row

    def test_the_same_list_without_a_search_keeps_the_filters_bound(self):
        for path in LISTS:
            with self.subTest(path):
                response, paginator = self.counted(path)
                self.assertEqual((paginator.count, paginator.count_is_exact), (8, True))
                self.assertEqual(paginator.count_limit, BoundedCountPaginator.count_limit)
                self.assertContains(response, '<p class="result-count" role="status"><strong>8</strong>')
                # Blank words are no search: the whole list, counted as such.
                _response, paginator = self.counted(f"{path}?q=+")
                self.assertEqual((paginator.count, paginator.count_is_exact), (8, True))

    def test_a_lower_filter_bound_stays_in_force_under_a_search(self):
        with mock.patch.object(BoundedCountPaginator, "count_limit", 2):
            _response, paginator = self.counted("/anggota/?q=tepat")
        self.assertEqual((paginator.count, paginator.count_is_exact), (3, False))

    def test_every_match_is_reached_past_the_bound(self):
        """Pages of 2 and a bound of 2: "Berikutnya" (after the last row shown) goes on to the 3rd and
        4th matches, where the count stopped at "more than 2"."""
        for path, view in (("/koperasi/", CooperativeListView), ("/anggota/", MemberListView)):
            with self.subTest(path), mock.patch.object(BoundedCountPaginator, "search_count_limit", 2), \
                    mock.patch.object(view, "paginate_by", 2):
                first = self.client.get(f"{path}?q=banyak")
                paginator = first.context["paginator"]
                self.assertEqual((paginator.count, paginator.count_is_exact), (3, False))
                if path == "/koperasi/":  # the ids of a name search are read once, up to the bound
                    self.assertIsInstance(paginator, MatchingIdsPaginator)
                shown = [row.pk for row in first.context["object_list"]]
                following = self.client.get(f"{path}?q=banyak&{AFTER}={shown[-1]}")
                shown += [row.pk for row in following.context["object_list"]]
                self.assertFalse(following.context["page_obj"].has_next())
                names = [row.name for row in first.context["object_list"]] + [
                    row.name for row in following.context["object_list"]]
                self.assertEqual(len(set(shown)), 4)
                self.assertTrue(all("Banyak" in name for name in names), names)
