"""Pages that continue from a row (registry/paginators.py, KeysetPaginationMixin): "Berikutnya" and
"Sebelumnya" walk every list in its order, ties included, under every sort and filter, at the cost
of the first page; a cursor is only a row's id, and one outside the user's area is a 404."""

import datetime
import html
import re
from unittest import mock

from django.db.models import F
from django.test import TestCase
from django.utils import timezone

from registry.models import Assessment, Cooperative, Finding, ImportBatch, Member, Partnership, Training
from registry.paginators import AFTER, BEFORE, SortKey, seek_q, sort_keys
from registry.views.assessments import AssessmentListView
from registry.views.cooperatives import CooperativeListView
from registry.views.findings import FindingListView
from registry.views.imports import ImportBatchListView
from registry.views.members import MemberListView
from registry.views.partnerships import PartnershipListView
from registry.views.trainings import TrainingListView
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_SELATAN,
    SANGATTA_UTARA,
    make_cooperative,
    make_finding,
    make_member,
    make_partnership,
    make_training,
    make_user,
)

PAGE = 3  # rows per page in these tests: ties fall across page boundaries

NEXT = re.compile(r'<a href="([^"]*)" rel="next">')
PREVIOUS = re.compile(r'<a href="([^"]*)" rel="prev">')


def link(pattern, response):
    found = pattern.search(response.content.decode())
    return html.unescape(found.group(1)) if found else None


class WalkMixin:
    """Follows a list's "Berikutnya" (or "Sebelumnya") links to the end, collecting the rows' ids."""

    def walk(self, url, pattern=NEXT, *, limit=50):
        ids, pages = [], []
        while url and len(pages) < limit:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            page = [row.pk for row in response.context["object_list"]]
            ids.extend(page if pattern is NEXT else reversed(page))
            pages.append(url)
            next_url = link(pattern, response)
            url = next_url and (next_url if next_url.startswith("/") else response.request["PATH_INFO"] + next_url)
        return ids if pattern is NEXT else list(reversed(ids)), pages


