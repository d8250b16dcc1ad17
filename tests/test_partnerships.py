"""Partnerships, the network, suggestions, trainings and findings (issue 7)."""

import datetime

from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from registry import matching
from registry.models import Cooperative, Finding, KecamatanNeighbour, Partnership, TrainingParticipant
from registry.selectors import partnerships as selectors
from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_SELATAN,
    SANGATTA_UTARA,
    make_board_member,
    make_cooperative,
    make_finding,
    make_outside_party,
    make_participant,
    make_partnership,
    make_training,
    make_user,
)

ROLES = ["Admin Dinas", "Petugas", "Pimpinan", "Verifikator"]
LIMITED = "Petugas (Sangatta)"
NO_ROLE = "tanpa peran"
EVERYONE = ROLES + [LIMITED, NO_ROLE]

READ = {None: 302, NO_ROLE: 403, **{role: 200 for role in ROLES + [LIMITED]}}
EDIT = {None: 302, NO_ROLE: 403, "Pimpinan": 403, "Verifikator": 403, "Admin Dinas": 200, "Petugas": 200, LIMITED: 200}
OUTSIDE_READ = {**READ, LIMITED: 404}
OUTSIDE_EDIT = {**EDIT, LIMITED: 404}
# POST that redirects on success.
PROPOSE = {**{who: 302 for who in EDIT}, NO_ROLE: 403, "Pimpinan": 403, "Verifikator": 403}
KENDARAAN = "64.08.01"  # a kecamatan no test user is limited to, beside Muara Wahau


class MatrixMixin:
    def check(self, method, path, expected, data=None):
        for who, status in expected.items():
            with self.subTest(method=method, path=path, who=who):
                self.client.logout()
                if who:
                    self.client.force_login(self.users[who])
                response = getattr(self.client, method)(path, data or {})
                self.assertEqual(response.status_code, status)
                if who is None:
                    self.assertIn("/accounts/login/", response["Location"])


