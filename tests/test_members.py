"""Members across cooperatives: filters, exact NIK search, duplicates, logged NIK reveal, forms."""

import datetime
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from registry.models import Member, NikReveal
from registry.paginators import KeysetPaginationMixin
from tests.builders import MUARA_WAHAU, SANGATTA_UTARA, make_cooperative, make_member, make_user

NIK_A = "6408041203900001"
NIK_B = "6408045507850002"  # a woman: day of birth + 40


def names(response):
    return sorted(m.name for m in response.context["object_list"])


class MemberListFilterTests(TestCase):
    """One test per query-string parameter of /anggota/."""

    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.sawit = make_cooperative(name="Koperasi Sawit", kecamatan=SANGATTA_UTARA)
        cls.wahau = make_cooperative(name="KUD Wahau", kecamatan=MUARA_WAHAU)
        make_member(cls.sawit, nik=NIK_A, name="Ahmad", sex="L")
        make_member(cls.sawit, nik=NIK_B, name="Siti", sex="P", left_on=datetime.date(2020, 1, 1))
        make_member(cls.wahau, nik=NIK_A, name="Ahmad W", sex="L")
        make_member(cls.wahau, nik=None, name="Tanpa NIK", sex="P")

    def get(self, query=""):
        self.client.force_login(self.petugas)
        response = self.client.get(f"/anggota/?{query}")
        self.assertEqual(response.status_code, 200)
        return response

    def test_no_filter_masks_every_nik_and_is_never_cached(self):
        response = self.get()
        self.assertEqual(len(response.context["object_list"]), 4)
        self.assertContains(response, "************0001")
        self.assertNotContains(response, NIK_A)
        self.assertIn("no-store", response["Cache-Control"])

    def test_koperasi(self):
        self.assertEqual(names(self.get(f"koperasi={self.wahau.pk}")), ["Ahmad W", "Tanpa NIK"])

    def test_kecamatan(self):
        self.assertEqual(names(self.get(f"kecamatan={SANGATTA_UTARA}")), ["Ahmad", "Siti"])

    def test_jenis_kelamin(self):
        self.assertEqual(names(self.get("jenis_kelamin=P")), ["Siti", "Tanpa NIK"])

    def test_aktif(self):
        self.assertEqual(names(self.get("aktif=false")), ["Siti"])
        self.assertEqual(len(names(self.get("aktif=true"))), 3)

    def test_hasil_nik_narrows_to_the_sessions_search(self):
        self.client.force_login(self.petugas)
        response = self.client.post("/anggota/cari-nik/", {"nik": "6408.0412.0390.0001"})
        self.assertRedirects(response, "/anggota/?hasil_nik=1")
        page = self.get("hasil_nik=1")
        self.assertEqual(names(page), ["Ahmad", "Ahmad W"])
        self.assertContains(page, "Hasil pencarian NIK ************0001")
        self.assertNotContains(page, NIK_A)

    def test_hasil_nik_without_a_search_finds_nothing_never_everything(self):
        self.assertEqual(names(self.get("hasil_nik=1")), [])

    def test_a_nik_in_the_address_is_sent_to_the_post_search(self):
        self.client.force_login(self.petugas)
        for query in (f"nik={NIK_A}", f"q={NIK_A}", "q=6408+0412+0390+0001"):
            with self.subTest(query=query):
                response = self.client.get(f"/anggota/?{query}")
                self.assertRedirects(response, "/anggota/cari-nik/")
        self.assertEqual(names(self.get("q=0001")), [])  # four digits are no NIK: a name search

    def test_q_name(self):
        self.assertEqual(names(self.get("q=siti")), ["Siti"])

    def test_constant_queries(self):
        self.client.force_login(self.petugas)
        self.client.get("/anggota/")
        for n in range(30):
            make_member(self.sawit, nik=f"64080412039{n + 10:05d}")
        # 1 session, 2 user with the access token (permissions, roles, area: registry/access.py), 3 page of members
        # (cooperative and kecamatan names joined; a list that fits on its page is counted by its rows, without a COUNT
        # query (tests/test_first_page.py)); the kecamatan choices from the cache.
        with self.assertNumQueries(3):
            response = self.client.get("/anggota/")
        self.assertEqual(len(response.context["object_list"]), 34)

    def test_rows_show_cooperative_kecamatan_mask_and_status(self):
        response = self.get(f"kecamatan={SANGATTA_UTARA}")
        self.assertContains(response, f'<td><a href="/koperasi/{self.sawit.pk}/">Koperasi Sawit</a></td>\n'
                                      '      <td>Sangatta Utara</td>')
        self.assertContains(response, '<td class="nik">************0002</td>', html=True)
        self.assertContains(response, "<td>keluar 01/01/2020</td>", html=True)
        response = self.get(f"kecamatan={MUARA_WAHAU}&jenis_kelamin=P")
        self.assertContains(response, '<td class="nik"><span class="hint">tidak ada</span></td>', html=True)
        self.assertContains(response, "<td>Muara Wahau</td>", html=True)

    def test_row_words_in_each_language(self):
        for language, words in (("id", ("aktif", "keluar 01/01/2020", "tidak ada")),
                                ("en", ("active", "left 01/01/2020", "none"))):
            with self.subTest(language=language):
                self.client.cookies["django_language"] = language
                response = self.get()
                active, left, no_nik = words
                self.assertContains(response, f"<td>{active}</td>", count=3, html=True)
                self.assertContains(response, f"<td>{left}</td>", count=1, html=True)
                self.assertContains(response, f'<td class="nik"><span class="hint">{no_nik}</span></td>', count=1,
                                    html=True)

    def test_list_reads_no_encrypted_nik_and_counts_without_the_names(self):
        self.client.force_login(self.petugas)
        self.client.get("/anggota/")
        # The count a list longer than its page runs (these few members fit: counted by their rows).
        with mock.patch.object(KeysetPaginationMixin, "_first_page", return_value=None), \
                CaptureQueriesContext(connection) as queries:
            self.get("jenis_kelamin=L")
        statements = [q["sql"] for q in queries.captured_queries if "registry_member" in q["sql"]]
        self.assertEqual(len(statements), 2)  # the bounded count, the page
        count, page = statements
        self.assertNotIn("nik_encrypted", page)
        self.assertNotIn("nik_hash", page)
        self.assertIn("kecamatan_name", page)
        self.assertNotIn("registry_kecamatan", count)  # the names are joined for the page's rows only


