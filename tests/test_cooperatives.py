"""Cooperatives: the list and its filters, the profile, the forms, the status lifecycle, the board and reports."""

import datetime
import re
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from registry.filters.cooperatives import search_words
from registry.models import Assessment, Cooperative, Desa, RubricVersion, StatusChange, last_full_year
from registry.models.assessments import Predicate
from registry.paginators import BoundedCountPaginator, KeysetPaginationMixin
from registry.views.cooperatives import CooperativeListView
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_SELATAN,
    SANGATTA_UTARA,
    first_desa,
    make_board_member,
    make_cooperative,
    make_finding,
    make_member,
    make_outside_party,
    make_participant,
    make_partnership,
    make_report,
    make_training,
    make_user,
    pin_table_estimates,
)


def full_board(cooperative, **fields):
    for role in ("ketua", "sekretaris", "bendahara", "pengawas"):
        make_board_member(cooperative, role, **fields)


def names(response):
    return sorted(c.name for c in response.context["object_list"])


class CooperativeListFilterTests(TestCase):
    """One test per query-string parameter of /koperasi/."""

    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.sawit = make_cooperative(
            name="Koperasi Sawit Jaya Makmur", nomor_induk="6408040012345", kecamatan=SANGATTA_UTARA,
            legal_entity_number="006385/BH/M.KUKM.2/XI/2017", jenis="produsen", kelompok="perkebunan",
            certificate_status="expired",
        )
        cls.usaha = make_cooperative(
            name="KSP Usaha Bersama", kecamatan=SANGATTA_SELATAN, jenis="simpan_pinjam", kelompok="karyawan",
            legal_entity_number="AHU-0000667.AH.01.27.TAHUN 2020", merah_putih=True, status="tidak_aktif",
        )
        cls.wahau = make_cooperative(
            name="KUD Wahau Sejahtera", kecamatan=MUARA_WAHAU, jenis="konsumen", kelompok="kud", status="dibubarkan",
        )
        make_report(cls.sawit, 2023, rat_date=datetime.date(2024, 3, 10))
        make_report(cls.usaha, 2023)  # a report without a RAT
        make_report(cls.wahau, 2022, rat_date=datetime.date(2023, 4, 1))
        full_board(cls.sawit)
        full_board(cls.usaha, ended_on=datetime.date(2024, 1, 1))  # ended: no longer current

    def get(self, query):
        self.client.force_login(self.petugas)
        response = self.client.get(f"/koperasi/?{query}")
        self.assertEqual(response.status_code, 200)
        return response

    def test_no_filter_lists_all_by_name(self):
        response = self.get("")
        self.assertEqual([c.name for c in response.context["object_list"]],
                         ["KSP Usaha Bersama", "KUD Wahau Sejahtera", "Koperasi Sawit Jaya Makmur"])

    def test_q_several_words_any_order_any_case_partial(self):
        self.assertEqual(names(self.get("q=makmur+SAWIT")), ["Koperasi Sawit Jaya Makmur"])
        self.assertEqual(names(self.get("q=sejah+kud")), ["KUD Wahau Sejahtera"])
        self.assertEqual(names(self.get("q=sawit+wahau")), [])

    def test_q_nomor_induk_and_legal_entity_number(self):
        self.assertEqual(names(self.get("q=0012345")), ["Koperasi Sawit Jaya Makmur"])
        self.assertEqual(names(self.get("q=ahu-0000667")), ["KSP Usaha Bersama"])
        self.assertEqual(names(self.get("q=M.KUKM.2")), ["Koperasi Sawit Jaya Makmur"])

    def test_kecamatan(self):
        self.assertEqual(names(self.get(f"kecamatan={MUARA_WAHAU}")), ["KUD Wahau Sejahtera"])

    def test_desa(self):
        self.assertEqual(names(self.get(f"desa={first_desa(SANGATTA_SELATAN).code}")), ["KSP Usaha Bersama"])

    def test_jenis(self):
        self.assertEqual(names(self.get("jenis=simpan_pinjam")), ["KSP Usaha Bersama"])

    def test_kelompok(self):
        self.assertEqual(names(self.get("kelompok=kud")), ["KUD Wahau Sejahtera"])

    def test_status(self):
        self.assertEqual(names(self.get("status=dibubarkan")), ["KUD Wahau Sejahtera"])

    def test_status_nik(self):
        self.assertEqual(names(self.get("status_nik=expired")), ["Koperasi Sawit Jaya Makmur"])

    def test_merah_putih(self):
        self.assertEqual(names(self.get("merah_putih=true")), ["KSP Usaha Bersama"])
        self.assertEqual(len(names(self.get("merah_putih=false"))), 2)

    def test_rat_tahun(self):
        self.assertEqual(names(self.get("rat_tahun=2023")), ["Koperasi Sawit Jaya Makmur"])
        self.assertEqual(names(self.get("rat_tahun=2022")), ["KUD Wahau Sejahtera"])

    def test_pengurus_lengkap(self):
        self.assertEqual(names(self.get("pengurus_lengkap=true")), ["Koperasi Sawit Jaya Makmur"])
        self.assertEqual(names(self.get("pengurus_lengkap=false")), ["KSP Usaha Bersama", "KUD Wahau Sejahtera"])

    def test_urut(self):
        def order(query):
            return [c.name for c in self.get(query).context["object_list"]]
        self.assertEqual(order("urut=-nama")[0], "Koperasi Sawit Jaya Makmur")
        self.assertEqual(order("urut=kecamatan"), ["KUD Wahau Sejahtera", "KSP Usaha Bersama",
                                                   "Koperasi Sawit Jaya Makmur"])  # Muara Wahau, Sangatta S., U.
        self.assertEqual(order("urut=status"), ["Koperasi Sawit Jaya Makmur", "KUD Wahau Sejahtera",
                                                "KSP Usaha Bersama"])  # aktif, dibubarkan, tidak_aktif
        Cooperative.objects.filter(pk=self.usaha.pk).update(updated_at=timezone.now() + datetime.timedelta(days=1))
        self.assertEqual(order("urut=-diperbarui")[0], "KSP Usaha Bersama")

    def test_the_sorted_column_says_so_to_screen_readers(self):
        def sorted_headers(query):
            html = self.get(query).content.decode()
            found = re.findall(r'<th scope="col" aria-sort="(\w+)"><a[^>]*>([^<]+)', html)
            return [(order, label.strip()) for order, label in found]

        self.assertEqual(sorted_headers(""), [("ascending", "Nama")])  # the default order
        self.assertEqual(sorted_headers("urut=-nama"), [("descending", "Nama")])
        self.assertEqual(sorted_headers("urut=status"), [("ascending", "Status")])
        self.assertEqual(sorted_headers("urut=-diperbarui"), [("descending", "Diperbarui")])

    def test_page(self):
        for n in range(30):
            make_cooperative(name=f"Koperasi Tambahan {n:02d}")
        response = self.get("page=2")
        self.assertEqual(response.context["page_obj"].number, 2)
        self.assertEqual(len(response.context["object_list"]), 33 - 25)
        self.assertContains(response, "<strong>33</strong> koperasi", html=False)

    def test_active_filters_are_shown_and_removable_one_by_one(self):
        response = self.get("status=aktif&jenis=produsen&q=sawit")
        active = {f.name: f for f in response.context["active_filters"]}
        self.assertEqual(set(active), {"status", "jenis", "q"})
        self.assertEqual(active["status"].value, "Aktif")
        self.assertEqual(active["status"].remove_url, "/koperasi/?jenis=produsen&q=sawit")
        self.assertContains(response, 'href="/koperasi/?jenis=produsen&amp;q=sawit"')
        self.assertContains(response, "Hapus semua saringan")

    def test_filter_state_survives_going_into_a_record_and_back(self):
        self.get("status=aktif&q=sawit&page=1")
        response = self.client.get(f"/koperasi/{self.sawit.pk}/")
        self.assertEqual(response.context["back_url"], "/koperasi/?status=aktif&q=sawit&page=1")
        self.assertContains(response, 'href="/koperasi/?status=aktif&amp;q=sawit&amp;page=1"')

    def test_constant_queries_whatever_the_number_of_rows(self):
        self.client.force_login(self.petugas)
        self.client.get("/koperasi/?status=aktif")  # warm caches; stores the list's query in the session
        for n in range(40):
            make_cooperative(name=f"Koperasi Banyak {n}")
        # 1 session, 2 user with the access token (permissions, roles and area from the cache: registry/access.py),
        # 3 bounded count, 4 page of rows (desa and kecamatan names joined). The kecamatan and desa choices of
        # the filter form come from the cache (registry/widgets.py).
        with self.assertNumQueries(4):
            response = self.client.get("/koperasi/?status=aktif")
        self.assertEqual(len(response.context["object_list"]), 25)

    def test_rows_name_kecamatan_and_desa(self):
        response = self.get(f"kecamatan={SANGATTA_SELATAN}")
        desa = self.usaha.desa
        self.assertContains(response, f'<td>Sangatta Selatan<br><span class="hint">{desa.name}</span></td>', html=True)
        self.assertContains(response, '<span class="badge badge-mp">Merah Putih</span>')
        self.assertContains(response, "<td>Simpan Pinjam<br>", html=False)

    def test_page_reads_only_the_columns_shown_and_counts_without_the_names(self):
        self.client.force_login(self.petugas)
        self.client.get("/koperasi/?status=aktif")
        # A list longer than its page is counted by the paginator (a shorter one by its rows alone:
        # tests/test_first_page.py): the count asked for here, as these few cooperatives fit.
        with mock.patch.object(KeysetPaginationMixin, "_first_page", return_value=None), \
                CaptureQueriesContext(connection) as queries:
            self.get("status=aktif")
        count, page = [q["sql"] for q in queries.captured_queries if '"registry_cooperative"' in q["sql"]]
        self.assertIn("COUNT(*)", count)
        self.assertNotIn("registry_kecamatan", count)  # the names are joined for the page's rows only
        self.assertIn("kecamatan_name", page)
        self.assertNotIn('"registry_cooperative"."address"', page)

    def test_constant_queries_for_a_limited_petugas(self):
        limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        self.client.force_login(limited)
        self.client.get("/koperasi/")
        for n in range(30):
            make_cooperative(name=f"Koperasi Banyak {n}")
        # As above (5): the header's kecamatan names come from the cache too.
        with self.assertNumQueries(4):
            self.client.get("/koperasi/")