class PermissionMatrixTests(MatrixMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {role: make_user(role) for role in ROLES}
        cls.users[LIMITED] = make_user("Petugas", kecamatan=[SANGATTA_UTARA, SANGATTA_SELATAN])
        cls.users[NO_ROLE] = make_user(None)
        cls.training = make_training()
        cls.records = {}
        for where, kecamatan in (("inside", SANGATTA_UTARA), ("outside", MUARA_WAHAU)):
            cooperative = make_cooperative(kecamatan=kecamatan, jenis="produsen")
            board = make_board_member(cooperative, "ketua")
            cls.records[where] = {
                "cooperative": cooperative,
                "partner": make_cooperative(kecamatan=kecamatan, jenis="pemasaran"),
                "partnership": make_partnership(cooperative),
                "participant": make_participant(cls.training, board),
                "finding": make_finding(cooperative),
            }

    def pages(self, where):
        r = self.records[where]
        c, t = r["cooperative"].pk, self.training.pk
        return {
            f"/kemitraan/{r['partnership'].pk}/ubah/": EDIT,
            f"/koperasi/{c}/saran-mitra/": READ,
            f"/pelatihan/{t}/peserta/tambah/?koperasi={c}": EDIT,
            f"/pelatihan/{t}/peserta/{r['participant'].pk}/ubah/": EDIT,
            f"/koperasi/{c}/temuan/tambah/": EDIT,
            f"/koperasi/{c}/temuan/{r['finding'].pk}/ubah/": EDIT,
        }

    def test_lists_and_district_pages(self):
        for path in ["/kemitraan/", "/kemitraan/jaringan/", "/pelatihan/", "/pelatihan/cakupan/",
                     f"/pelatihan/{self.training.pk}/", "/temuan/"]:
            self.check("get", path, READ)
        for path in ["/kemitraan/tambah/", "/pelatihan/tambah/", f"/pelatihan/{self.training.pk}/ubah/",
                     f"/pelatihan/{self.training.pk}/peserta/tambah/"]:
            self.check("get", path, EDIT)

    def test_record_pages_inside_the_area(self):
        for path, expected in self.pages("inside").items():
            self.check("get", path, expected)

    def test_record_pages_outside_the_area_are_not_found(self):
        for path, expected in self.pages("outside").items():
            self.check("get", path, OUTSIDE_READ if expected is READ else OUTSIDE_EDIT)

    def test_network_of_a_kecamatan_outside_the_area_is_not_found(self):
        self.check("get", f"/kemitraan/jaringan/?kecamatan={MUARA_WAHAU}", OUTSIDE_READ)

    def test_propose_from_a_suggestion(self):
        r = self.records["inside"]
        self.check("post", f"/koperasi/{r['cooperative'].pk}/saran-mitra/{r['partner'].pk}/usulkan/", PROPOSE)
        outside = self.records["outside"]
        path = f"/koperasi/{outside['cooperative'].pk}/saran-mitra/{outside['partner'].pk}/usulkan/"
        self.check("post", path, {**PROPOSE, LIMITED: 404})

    def test_propose_is_post_only(self):
        r = self.records["inside"]
        self.client.force_login(self.users["Petugas"])
        path = f"/koperasi/{r['cooperative'].pk}/saran-mitra/{r['partner'].pk}/usulkan/"
        self.assertEqual(self.client.get(path).status_code, 405)

    def test_roles_hold_the_new_permissions(self):
        from django.contrib.auth.models import Group

        def perms(role):
            return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

        self.assertTrue({"add_partnership", "change_training", "add_trainingparticipant", "change_finding",
                         "add_outsideparty"} <= perms("Petugas"))
        self.assertTrue({"view_partnership", "view_training", "view_finding"} <= perms("Pimpinan"))
        self.assertFalse({p for p in perms("Pimpinan") if p.startswith(("add_", "change_"))})
        self.assertIn("change_kecamatanneighbour", perms("Admin Dinas"))
        self.assertNotIn("change_kecamatanneighbour", perms("Petugas"))


class AreaTests(TestCase):
    """A partnership is visible when either side is in the area; a training's participants are limited."""

    @classmethod
    def setUpTestData(cls):
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        inside = make_cooperative(kecamatan=SANGATTA_UTARA, name="Koperasi Dalam")
        outside = make_cooperative(kecamatan=MUARA_WAHAU, name="Koperasi Luar")
        far = make_cooperative(kecamatan=KENDARAAN, name="Koperasi Jauh")
        cls.across = make_partnership(outside, partner=inside)
        cls.hidden = make_partnership(outside, partner=far)
        cls.training = make_training()
        make_participant(cls.training, make_board_member(inside, "ketua", name="Ibu Dalam"))
        make_participant(cls.training, make_board_member(outside, "ketua", name="Bapak Luar"))

    def test_partnership_seen_from_either_side(self):
        visible = set(Partnership.objects.for_user(self.limited))
        self.assertEqual(visible, {self.across})
        self.client.force_login(self.limited)
        self.assertEqual(self.client.get(f"/kemitraan/{self.across.pk}/ubah/").status_code, 200)
        self.assertEqual(self.client.get(f"/kemitraan/{self.hidden.pk}/ubah/").status_code, 404)

    def test_partnership_across_the_border_can_be_saved(self):
        self.client.force_login(self.limited)
        response = self.client.post(f"/kemitraan/{self.across.pk}/ubah/", {
            "cooperative": self.across.cooperative_id, "partner_cooperative": self.across.partner_cooperative_id,
            "kind": "antar_koperasi", "status": "aktif", "start_date": "2024-01-01", "value": "5000000", "version": 1,
        })
        self.assertEqual(response.status_code, 302)
        self.across.refresh_from_db()
        self.assertEqual(self.across.value, 5_000_000)

    def test_training_participants_limited(self):
        self.client.force_login(self.limited)
        response = self.client.get(f"/pelatihan/{self.training.pk}/")
        self.assertContains(response, "Ibu Dalam")
        self.assertNotContains(response, "Bapak Luar")
        listed = self.client.get("/pelatihan/").context["object_list"]
        self.assertEqual([t.participant_count for t in listed], [1])

    def test_form_choices_limited(self):
        self.client.force_login(self.limited)
        form = self.client.get("/kemitraan/tambah/").context["form"]
        self.assertEqual([c.name for c in form.fields["partner_cooperative"].queryset], ["Koperasi Dalam"])


# ---------------------------------------------------------------------------------------------
# Lists: one test per filter parameter, constant queries
# ---------------------------------------------------------------------------------------------


class PartnershipListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("Petugas")
        cls.a = make_cooperative(kecamatan=SANGATTA_UTARA, name="Koperasi Sawit Makmur")
        cls.b = make_cooperative(kecamatan=MUARA_WAHAU, name="Koperasi Tani Jaya")
        bank = make_outside_party(name="Bank Kaltimtara Sangatta", kind="bank")
        cls.plasma = make_partnership(cls.a, outside_party=make_outside_party(name="PT Kaltim Prima Sawit"))
        cls.loan = make_partnership(cls.b, outside_party=bank, kind="pembiayaan", status="selesai",
                                    start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2021, 12, 31))
        cls.between = make_partnership(cls.a, partner=cls.b, status="diusulkan", start_date=None)

    def ids(self, query):
        self.client.force_login(self.user)
        return {p.pk for p in self.client.get("/kemitraan/" + query).context["object_list"]}

    def test_search(self):
        self.assertEqual(self.ids("?q=kaltim prima"), {self.plasma.pk})

    def test_kind(self):
        self.assertEqual(self.ids("?jenis=pembiayaan"), {self.loan.pk})

    def test_status(self):
        self.assertEqual(self.ids("?status=diusulkan"), {self.between.pk})

    def test_kecamatan_matches_either_side(self):
        self.assertEqual(self.ids(f"?kecamatan={MUARA_WAHAU}"), {self.loan.pk, self.between.pk})

    def test_partner_kind(self):
        self.assertEqual(self.ids("?mitra=koperasi"), {self.between.pk})
        self.assertEqual(self.ids("?mitra=bank"), {self.loan.pk})

    def test_year_active(self):
        self.assertEqual(self.ids("?tahun=2021"), {self.loan.pk})
        self.assertEqual(self.ids("?tahun=2025"), {self.plasma.pk})  # the proposal is not active yet

    def test_constant_queries(self):
        for _ in range(10):
            make_partnership(make_cooperative(), partner=self.b)
        limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        self.client.force_login(limited)
        self.client.get("/kemitraan/")
        # 1 session, 2 user, 3 user's kecamatan (area), 4-5 permissions, 6 kecamatan choices of the filter,
        # 7 count, 8 the page of partnerships with both sides and the party, 9 user's groups (header role),
        # 10 kecamatan names (header area).
        with self.assertNumQueries(10):
            response = self.client.get("/kemitraan/")
        self.assertEqual(len(response.context["object_list"]), 12)


class TrainingListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("Pimpinan")
        cls.rat = make_training(title="Bimtek RAT Koperasi", topic="rat", kind="bimtek", organiser="Dinas Koperasi")
        cls.digital = make_training(title="Pelatihan Aplikasi Kasir", topic="digital", place="Muara Wahau",
                                    start_date=datetime.date(2024, 2, 1), end_date=datetime.date(2024, 2, 3))
        make_participant(cls.rat, make_board_member(make_cooperative(kecamatan=SANGATTA_UTARA), "ketua"))

    def ids(self, query):
        self.client.force_login(self.user)
        return {t.pk for t in self.client.get("/pelatihan/" + query).context["object_list"]}

    def test_search(self):
        self.assertEqual(self.ids("?q=wahau"), {self.digital.pk})

    def test_kind(self):
        self.assertEqual(self.ids("?bentuk=bimtek"), {self.rat.pk})

    def test_topic(self):
        self.assertEqual(self.ids("?topik=digital"), {self.digital.pk})

    def test_year(self):
        self.assertEqual(self.ids("?tahun=2024"), {self.digital.pk})

    def test_kecamatan_of_participants(self):
        self.assertEqual(self.ids(f"?kecamatan={SANGATTA_UTARA}"), {self.rat.pk})

    def test_constant_queries(self):
        for _ in range(10):
            make_participant(make_training(), make_board_member(make_cooperative(), "bendahara"))
        limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        self.client.force_login(limited)
        self.client.get("/pelatihan/")
        # 1 session, 2 user, 3 area, 4-5 permissions, 6 kecamatan choices, 7 count,
        # 8 the page of trainings with the participants from the area counted, 9 groups, 10 kecamatan names.
        with self.assertNumQueries(10):
            response = self.client.get("/pelatihan/")
        self.assertEqual(len(response.context["object_list"]), 12)


class FindingListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("Verifikator")
        today = timezone.localdate()
        cls.overdue = make_finding(make_cooperative(kecamatan=SANGATTA_UTARA, name="Koperasi Lalai"),
                                   found_on=today - datetime.timedelta(days=90),
                                   due_date=today - datetime.timedelta(days=1),
                                   risk="tinggi", kind="pelanggaran")
        cls.done = make_finding(make_cooperative(kecamatan=MUARA_WAHAU), description="Simpanan wajib tidak dicatat",
                                follow_up_status="selesai", followed_up_on=datetime.date(2025, 2, 1), risk="rendah")
        cls.open = make_finding(make_cooperative(kecamatan=MUARA_WAHAU), found_on=today,
                                due_date=today + datetime.timedelta(days=30), follow_up_status="proses")

    def ids(self, query):
        self.client.force_login(self.user)
        return {f.pk for f in self.client.get("/temuan/" + query).context["object_list"]}

    def test_search(self):
        self.assertEqual(self.ids("?q=simpanan"), {self.done.pk})
        self.assertEqual(self.ids("?q=lalai"), {self.overdue.pk})

    def test_kecamatan(self):
        self.assertEqual(self.ids(f"?kecamatan={MUARA_WAHAU}"), {self.done.pk, self.open.pk})

    def test_kind(self):
        self.assertEqual(self.ids("?jenis=pelanggaran"), {self.overdue.pk})

    def test_risk(self):
        self.assertEqual(self.ids("?risiko=rendah"), {self.done.pk})

    def test_follow_up_status(self):
        self.assertEqual(self.ids("?status=proses"), {self.open.pk})

    def test_overdue(self):
        self.assertEqual(self.ids("?lewat_batas=true"), {self.overdue.pk})
        self.assertEqual(self.ids("?lewat_batas=false"), {self.done.pk, self.open.pk})
        self.assertEqual(list(Finding.objects.overdue()), [self.overdue])

    def test_overdue_flagged(self):
        self.client.force_login(self.user)
        response = self.client.get("/temuan/")
        self.assertContains(response, "lewat batas</span>", count=1)
        self.assertContains(response, "1 lewat batas waktu</a>")

    def test_constant_queries(self):
        for _ in range(10):
            make_finding(make_cooperative(kecamatan=SANGATTA_UTARA))
        limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        self.client.force_login(limited)
        self.client.get("/temuan/")
        # 1 session, 2 user, 3 area, 4-5 permissions, 6 kecamatan choices, 7 count,
        # 8 the page of findings with cooperative, desa and kecamatan, 9 overdue count, 10 groups,
        # 11 kecamatan names.
        with self.assertNumQueries(11):
            response = self.client.get("/temuan/")
        self.assertEqual(len(response.context["object_list"]), 11)


# ---------------------------------------------------------------------------------------------
# Suggestions: a hand-built district whose best match is known
# ---------------------------------------------------------------------------------------------


def assess(cooperative, **scores):
    from registry.models import Assessment, RubricVersion

    return Assessment.objects.create(
        cooperative=cooperative, year=2025, rubric=RubricVersion.objects.order_by("-year").first(),
        status=Assessment.Status.SUBMITTED, **scores,
    )


