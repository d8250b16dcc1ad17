"""Hostile query strings never give a 500: malformed values are refused with a 400 that names the field.

The sweep and the property test ask every GET request of the access matrix (tests/access.py), so
a new list or export is covered as soon as it has its row. CI runs this module on SQLite and on
PostgreSQL (where a NUL byte or an over-long value would otherwise reach the database).
"""

from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from registry import query_params
from tests.access import ADMIN_DINAS, LIMITED, MATRIX, PETUGAS, AccessTestCase, make_matrix_records, make_users

# Every parameter name a page of ours reads, typed or not.
NAMES = sorted(
    query_params.YEAR_PARAMS | query_params.ID_PARAMS | query_params.REGION_PARAMS | query_params.SEARCH_PARAMS
    | {"status", "jenis", "kelompok", "predikat", "urut", "ukuran", "format", "sektor", "mitra", "aktif",
       "pengurus_lengkap", "status_nik", "merah_putih", "label", "turun_tajam", "terlemah", "jenis_kelamin",
       "scope", "next"}
)
HOSTILE = [
    "0", "-1", "10000", "²", "２０２４", "٢٠٢٤", "2024.0", "1e3", " 2024", "abc", "55x", "9" * 40,
    "'; DROP TABLE registry_cooperative; --", "%", "_", "\\", "<script>alert(1)</script>", "\u202e",
    "a\x00b", "x" * 5000, " ".join(["kata"] * 1000), "64.08.01'", "../../etc/passwd", "null", "[]",
]


def get_requests():
    """(url name, Ask) of every GET request in the matrix."""
    return [(name, ask) for name, asks in MATRIX.items() for ask in asks if ask.method == "get"]


class QueryParameterRuleTests(AccessTestCase):
    """The edges of each rule, on the cooperative list (which reads all of them)."""

    def get(self, **query):
        client = Client()
        client.force_login(self.users[ADMIN_DINAS])
        return client.get(reverse("registry:cooperative_list"), query)

    def assertRefused(self, field, **query):
        response = self.get(**query)
        self.assertEqual(response.status_code, 400, query)
        self.assertContains(response, field, status_code=400)
        self.assertEqual(response["Cache-Control"], "no-store")

    def test_years_are_four_ascii_digits_from_1945_to_2100(self):
        for ok in ["1945", "2024", "2100", ""]:
            self.assertEqual(self.get(rat_tahun=ok).status_code, 200, ok)
        for bad in ["1944", "2101", "0", "-1", "10000", "²", "２０２４", "٢٠٢٤", "2024.0", " 2024", "024"]:
            self.assertRefused("harus empat angka antara 1945 dan 2100", rat_tahun=bad)

    def test_record_numbers_are_digits(self):
        self.assertEqual(self.get(page="1").status_code, 200)
        self.assertEqual(self.get(page="last").status_code, 200)
        for bad in ["abc", "55x", "-1", "1.0", "9" * 19, "١"]:
            self.assertRefused("Halaman harus berupa angka", page=bad)

    def test_region_codes(self):
        self.assertEqual(self.get(kecamatan="64.08.01").status_code, 200)
        for bad in ["64.08.01'", "kecamatan", "64..08", "6408010"]:
            self.assertRefused("Kecamatan harus berupa kode wilayah", kecamatan=bad)

    def test_search_is_capped_at_100_characters(self):
        self.assertEqual(self.get(q="a" * 100).status_code, 200)
        self.assertRefused("Pencarian terlalu panjang: paling banyak 100 karakter", q="a" * 101)

    def test_other_values_capped_and_no_control_characters(self):
        self.assertEqual(self.get(urut="x" * 200).status_code, 200)  # the filter shows its own error
        self.assertRefused("terlalu panjang: paling banyak 200 karakter", urut="x" * 201)
        self.assertEqual(self.get(next="/" + "x" * 1999).status_code, 200)  # the page after signing in
        self.assertRefused("next terlalu panjang: paling banyak 2000 karakter", next="/" + "x" * 2000)
        self.assertRefused("karakter kendali", q="a\x00b")
        self.assertRefused("karakter kendali", status="\x1b[31m")

    def test_too_many_names_or_repetitions(self):
        self.assertRefused("terlalu banyak isian", **{f"x{i}": "1" for i in range(41)})
        client = Client()
        client.force_login(self.users[ADMIN_DINAS])
        response = client.get(reverse("registry:cooperative_list") + "?" + "&".join(["status=aktif"] * 6))
        self.assertContains(response, "diisi terlalu banyak kali", status_code=400)

    def test_the_message_is_english_for_english_users(self):
        client = Client()
        client.force_login(self.users[ADMIN_DINAS])
        client.post(reverse("set_language"), {"language": "en"})
        response = client.get(reverse("registry:cooperative_list"), {"rat_tahun": "10000"})
        self.assertContains(response, "must be four digits between 1945 and 2100", status_code=400)

    def test_admin_keeps_its_own_parameters_but_not_control_characters(self):
        client = Client()
        client.force_login(self.users[ADMIN_DINAS])
        admin_list = reverse("admin:registry_cooperative_changelist")
        self.assertNotEqual(client.get(admin_list, {"page": "abc", "o": "1"}).status_code, 400)
        self.assertEqual(client.get(admin_list, {"q": "a\x00b"}).status_code, 400)


