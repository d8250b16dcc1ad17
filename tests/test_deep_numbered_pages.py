"""Numbered pages deep in a list (registry/paginators.py, BoundedCountPaginator.page_rows_at): past
`deferred_join_offset` rows a page reads its rows' ids in the list's order first, then those rows.
The same rows as OFFSET on every page of every list and sort, the last page included, in a
limited Petugas's area as in the district's, and no query more."""

import datetime
from unittest import mock

from django.db import connection, reset_queries
from django.db.models import F
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry.models import Assessment, Cooperative, Finding, ImportBatch, Member, Partnership, RubricVersion, Training
from registry.paginators import BoundedCountPaginator
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

PAGE = 3
DEEP = 2 * PAGE  # rows skipped before a page reads its ids first: page 3 on


def page_ids(response):
    return [row.pk for row in response.context["object_list"]]


def rows_statement(queries, table):
    """The statement that read the page's rows: the list's table's rows (not a count), with a LIMIT."""
    found = [q["sql"] for q in queries if q["sql"].startswith(f'SELECT "{table}"."id"') and "LIMIT" in q["sql"]]
    return found[-1] if found else ""


@mock.patch.object(BoundedCountPaginator, "deferred_join_offset", DEEP)
@mock.patch.object(CooperativeListView, "paginate_by", PAGE)
@mock.patch.object(MemberListView, "paginate_by", PAGE)
@mock.patch.object(AssessmentListView, "paginate_by", PAGE)
@mock.patch.object(PartnershipListView, "paginate_by", PAGE)
@mock.patch.object(TrainingListView, "paginate_by", PAGE)
@mock.patch.object(FindingListView, "paginate_by", PAGE)
@mock.patch.object(ImportBatchListView, "paginate_by", PAGE)
class DeepNumberedPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("Admin Dinas")
        places = (SANGATTA_UTARA, MUARA_WAHAU, SANGATTA_SELATAN)
        same_time = timezone.now() - datetime.timedelta(days=3)
        # Names repeat, so the list's order rests on the id within a tie, across page edges.
        cls.cooperatives = []
        for n in range(20):
            name = "Koperasi Sama" if n % 3 == 0 else f"Koperasi {chr(90 - n)}"
            cooperative = make_cooperative(name=name, kecamatan=places[n % 3],
                                           status=("aktif", "tidak_aktif")[n % 2])
            if n % 2:
                Cooperative.objects.filter(pk=cooperative.pk).update(updated_at=same_time)
            cls.cooperatives.append(cooperative)
        rubric = RubricVersion.objects.order_by("-year").first()
        day = datetime.date
        for n, cooperative in enumerate(cls.cooperatives):
            make_member(cooperative, name="Siti" if n % 2 else f"Anggota {n}")
            make_member(cooperative, name="Siti")
            make_finding(cooperative, due_date=day(2025, 3, 10 + n % 2))
            make_partnership(cooperative, start_date=None if n % 3 == 0 else day(2024, 1 + n % 2, 1))
            make_training(start_date=day(2025, 5, 5 + n % 2), end_date=day(2025, 5, 8))
            ImportBatch.objects.create(kind="anggota", file_name=f"{n}.csv", user=cls.admin,
                                       created_at=timezone.now() - datetime.timedelta(hours=n % 2))
            for year in (2023, 2024):
                Assessment.objects.create(cooperative=cooperative, year=year, rubric=rubric)

    def setUp(self):
        self.client.force_login(self.admin)

    def lists(self):
        nulls_first = F("start_date").desc(nulls_first=True)
        return {
            "/koperasi/": (Cooperative.objects.order_by("name", "id"), "registry_cooperative"),
            "/koperasi/?urut=-diperbarui": (Cooperative.objects.order_by("-updated_at", "-id"), "registry_cooperative"),
            "/koperasi/?urut=kecamatan": (Cooperative.objects.order_by("desa__kecamatan__name", "id"),
                                          "registry_cooperative"),
            "/koperasi/?status=aktif": (Cooperative.objects.filter(status="aktif").order_by("name", "id"),
                                        "registry_cooperative"),
            "/anggota/": (Member.objects.order_by("cooperative__name", "cooperative__id", "name", "id"),
                          "registry_member"),
            "/anggota/?q=siti": (Member.objects.filter(name="Siti")
                                 .order_by("cooperative__name", "cooperative__id", "name", "id"), "registry_member"),
            "/penilaian/": (Assessment.objects.order_by("-year", "cooperative__name", "id"), "registry_assessment"),
            "/kemitraan/": (Partnership.objects.order_by(nulls_first, "-id"), "registry_partnership"),
            "/pelatihan/": (Training.objects.order_by("-start_date", "-id"), "registry_training"),
            "/temuan/": (Finding.objects.order_by("due_date", "id"), "registry_finding"),
            "/impor/riwayat/": (ImportBatch.objects.order_by("-created_at", "-id"), "registry_importbatch"),
        }

    def test_every_numbered_page_shows_the_rows_of_its_place_in_the_order(self):
        for url, (ordering, _table) in self.lists().items():
            expected = list(ordering.values_list("pk", flat=True))
            pages = -(-len(expected) // PAGE)
            self.assertGreater(pages, 3, url)  # deep pages exist, the last one part-filled or full
            joiner = "&" if "?" in url else "?"
            for number in range(1, pages + 1):
                with self.subTest(url=url, page=number):
                    response = self.client.get(f"{url}{joiner}page={number}")
                    self.assertEqual(page_ids(response), expected[(number - 1) * PAGE:number * PAGE])

    def test_a_deep_page_reads_its_ids_first_and_a_near_one_by_offset(self):
        for url, (_ordering, table) in self.lists().items():
            joiner = "&" if "?" in url else "?"
            with self.subTest(url=url):
                # Each page asked twice, the second counted: the first keeps the list's address in
                # the session (the "back to the list" link) and reads the area.
                self.client.get(f"{url}{joiner}page=2")
                reset_queries()  # the log keeps 9,000 statements: a full one would shift the capture
                with CaptureQueriesContext(connection) as near:
                    self.client.get(f"{url}{joiner}page=2")  # rows 4-6: OFFSET 3 < DEEP
                near_queries = list(near.captured_queries)  # read from the log, which is cleared below
                self.client.get(f"{url}{joiner}page=3")
                reset_queries()
                with CaptureQueriesContext(connection) as deep:
                    self.client.get(f"{url}{joiner}page=3")  # rows 7-9: OFFSET 6 = DEEP
                self.assertNotIn("IN (SELECT", rows_statement(near_queries, table))
                statement = rows_statement(deep.captured_queries, table)
                self.assertIn("IN (SELECT", statement)
                self.assertIn("OFFSET 6", statement)
                self.assertEqual(len(deep.captured_queries), len(near_queries))

    def test_the_last_page_and_a_page_past_it(self):
        expected = list(Cooperative.objects.order_by("name", "id").values_list("pk", flat=True))
        last = -(-len(expected) // PAGE)
        response = self.client.get(f"/koperasi/?page={last}")
        self.assertEqual(page_ids(response), expected[(last - 1) * PAGE:])
        self.assertFalse(response.context["page_obj"].has_next())
        self.assertEqual(self.client.get(f"/koperasi/?page={last + 1}").status_code, 404)
        self.assertEqual(page_ids(self.client.get("/koperasi/?page=last")), expected[(last - 1) * PAGE:])

    def test_a_limited_petugas_s_deep_page_holds_only_their_area(self):
        limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA, MUARA_WAHAU])
        self.client.force_login(limited)
        inside = Cooperative.objects.filter(desa__kecamatan__in=[SANGATTA_UTARA, MUARA_WAHAU])
        expected = list(inside.order_by("name", "id").values_list("pk", flat=True))
        self.assertGreater(len(expected), DEEP + PAGE)
        response = self.client.get("/koperasi/?page=3")
        self.assertEqual(page_ids(response), expected[DEEP:DEEP + PAGE])
        members = list(Member.objects.filter(cooperative__in=inside)
                       .order_by("cooperative__name", "cooperative__id", "name", "id").values_list("pk", flat=True))
        self.assertEqual(page_ids(self.client.get("/anggota/?page=4")), members[3 * PAGE:4 * PAGE])


class PaginatorWithoutCountedRowsTests(TestCase):
    """Django admin's changelists use the paginator without counted rows: OFFSET, as Django's own."""

    def test_plain_offset_without_counted_rows(self):
        for n in range(7):
            make_cooperative(name=f"Koperasi {n}")
        rows = Cooperative.objects.order_by("name", "id")
        paginator = BoundedCountPaginator(rows, 2)
        paginator.deferred_join_offset = 0
        page = paginator.page(3)
        self.assertEqual([c.pk for c in page.object_list], list(rows.values_list("pk", flat=True))[4:6])
        self.assertNotIn("IN (SELECT", str(page.object_list.query))