class BoundedCountTests(TestCase):
    def test_beyond_the_limit_the_count_is_a_bound_said_as_such(self):
        for n in range(6):
            make_cooperative(name=f"Koperasi {n}")
        pin_table_estimates(-1, Cooperative)  # never analysed: counted, not estimated
        self.client.force_login(make_user("Petugas"))
        # Longer than a page (3 here), so that the paginator counts; a list that fits is counted by its rows.
        with mock.patch.object(BoundedCountPaginator, "count_limit", 4), \
                mock.patch.object(CooperativeListView, "paginate_by", 3):
            response = self.client.get("/koperasi/")
            paginator = response.context["paginator"]
            self.assertFalse(paginator.count_is_exact)
            self.assertEqual(paginator.count, 5)
            self.assertContains(response, "lebih dari 4 koperasi")


class AreaLimitedTests(TestCase):
    """A Petugas limited to Sangatta Utara: their list, their choices, no edit outside."""

    @classmethod
    def setUpTestData(cls):
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        cls.inside = make_cooperative(kecamatan=SANGATTA_UTARA, name="Koperasi Dalam")
        cls.outside = make_cooperative(kecamatan=MUARA_WAHAU, name="Koperasi Luar")

    def test_sees_counts_and_chooses_only_their_area(self):
        self.client.force_login(self.limited)
        response = self.client.get("/koperasi/")
        self.assertEqual(names(response), ["Koperasi Dalam"])
        self.assertEqual(response.context["paginator"].count, 1)
        kecamatan_codes = [k.code for k in response.context["filter"].form.fields["kecamatan"].queryset]
        self.assertEqual(kecamatan_codes, [SANGATTA_UTARA])
        self.assertNotContains(response, "Koperasi Luar")
        self.assertNotContains(response, "Muara Wahau")

    def test_filtering_on_a_kecamatan_outside_finds_nothing(self):
        self.client.force_login(self.limited)
        self.assertEqual(names(self.client.get(f"/koperasi/?kecamatan={MUARA_WAHAU}")), [])
        self.assertEqual(names(self.client.get("/koperasi/?q=luar")), [])

    def test_form_offers_only_desa_of_their_area(self):
        self.client.force_login(self.limited)
        form = self.client.get(f"/koperasi/{self.inside.pk}/ubah/").context["form"]
        self.assertEqual({d.kecamatan_id for d in form.fields["desa"].queryset}, {SANGATTA_UTARA})
        groups = [label for label, _ in form.fields["desa"].widget.choices[1:]]
        self.assertEqual(groups, ["Sangatta Utara"])

    def test_edits_posted_outside_the_area_are_not_found(self):
        self.client.force_login(self.limited)
        response = self.client.post(f"/koperasi/{self.outside.pk}/ubah/", {"name": "Diambil alih", "version": 1})
        self.assertEqual(response.status_code, 404)
        response = self.client.post(
            f"/koperasi/{self.outside.pk}/status/",
            {"to_status": "tidak_aktif", "changed_on": datetime.date.today().isoformat(), "reason": "uji",
             "version": 1},
        )
        self.assertEqual(response.status_code, 404)
        self.outside.refresh_from_db()
        self.assertEqual((self.outside.name, self.outside.status), ("Koperasi Luar", "aktif"))

    def test_profiles_by_area_whoever_opened_one_first(self):
        # The profile's read is compiled once per area: the limited user's and the district's differ.
        wahau = make_user("Petugas", kecamatan=[MUARA_WAHAU])
        both = make_user("Petugas", kecamatan=[MUARA_WAHAU, SANGATTA_UTARA])
        expected = [(self.limited, 404, 200), (make_user("Petugas"), 200, 200), (wahau, 200, 404), (both, 200, 200),
                    (self.limited, 404, 200), (make_user("Pimpinan"), 200, 200), (wahau, 200, 404)]
        for user, outside, inside in expected:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(f"/koperasi/{self.outside.pk}/").status_code, outside)
                self.assertEqual(self.client.get(f"/koperasi/{self.inside.pk}/").status_code, inside)

    def test_a_profile_no_cooperative_can_have_is_not_found(self):
        self.client.force_login(make_user("Admin Dinas"))
        for pk in (0, 2**63 - 1, 2**63, 10**30):
            with self.subTest(pk=pk):
                self.assertEqual(self.client.get(f"/koperasi/{pk}/").status_code, 404)