class SuggestionTests(TestCase):
    """The target: a palm-oil produsen in Sangatta Utara, weak in finance (40).

    Expected ranking (points): Mitra Neighbour 8 (pemasaran 3 + same sector 2 + neighbouring
    kecamatan 1 + mentoring in finance 2), Mitra Pasar 6 (pemasaran 3 + palm-oil commodity 1 +
    same kecamatan 2), Mitra Produsen 4 (same sector 2 + same kecamatan 2), Mitra Konsumen 3
    (konsumen 3, far away). Left out: an inactive pemasaran, an existing partner, a neighbour
    with nothing else in common.
    """

    @classmethod
    def setUpTestData(cls):
        palm = {"sector": "perkebunan_sawit", "palm_oil": True}
        KecamatanNeighbour.objects.create(a_id=SANGATTA_UTARA, b_id=SANGATTA_SELATAN)
        cls.target = make_cooperative(name="Koperasi Target", jenis="produsen", **palm)
        assess(cls.target, score_keuangan=40, score_kelembagaan=70)
        cls.neighbour = make_cooperative(name="Mitra Neighbour", jenis="pemasaran", kecamatan=SANGATTA_SELATAN,
                                         **palm)
        assess(cls.neighbour, score_keuangan=80, score_kelembagaan=60)
        cls.market = make_cooperative(name="Mitra Pasar", jenis="pemasaran", sector="perdagangan", palm_oil=True)
        cls.producer = make_cooperative(name="Mitra Produsen", jenis="produsen", **palm)
        cls.consumer = make_cooperative(name="Mitra Konsumen", jenis="konsumen", sector="perdagangan",
                                        palm_oil=False, kecamatan=MUARA_WAHAU)
        make_cooperative(name="Pemasaran Tidak Aktif", jenis="pemasaran", status="tidak_aktif", **palm)
        cls.partner = make_cooperative(name="Sudah Bermitra", jenis="pemasaran", **palm)
        make_partnership(cls.partner, partner=cls.target)
        make_cooperative(name="Hanya Dekat", jenis="jasa", sector="jasa_lain", palm_oil=False)
        cls.petugas = make_user("Petugas")

    def test_ranking(self):
        found = selectors.partnership_suggestions(cooperative=self.target, user=self.petugas)
        ranking = [(other.name, candidate.score) for other, candidate in found]
        self.assertEqual(ranking, [("Mitra Neighbour", 8), ("Mitra Pasar", 6), ("Mitra Produsen", 4),
                                   ("Mitra Konsumen", 3)])
        best = found[0][1]
        self.assertEqual([r.code for r in best.reasons], ["jenis", "sector", "neighbour", "mentoring"])
        self.assertEqual((best.reasons[-1].conditions, best.reasons[-1].partner_strong), (("keuangan",), (True,)))

    def test_page_explains_method_and_reasons(self):
        self.client.force_login(self.petugas)
        response = self.client.get(f"/koperasi/{self.target.pk}/saran-mitra/")
        self.assertContains(response, "Cara saran disusun")
        self.assertContains(response, "pendampingan: satu kuat, satu lemah pada kondisi: Keuangan usaha (mitra kuat")
        self.assertNotContains(response, "Sudah Bermitra")
        self.assertNotContains(response, "Pemasaran Tidak Aktif")
        self.assertNotContains(response, "Hanya Dekat")

    def test_limited_user_gets_candidates_from_their_area_only(self):
        limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        found = selectors.partnership_suggestions(cooperative=self.target, user=limited)
        self.assertEqual([o.name for o, _c in found], ["Mitra Pasar", "Mitra Produsen"])

    def test_without_assessments_no_mentoring(self):
        from registry.models import Assessment

        Assessment.objects.all().delete()
        found = selectors.partnership_suggestions(cooperative=self.target, user=self.petugas)
        self.assertEqual(found[0][1].score, 6)
        self.assertFalse(any(r.code == "mentoring" for _o, c in found for r in c.reasons))

    def test_propose_in_one_step(self):
        self.client.force_login(self.petugas)
        response = self.client.post(f"/koperasi/{self.target.pk}/saran-mitra/{self.neighbour.pk}/usulkan/")
        partnership = Partnership.objects.get(cooperative=self.target, partner_cooperative=self.neighbour)
        self.assertRedirects(response, f"/kemitraan/{partnership.pk}/ubah/")
        self.assertEqual((partnership.status, partnership.kind), ("diusulkan", "antar_koperasi"))
        self.assertIn("skor 8", partnership.notes)
        self.assertEqual(partnership.history.first().history_user, self.petugas)
        # No longer suggested, and a second post does not add another.
        names = [o.name for o, _c in selectors.partnership_suggestions(cooperative=self.target, user=self.petugas)]
        self.assertNotIn("Mitra Neighbour", names)
        self.client.post(f"/koperasi/{self.target.pk}/saran-mitra/{self.neighbour.pk}/usulkan/")
        self.assertEqual(Partnership.objects.filter(partner_cooperative=self.neighbour).count(), 1)

    def test_suggestion_page_queries(self):
        self.client.force_login(self.petugas)
        self.client.get(f"/koperasi/{self.target.pk}/saran-mitra/")
        # 1 session, 2 user, 3 area, 4-5 permissions, 6 the cooperative, 7 candidates, 8 existing partners,
        # 9 neighbours, 10 latest assessments, 11 groups (header); no kecamatan names: whole district.
        with self.assertNumQueries(11):
            self.client.get(f"/koperasi/{self.target.pk}/saran-mitra/")


profiles = st.builds(
    matching.Profile,
    id=st.integers(1, 30),
    name=st.sampled_from(["A", "B", "C", "D"]),
    jenis=st.sampled_from(["produsen", "pemasaran", "konsumen", "jasa", "simpan_pinjam"]),
    sector=st.sampled_from(["perkebunan_sawit", "perdagangan", "angkutan"]),
    palm_oil=st.booleans(),
    kecamatan=st.sampled_from(["64.08.01", "64.08.02", "64.08.04"]),
    active=st.booleans(),
    scores=st.dictionaries(st.sampled_from(["kelembagaan", "keuangan"]), st.floats(0, 100), max_size=2),
)


@settings(max_examples=200, deadline=None)
@given(target=profiles, others=st.lists(profiles, max_size=15), existing=st.sets(st.integers(1, 30), max_size=5))
def test_suggestions_never_break_the_rules(target, others, existing):
    neighbours = {("64.08.01", "64.08.02")}
    found = matching.suggest(target, others, existing_partners=existing, neighbours=neighbours, limit=None)
    scores = [c.score for c in found]
    assert scores == sorted(scores, reverse=True)
    for candidate in found:
        assert candidate.profile.id != target.id and candidate.profile.id not in existing
        assert candidate.profile.active
        assert any(r.code not in ("same_kecamatan", "neighbour") for r in candidate.reasons)
        assert candidate.score == sum(matching.POINTS[r.code] for r in candidate.reasons)


@settings(max_examples=200, deadline=None)
@given(a=profiles, b=profiles)
def test_reasons_are_symmetric(a, b):
    neighbours = frozenset({("64.08.01", "64.08.02")})
    forward = matching.reasons_for(a, b, neighbours)
    backward = matching.reasons_for(b, a, neighbours)
    assert sorted(r.code for r in forward) == sorted(r.code for r in backward)