class MemberNikPropertyTests(HypothesisTestCase):
    @settings(max_examples=20, deadline=None)
    @given(serial=st.integers(min_value=1, max_value=9999), day=st.integers(1, 28), women=st.booleans(),
           separator=st.sampled_from(["", " ", ".", "-"]))
    def test_any_valid_nik_is_found_exactly_however_it_is_typed(self, serial, day, women, separator):
        nik = f"640804{day + (40 if women else 0):02d}0390{serial:04d}"
        member = make_member(make_cooperative(), nik=nik)
        typed = separator.join([nik[:6], nik[6:12], nik[12:]])
        self.client.force_login(make_user("Petugas"))
        self.client.post("/anggota/cari-nik/", {"nik": typed})
        found = list(self.client.get("/anggota/", {"hasil_nik": "1"}).context["object_list"])
        self.assertEqual(found, [member])


class DuplicateMemberTests(TestCase):
    def test_people_listed_in_several_cooperatives(self):
        a, b, c = (make_cooperative(kecamatan=SANGATTA_UTARA) for _ in range(3))
        outside = make_cooperative(kecamatan=MUARA_WAHAU)
        make_member(a, nik=NIK_A, name="Ahmad di A")
        make_member(b, nik=NIK_A, name="Ahmad di B")
        make_member(c, nik=NIK_B, name="Siti di C")
        make_member(outside, nik=NIK_B, name="Siti di luar")
        self.client.force_login(make_user("Petugas"))
        people = self.client.get("/anggota/ganda/").context["people"]
        self.assertEqual(sorted(sorted(m.name for m in group) for group in people),
                         [["Ahmad di A", "Ahmad di B"], ["Siti di C", "Siti di luar"]])
        self.client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
        response = self.client.get("/anggota/ganda/")
        self.assertEqual([sorted(m.name for m in group) for group in response.context["people"]],
                         [["Ahmad di A", "Ahmad di B"]])
        self.assertNotContains(response, "Siti di luar")


class NikRevealTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.member = make_member(make_cooperative(), nik=NIK_A, name="Ahmad")
        cls.petugas = make_user("Petugas")

    def test_reveal_is_logged_and_not_cached(self):
        self.client.force_login(self.petugas)
        page = self.client.get(f"/anggota/{self.member.pk}/")
        self.assertContains(page, "************0001")
        self.assertNotContains(page, "640804")
        self.assertNotContains(page, NIK_A)
        response = self.client.post(f"/anggota/{self.member.pk}/buka-nik/", {"purpose": "Pencocokan data bantuan"},
                                    REMOTE_ADDR="10.1.2.3")
        self.assertContains(response, NIK_A)
        self.assertIn("no-store", response["Cache-Control"])
        reveal = NikReveal.objects.get()
        self.assertEqual((reveal.user, reveal.member, reveal.ip_address, reveal.purpose),
                         (self.petugas, self.member, "10.1.2.3", "Pencocokan data bantuan"))

    def test_no_reveal_without_a_purpose(self):
        self.client.force_login(self.petugas)
        url = f"/anggota/{self.member.pk}/buka-nik/"
        for purpose in ["", "   ", "abcd", "x" * 201]:
            with self.subTest(purpose=purpose):
                response = self.client.post(url, {"purpose": purpose})
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "Tulis keperluan membuka NIK ini", status_code=400)
                self.assertNotContains(response, NIK_A, status_code=400)
        self.assertFalse(NikReveal.objects.exists())
        self.assertContains(self.client.post(url, {"purpose": "  data   bantuan "}), NIK_A)  # 5 letters, spaces aside
        self.assertEqual(NikReveal.objects.get().purpose, "data bantuan")

    def test_reveal_is_post_only(self):
        self.client.force_login(self.petugas)
        self.assertEqual(self.client.get(f"/anggota/{self.member.pk}/buka-nik/").status_code, 405)
        self.assertFalse(NikReveal.objects.exists())

    def test_pimpinan_never_sees_a_full_nik(self):
        self.client.force_login(make_user("Pimpinan"))
        page = self.client.get(f"/anggota/{self.member.pk}/")
        self.assertNotContains(page, "Buka NIK lengkap")
        self.assertEqual(self.client.post(f"/anggota/{self.member.pk}/buka-nik/",
                                          {"purpose": "Pencocokan data bantuan"}).status_code, 403)
        self.assertFalse(NikReveal.objects.exists())
        self.assertNotContains(self.client.get(f"/koperasi/{self.member.cooperative_id}/"), NIK_A)

    def test_admin_reads_the_reveal_log(self):
        self.client.force_login(self.petugas)
        self.client.post(f"/anggota/{self.member.pk}/buka-nik/", {"purpose": "Pencocokan data bantuan"})
        self.client.force_login(make_user("Admin Dinas"))
        response = self.client.get("/anggota/log-nik/")
        self.assertContains(response, self.petugas.username)
        self.assertContains(response, "Ahmad")
        self.assertContains(response, "Pencocokan data bantuan")


class MemberFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.cooperative = make_cooperative()

    def post(self, follow=False, **data):
        self.client.force_login(self.petugas)
        return self.client.post(f"/koperasi/{self.cooperative.pk}/anggota/tambah/",
                                {"name": "Budi", "sex": "L", "version": 1, **data}, follow=follow)

    def test_add_with_nik_stores_it_encrypted(self):
        response = self.post(nik="6408 0412 0390 0001")
        member = Member.objects.get(name="Budi")
        self.assertRedirects(response, f"/anggota/{member.pk}/")
        self.assertEqual(member.nik, NIK_A)
        self.assertNotIn(NIK_A, member.nik_encrypted)

    def test_add_without_nik_is_explicit(self):
        self.post(nik="")
        member = Member.objects.get(name="Budi")
        self.assertEqual((member.has_nik, member.nik_hash, member.nik_encrypted), (False, None, ""))

    def test_invalid_nik_gets_a_readable_error_and_input_is_kept(self):
        for nik, message in [
            ("640804120390", "NIK harus tepat 16 angka (0-9)."),
            ("6408041203９00001", "NIK harus tepat 16 angka (0-9)."),  # a full-width digit
            ("6408049913900001", "Bagian tanggal lahir NIK"),
        ]:
            with self.subTest(nik=nik):
                response = self.post(nik=nik, member_number="A-17")
                self.assertIn(message, " ".join(response.context["form"].errors["nik"]))
                self.assertContains(response, 'value="A-17"')
        self.assertFalse(Member.objects.exists())

    def test_duplicate_nik_in_the_same_cooperative(self):
        make_member(self.cooperative, nik=NIK_A)
        response = self.post(nik=NIK_A)
        self.assertIn("NIK ini sudah terdaftar sebagai anggota koperasi ini.", response.context["form"].errors["nik"])

    def test_nik_outside_kutim_is_a_warning_not_an_error(self):
        response = self.post(nik="6471041203900001", follow=True)
        self.assertContains(response, "di luar Kutai Timur")
        self.assertTrue(Member.objects.filter(name="Budi").exists())

    def test_edit_keeps_the_nik_unless_a_new_one_is_typed_and_end(self):
        member = make_member(self.cooperative, nik=NIK_A, name="Budi")
        self.client.force_login(self.petugas)
        form_page = self.client.get(f"/anggota/{member.pk}/ubah/")
        self.assertNotContains(form_page, NIK_A)
        self.assertNotContains(form_page, "640804")
        self.assertContains(form_page, "************0001")
        response = self.client.post(f"/anggota/{member.pk}/ubah/", {"name": "Budi S", "sex": "L", "version": 1})
        self.assertEqual(response.status_code, 302)
        member.refresh_from_db()
        self.assertEqual((member.name, member.nik, member.version), ("Budi S", NIK_A, 2))
        response = self.client.post(f"/anggota/{member.pk}/keluar/", {"left_on": "2025-06-30", "version": 2})
        self.assertEqual(response.status_code, 302)
        member.refresh_from_db()
        self.assertEqual(member.left_on, datetime.date(2025, 6, 30))
        # A second officer still on version 2 is refused and keeps their input.
        response = self.client.post(f"/anggota/{member.pk}/ubah/", {"name": "Budi Santoso", "sex": "L", "version": 2})
        self.assertContains(response, "sudah diubah orang lain")
        self.assertContains(response, 'value="Budi Santoso"')


class MemberPagesQueryCountTests(TestCase):
    """Constant queries on the other member lists and the member page, whatever the rows."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("Admin Dinas")
        cls.cooperatives = [make_cooperative() for _ in range(3)]

    def add_people(self, count, start):
        for n in range(start, start + count):
            nik = f"64080412039{n:05d}"
            member = make_member(self.cooperatives[0], nik=nik)
            make_member(self.cooperatives[1], nik=nik)
            NikReveal.objects.create(user=self.admin, member=member)

    def test_duplicates_and_reveal_log(self):
        self.client.force_login(self.admin)
        self.add_people(2, 0)
        for url in ("/anggota/ganda/", "/anggota/log-nik/"):
            self.client.get(url)
        self.add_people(20, 100)
        # 1 session, 2 user with the access token (permissions, roles, area: registry/access.py), 3 bounded count of
        # NIK hashes in several cooperatives, 4 one page of those hashes, 5 their membership rows with
        # cooperative and kecamatan.
        with self.assertNumQueries(5):
            response = self.client.get("/anggota/ganda/")
        self.assertEqual(len(response.context["people"]), 22)
        # 1-3 as above, 4 bounded count, 5 one page of reveals with user, member and cooperative,
        # 6 the latest NIK searches with their user.
        with self.assertNumQueries(5):
            response = self.client.get("/anggota/log-nik/")
        self.assertEqual(len(response.context["object_list"]), 22)
