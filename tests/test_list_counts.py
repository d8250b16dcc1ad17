"""The count above a list reads the rows without what only the rows shown need.

A list's rows join the cooperative, its desa and kecamatan for their names, and the assessments
compute last year's scores (`page_rows` of each view, registry/paginators.py); a count keeps every
annotation's join, so the count reads the filtered rows as they were before those were added. The
count must still equal the rows the list holds: with a filter that joins (the kecamatan) and in a
kecamatan-limited Petugas's area.
"""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from registry.models import Assessment, RubricVersion
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_UTARA,
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
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        # The paginator's bounded count (registry/paginators.py), not another figure of the page.
        counts = [q["sql"] for q in queries.captured_queries
                  if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT") and f'FROM "{table}"' in q["sql"]]
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