@mock.patch.object(CooperativeListView, "paginate_by", PAGE)
class CooperativeKeysetTests(WalkMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        same_time = timezone.now() - datetime.timedelta(days=3)
        statuses = ["aktif", "tidak_aktif", "aktif", "dalam_pembinaan", "aktif"]
        places = [SANGATTA_UTARA, SANGATTA_SELATAN, MUARA_WAHAU]
        for n in range(17):
            # Five rows share a name and ties fill every other sort column, so pages split ties.
            name = "Koperasi Sama" if n % 3 == 0 else f"Koperasi {chr(65 + n)}"
            cooperative = make_cooperative(name=name, status=statuses[n % 5], kecamatan=places[n % 3])
            if n % 2:
                Cooperative.objects.filter(pk=cooperative.pk).update(updated_at=same_time)

    def setUp(self):
        self.client.force_login(self.petugas)

    def expected(self, ordering):
        return list(Cooperative.objects.order_by(*ordering).values_list("pk", flat=True))

    def test_next_and_previous_walk_every_sort_order_in_full(self):
        orders = {
            "": ["name", "id"], "nama": ["name", "id"], "-nama": ["-name", "-id"],
            "kecamatan": ["desa__kecamatan__name", "id"], "-kecamatan": ["-desa__kecamatan__name", "-id"],
            "status": ["status", "id"], "-status": ["-status", "-id"],
            "diperbarui": ["updated_at", "id"], "-diperbarui": ["-updated_at", "-id"],
        }
        for urut, ordering in orders.items():
            with self.subTest(urut=urut):
                expected = self.expected(ordering)
                forward, pages = self.walk(f"/koperasi/?urut={urut}")
                self.assertEqual(forward, expected)
                self.assertEqual(len(pages), 6)  # 17 rows, 3 a page
                self.assertTrue(all(AFTER in url for url in pages[1:]))
                # From the last page back to the first, by "Sebelumnya" only.
                backward, _pages = self.walk(pages[-1], PREVIOUS)
                self.assertEqual(backward, expected)

    def test_a_page_starts_right_after_the_row_named_even_inside_a_tie(self):
        ties = self.expected(["name", "id"])[:5]  # the five "Koperasi Sama"
        response = self.client.get(f"/koperasi/?{AFTER}={ties[1]}")
        self.assertEqual([row.pk for row in response.context["object_list"]], ties[2:5])
        response = self.client.get(f"/koperasi/?{BEFORE}={ties[4]}")
        self.assertEqual([row.pk for row in response.context["object_list"]], ties[1:4])

    def test_the_first_and_last_pages_say_where_the_list_ends(self):
        expected = self.expected(["name", "id"])
        response = self.client.get(f"/koperasi/?{BEFORE}={expected[3]}")
        self.assertEqual([row.pk for row in response.context["object_list"]], expected[:3])
        self.assertIsNone(link(PREVIOUS, response))
        self.assertIsNotNone(link(NEXT, response))
        response = self.client.get(f"/koperasi/?{AFTER}={expected[-3]}")
        self.assertEqual([row.pk for row in response.context["object_list"]], expected[-2:])
        self.assertIsNone(link(NEXT, response))
        self.assertIsNotNone(link(PREVIOUS, response))

    def test_past_either_end_the_list_s_own_end_is_shown(self):
        """Nothing after the last row (or before the first): the last (first) page, not an empty one."""
        expected = self.expected(["name", "id"])
        response = self.client.get(f"/koperasi/?{AFTER}={expected[-1]}")
        self.assertEqual([row.pk for row in response.context["object_list"]], expected[-3:])
        self.assertIsNone(link(NEXT, response))
        self.assertIsNotNone(link(PREVIOUS, response))
        response = self.client.get(f"/koperasi/?{BEFORE}={expected[0]}")
        self.assertEqual([row.pk for row in response.context["object_list"]], expected[:3])
        self.assertIsNone(link(PREVIOUS, response))
        self.assertIsNotNone(link(NEXT, response))

    def test_filters_and_the_sort_are_kept_in_the_links(self):
        query = f"status=aktif&kecamatan={SANGATTA_UTARA}&urut=-nama"
        matching = Cooperative.objects.filter(status="aktif", desa__kecamatan=SANGATTA_UTARA)
        expected = list(matching.order_by("-name", "-id").values_list("pk", flat=True))
        self.assertGreater(len(expected), PAGE)
        forward, pages = self.walk(f"/koperasi/?{query}")
        self.assertEqual(forward, expected)
        for url in pages[1:]:
            self.assertIn(query, url)
        self.assertNotIn("page=", pages[-1])

    def test_numbered_links_for_the_first_pages_only(self):
        with mock.patch("registry.paginators.NUMBERED_PAGES", 4):
            response = self.client.get("/koperasi/")
        content = response.content.decode()
        self.assertEqual(re.findall(r'href="\?page=(\d+)"', content), ["2", "3", "4", "6"])  # 6: "Terakhir"
        self.assertIn('<span class="page-current" aria-current="page">1</span>', content)
        page_two = self.client.get("/koperasi/?page=2")
        self.assertEqual(page_two.context["page_obj"].number, 2)
        self.assertContains(page_two, "Halaman 2 dari 6")

    def test_a_cursor_carries_an_id_and_nothing_else(self):
        response = self.client.get("/koperasi/?q=Sama")
        next_url = link(NEXT, response)
        self.assertRegex(next_url, rf"^\?q=Sama&{AFTER}=\d+$")  # the search the user typed, and an id

    def test_a_sort_link_or_a_filter_removal_starts_again_from_the_first_page(self):
        first = self.expected(["name", "id"])[0]
        response = self.client.get(f"/koperasi/?status=aktif&{AFTER}={first}")
        content = html.unescape(response.content.decode())
        self.assertIn('href="?status=aktif&urut=nama"', content)
        self.assertNotIn(f"urut=nama&{AFTER}", content)
        self.assertEqual(response.context["active_filters"][0].remove_url, "/koperasi/")

    def test_a_row_that_left_the_filter_still_marks_its_place(self):
        expected = list(Cooperative.objects.filter(status="aktif").order_by("name", "id").values_list("pk", flat=True))
        Cooperative.objects.filter(pk=expected[2]).update(status="dibubarkan")
        response = self.client.get(f"/koperasi/?status=aktif&{AFTER}={expected[2]}")
        self.assertEqual([row.pk for row in response.context["object_list"]], expected[3:6])

    def test_bad_cursors_are_refused_without_an_error(self):
        first = self.expected(["name", "id"])[0]
        for bad in ["abc", "-1", "1.5", "9" * 19, "١", "1 OR 1=1"]:
            with self.subTest(bad=bad):
                response = self.client.get("/koperasi/", {AFTER: bad})
                self.assertContains(response, "Halaman berikutnya harus berupa angka", status_code=400)
                response = self.client.get("/koperasi/", {BEFORE: bad})
                self.assertContains(response, "Halaman sebelumnya harus berupa angka", status_code=400)
        unknown = Cooperative.objects.order_by("-pk").first().pk + 1000
        self.assertEqual(self.client.get(f"/koperasi/?{AFTER}={unknown}").status_code, 404)
        self.assertEqual(self.client.get(f"/koperasi/?{BEFORE}={'9' * 18}").status_code, 404)
        self.assertEqual(self.client.get(f"/koperasi/?{AFTER}={first}&{BEFORE}={first}").status_code, 404)
        empty = self.client.get(f"/koperasi/?{AFTER}=")  # the "semua" of a form: the first page
        self.assertEqual(empty.context["page_obj"].number, 1)

    def test_a_cursor_from_another_kecamatan_is_a_404_for_a_limited_petugas(self):
        limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        self.client.force_login(limited)
        inside = Cooperative.objects.filter(desa__kecamatan=SANGATTA_UTARA).order_by("name", "id")
        outside = Cooperative.objects.exclude(desa__kecamatan=SANGATTA_UTARA).first()
        for cursor in (AFTER, BEFORE):
            with self.subTest(cursor=cursor):
                self.assertEqual(self.client.get(f"/koperasi/?{cursor}={outside.pk}").status_code, 404)
        response = self.client.get(f"/koperasi/?{AFTER}={inside[0].pk}")
        self.assertEqual([row.pk for row in response.context["object_list"]], [c.pk for c in inside[1:4]])

    def test_constant_queries_on_a_deep_page(self):
        deep = self.expected(["name", "id"])[-6]
        self.client.get(f"/koperasi/?urut=-diperbarui&{AFTER}={deep}")  # warm caches, the session's list query
        # 1 session, 2 user with the access token (registry/access.py), 3 the cursor row's sort values (by id,
        # in the user's area), 4 the page of rows after it (desa and kecamatan joined), 5 bounded count.
        with self.assertNumQueries(5):
            response = self.client.get(f"/koperasi/?urut=-diperbarui&{AFTER}={deep}")
        self.assertEqual(len(response.context["object_list"]), PAGE)
        for n in range(20):
            make_cooperative(name=f"Koperasi Tambahan {n}")
        self.client.get(f"/koperasi/?urut=-diperbarui&{BEFORE}={deep}")
        with self.assertNumQueries(5):
            self.client.get(f"/koperasi/?urut=-diperbarui&{BEFORE}={deep}")


class SortKeyTests(TestCase):
    """What a list is ordered by, read from its queryset: relations replaced by their own ordering."""

    def test_a_relation_in_the_ordering_sorts_by_that_model_s_own_order(self):
        # Cooperative's Meta.ordering is ["name", "id"].
        self.assertEqual(sort_keys(Member.objects.order_by("cooperative", "name")), [
            SortKey("cooperative__name", False, False), SortKey("cooperative__id", False, False),
            SortKey("name", False, False), SortKey("id", False, False),
        ])
        self.assertEqual(sort_keys(Member.objects.order_by("-cooperative")), [
            SortKey("cooperative__name", True, False), SortKey("cooperative__id", True, False),
            SortKey("id", False, False),
        ])

    def test_a_relations_own_column_sorts_by_the_id(self):
        # Member's Meta.ordering: the copy of the cooperative's name, then the cooperative's id column
        # (not the cooperative's own ordering), so that one index of the member table serves it.
        self.assertEqual(sort_keys(Member.objects.all()), [
            SortKey("cooperative_name", False, False), SortKey("cooperative_id", False, False),
            SortKey("name", False, False), SortKey("id", False, False),
        ])
        self.assertEqual(sort_keys(Member.objects.order_by("-cooperative_id")), [
            SortKey("cooperative_id", True, False), SortKey("id", False, False),
        ])

    def test_the_primary_key_ends_every_order_and_nullable_columns_are_known(self):
        self.assertEqual(sort_keys(Cooperative.objects.order_by("-certificate_expiry")), [
            SortKey("certificate_expiry", True, True), SortKey("id", False, False),
        ])
        self.assertEqual(sort_keys(Cooperative.objects.order_by("status", "-pk")), [
            SortKey("status", False, False), SortKey("id", True, False),
        ])

    def test_an_ordering_by_expression_is_refused_loudly(self):
        with self.assertRaises(ValueError):
            sort_keys(Cooperative.objects.order_by(F("name").asc()))

    def test_seek_past_nulls_in_both_directions(self):
        """A NULL sorts as the largest value: after it ascending come only NULLs; descending, all values."""
        dates = [None, datetime.date(2030, 1, 1), None, datetime.date(2029, 1, 1), datetime.date(2030, 1, 1)]
        rows = [make_cooperative(certificate_expiry=day) for day in dates]
        ids = [row.pk for row in rows]
        queryset = Cooperative.objects.filter(pk__in=ids)
        for ordering in (["certificate_expiry", "id"], ["-certificate_expiry", "id"], ["-certificate_expiry", "-id"]):
            keys = sort_keys(queryset.order_by(*ordering))
            ordered = list(queryset.order_by(*(key.order() for key in keys)))
            for position, row in enumerate(ordered):
                values = [getattr(row, key.path) for key in keys]
                with self.subTest(ordering=ordering, position=position):
                    after = queryset.filter(seek_q(keys, values)).order_by(*(key.order() for key in keys))
                    self.assertEqual(list(after), ordered[position + 1:])
                    before = queryset.filter(seek_q(keys, values, forward=False))
                    self.assertEqual(list(before.order_by(*(key.order() for key in keys))), ordered[:position])
            nulls = [row.pk for row in ordered if row.certificate_expiry is None]
            where = [row.pk for row in ordered[:2]] if ordering[0].startswith("-") else [row.pk for row in ordered[-2:]]
            self.assertEqual(sorted(where), sorted(nulls))  # NULLs last ascending, first descending, everywhere


def rubric():
    from registry.models import RubricVersion

    return RubricVersion.objects.order_by("-year").first()


@mock.patch.object(MemberListView, "paginate_by", PAGE)
@mock.patch.object(AssessmentListView, "paginate_by", PAGE)
@mock.patch.object(PartnershipListView, "paginate_by", PAGE)
@mock.patch.object(TrainingListView, "paginate_by", PAGE)
@mock.patch.object(FindingListView, "paginate_by", PAGE)
@mock.patch.object(ImportBatchListView, "paginate_by", PAGE)
class OtherListsKeysetTests(WalkMixin, TestCase):
    """Every list with keyset pages, walked both ways through ties (and NULLs where its sort column
    has them): the same rows in the same order as the list's own ordering."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("Admin Dinas")
        # Two cooperatives of one name: the member and assessment orders tie on it.
        places = (SANGATTA_UTARA, MUARA_WAHAU, SANGATTA_UTARA)
        twins = [make_cooperative(name="Koperasi Kembar", kecamatan=place) for place in places]
        cls.cooperatives = [*twins, make_cooperative(name="Koperasi Awal", kecamatan=SANGATTA_SELATAN),
                            make_cooperative(name="Koperasi Zaitun", kecamatan=SANGATTA_UTARA)]
        day = datetime.date
        for n, cooperative in enumerate(cls.cooperatives * 3):
            make_member(cooperative, name="Siti" if n % 2 else f"Anggota {n}")
            make_finding(cooperative, due_date=day(2025, 3, 10 + n % 2))
            # Partnerships without a start date sort first in the newest-first list.
            make_partnership(cooperative, start_date=None if n % 3 == 0 else day(2024, 1 + n % 2, 1))
            make_training(start_date=day(2025, 5, 5 + n % 2), end_date=day(2025, 5, 8))
            ImportBatch.objects.create(kind="anggota", file_name=f"{n}.csv", user=cls.admin,
                                       created_at=timezone.now() - datetime.timedelta(hours=n % 2))
        for cooperative in cls.cooperatives:
            for year in (2023, 2024):
                Assessment.objects.create(cooperative=cooperative, year=year, rubric=rubric())

    def setUp(self):
        self.client.force_login(self.admin)

    def lists(self):
        nulls_first = F("start_date").desc(nulls_first=True)
        return {
            "/anggota/": Member.objects.order_by("cooperative__name", "cooperative__id", "name", "id"),
            "/penilaian/": Assessment.objects.order_by("-year", "cooperative__name", "id"),
            "/kemitraan/": Partnership.objects.order_by(nulls_first, "-id"),
            "/pelatihan/": Training.objects.order_by("-start_date", "-id"),
            "/temuan/": Finding.objects.order_by("due_date", "id"),
            "/impor/riwayat/": ImportBatch.objects.order_by("-created_at", "-id"),
        }

    def test_next_and_previous_walk_every_list_in_full(self):
        for url, ordering in self.lists().items():
            with self.subTest(url=url):
                expected = list(ordering.values_list("pk", flat=True))
                self.assertGreaterEqual(len(expected), 3 * PAGE)
                forward, pages = self.walk(url)
                self.assertEqual(forward, expected)
                self.assertTrue(all(AFTER in page for page in pages[1:]))
                backward, _pages = self.walk(pages[-1], PREVIOUS)
                self.assertEqual(backward, expected)

    def test_filters_are_kept_in_the_links(self):
        queries = {
            "/anggota/": ("q=Siti", Member.objects.filter(name__icontains="Siti").order_by(
                "cooperative__name", "cooperative__id", "name", "id")),
            "/penilaian/": ("tahun=2024", Assessment.objects.filter(year=2024).order_by("cooperative__name", "id")),
            "/temuan/": (f"kecamatan={SANGATTA_UTARA}", Finding.objects.filter(
                cooperative__desa__kecamatan=SANGATTA_UTARA).order_by("due_date", "id")),
        }
        for url, (query, ordering) in queries.items():
            with self.subTest(url=url):
                forward, pages = self.walk(f"{url}?{query}")
                self.assertEqual(forward, list(ordering.values_list("pk", flat=True)))
                self.assertGreater(len(pages), 1)
                self.assertTrue(all(query in page for page in pages))

    def test_a_cursor_from_another_kecamatan_is_a_404_for_a_limited_petugas(self):
        self.client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
        inside, outside = self.cooperatives[0], self.cooperatives[1]
        for url, model in (("/anggota/", Member), ("/penilaian/", Assessment), ("/temuan/", Finding)):
            theirs = model.objects.filter(cooperative=outside).first()
            ours = model.objects.filter(cooperative=inside).order_by("pk").first()
            for cursor in (AFTER, BEFORE):
                with self.subTest(url=url, cursor=cursor):
                    self.assertEqual(self.client.get(f"{url}?{cursor}={theirs.pk}").status_code, 404)
                    self.assertEqual(self.client.get(f"{url}?{cursor}={ours.pk}").status_code, 200)

    def test_constant_queries_on_a_deep_member_page(self):
        deep = Member.objects.order_by("cooperative__name", "cooperative__id", "name", "id")[5]
        url = f"/anggota/?{AFTER}={deep.pk}"
        self.client.get(url)  # warm caches
        # 1 session, 2 user with the access token (registry/access.py), 3 the cursor row's sort values (by id,
        # in the user's area), 4 the page of members after it (cooperative, desa, kecamatan joined),
        # 5 bounded count.
        with self.assertNumQueries(5):
            response = self.client.get(url)
        self.assertEqual(len(response.context["object_list"]), PAGE)
        for n in range(20):
            make_member(self.cooperatives[0], name=f"Anggota Tambahan {n}")
        with self.assertNumQueries(5):
            self.client.get(url)

    def test_a_bad_cursor_on_every_list(self):
        for url in self.lists():
            with self.subTest(url=url):
                self.assertEqual(self.client.get(f"{url}?{AFTER}=abc").status_code, 400)
                self.assertEqual(self.client.get(f"{url}?{BEFORE}={'9' * 18}").status_code, 404)