class HostileSweepTests(AccessTestCase):
    """Every GET request of the matrix with every hostile value in every parameter: never a 500."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.records = make_matrix_records(cls.users)

    def path(self, name, ask):
        return reverse(name, kwargs=ask.args(self.records["inside"]) if ask.args else None)

    def test_every_parameter_every_page(self):
        """Typed parameters well formed (so that the request gets past the check), every other one hostile."""
        well_formed = {"tahun": "2024", "koperasi": str(self.records["inside"].cooperative), "kecamatan": "64.08.01",
                       "page": "1"}
        untyped = [name for name in NAMES if name not in well_formed]
        clients = {}
        for who in [ADMIN_DINAS, LIMITED]:
            clients[who] = Client()
            clients[who].force_login(self.users[who])
        for name, ask in get_requests():
            path = self.path(name, ask)
            for number, value in enumerate(HOSTILE):
                who = [ADMIN_DINAS, LIMITED][number % 2]  # both kinds of area, half the requests
                with self.subTest(name=name, value=value[:20], who=who):
                    response = clients[who].get(path, {**well_formed, **{param: value for param in untyped}})
                    self.assertLess(response.status_code, 500)

    def test_well_formed_but_unknown_values_are_not_errors(self):
        """A year, a number or a code that is well formed but names nothing: the page's own answer.

        An export answers 400 to a value its list's filter refuses (a kecamatan that is not one of the
        area's): dropping the filter would export more than the list shows (tests/test_full_nik_export.py).
        """
        refusing = {"registry:list_export", "registry:member_full_nik_export"}
        client = Client()
        client.force_login(self.users[PETUGAS])
        query = {"tahun": "1945", "koperasi": "999999999", "kecamatan": "99.99.99", "desa": "99.99.99.9999",
                 "page": "999999", "anggota": "999999"}
        for name, ask in get_requests():
            with self.subTest(name=name):
                status = client.get(self.path(name, ask), query).status_code
                self.assertIn(status, {200, 302, 404, ask.expected[PETUGAS], *([400] if name in refusing else [])})


TEXT = st.text(max_size=300) | st.sampled_from(HOSTILE) | st.integers(-10**20, 10**20).map(str)


class HostilePropertyTests(HypothesisTestCase):
    """Random query strings on random GET pages, as a limited Petugas and as Admin Dinas."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.users = make_users()
        cls.records = make_matrix_records(cls.users)
        cls.requests = get_requests()

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        which=st.integers(min_value=0),
        who=st.sampled_from([ADMIN_DINAS, LIMITED]),
        query=st.dictionaries(st.sampled_from(NAMES) | st.text(min_size=1, max_size=20), TEXT, max_size=6),
    )
    def test_never_a_server_error(self, which, who, query):
        name, ask = self.requests[which % len(self.requests)]
        client = Client()
        client.force_login(self.users[who])
        path = reverse(name, kwargs=ask.args(self.records["inside"]) if ask.args else None)
        response = client.get(path, query)
        self.assertLess(response.status_code, 500, (name, query))
        if response.status_code == 400:
            # The middleware's own refusal says "no-store"; a page's own 400 (an export refusing a
            # filter) also passes the signed-in rule and says "no-store, private": both keep it out of caches.
            self.assertIn("no-store", response["Cache-Control"])