# ---------------------------------------------------------------------------------------------
# Network, coverage, participants, profile, constraints
# ---------------------------------------------------------------------------------------------


class NetworkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("Pimpinan")
        cls.a = make_cooperative(name="Koperasi Alpha", kecamatan=SANGATTA_UTARA)
        cls.b = make_cooperative(name="Koperasi Beta", kecamatan=MUARA_WAHAU)
        cls.alone = make_cooperative(name="Koperasi Sendiri", kecamatan=SANGATTA_UTARA)
        make_cooperative(name="Koperasi Bubar", kecamatan=SANGATTA_UTARA, status="dibubarkan")
        company = make_outside_party(name="PT Kaltim Prima Sawit")
        make_partnership(cls.a, outside_party=company)
        make_partnership(cls.b, outside_party=company, kind="angkutan_tbs")
        make_partnership(cls.a, partner=cls.b)
        make_partnership(cls.alone, outside_party=company, status="dihentikan")

    def test_district(self):
        graph = selectors.partnership_network(user=self.user)
        self.assertEqual(len(graph.nodes), 3)
        self.assertEqual(len(graph.edges), 3)
        counts = {kind: n for kind, _label, n in graph.by_kind}
        self.assertEqual((counts["plasma_inti"], counts["angkutan_tbs"], counts["antar_koperasi"]), (1, 1, 1))
        self.assertEqual([c.name for c in graph.alone], ["Koperasi Sendiri"])
        company = next(n for n in graph.nodes if n.outside)
        self.assertEqual((company.degree, company.x, company.y), (2, 400.0, 400.0))  # alone on its ring: centre

    def test_kecamatan(self):
        from registry.models import Kecamatan

        graph = selectors.partnership_network(user=self.user, kecamatan=Kecamatan.objects.get(code=MUARA_WAHAU))
        self.assertEqual({n.label for n in graph.nodes}, {"Koperasi Beta", "Koperasi Alpha", "PT Kaltim Prima Sawit"})
        self.assertEqual(len(graph.edges), 2)
        self.assertEqual(graph.alone, [])

    def test_svg_with_title_description_and_table(self):
        self.client.force_login(self.user)
        response = self.client.get("/kemitraan/jaringan/")
        content = response.content.decode()
        self.assertIn('<svg class="network-svg"', content)
        self.assertIn('<title id="network-title">', content)
        self.assertEqual(content.count('<line class="edge edge-'), 3)
        self.assertIn('cx="400.0" cy="760.0"', content)  # numbers in SVG never in the Indonesian format
        self.assertNotIn("<script", content)
        self.assertNotIn("style=", content)
        self.assertContains(response, "Koperasi Sendiri")


class CoverageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("Pimpinan")
        today = timezone.localdate()
        days = datetime.timedelta
        recent = make_training(start_date=today - days(200), end_date=today - days(199))
        old = make_training(start_date=today - days(1000), end_date=today - days(999))
        cls.trained = make_cooperative(name="Terlatih", kecamatan=SANGATTA_UTARA)
        make_participant(recent, make_board_member(cls.trained, "ketua"))
        cls.long_ago = make_cooperative(name="Dulu Terlatih", kecamatan=SANGATTA_UTARA)
        make_participant(old, make_board_member(cls.long_ago, "ketua"))
        cls.staff_only = make_cooperative(name="Hanya Staf", kecamatan=SANGATTA_UTARA)
        make_participant(recent, cooperative=cls.staff_only)
        cls.absent = make_cooperative(name="Tidak Hadir", kecamatan=MUARA_WAHAU)
        make_participant(recent, make_board_member(cls.absent, "ketua"), attended=False)
        make_cooperative(name="Tidak Aktif", kecamatan=MUARA_WAHAU, status="tidak_aktif")

    def test_share_per_kecamatan(self):
        rows, _since = selectors.training_coverage(user=self.user)
        by_code = {r["code"]: (r["active"], r["trained"]) for r in rows}
        self.assertEqual(by_code, {SANGATTA_UTARA: (3, 1), MUARA_WAHAU: (1, 0)})

    def test_never_trained(self):
        names = [c.name for c in selectors.never_trained(user=self.user)]
        self.assertEqual(sorted(names), ["Hanya Staf", "Tidak Hadir"])

    def test_never_trained_in_one_kecamatan(self):
        self.client.force_login(self.user)
        response = self.client.get(f"/pelatihan/cakupan/?kecamatan={MUARA_WAHAU}")
        self.assertEqual([c.name for c in response.context["never_trained"]], ["Tidak Hadir"])
        unknown = self.client.get("/pelatihan/cakupan/?kecamatan=64.08.99")
        self.assertEqual(len(unknown.context["never_trained"]), 2)

    def test_page(self):
        self.client.force_login(self.user)
        response = self.client.get("/pelatihan/cakupan/")
        self.assertContains(response, "33,3%")
        self.assertContains(response, "Hanya Staf")
        # 1 session, 2 user, 3 area, 4-5 permissions, 6 coverage per kecamatan, 7 never trained, 8 groups.
        with self.assertNumQueries(8):
            self.client.get("/pelatihan/cakupan/")


class ParticipantTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.cooperative = make_cooperative()
        cls.chair = make_board_member(cls.cooperative, "ketua", name="Ahmad Ketua")
        cls.treasurer = make_board_member(cls.cooperative, "bendahara", name="Siti Bendahara")
        make_board_member(cls.cooperative, "sekretaris", name="Sudah Berhenti", ended_on=datetime.date(2024, 1, 1))
        cls.training = make_training()

    def test_add_board_members_and_staff(self):
        self.client.force_login(self.petugas)
        url = f"/pelatihan/{self.training.pk}/peserta/tambah/"
        form = self.client.get(url, {"koperasi": self.cooperative.pk}).context["form"]
        self.assertEqual({m.name for m in form.fields["board_members"].queryset}, {"Ahmad Ketua", "Siti Bendahara"})
        response = self.client.post(url, {
            "koperasi": self.cooperative.pk, "board_members": [self.chair.pk, self.treasurer.pk],
            "staff": "Rina Kasir; kasir\n\n", "attended": "on",
        })
        self.assertRedirects(response, f"/pelatihan/{self.training.pk}/")
        rows = TrainingParticipant.objects.filter(training=self.training).order_by("name")
        self.assertEqual([(p.name, p.position, p.board_member_id is not None) for p in rows], [
            ("Ahmad Ketua", "Ketua", True), ("Rina Kasir", "kasir", False), ("Siti Bendahara", "Bendahara", True),
        ])
        # Those already recorded are not offered again.
        form = self.client.get(url, {"koperasi": self.cooperative.pk}).context["form"]
        self.assertEqual(list(form.fields["board_members"].queryset), [])

    def test_nothing_chosen_is_an_error(self):
        self.client.force_login(self.petugas)
        response = self.client.post(f"/pelatihan/{self.training.pk}/peserta/tambah/", {"koperasi": self.cooperative.pk})
        self.assertContains(response, "Pilih pengurus atau tulis nama karyawan")

    def test_record_a_training(self):
        self.client.force_login(self.petugas)
        response = self.client.post("/pelatihan/tambah/", {
            "title": "Diklat Akuntansi", "kind": "diklat", "topic": "akuntansi", "start_date": "2026-02-02",
            "end_date": "2026-02-01", "organiser": "Dinas", "version": 1,
        })
        self.assertContains(response, "Tanggal selesai harus sama dengan atau setelah tanggal mulai.")


class ConflictTests(TestCase):
    def test_partnership_edit_over_a_newer_version(self):
        petugas = make_user("Petugas")
        partnership = make_partnership(make_cooperative(), value=1_000_000)
        partnership.value = 2_000_000
        partnership.version = 2
        partnership.save()
        self.client.force_login(petugas)
        data = {
            "cooperative": partnership.cooperative_id, "outside_party": partnership.outside_party_id,
            "kind": "plasma_inti", "status": "aktif", "start_date": "2024-01-01", "value": "3000000", "version": 1,
        }
        response = self.client.post(f"/kemitraan/{partnership.pk}/ubah/", data)
        self.assertContains(response, "Diubah orang lain sementara Anda mengisi")
        partnership.refresh_from_db()
        self.assertEqual(partnership.value, 2_000_000)
        data["version"] = 2
        self.assertEqual(self.client.post(f"/kemitraan/{partnership.pk}/ubah/", data).status_code, 302)
        partnership.refresh_from_db()
        self.assertEqual((partnership.value, partnership.version), (3_000_000, 3))


class ProfileSectionTests(TestCase):
    def test_sections(self):
        a, b = make_cooperative(name="Koperasi A"), make_cooperative(name="Koperasi B")
        make_partnership(b, partner=a)
        make_finding(a, due_date=datetime.date(2025, 3, 1))
        make_participant(make_training(), make_board_member(a, "ketua"))
        sections = selectors.profile_sections(cooperative=a, user=make_user("Pimpinan"),
                                              today=datetime.date(2026, 1, 1))
        self.assertEqual([str(p.partner) for p in sections["partnerships"]], ["Koperasi B"])
        self.assertEqual((sections["open_findings"], sections["overdue_findings"]), (1, 1))
        self.assertTrue(sections["board_trained_recently"])


