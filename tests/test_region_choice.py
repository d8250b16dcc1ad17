"""A kecamatan or desa chosen in a list's filter, found in the area's kept list rather than read again
(RegionChoiceField, registry/filters/base.py): the same list as before, one query fewer from the
second request, never a region outside the user's area, and a change of a region or of an area seen
at the next request."""

import re

from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from registry import access
from registry.models import Kecamatan

from .builders import MUARA_WAHAU, SANGATTA_UTARA, first_desa, make_cooperative, make_member, make_user

# A region read by its code: what the filter's check ran on every request before.
REGION_BY_CODE = re.compile(r'FROM "registry_(kecamatan|desa)" WHERE .*"registry_\1"\."code" = ')

REFUSED = "Masukkan pilihan yang valid"

# Every list narrowed by a region, with that region's parameter.
LISTS = (
    f"/koperasi/?kecamatan={MUARA_WAHAU}",
    "/koperasi/?desa={desa}",
    f"/anggota/?kecamatan={MUARA_WAHAU}",
    f"/penilaian/?kecamatan={MUARA_WAHAU}",
    f"/kemitraan/?kecamatan={MUARA_WAHAU}",
    f"/pelatihan/?kecamatan={MUARA_WAHAU}",
    f"/temuan/?kecamatan={MUARA_WAHAU}",
)


class RegionChoiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.desa = first_desa(MUARA_WAHAU)
        cls.wahau = make_cooperative(kecamatan=MUARA_WAHAU, name="Koperasi Wahau Makmur", desa=cls.desa)
        cls.sangatta = make_cooperative(kecamatan=SANGATTA_UTARA, name="Koperasi Sangatta Jaya")
        make_member(cls.wahau, name="Siti Wahau")
        make_member(cls.sangatta, name="Rina Sangatta")
        cls.petugas = make_user("Petugas")
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])

    def setUp(self):
        cache.clear()

    def get(self, path):
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(path.format(desa=self.desa.code))
        self.assertEqual(response.status_code, 200, path)
        return response, [q["sql"] for q in captured.captured_queries if REGION_BY_CODE.search(q["sql"])]

    def test_every_list_reads_the_chosen_region_once(self):
        self.client.force_login(self.petugas)
        for path in LISTS:
            with self.subTest(path):
                cache.clear()  # the lists share the kept regions of one area
                _response, first = self.get(path)
                self.assertEqual(len(first), 1, first)
                _response, second = self.get(path)
                self.assertEqual(second, [])

    def test_the_kept_region_narrows_the_list_as_the_read_one(self):
        self.client.force_login(self.petugas)
        for path in (f"/koperasi/?kecamatan={MUARA_WAHAU}", "/koperasi/?desa={desa}"):
            with self.subTest(path):
                for _request in range(2):
                    response, _queries = self.get(path)
                    self.assertContains(response, "Koperasi Wahau Makmur")
                    self.assertNotContains(response, "Koperasi Sangatta Jaya")
        for _request in range(2):
            response, _queries = self.get(f"/anggota/?kecamatan={MUARA_WAHAU}")
            self.assertContains(response, "Siti Wahau")
            self.assertNotContains(response, "Rina Sangatta")

    def test_a_region_kept_for_the_district_is_refused_outside_a_limited_area(self):
        self.client.force_login(self.petugas)
        self.get(f"/koperasi/?kecamatan={MUARA_WAHAU}")
        self.get(f"/koperasi/?kecamatan={MUARA_WAHAU}")  # kept for the whole district's list
        self.client.force_login(self.limited)
        response, queries = self.get(f"/koperasi/?kecamatan={MUARA_WAHAU}")
        self.assertEqual(len(queries), 1, queries)  # the limited area's own list: read, not found
        self.assertNotContains(response, "Koperasi Wahau Makmur")
        self.assertNotContains(response, "Koperasi Sangatta Jaya")  # a refused filter shows nothing
        self.assertContains(response, REFUSED)

    def test_an_unknown_code_is_refused_every_time_and_never_kept(self):
        self.client.force_login(self.petugas)
        for _request in range(2):
            response, queries = self.get("/koperasi/?kecamatan=99.99.99")
            self.assertEqual(len(queries), 1, queries)
            self.assertContains(response, REFUSED)
            self.assertNotContains(response, "Koperasi Wahau Makmur")
        self.assertFalse([key for key in cache._cache if "registry:region:" in key])

    def test_a_new_area_accepts_its_region_at_once(self):
        self.client.force_login(self.limited)
        response, _queries = self.get(f"/koperasi/?kecamatan={MUARA_WAHAU}")
        self.assertNotContains(response, "Koperasi Wahau Makmur")
        self.limited.kecamatan.add(Kecamatan.objects.get(code=MUARA_WAHAU))
        response, _queries = self.get(f"/koperasi/?kecamatan={MUARA_WAHAU}")
        self.assertContains(response, "Koperasi Wahau Makmur")

    def test_an_area_taken_away_refuses_its_region_at_once(self):
        self.limited.kecamatan.add(Kecamatan.objects.get(code=MUARA_WAHAU))
        self.client.force_login(self.limited)
        for _request in range(2):
            response, _queries = self.get(f"/koperasi/?kecamatan={MUARA_WAHAU}")
            self.assertContains(response, "Koperasi Wahau Makmur")
        self.limited.kecamatan.remove(Kecamatan.objects.get(code=MUARA_WAHAU))
        response, _queries = self.get(f"/koperasi/?kecamatan={MUARA_WAHAU}")
        self.assertNotContains(response, "Koperasi Wahau Makmur")
        self.assertContains(response, REFUSED)

    def test_the_lists_share_the_regions_kept_for_an_area(self):
        self.client.force_login(self.petugas)
        self.get(f"/koperasi/?kecamatan={MUARA_WAHAU}")
        for path in LISTS[2:]:
            with self.subTest(path):
                _response, queries = self.get(path)
                self.assertEqual(queries, [])

    def test_a_changed_region_is_read_again(self):
        self.client.force_login(self.petugas)
        self.get(f"/koperasi/?kecamatan={MUARA_WAHAU}")
        kecamatan = Kecamatan.objects.get(code=MUARA_WAHAU)
        kecamatan.name = "Muara Wahau Baru"
        kecamatan.save()  # a new access token
        _response, queries = self.get(f"/koperasi/?kecamatan={MUARA_WAHAU}")
        self.assertEqual(len(queries), 1, queries)

    def test_a_token_renewed_by_hand_reads_the_region_again(self):
        self.client.force_login(self.petugas)
        self.get(f"/anggota/?kecamatan={MUARA_WAHAU}")
        access.bump()
        _response, queries = self.get(f"/anggota/?kecamatan={MUARA_WAHAU}")
        self.assertEqual(len(queries), 1, queries)
