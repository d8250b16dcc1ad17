"""Letters to the helping parties of the district recommendations (/rekomendasi/surat/): who is written
to, which cooperatives and actions each letter lists, the office's letterhead and signatory, the year
and kecamatan filters, the area rule, who may open them and their query count.

The recommendations themselves (page, export): tests/test_assessments.py.
"""

from django.test import TestCase
from django.urls import reverse

from registry.models import OfficeSettings
from registry.selectors.assessments import LETTER_HELPERS
from registry.services import assessments as services
from tests.access import (
    ANONYMOUS,
    LOGIN_URL,
    NO_ROLE,
    OUTSIDE_READ,
    PENGURUS,
    PIMPINAN,
    READ,
    AccessTestCase,
    make_limited_petugas,
)
from tests.builders import MUARA_WAHAU, SANGATTA_SELATAN, SANGATTA_UTARA, make_cooperative, make_user
from tests.test_assessments import ALL_FOURS, YEAR, assessment_for

LETTERS = "/rekomendasi/surat/"
BANK = f"{LETTERS}bank/"
LEGAL = f"{LETTERS}notaris/"
PARTNER = f"{LETTERS}koperasi_lain/"
# The rubric's recommendations (migration 0007) of the manual indicators the district below is scored on.
R4_BANK = "Belum dipercaya lembaga keuangan: dampingi penyusunan proposal pembiayaan."
K1_LEGAL = "Dampingi penyesuaian anggaran dasar dan pengesahannya."


def submitted(cooperative, year=YEAR, **levels):
    """A submitted assessment of `cooperative` with the given indicators weak, the rest 4."""
    assessment = assessment_for(cooperative, dict(ALL_FOURS, **levels), year=year)
    services.assessment_submit(assessment=assessment)
    return assessment


def make_district():
    """Four cooperatives with recommendations for YEAR, and two that must never be in a letter.

    Sawit Maju (Sangatta Utara): R4 bank, K1 notary, O2 field officer (the office: no letter).
    Tani Jaya (Sangatta Selatan): R4 bank.
    Karya Bersama (Muara Wahau): R4 bank, O1 another cooperative.
    Draf (Sangatta Utara): R4 weak in a draft, not yet a recommendation.
    Tahun Lalu (Sangatta Utara): R4 weak the year before.
    """
    district = {
        "maju": make_cooperative(name="Koperasi Sawit Maju", nomor_induk="6408040012345"),
        "jaya": make_cooperative(name="Koperasi Tani Jaya", kecamatan=SANGATTA_SELATAN),
        "karya": make_cooperative(name="Koperasi Karya Bersama", kecamatan=MUARA_WAHAU),
        "draf": make_cooperative(name="Koperasi Draf"),
        "lalu": make_cooperative(name="Koperasi Tahun Lalu"),
    }
    submitted(district["maju"], R4=2, K1=1, O2=1)
    submitted(district["jaya"], R4=1)
    submitted(district["karya"], R4=1, O1=2)
    assessment_for(district["draf"], dict(ALL_FOURS, R4=1))
    submitted(district["lalu"], year=YEAR - 1, R4=1)
    return district


def listed(response):
    """The cooperative names of each letter on the page, by party."""
    return {letter["helper"]: [c.name for c in letter["cooperatives"]] for letter in response.context["letters"]}


class LetterContentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = make_district()
        cls.pimpinan = make_user("Pimpinan")

    def setUp(self):
        self.client.force_login(self.pimpinan)

    def test_party_letter_lists_its_cooperatives_with_what_is_asked_of_it(self):
        response = self.client.get(f"{BANK}?tahun={YEAR}")
        self.assertEqual(response.status_code, 200)
        # By kecamatan (Muara Wahau, Sangatta Selatan, Sangatta Utara), then name; the draft and last
        # year's assessment are not recommendations of the year.
        self.assertEqual(listed(response), {"bank": ["Koperasi Karya Bersama", "Koperasi Tani Jaya",
                                                     "Koperasi Sawit Maju"]})
        maju = response.context["letters"][0]["cooperatives"][2]
        self.assertEqual(maju.actions, [("R4", R4_BANK)])  # the bank is not asked for K1 or O2
        self.assertEqual((maju.nomor_induk, maju.kecamatan), ("6408040012345", "Sangatta Utara"))
        self.assertContains(response, "Nomor Induk Koperasi 6408040012345")
        self.assertContains(response, f"Desa/Kelurahan {self.district['jaya'].desa.name}, Kecamatan Sangatta Selatan")
        self.assertContains(response, R4_BANK, count=3)
        self.assertContains(response, "Pimpinan bank dan lembaga keuangan")
        self.assertContains(response, f"tahun buku {YEAR}")
        for absent in ("Koperasi Draf", "Koperasi Tahun Lalu", K1_LEGAL):
            self.assertNotContains(response, absent)
        # Cooperative without a Nomor Induk: no empty number printed.
        self.assertContains(response, "Nomor Induk Koperasi", count=1)

        legal = self.client.get(f"{LEGAL}?tahun={YEAR}")
        self.assertEqual(listed(legal), {"notaris": ["Koperasi Sawit Maju"]})
        self.assertContains(legal, K1_LEGAL)
        self.assertNotContains(legal, R4_BANK)

    def test_letter_lists_what_the_recommendation_page_counts_for_the_party(self):
        page = self.client.get(f"/rekomendasi/?tahun={YEAR}")
        counts = {group["helper"]: group["count"] for group in page.context["by_helper"]}
        letters = self.client.get(f"{LETTERS}?tahun={YEAR}")
        self.assertEqual({h: len(names) for h, names in listed(letters).items()},
                         {h: n for h, n in counts.items() if h in LETTER_HELPERS})

    def test_letterhead_and_signatory_come_from_the_office_settings(self):
        response = self.client.get(f"{BANK}?tahun={YEAR}")
        office = OfficeSettings.current()
        self.assertContains(response, office.office_name.upper())
        self.assertContains(response, office.government.upper())
        self.assertContains(response, f"{office.place}, ")
        self.assertContains(response, office.signatory_title)
        # No signatory name set yet: a dotted line to write it on, no empty NIP.
        self.assertContains(response, f'<p class="letter-sign">{office.signatory_title}<br><br><br><br>……………………………</p>')
        self.assertContains(response, 'class="letter-head"', count=1)
        OfficeSettings.objects.filter(pk=1).update(
            office_name="Dinas Koperasi, UKM dan Perdagangan", government="Pemerintah Kabupaten Uji",
            address="Jl. Soekarno-Hatta No. 1", place="Sangatta Utara", signatory_name="Drs. Budi Santoso, M.Si",
            signatory_title="Plt. Kepala Dinas", signatory_nip="197001011990031001",
        )
        response = self.client.get(f"{BANK}?tahun={YEAR}")
        for text in ("DINAS KOPERASI, UKM DAN PERDAGANGAN", "PEMERINTAH KABUPATEN UJI", "Jl. Soekarno-Hatta No. 1",
                     "Sangatta Utara, ", "Drs. Budi Santoso, M.Si", "Plt. Kepala Dinas", "NIP 197001011990031001",
                     "oleh Dinas Koperasi, UKM dan Perdagangan"):
            self.assertContains(response, text)
        self.assertNotContains(response, "<br><br><br><br>……")

    def test_all_letters_one_per_outside_party_each_on_its_own_page(self):
        response = self.client.get(f"{LETTERS}?tahun={YEAR}")
        self.assertEqual(response.status_code, 200)
        # In the order of the recommendation page's parties; the field officers (O2) get no letter.
        self.assertEqual(list(listed(response)), ["bank", "koperasi_lain", "notaris"])
        self.assertContains(response, 'class="letter letter-page helper-letter"', count=3)
        self.assertContains(response, 'class="letter-head"', count=3)
        self.assertContains(response, "Pengurus koperasi mitra")
        self.assertNotContains(response, "Petugas lapangan")

    def test_recommendation_page_links_each_outside_party_to_its_letter(self):
        response = self.client.get(f"/rekomendasi/?tahun={YEAR}&kecamatan={MUARA_WAHAU}")
        self.assertContains(response, f'href="{BANK}?tahun={YEAR}&amp;kecamatan={MUARA_WAHAU}"')
        self.assertContains(response, f'href="{PARTNER}?tahun={YEAR}&amp;kecamatan={MUARA_WAHAU}"')
        self.assertContains(response, f'href="{LETTERS}?tahun={YEAR}&amp;kecamatan={MUARA_WAHAU}"')
        response = self.client.get(f"/rekomendasi/?tahun={YEAR}")
        self.assertContains(response, f'href="{LEGAL}?tahun={YEAR}"')
        self.assertIn("petugas_lapangan", [g["helper"] for g in response.context["by_helper"]])
        self.assertNotContains(response, f"{LETTERS}petugas_lapangan/")
        # The letter leads back to the page it came from.
        self.assertContains(self.client.get(f"{BANK}?tahun={YEAR}&kecamatan={MUARA_WAHAU}"),
                            f'href="/rekomendasi/?tahun={YEAR}&amp;kecamatan={MUARA_WAHAU}"')


class LetterFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = make_district()

    def setUp(self):
        self.client.force_login(make_user("Petugas"))

    def test_year(self):
        self.assertEqual(listed(self.client.get(f"{BANK}?tahun={YEAR - 1}")), {"bank": ["Koperasi Tahun Lalu"]})
        # Nothing asked of the notary that year: its letter is not found, the run of letters is empty.
        self.assertEqual(self.client.get(f"{LEGAL}?tahun={YEAR - 1}").status_code, 404)
        self.assertEqual(listed(self.client.get(f"{LETTERS}?tahun={YEAR - 1}")), {"bank": ["Koperasi Tahun Lalu"]})
        empty = self.client.get(f"{LETTERS}?tahun={YEAR - 2}")
        self.assertEqual(empty.context["letters"], [])
        self.assertContains(empty, "Tidak ada surat")

    def test_year_defaults_to_the_last_full_year(self):
        from registry.models import last_full_year

        self.assertEqual(self.client.get(LETTERS).context["year"], last_full_year())

    def test_kecamatan(self):
        response = self.client.get(f"{BANK}?tahun={YEAR}&kecamatan={MUARA_WAHAU}")
        self.assertEqual(listed(response), {"bank": ["Koperasi Karya Bersama"]})
        self.assertContains(response, "Daftar ini terbatas pada Kecamatan Muara Wahau.")
        self.assertNotContains(self.client.get(f"{BANK}?tahun={YEAR}"), "Daftar ini terbatas")
        # The notary helps only in Sangatta Utara.
        self.assertEqual(self.client.get(f"{LEGAL}?tahun={YEAR}&kecamatan={MUARA_WAHAU}").status_code, 404)
        self.assertEqual(list(listed(self.client.get(f"{LETTERS}?tahun={YEAR}&kecamatan={MUARA_WAHAU}"))),
                         ["bank", "koperasi_lain"])

    def test_malformed_input_is_a_clear_400_never_an_error(self):
        # The query-string guard (registry/query_params.py) answers before the view, naming the field.
        for query in ("tahun=abc", "tahun=-1", "tahun=1899", "tahun=99999999999999999999", "tahun=2024.0",
                      "tahun=٢٠٢٤", "kecamatan=%27%3B--"):
            for url in (LETTERS, BANK):
                with self.subTest(url=url, query=query):
                    response = self.client.get(f"{url}?{query}")
                    self.assertContains(response, "Tahun" if "tahun" in query else "Kecamatan", status_code=400)

    def test_well_formed_but_unknown_kecamatan_is_not_found(self):
        for url in (LETTERS, BANK):
            self.assertEqual(self.client.get(f"{url}?tahun={YEAR}&kecamatan=64.08.99").status_code, 404)

    def test_a_year_without_assessments_has_no_letters(self):
        self.assertEqual(self.client.get(f"{BANK}?tahun=2100").status_code, 404)
        self.assertEqual(self.client.get(f"{LETTERS}?tahun=1945").context["letters"], [])

    def test_unknown_party_or_the_office_itself_is_not_found(self):
        for party in ("pembeli", "BANK", "petugas_lapangan", "dinas"):
            with self.subTest(party=party):
                self.assertEqual(self.client.get(f"{LETTERS}{party}/?tahun={YEAR}").status_code, 404)


