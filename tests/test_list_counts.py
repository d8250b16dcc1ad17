"""The count above a list reads the rows without what only the rows shown need.

A list's rows join the cooperative, its desa and kecamatan for their names, and the assessments
compute last year's scores (`page_rows` of each view, registry/paginators.py); a count keeps every
annotation's join, so the count reads the filtered rows as they were before those were added. The
count must still equal the rows the list holds: with a filter that joins (the kecamatan) and in a
kecamatan-limited Petugas's area.
"""

from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from registry.models import Assessment, Cooperative, Desa, RubricVersion
from registry.paginators import BoundedCountPaginator, KeysetPaginationMixin
from registry.services.versioning import save_versioned
from registry.views.members import MemberListView
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_SELATAN,
    SANGATTA_UTARA,
    first_desa,
    make_cooperative,
    make_finding,
    make_member,
    make_participant,
    make_partnership,
    make_training,
    make_user,
)

LISTS = {
    "/koperasi/": "registry_cooperative",
    "/anggota/": "registry_member",
    "/penilaian/": "registry_assessment",
    "/kemitraan/": "registry_partnership",
    "/temuan/": "registry_finding",
    "/pelatihan/": "registry_training",
}


class ListCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        rubric = RubricVersion.objects.order_by("-year").first()
        cls.inside = [make_cooperative(kecamatan=SANGATTA_UTARA) for _ in range(3)]
        cls.outside = [make_cooperative(kecamatan=MUARA_WAHAU) for _ in range(2)]
        for cooperative in cls.inside + cls.outside:
            make_member(cooperative)
            make_finding(cooperative)
            Assessment.objects.create(cooperative=cooperative, year=2025, rubric=rubric,
                                      status=Assessment.Status.SUBMITTED, score_kelembagaan=70)
        # Inside the area on one side only: the partnership is in the area (either side counts).
        make_partnership(cls.outside[0], partner=cls.inside[0])
        make_partnership(cls.outside[1], partner=cls.outside[0])
        # Every user sees every training; the kecamatan filter keeps those with a participant from it.
        cls.both = make_training(title="Bimtek dua kecamatan")
        make_participant(cls.both, cooperative=cls.inside[0])
        make_participant(cls.both, cooperative=cls.outside[0])
        make_participant(make_training(), cooperative=cls.outside[1])
        make_training()

    def count_query(self, path, table):
        # These lists fit on their first page, whose rows are then the count (no COUNT query:
        # tests/test_first_page.py); the paginator's count is what a longer list runs, asked here.
        with mock.patch.object(KeysetPaginationMixin, "_first_page", return_value=None), \
                CaptureQueriesContext(connection) as queries:
            response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        # The paginator's bounded count (registry/paginators.py), not another figure of the page. A
        # whole table's list on PostgreSQL asks it inside the statement that reads the table's estimate.
        counts = [q["sql"] for q in queries.captured_queries
                  if "SELECT COUNT(*) FROM (SELECT" in q["sql"] and f'FROM "{table}"' in q["sql"]]
        self.assertEqual(len(counts), 1, counts)
        return response, counts[0]

    def test_a_whole_district_list_counts_its_own_table_alone(self):
        self.client.force_login(make_user("Petugas"))
        for path, table in LISTS.items():
            with self.subTest(path):
                response, count = self.count_query(path, table)
                self.assertNotIn("JOIN", count)
                self.assertEqual(response.context["paginator"].count, len(response.context["object_list"]))

    def test_the_count_equals_the_rows_in_an_area_and_under_a_filter(self):
        # (unfiltered, filtered by the area's kecamatan) for a Petugas of Sangatta Utara
        expected = {"/koperasi/": (3, 3), "/anggota/": (3, 3), "/penilaian/": (3, 3), "/kemitraan/": (1, 1),
                    "/temuan/": (3, 3), "/pelatihan/": (3, 1)}
        self.client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
        for path, table in LISTS.items():
            for query, rows in zip(("", f"?kecamatan={SANGATTA_UTARA}"), expected[path], strict=True):
                with self.subTest(path + query):
                    response, _count = self.count_query(path + query, table)
                    self.assertEqual(len(response.context["object_list"]), rows)
                    self.assertEqual(response.context["paginator"].count, rows)
        # The participants counted on a training's row are the area's only.
        response = self.client.get(f"/pelatihan/?kecamatan={SANGATTA_UTARA}")
        self.assertEqual([(t.title, t.participant_count) for t in response.context["object_list"]],
                         [("Bimtek dua kecamatan", 1)])
        self.client.force_login(make_user("Petugas"))
        for path, table in LISTS.items():
            with self.subTest(path, kecamatan=MUARA_WAHAU):
                response, _count = self.count_query(f"{path}?kecamatan={MUARA_WAHAU}", table)
                self.assertEqual(response.context["paginator"].count, len(response.context["object_list"]))
                self.assertEqual(response.context["paginator"].count, 2)