class SearchPropertyTests(HypothesisTestCase):
    """Whatever the words of a name, any of them in any order and case, or a part, finds it."""

    @settings(max_examples=25, deadline=None)
    @given(
        words=st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8), min_size=1, max_size=4),
        data=st.data(),
    )
    def test_found_by_its_words_in_any_order(self, words, data):
        user = make_user("Petugas")
        cooperative = make_cooperative(name="Koperasi " + " ".join(words))
        chosen = data.draw(st.permutations(words))
        typed = " ".join(data.draw(st.sampled_from([w, w.upper(), w[:3], w[1:].title()])) for w in chosen)
        self.client.force_login(user)
        found = self.client.get("/koperasi/", {"q": typed}).context["object_list"]
        self.assertIn(cooperative, list(found))

    @given(st.text())
    def test_search_words_never_empty(self, value):
        self.assertTrue(all(word.strip() for word in search_words(value)))


class CooperativeProfileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.cooperative = make_cooperative(name="Koperasi Sawit Jaya", certificate_status="expired")
        year = last_full_year()
        make_report(cls.cooperative, year - 3, members_male=10, members_female=5, total_assets=1_000_000,
                    rat_date=datetime.date(year - 2, 3, 1))
        make_report(cls.cooperative, year - 2, members_male=12, members_female=8, total_assets=1_500_000)
        make_board_member(cls.cooperative, "ketua", name="Budi Santoso")
        for n in range(3):
            make_member(cls.cooperative, nik=f"64080412039{n:05d}", name=f"Anggota {n}")

    def test_profile_shows_every_section(self):
        self.client.force_login(self.petugas)
        response = self.client.get(f"/koperasi/{self.cooperative.pk}/")
        self.assertEqual(response["Cache-Control"].count("no-store"), 1)
        for text in ["Identitas dan badan hukum", "Budi Santoso", "tidak lengkap", "************0001",
                     "Riwayat perubahan", "Mutu data"]:
            self.assertContains(response, text)
        self.assertNotContains(response, "6408041203900001")
        years = response.context["years"]
        self.assertEqual([r.report.year for r in years], [last_full_year() - 2, last_full_year() - 3])
        self.assertEqual((years[0].members_delta, years[0].assets_delta), (5, 500_000))
        self.assertContains(response, "(+5)")

    def test_data_quality_panel(self):
        self.client.force_login(self.petugas)
        quality = self.client.get(f"/koperasi/{self.cooperative.pk}/").context["quality"]
        issues = " ".join(quality.issues)
        self.assertIn("Anggota dilaporkan 20", issues)
        self.assertIn("tercatat di daftar 3", issues)
        self.assertIn("Pengurus tidak lengkap", issues)
        self.assertIn("Sertifikat NIK sudah kedaluwarsa", issues)
        self.assertIn("Tidak ada RAT selama 3 tahun", issues)
        self.assertLess(quality.completeness, 0.5)
        self.assertIn("telepon", quality.missing)

    def test_members_active_on_the_day_of_the_request(self):
        member = make_member(self.cooperative, nik="6408041203900099", name="Anggota Keluar")
        member.left_on = datetime.date(2026, 3, 1)
        member.save()
        # The profile's read is compiled once per day: each day's count is that day's.
        for day, active in ((datetime.date(2026, 2, 28), 4), (datetime.date(2026, 3, 1), 3),
                            (datetime.date(2026, 2, 1), 4)):
            with self.subTest(day=day), mock.patch("django.utils.timezone.localdate", return_value=day):
                self.client.force_login(self.petugas)
                counts = self.client.get(f"/koperasi/{self.cooperative.pk}/").context["member_counts"]
                self.assertEqual((counts["listed"], counts["active"]), (4, active))

    def test_constant_queries(self):
        self.client.force_login(self.petugas)
        url = f"/koperasi/{self.cooperative.pk}/"
        self.client.get(url)
        for n in range(30):
            make_member(self.cooperative, nik=f"64080412039{n + 100:05d}")
            make_board_member(self.cooperative, "pengawas")
        make_report(self.cooperative, last_full_year(), members_male=1)
        # 1 session, 2 user with the access token (permissions, roles, area: registry/access.py), 3 cooperative
        # with desa, kecamatan, its member counts (members joined: listed, active, NIKs disagreeing) and its
        # history count (subqueries), 4 status steps with their user, 5 board terms, 6 yearly reports, 7 the
        # first members, 8 cooperatives of the same name in the desa, 9 assessments, 10-12
        # partnerships, training participations and findings. The history has a page of its own.
        with self.assertNumQueries(12):
            response = self.client.get(url)
        self.assertEqual(len(response.context["members"]), 10)
        self.assertEqual(response.context["member_counts"], {"listed": 33, "active": 33, "nik_disagreeing": 0})