class LetterAreaTests(TestCase):
    """A Petugas limited to Sangatta Utara and Selatan: letters list their area only."""

    @classmethod
    def setUpTestData(cls):
        cls.district = make_district()

    def setUp(self):
        self.client.force_login(make_limited_petugas())

    def test_only_cooperatives_of_the_area(self):
        response = self.client.get(f"{BANK}?tahun={YEAR}")
        self.assertEqual(listed(response), {"bank": ["Koperasi Tani Jaya", "Koperasi Sawit Maju"]})
        self.assertNotContains(response, "Karya Bersama")
        self.assertNotContains(response, "Muara Wahau")
        response = self.client.get(f"{LETTERS}?tahun={YEAR}")
        self.assertEqual(list(listed(response)), ["bank", "notaris"])
        self.assertNotContains(response, "Karya Bersama")
        self.assertNotContains(response, "Pengurus koperasi mitra")

    def test_party_with_nothing_in_the_area_is_not_found(self):
        self.assertEqual(self.client.get(f"{PARTNER}?tahun={YEAR}").status_code, 404)

    def test_kecamatan_outside_the_area_is_not_found(self):
        for url in (LETTERS, BANK):
            self.assertEqual(self.client.get(f"{url}?tahun={YEAR}&kecamatan={MUARA_WAHAU}").status_code, 404)
        self.assertEqual(listed(self.client.get(f"{BANK}?tahun={YEAR}&kecamatan={SANGATTA_UTARA}")),
                         {"bank": ["Koperasi Sawit Maju"]})


class LetterAccessTests(AccessTestCase):
    """Who may open the letters: as the recommendation page (view_assessment), the area rule for the
    limited Petugas. A user without a role gets 403; a board member 404, as on every staff URL."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_district()

    def test_permission_matrix(self):
        self.assertEqual(READ[ANONYMOUS], 302)
        self.assertEqual((READ[NO_ROLE], READ[PENGURUS]), (403, 404))
        self.check("get", f"{LETTERS}?tahun={YEAR}", READ)
        self.check("get", f"{BANK}?tahun={YEAR}", READ)
        self.check("get", f"{BANK}?tahun={YEAR}&kecamatan={MUARA_WAHAU}", OUTSIDE_READ)
        self.check("get", f"{PARTNER}?tahun={YEAR}", OUTSIDE_READ)  # only Muara Wahau asks another cooperative

    def test_anonymous_is_sent_to_the_login_page(self):
        response = self.client.get(f"{BANK}?tahun={YEAR}")
        self.assertRedirects(response, f"{LOGIN_URL}?next={BANK}%3Ftahun%3D{YEAR}", fetch_redirect_response=False)


class LetterQueryTests(TestCase):
    """The same number of queries for one cooperative or many, one party or all."""

    @classmethod
    def setUpTestData(cls):
        cls.district = make_district()

    def get(self, user, url, queries):
        self.client.force_login(user)
        self.client.get(url)  # the office settings row exists from here on, as it does once the site runs
        with self.assertNumQueries(queries):
            self.assertEqual(self.client.get(url).status_code, 200)

    def test_constant_queries(self):
        pimpinan, limited = make_user(PIMPINAN), make_limited_petugas()
        # 4: session, user with the access token (permissions, roles, area, the header's area names:
        # registry/access.py), the letters' rows, the office settings. ?kecamatan= adds its kecamatan.
        expected = [
            (pimpinan, f"{BANK}?tahun={YEAR}", 4),
            (pimpinan, f"{LETTERS}?tahun={YEAR}", 4),
            (pimpinan, f"{LETTERS}?tahun={YEAR}&kecamatan={SANGATTA_UTARA}", 5),
            (limited, f"{BANK}?tahun={YEAR}", 4),
            (limited, f"{LETTERS}?tahun={YEAR}&kecamatan={SANGATTA_UTARA}", 5),
        ]
        for user, url, n in expected:
            with self.subTest(url=url, user=user.username):
                self.get(user, url, n)
        for n in range(8):
            submitted(make_cooperative(name=f"Koperasi Tambahan {n}", kecamatan=SANGATTA_UTARA), R4=1, K1=2, O1=1)
        for user, url, n in expected:
            with self.subTest(url=url, user=user.username, more=True):
                self.get(user, url, n)
        self.assertEqual(len(listed(self.client.get(f"{LETTERS}?tahun={YEAR}"))["bank"]), 2 + 8)

    def test_url_names(self):
        self.assertEqual(reverse("registry:recommendation_letters"), LETTERS)
        self.assertEqual(reverse("registry:recommendation_letter", args=["bank"]), BANK)