class ConstraintTests(TestCase):
    def test_one_partner_exactly(self):
        a, b = make_cooperative(), make_cooperative()
        with self.assertRaises(IntegrityError), transaction.atomic():
            Partnership.objects.create(cooperative=a, partner_cooperative=b, outside_party=make_outside_party(),
                                       kind="pasokan")
        with self.assertRaises(IntegrityError), transaction.atomic():
            Partnership.objects.create(cooperative=a, kind="pasokan")
        with self.assertRaises(IntegrityError), transaction.atomic():
            Partnership.objects.create(cooperative=a, partner_cooperative=a, kind="pasokan")

    def test_finding_done_needs_a_date(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_finding(make_cooperative(), follow_up_status="selesai")

    def test_neighbours_stored_in_order(self):
        pair = KecamatanNeighbour(a_id=SANGATTA_UTARA, b_id=SANGATTA_SELATAN)
        pair.full_clean()
        pair.save()
        self.assertEqual((pair.a_id, pair.b_id), (SANGATTA_UTARA, SANGATTA_SELATAN) if SANGATTA_UTARA < SANGATTA_SELATAN
                         else (SANGATTA_SELATAN, SANGATTA_UTARA))

    def test_cooperative_status_constant(self):
        self.assertEqual(Cooperative.Status.ACTIVE, "aktif")


# ---------------------------------------------------------------------------------------------
# Assessment derivations fed by these records (registry/assessment_inputs.py)
# ---------------------------------------------------------------------------------------------


class AssessmentInputTests(TestCase):
    TODAY = datetime.date(2026, 3, 1)

    def records(self, cooperative, year=2025):
        from registry import assessment_inputs

        return assessment_inputs.records_for([cooperative], year=year, today=self.TODAY)[cooperative.pk]

    def test_board_training(self):
        from registry.assessment_inputs import board_training

        cooperative = make_cooperative()
        self.assertIsNone(board_training(self.records(cooperative)).level)  # no board: not computable
        members = [make_board_member(cooperative, role) for role in ("ketua", "sekretaris", "bendahara", "pengawas")]
        self.assertTrue(board_training(self.records(cooperative)).missing)  # nothing recorded: the assessor picks
        make_participant(make_training(start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2020, 1, 1)),
                         cooperative=cooperative)  # staff only, long ago
        self.assertEqual(board_training(self.records(cooperative)).level, 1)
        recent = make_training(start_date=datetime.date(2025, 6, 1), end_date=datetime.date(2025, 6, 2))
        make_participant(recent, members[0])
        make_participant(recent, members[1], attended=False)  # absent: does not count
        self.assertEqual(board_training(self.records(cooperative)).level, 2)
        make_participant(recent, members[2])
        make_participant(make_training(start_date=datetime.date(2023, 1, 1), end_date=datetime.date(2023, 1, 2)),
                         members[3])  # more than two years before the reference day (31/12/2025)
        self.assertEqual(board_training(self.records(cooperative)).level, 2)
        make_participant(make_training(), members[3])
        self.assertEqual(board_training(self.records(cooperative)).level, 3)
        make_participant(make_training(), members[1])
        suggestion = board_training(self.records(cooperative))
        self.assertEqual(suggestion.level, 4)
        self.assertIn("4 dari 4 pengurus", suggestion.explanation)

    def test_partnerships(self):
        from registry.assessment_inputs import partnerships

        cooperative = make_cooperative()
        self.assertTrue(partnerships(self.records(cooperative)).missing)
        make_partnership(cooperative, status="dihentikan", start_date=datetime.date(2020, 1, 1),
                         end_date=datetime.date(2021, 1, 1))
        self.assertEqual(partnerships(self.records(cooperative)).level, 1)
        make_partnership(make_cooperative(), partner=cooperative, status="diusulkan", start_date=None)
        self.assertEqual(partnerships(self.records(cooperative)).level, 2)
        make_partnership(cooperative, start_date=datetime.date(2023, 1, 1))
        self.assertEqual(partnerships(self.records(cooperative)).level, 3)
        make_partnership(cooperative, status="selesai", start_date=datetime.date(2022, 1, 1),
                         end_date=datetime.date(2024, 12, 31))  # ended before the book year
        self.assertEqual(partnerships(self.records(cooperative)).level, 3)
        make_partnership(make_cooperative(), partner=cooperative, start_date=datetime.date(2025, 7, 1))
        self.assertEqual(partnerships(self.records(cooperative)).level, 4)

    def test_findings_followed_up_on_time(self):
        from registry.assessment_inputs import findings

        cooperative = make_cooperative()
        self.assertTrue(findings(self.records(cooperative)).missing)
        make_finding(cooperative, found_on=datetime.date(2025, 12, 1), due_date=datetime.date(2026, 6, 1))
        self.assertEqual(findings(self.records(cooperative)).level, 4)  # not yet due on the reference day
        make_finding(cooperative, due_date=datetime.date(2025, 3, 1), follow_up_status="selesai",
                     followed_up_on=datetime.date(2025, 2, 20))
        self.assertEqual(findings(self.records(cooperative)).level, 4)
        make_finding(cooperative, due_date=datetime.date(2025, 3, 1), follow_up_status="selesai",
                     followed_up_on=datetime.date(2025, 5, 1))  # late
        self.assertEqual(findings(self.records(cooperative)).level, 3)
        make_finding(cooperative, due_date=datetime.date(2025, 4, 1))
        make_finding(cooperative, due_date=datetime.date(2025, 4, 1))
        self.assertEqual(findings(self.records(cooperative)).level, 2)
        other = make_cooperative()
        make_finding(other, due_date=datetime.date(2025, 4, 1))
        self.assertEqual(findings(self.records(other)).level, 1)

    def test_violations(self):
        from registry.assessment_inputs import DERIVED_SOURCES

        violations = DERIVED_SOURCES["violations"]
        cooperative = make_cooperative()
        make_finding(cooperative)  # administrative: not a violation
        self.assertEqual(violations(self.records(cooperative)).level, 4)
        make_finding(cooperative, kind="pelanggaran", follow_up_status="selesai",
                     followed_up_on=datetime.date(2025, 2, 1))
        self.assertEqual(violations(self.records(cooperative)).level, 3)
        make_finding(cooperative, kind="sanksi")
        self.assertEqual(violations(self.records(cooperative)).level, 2)
        make_finding(cooperative, kind="kasus_hukum")
        self.assertEqual(violations(self.records(cooperative)).level, 1)
        self.assertEqual(violations(self.records(cooperative, year=2024)).level, 4)

    def test_records_for_many_in_constant_queries(self):
        from registry import assessment_inputs

        cooperatives = [make_cooperative() for _ in range(5)]
        for cooperative in cooperatives:
            make_partnership(cooperative)
            make_finding(cooperative)
            make_participant(make_training(), make_board_member(cooperative, "ketua"))
        # reports, board, partnerships, participations with their training, findings
        with self.assertNumQueries(5):
            records = assessment_inputs.records_for(cooperatives, year=2025, today=self.TODAY)
            for r in records.values():
                assessment_inputs.board_training(r)