class ProfileQueriesPerRoleTests(TestCase):
    """The profile in the same number of queries for every role that opens it, whatever the size of the
    cooperative: its sections are read whole (not per row), and a role's sections differ by what is shown."""

    @classmethod
    def setUpTestData(cls):
        cls.cooperative = make_cooperative(name="Koperasi Ramai")
        cls.named = make_user("Petugas", first_name="Rahmat", last_name="Hidayat")
        year = last_full_year()
        for n in range(25):
            make_member(cls.cooperative, nik=f"64080412039{n:05d}", name=f"Anggota {n:02d}",
                        left_on=datetime.date(year - 1, 1, 1) if n % 5 == 0 else None)
        full_board(cls.cooperative)
        make_report(cls.cooperative, year - 1, members_male=15, members_female=10, rat_date=datetime.date(year, 3, 1))
        make_report(cls.cooperative, year, members_male=16, members_female=10)
        StatusChange.objects.create(cooperative=cls.cooperative, from_status="aktif", to_status="tidak_aktif",
                                    changed_on=datetime.date(year, 6, 1), reason="Tidak RAT", changed_by=cls.named)
        # Partnerships on both sides and with an outside party, a board member's and a staff member's training,
        # a finding: their sections read only the columns they show, and nothing more per row.
        make_partnership(cls.cooperative, outside_party=make_outside_party(name="PT Sawit Mitra"))
        make_partnership(cls.cooperative, partner=make_cooperative(name="Koperasi Tetangga"))
        make_partnership(make_cooperative(name="Koperasi Pengajak"), partner=cls.cooperative)
        training = make_training(title="Bimtek Akuntansi")
        make_participant(training, cls.cooperative.board_members.first())
        make_participant(training, cooperative=cls.cooperative, name="Staf Kasir")
        make_finding(cls.cooperative)
        # Two years' assessments: a row shows what the assessment itself holds, nothing of its rubric.
        rubric = RubricVersion.objects.order_by("year").first()
        for assessed, score in ((year - 1, "71.25"), (year, "83.50")):
            Assessment.objects.create(cooperative=cls.cooperative, year=assessed, rubric=rubric, overall_score=score,
                                      predicate=Predicate.SEHAT if score > "80" else Predicate.CUKUP_SEHAT)

    def test_each_role_in_a_fixed_number_of_queries(self):
        url = f"/koperasi/{self.cooperative.pk}/"
        # As CooperativeProfileTests.test_constant_queries (12), and 13 the full names shared by two
        # accounts, read once for every person the page names (registry_people.person: the status step's user).
        for role in ("Petugas", "Pimpinan", "Admin Dinas", "Verifikator"):
            with self.subTest(role=role):
                self.client.force_login(make_user(role))
                self.client.get(url)
                with self.assertNumQueries(13):
                    response = self.client.get(url)
                self.assertEqual(len(response.context["members"]), 10)
                self.assertEqual(response.context["member_counts"],
                                 {"listed": 25, "active": 20, "nik_disagreeing": 0})
                self.assertContains(response, "Rahmat Hidayat")
                for partner in ("PT Sawit Mitra", "Koperasi Tetangga", "Koperasi Pengajak"):
                    self.assertContains(response, f'<th scope="row">{partner}</th>', html=True)
                self.assertContains(response, "Bimtek Akuntansi", count=2)
                self.assertContains(response, "Staf Kasir")
                for score in ("71,25", "83,50"):
                    self.assertContains(response, f"<strong>{score}</strong>", html=True)


    def test_the_member_links_lead_to_the_same_counts(self):
        """The profile lists the first members by name; its links open the member list of the cooperative,
        whose counts are the profile's (members who left included in the first, not in the second)."""
        pk = self.cooperative.pk
        self.client.force_login(self.named)
        profile = self.client.get(f"/koperasi/{pk}/")
        self.assertEqual([m.name for m in profile.context["members"]], [f"Anggota {n:02d}" for n in range(10)])
        self.assertContains(profile, "10 anggota pertama menurut nama.")
        self.assertContains(profile, f'<a href="/anggota/?koperasi={pk}">Semua anggota (25)</a>', html=True)
        self.assertContains(profile, f'<a href="/anggota/?koperasi={pk}&amp;aktif=true">Anggota aktif (20)</a>',
                            html=True)
        listed = self.client.get(f"/anggota/?koperasi={pk}")
        self.assertEqual(listed.context["paginator"].count, 25)
        self.assertContains(listed, "<strong>25</strong> anggota", html=True)
        self.assertEqual(self.client.get(f"/anggota/?koperasi={pk}&aktif=true").context["paginator"].count, 20)

    def test_the_history_link_carries_the_count_of_the_history_page(self):
        self.client.force_login(self.named)
        profile = self.client.get(f"/koperasi/{self.cooperative.pk}/")
        # The creation of the cooperative, its 25 members, 4 board terms (full_board) and 2 yearly reports.
        self.assertEqual(profile.context["cooperative"].history_count, 32)
        self.assertContains(profile, f'<a class="button" href="/koperasi/{self.cooperative.pk}/riwayat/">'
                                     "Lihat riwayat perubahan (32)</a>", html=True)
        self.assertNotContains(profile, "history-entry")
        history = self.client.get(f"/koperasi/{self.cooperative.pk}/riwayat/")
        self.assertEqual(len(history.context["history"]), 32)
        self.assertContains(history, "32 perubahan, yang terbaru di atas.")


class CooperativeFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas", first_name="Rahmat")
        cls.desa = first_desa(SANGATTA_UTARA)

    def data(self, **overrides):
        data = {
            "name": "Koperasi Produsen Maju", "nomor_induk": "", "certificate_status": "belum",
            "jenis": "produsen", "bentuk": "primer", "membership_area": "kabupaten", "kelompok": "perkebunan",
            "sector": "perkebunan_sawit", "pattern": "konvensional", "desa": self.desa.code,
            "kecamatan": SANGATTA_UTARA, "version": 1, "palm_oil": "on",
        }
        data.update(overrides)
        return data

    def test_create(self):
        self.client.force_login(self.petugas)
        response = self.client.post("/koperasi/tambah/", self.data(nomor_induk="6408040000001"))
        cooperative = Cooperative.objects.get(name="Koperasi Produsen Maju")
        self.assertRedirects(response, f"/koperasi/{cooperative.pk}/")
        self.assertEqual(cooperative.nomor_induk, "6408040000001")
        record = cooperative.history.first()
        self.assertEqual((record.history_user, record.history_change_reason), (self.petugas, "Koperasi baru dicatat"))

    def test_blank_nomor_induk_is_stored_as_none(self):
        self.client.force_login(self.petugas)
        self.client.post("/koperasi/tambah/", self.data())
        self.assertIsNone(Cooperative.objects.get(name="Koperasi Produsen Maju").nomor_induk)

    def test_errors_are_indonesian_next_to_their_field_and_input_is_kept(self):
        make_cooperative(nomor_induk="6408040000001")
        self.client.force_login(self.petugas)
        for overrides, field, message in [
            ({"nomor_induk": "64-08"}, "nomor_induk", "Nomor Induk Koperasi hanya berisi angka 0-9"),
            ({"nomor_induk": "6408040000001"}, "nomor_induk", "sudah dipakai koperasi lain"),
            ({"certificate_status": "sudah"}, "certificate_expiry", "harus punya tanggal berlaku sampai"),
            ({"kecamatan": MUARA_WAHAU}, "desa", "tidak berada di kecamatan yang dipilih"),
            ({"name": ""}, "name", "Bidang ini tidak boleh kosong"),
        ]:
            with self.subTest(field=field):
                response = self.client.post("/koperasi/tambah/", self.data(**overrides, phone="0811-555"))
                self.assertEqual(response.status_code, 200)
                errors = " ".join(response.context["form"].errors.get(field, []))
                self.assertIn(message, errors)
                self.assertContains(response, 'value="0811-555"')

    def test_limited_petugas_cannot_choose_a_desa_outside(self):
        limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        self.client.force_login(limited)
        outside = first_desa(MUARA_WAHAU)
        response = self.client.post("/koperasi/tambah/", self.data(desa=outside.code, kecamatan=""))
        self.assertIn("desa", response.context["form"].errors)
        self.assertFalse(Cooperative.objects.filter(desa=outside).exists())

    def test_edit_keeps_history_with_reason(self):
        cooperative = make_cooperative(name="Koperasi Lama")
        self.client.force_login(self.petugas)
        data = self.data(name="Koperasi Baru", change_reason="Salah ketik nama")
        response = self.client.post(f"/koperasi/{cooperative.pk}/ubah/", data)
        self.assertRedirects(response, f"/koperasi/{cooperative.pk}/")
        cooperative.refresh_from_db()
        self.assertEqual((cooperative.name, cooperative.version), ("Koperasi Baru", 2))
        record = cooperative.history.first()
        self.assertEqual((record.history_user, record.history_change_reason), (self.petugas, "Salah ketik nama"))
        history = self.client.get(f"/koperasi/{cooperative.pk}/riwayat/")
        self.assertContains(history, "Nama koperasi: <del>Koperasi Lama</del> → <ins>Koperasi Baru</ins>")
        self.assertContains(history, "<strong>Rahmat</strong>")
        self.assertContains(history, "Salah ketik nama")

    def test_second_editor_is_refused_and_keeps_their_input(self):
        cooperative = make_cooperative(name="Koperasi Rebutan", phone="0811", legal_entity_date=None)
        other = make_user("Petugas", username="sari")
        url = f"/koperasi/{cooperative.pk}/ubah/"
        self.client.force_login(other)
        self.assertEqual(self.client.get(url).context["form"]["version"].value(), 1)
        self.client.post(url, self.data(name="Koperasi Rebutan", phone="0812"))  # first editor saves
        self.client.force_login(self.petugas)
        response = self.client.post(url, self.data(name="Koperasi Rebutan Baru", phone="0811"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "sudah diubah orang lain")
        self.assertContains(response, 'value="Koperasi Rebutan Baru"')
        conflict = response.context["conflict"]
        self.assertEqual(conflict.changed_by, other)
        self.assertEqual([(c.field, c.old, c.new) for c in conflict.changes], [("phone", "0811", "0812")])
        self.assertEqual(response.context["form"]["version"].value(), 2)
        cooperative.refresh_from_db()
        self.assertEqual((cooperative.name, cooperative.phone), ("Koperasi Rebutan", "0812"))
        # Saving again from the new version is a deliberate overwrite.
        response = self.client.post(url, self.data(name="Koperasi Rebutan Baru", phone="0812", version=2))
        self.assertEqual(response.status_code, 302)


class CooperativeStatusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.cooperative = make_cooperative()

    def test_change_with_reason_is_kept(self):
        self.client.force_login(self.petugas)
        url = f"/koperasi/{self.cooperative.pk}/status/"
        response = self.client.post(url, {"to_status": "tidak_aktif", "changed_on": "2025-01-31",
                                          "reason": "Tidak RAT 3 tahun", "version": 1})
        self.assertRedirects(response, f"/koperasi/{self.cooperative.pk}/")
        step = StatusChange.objects.get(cooperative=self.cooperative)
        self.assertEqual((step.from_status, step.to_status, step.reason, step.changed_by),
                         ("aktif", "tidak_aktif", "Tidak RAT 3 tahun", self.petugas))
        self.assertContains(self.client.get(f"/koperasi/{self.cooperative.pk}/"), "Tidak RAT 3 tahun")

    def test_reason_required_and_transition_checked(self):
        self.client.force_login(self.petugas)
        url = f"/koperasi/{self.cooperative.pk}/status/"
        response = self.client.post(url, {"to_status": "tidak_aktif", "changed_on": "2025-01-31", "reason": "  ",
                                          "version": 1})
        self.assertIn("reason", response.context["form"].errors)
        response = self.client.post(url, {"to_status": "dibubarkan", "changed_on": "2025-01-31", "reason": "x",
                                          "version": 1})
        self.assertIn("to_status", response.context["form"].errors)
        self.assertFalse(StatusChange.objects.exists())


class CooperativeStatusConflictTests(TestCase):
    def test_a_status_changed_meanwhile_is_not_overwritten(self):
        cooperative = make_cooperative()
        first, second = make_user("Petugas"), make_user("Petugas")
        url = f"/koperasi/{cooperative.pk}/status/"
        self.client.force_login(second)
        self.assertEqual(self.client.get(url).context["form"]["version"].value(), 1)
        self.client.force_login(first)
        self.client.post(url, {"to_status": "tidak_aktif", "changed_on": "2025-01-31", "reason": "Tanpa RAT",
                               "version": 1})
        self.client.force_login(second)
        response = self.client.post(url, {"to_status": "dalam_pembinaan", "changed_on": "2025-02-01",
                                          "reason": "Pembinaan", "version": 1})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "sudah diubah orang lain")
        self.assertContains(response, "Tidak aktif")
        self.assertContains(response, "Pembinaan</textarea>")
        self.assertEqual(response.context["form"]["version"].value(), 2)
        self.assertEqual(StatusChange.objects.filter(cooperative=cooperative).count(), 1)
        # Having seen the new status, the second officer may go on deliberately.
        response = self.client.post(url, {"to_status": "dalam_pembinaan", "changed_on": "2025-02-01",
                                          "reason": "Pembinaan", "version": 2})
        self.assertEqual(response.status_code, 302)
        cooperative.refresh_from_db()
        self.assertEqual(cooperative.status, "dalam_pembinaan")


class BoardAndReportFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.cooperative = make_cooperative()

    def test_add_edit_and_end_a_term(self):
        self.client.force_login(self.petugas)
        base = f"/koperasi/{self.cooperative.pk}/pengurus/"
        response = self.client.post(base + "tambah/", {"name": "Siti Aminah", "role": "sekretaris",
                                                       "term_start": "2023-01-01", "version": 1})
        self.assertEqual(response.status_code, 302)
        term = self.cooperative.board_members.get()
        response = self.client.post(base + f"{term.pk}/ubah/", {"name": "Siti Aminah", "role": "sekretaris",
                                                                 "term_start": "2023-01-01", "term_end": "2022-01-01",
                                                                 "version": 1})
        self.assertIn("Akhir masa jabatan harus setelah mulai menjabat.", response.context["form"].errors["term_end"])
        response = self.client.post(base + f"{term.pk}/akhiri/", {"ended_on": "2024-06-30", "version": 1})
        self.assertEqual(response.status_code, 302)
        term.refresh_from_db()
        self.assertEqual((term.ended_on, term.version), (datetime.date(2024, 6, 30), 2))

    def test_report_add_duplicate_year_and_rat_rules(self):
        self.client.force_login(self.petugas)
        url = f"/koperasi/{self.cooperative.pk}/laporan/tambah/"
        data = {"year": 2024, "members_male": 10, "members_female": 5, "employees": 0, "managers": 0,
                "modal_sendiri": 0, "modal_luar": 0, "total_assets": 0, "business_volume": 0, "revenue": 0,
                "expenses": 0, "shu": 0, "cash": 0, "financial_report": "tidak_ada", "version": 1,
                "rat_quorum": "unknown"}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        response = self.client.post(url, data)
        self.assertIn("Laporan tahun ini sudah ada untuk koperasi ini.", response.context["form"].errors["year"])
        response = self.client.post(url, {**data, "year": 2025, "rat_reported_on": "2026-01-01"})
        self.assertIn("Isi tanggal RAT lebih dulu.", response.context["form"].errors["rat_reported_on"])
        report = self.cooperative.yearly_reports.get()
        response = self.client.post(f"/koperasi/{self.cooperative.pk}/laporan/{report.pk}/ubah/",
                                    {**data, "members_male": 11})
        self.assertEqual(response.status_code, 302)
        report.refresh_from_db()
        self.assertEqual((report.members_male, report.version), (11, 2))


class DesaChoiceTests(TestCase):
    def test_desa_select_grouped_by_kecamatan(self):
        self.client.force_login(make_user("Petugas"))
        response = self.client.get("/koperasi/tambah/")
        self.assertContains(response, '<optgroup label="Sangatta Utara">')
        self.assertContains(response, "data-kecamatan-select")
        self.assertEqual(len(response.context["form"].fields["kecamatan"].choices), 19)
        self.assertEqual(Desa.objects.count(), 141)


class QuickSelectTests(TestCase):
    def test_same_markup_as_djangos_select(self):
        from django import forms

        from registry.widgets import QuickSelect

        choices = [("", "semua"), ("a", "A & <b>"), ("Kelompok", [("x", "X"), ("y", "Y")])]
        for value in ["", "a", "y"]:
            with self.subTest(value=value):
                django_html = forms.Select(choices=choices).render("f", value, {"id": "id_f", "data-x": "1"})
                quick_html = QuickSelect(choices=choices).render("f", value, {"id": "id_f", "data-x": "1"})
                self.assertHTMLEqual(quick_html, django_html)