class MemberCountByKecamatanTests(TestCase):
    """The member list narrowed by kecamatan and sex counts its cooperatives' members through the
    cooperatives of the kecamatan (the index on (desa, id) of migration 0040 serves that read at
    national size): the count must stay the list's own rows, exact up to the bound, in every area."""

    @classmethod
    def setUpTestData(cls):
        # Two desa of Sangatta Utara and one of Sangatta Selatan and Muara Wahau each; both sexes.
        north = list(Desa.objects.filter(kecamatan_id=SANGATTA_UTARA).order_by("code")[:2])
        cls.expected = {}
        for desa, kecamatan, women, men in ((north[0], SANGATTA_UTARA, 2, 1), (north[1], SANGATTA_UTARA, 1, 2),
                                            (first_desa(SANGATTA_SELATAN), SANGATTA_SELATAN, 3, 0),
                                            (first_desa(MUARA_WAHAU), MUARA_WAHAU, 1, 1)):
            cooperative = make_cooperative(kecamatan=kecamatan, desa=desa)
            for sex, n in (("P", women), ("L", men)):
                for _ in range(n):
                    make_member(cooperative, sex=sex)
                cls.expected[kecamatan, sex] = cls.expected.get((kecamatan, sex), 0) + n

    def page(self, query):
        response = self.client.get(f"/anggota/?{query}")
        self.assertEqual(response.status_code, 200)
        return response.context["paginator"], response.context["object_list"]

    def test_the_count_is_the_rows_of_each_kecamatan_and_sex(self):
        self.client.force_login(make_user("Petugas"))
        for kecamatan in (SANGATTA_UTARA, SANGATTA_SELATAN, MUARA_WAHAU):
            for sex in ("P", "L"):
                with self.subTest(kecamatan=kecamatan, sex=sex):
                    paginator, rows = self.page(f"kecamatan={kecamatan}&jenis_kelamin={sex}")
                    self.assertEqual(paginator.count, self.expected[kecamatan, sex])
                    self.assertEqual(len(rows), paginator.count)
                    self.assertEqual({(m.cooperative.desa.kecamatan_id, m.sex) for m in rows} or {(kecamatan, sex)},
                                     {(kecamatan, sex)})
        paginator, rows = self.page(f"kecamatan={SANGATTA_UTARA}")
        self.assertEqual((paginator.count, len(rows)), (6, 6))

    def test_a_limited_petugas_counts_their_area_only(self):
        self.client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA, SANGATTA_SELATAN]))
        cases = {"jenis_kelamin=P": 6, "jenis_kelamin=L": 3, "": 9, f"kecamatan={SANGATTA_SELATAN}": 3,
                 f"kecamatan={SANGATTA_UTARA}&jenis_kelamin=P": 3}
        for query, rows in cases.items():
            with self.subTest(query):
                paginator, shown = self.page(query)
                self.assertEqual((paginator.count, len(shown)), (rows, rows))
        # A kecamatan outside the area is no choice of the filter: the list stays the area's.
        paginator, shown = self.page(f"kecamatan={MUARA_WAHAU}&jenis_kelamin=P")
        self.assertNotIn(MUARA_WAHAU, {m.cooperative.desa.kecamatan_id for m in shown})

    def test_the_count_is_exact_up_to_the_bound_and_a_bound_beyond(self):
        """A bound of 3 rows stands in for 10,000: exact at 3, "more than 3" at 4 or more. Pages of 2
        rows, so that the lists are longer than a page and the paginator counts them (a list that
        fits on its page is counted by its rows: tests/test_first_page.py)."""
        self.client.force_login(make_user("Petugas"))
        with mock.patch.object(BoundedCountPaginator, "count_limit", 3), \
                mock.patch.object(MemberListView, "paginate_by", 2):
            paginator, _rows = self.page(f"kecamatan={SANGATTA_UTARA}&jenis_kelamin=P")
            self.assertEqual((paginator.count, paginator.count_is_exact), (3, True))
            paginator, _rows = self.page(f"kecamatan={SANGATTA_UTARA}")
            self.assertEqual((paginator.count, paginator.count_is_exact), (4, False))
            self.assertContains(self.client.get(f"/anggota/?kecamatan={SANGATTA_UTARA}"), "lebih dari 3 ")

    def test_a_cooperative_moved_to_another_kecamatan_takes_its_members_count_along(self):
        self.client.force_login(make_user("Petugas"))
        moved = Cooperative.objects.filter(desa__kecamatan=SANGATTA_SELATAN).get()
        moved.desa = first_desa(MUARA_WAHAU)
        save_versioned(instance=moved, expected_version=moved.version, reason="Pindah alamat")
        self.assertEqual(self.page(f"kecamatan={SANGATTA_SELATAN}&jenis_kelamin=P")[0].count, 0)
        self.assertEqual(self.page(f"kecamatan={MUARA_WAHAU}&jenis_kelamin=P")[0].count, 4)