class DemoTests(TestCase):
    """registry/demo_partnerships.py: deterministic, idempotent, consistent with the constraints."""

    @classmethod
    def setUpTestData(cls):
        for n in range(40):
            cooperative = make_cooperative(kecamatan=[SANGATTA_UTARA, MUARA_WAHAU][n % 2],
                                           status="aktif" if n % 5 else "tidak_aktif")
            make_board_member(cooperative, "ketua", term_start=datetime.date(2020, 1, 1))
            make_board_member(cooperative, "bendahara", term_start=datetime.date(2020, 1, 1))

    def signature(self):
        return (
            list(Partnership.objects.order_by("pk").values_list("cooperative_id", "kind", "status", "start_date")),
            list(TrainingParticipant.objects.order_by("pk").values_list("training__title", "board_member_id")),
            list(Finding.objects.order_by("pk").values_list("cooperative_id", "due_date", "follow_up_status")),
        )

    def test_deterministic_and_idempotent(self):
        from registry.demo_partnerships import seed_partnerships

        today = datetime.date(2026, 11, 27)

        class Rollback(Exception):
            pass

        try:
            with transaction.atomic():
                seed_partnerships(today=today)
                first = self.signature()
                raise Rollback
        except Rollback:
            pass
        result = seed_partnerships(today=today)
        self.assertEqual(self.signature(), first)
        self.assertGreater(result.partnerships, 0)
        self.assertEqual((result.trainings, result.findings), (40, 40))
        self.assertGreater(result.participants, 40)
        self.assertEqual(KecamatanNeighbour.objects.count(), 21)
        again = seed_partnerships(today=today)
        self.assertEqual((again.partnerships, again.trainings, again.participants, again.findings), (0, 0, 0, 0))
        for finding in Finding.objects.all():
            finding.full_clean()
        self.assertTrue(Finding.objects.overdue(today).exists())


class NavigationTests(TestCase):
    def test_links_follow_permissions(self):
        self.client.force_login(make_user("Pimpinan"))
        nav = self.client.get("/kemitraan/").content.decode().split('class="main-nav"')[1].split("</nav>")[0]
        for path in ("/kemitraan/", "/pelatihan/", "/temuan/"):
            self.assertIn(f'href="{path}"', nav)
        self.assertIn('href="/kemitraan/" aria-current="page"', nav)
        # Read-only: no "record" actions.
        self.assertNotContains(self.client.get("/kemitraan/"), "Catat kemitraan")
        self.client.force_login(make_user("Petugas"))
        self.assertContains(self.client.get("/kemitraan/"), "Catat kemitraan")
        self.assertContains(self.client.get("/pelatihan/"), "Catat pelatihan")


node_keys = st.sampled_from([f"k{n}" for n in range(12)] + [f"p{n}" for n in range(4)])


@settings(max_examples=150, deadline=None)
@given(keys=st.sets(node_keys, max_size=16), links=st.lists(st.tuples(node_keys, node_keys), max_size=30))
def test_network_layout_stays_in_the_picture(keys, links):
    from registry import network

    nodes = [network.Node(key, key, "g", outside=key.startswith("p")) for key in keys]
    placed, edges = network.layout(nodes, [(a, b, "plasma_inti", "Plasma-inti") for a, b in links])
    assert {n.key for n in placed} == set(keys)
    assert all(0 <= n.x <= network.SIZE and 0 <= n.y <= network.SIZE for n in placed)
    assert len(edges) == sum(1 for a, b in links if a in keys and b in keys)
    positions = [(n.x, n.y) for n in placed if not n.outside]
    if len(positions) > 1:
        assert len(set(positions)) == len(positions)  # no two cooperatives on the same spot


class HistoryTests(TestCase):
    def test_edits_are_shown_with_who_and_why(self):
        petugas = make_user("Petugas", first_name="Rudi")
        finding = make_finding(make_cooperative())
        self.client.force_login(petugas)
        url = f"/koperasi/{finding.cooperative_id}/temuan/{finding.pk}/ubah/"
        response = self.client.post(url, {
            "found_on": "2025-01-10", "kind": "administrasi", "risk": "sedang", "description": finding.description,
            "due_date": "2025-03-10", "follow_up_status": "selesai", "followed_up_on": "2025-03-01",
            "version": 1, "change_reason": "Buku kas sudah dimutakhirkan",
        })
        self.assertEqual(response.status_code, 302)
        response = self.client.get(url)
        self.assertContains(response, "Buku kas sudah dimutakhirkan")
        self.assertContains(response, "Status tindak lanjut: <del>Belum ditindaklanjuti</del> → <ins>Selesai</ins>")
        self.assertContains(response, "<strong>Rudi</strong>", html=True)

    def test_done_without_a_date_is_refused(self):
        finding = make_finding(make_cooperative())
        self.client.force_login(make_user("Petugas"))
        response = self.client.post(f"/koperasi/{finding.cooperative_id}/temuan/{finding.pk}/ubah/", {
            "found_on": "2025-01-10", "kind": "administrasi", "risk": "sedang", "description": "x",
            "due_date": "2025-03-10", "follow_up_status": "selesai", "version": 1,
        })
        self.assertContains(response, "Tindak lanjut selesai harus bertanggal.")


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(max_size=400), st.just("a" * 149 + " b; " + "c" * 99 + " d")))
def test_staff_lines_parse_to_names_and_positions(text):
    from registry.forms.partnerships import ParticipantsAddForm

    form = ParticipantsAddForm.__new__(ParticipantsAddForm)
    form.cleaned_data = {"staff": text}
    people = form.clean_staff()
    for name, position in people:
        assert name and name == name.strip() and len(name) <= 150
        assert position == position.strip() and len(position) <= 100
    assert len(people) <= len(text.splitlines())


class ProfilePageTests(TestCase):
    def test_profile_shows_partnerships_trainings_and_findings(self):
        a = make_cooperative(name="Koperasi A")
        make_partnership(a, outside_party=make_outside_party(name="PT Kaltim Prima Sawit"))
        make_participant(make_training(title="Bimtek RAT 2025"), make_board_member(a, "ketua", name="Pak Ketua"))
        make_finding(a, description="Buku kas tidak mutakhir")
        self.client.force_login(make_user("Pimpinan"))
        response = self.client.get(f"/koperasi/{a.pk}/")
        for text in ("PT Kaltim Prima Sawit", "Bimtek RAT 2025", "Pak Ketua", "Buku kas tidak mutakhir",
                     f"/koperasi/{a.pk}/saran-mitra/"):
            self.assertContains(response, text)
        self.assertNotContains(response, "Catat temuan")  # read only
