"""Partnerships: who sees them, the list, suggestions and proposing one, the network, edits, constraints,
the profile's partnership, training and findings sections, the demo records. Who may open which page:
tests/access.py."""

import datetime
from unittest import mock

from django.db import IntegrityError, transaction
from django.test import TestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from registry import matching
from registry.models import Finding, KecamatanNeighbour, Partnership, TrainingParticipant
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

KENDARAAN = "64.08.01"  # a kecamatan no test user is limited to, beside Muara Wahau


class PartnershipAreaTests(TestCase):
    """A partnership is visible when either side is in the area."""

    @classmethod
    def setUpTestData(cls):
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        inside = make_cooperative(kecamatan=SANGATTA_UTARA, name="Koperasi Dalam")
        outside = make_cooperative(kecamatan=MUARA_WAHAU, name="Koperasi Luar")
        far = make_cooperative(kecamatan=KENDARAAN, name="Koperasi Jauh")
        cls.across = make_partnership(outside, partner=inside)
        cls.hidden = make_partnership(outside, partner=far)

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

    def test_limited_user_cannot_move_a_partnership_wholly_outside_their_area(self):
        self.client.force_login(self.limited)
        # The two sides stay choices of the form: keeping the side outside and replacing the side in
        # the area by an outside party would take the partnership out of the user's sight.
        response = self.client.post(f"/kemitraan/{self.across.pk}/ubah/", {
            "cooperative": self.across.cooperative_id, "partner_cooperative": "",
            "outside_party": make_outside_party().pk, "kind": "plasma", "status": "aktif",
            "start_date": "2024-01-01", "version": 1,
        })
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Salah satu pihak kemitraan harus koperasi di wilayah kerja Anda")
        self.across.refresh_from_db()
        self.assertEqual((self.across.version, self.across.outside_party), (1, None))
        self.assertEqual(set(Partnership.objects.for_user(self.limited)), {self.across})

    def test_whole_district_user_moves_a_partnership_anywhere(self):
        self.client.force_login(make_user("Petugas"))
        far = Partnership.objects.get(pk=self.hidden.pk).partner_cooperative
        response = self.client.post(f"/kemitraan/{self.across.pk}/ubah/", {
            "cooperative": self.across.cooperative_id, "partner_cooperative": far.pk, "kind": "antar_koperasi",
            "status": "aktif", "start_date": "2024-01-01", "version": 1,
        })
        self.assertEqual(response.status_code, 302)
        self.across.refresh_from_db()
        self.assertEqual(self.across.partner_cooperative, far)

    def test_form_choices_limited(self):
        self.client.force_login(self.limited)
        form = self.client.get("/kemitraan/tambah/").context["form"]
        self.assertEqual([c.name for c in form.fields["partner_cooperative"].queryset], ["Koperasi Dalam"])


# ---------------------------------------------------------------------------------------------
# The list: one test per filter parameter, constant queries
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

    def test_search_by_ids_and_through_joins_alike(self):
        # A word in few names is matched by the cooperatives' ids, one in many through the joins
        # (registry/filters/partnerships.py): the same partnerships either way, on either side.
        searches = {"?q=sawit": {self.plasma.pk, self.between.pk}, "?q=jaya": {self.loan.pk, self.between.pk},
                    "?q=bank": {self.loan.pk}, "?q=tani sawit": {self.between.pk}, "?q=MAKMUR kaltim": {self.plasma.pk},
                    "?q=tidak+ada": set()}
        for read in (10_000, 0):
            with mock.patch("registry.filters.partnerships.MATCHING_COOPERATIVES_READ", read):
                for query, expected in searches.items():
                    with self.subTest(query, read=read):
                        self.assertEqual(self.ids(query), expected)

    def test_kind(self):
        self.assertEqual(self.ids("?jenis=pembiayaan"), {self.loan.pk})

    def test_status(self):
        self.assertEqual(self.ids("?status=diusulkan"), {self.between.pk})

    def test_kecamatan_matches_either_side(self):
        self.assertEqual(self.ids(f"?kecamatan={MUARA_WAHAU}"), {self.loan.pk, self.between.pk})

    def test_rows_name_both_sides_and_their_kecamatan(self):
        self.client.force_login(self.user)
        response = self.client.get("/kemitraan/?mitra=koperasi")
        self.assertContains(response, f'<a href="/koperasi/{self.a.pk}/">Koperasi Sawit Makmur</a><br>'
                                      '<span class="hint">Sangatta Utara</span>')
        self.assertContains(response, f'<a href="/koperasi/{self.b.pk}/">Koperasi Tani Jaya</a><br>'
                                      '<span class="hint">Koperasi · Muara Wahau</span>')
        response = self.client.get("/kemitraan/?mitra=bank")
        self.assertContains(response, 'Bank Kaltimtara Sangatta<br><span class="hint">Bank/lembaga keuangan</span>')

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
        # 1 session, 2 user with the access token (permissions, roles, area: registry/access.py), 3 the page of
        # partnerships with the party (a list that fits on its page is counted by its rows, without a COUNT query
        # (tests/test_first_page.py)), 4 both cooperatives of every row shown, in one read
        # (registry/selectors/partnerships.py: with_cooperative_sides); the kecamatan choices from the cache.
        with self.assertNumQueries(4):
            response = self.client.get("/kemitraan/")
        self.assertEqual(len(response.context["object_list"]), 12)
        self.assertContains(response, '<span class="hint">Koperasi · Muara Wahau</span>', count=11)
        # A page continued from a row (keyset) reads one more: the sort values of that row.
        with self.assertNumQueries(6):
            response = self.client.get(f"/kemitraan/?setelah={response.context['page_obj'].first_pk}")
        self.assertEqual(len(response.context["object_list"]), 11)
        self.assertContains(response, '<span class="hint">Koperasi · Muara Wahau</span>', count=10)


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
        # 1 session, 2 user with the access token (permissions, roles, area: registry/access.py), 3 the cooperative,
        # 4 candidates, 5 existing partners, 6 neighbours, 7 latest assessments, 8-10 outside parties (the
        # cooperative's current kinds, neighbours, serving partnerships; no party to read).
        with self.assertNumQueries(10):
            self.client.get(f"/koperasi/{self.target.pk}/saran-mitra/")


class OutsidePartySuggestionTests(TestCase):
    """The target (palm-oil produsen, Sangatta Utara) already has an offtaker, but no financier and
    no FFB transporter. PT Bank finances a palm-oil cooperative of the same kecamatan (2 + 2 points)
    and one far away (not counted); PT Angkut carries FFB for a neighbouring kecamatan's trading
    cooperative in palm oil (1 + 1) and for a non-palm cooperative next door (not like it); PT Jauh
    finances only far away; a stopped partnership and an inactive cooperative are no evidence."""

    @classmethod
    def setUpTestData(cls):
        palm = {"sector": "perkebunan_sawit", "palm_oil": True}
        KecamatanNeighbour.objects.create(a_id=SANGATTA_UTARA, b_id=SANGATTA_SELATAN)
        cls.target = make_cooperative(name="Koperasi Target", jenis="produsen", **palm)
        make_partnership(cls.target, outside_party=make_outside_party(name="PT Pembeli", kind="pembeli"),
                         kind="offtake")
        cls.bank = make_outside_party(name="PT Bank", kind="bank")
        cls.haul = make_outside_party(name="PT Angkut", kind="lainnya")
        far_bank = make_outside_party(name="PT Jauh", kind="bank")
        near = make_cooperative(name="Sawit Dekat", **palm)
        far = make_cooperative(name="Sawit Jauh", kecamatan=MUARA_WAHAU, **palm)
        trader = make_cooperative(name="Dagang Tetangga", sector="perdagangan", palm_oil=True,
                                  kecamatan=SANGATTA_SELATAN)
        unlike = make_cooperative(name="Jasa Dekat", sector="jasa_lain", palm_oil=False)
        idle = make_cooperative(name="Sawit Tidak Aktif", status="tidak_aktif", **palm)
        make_partnership(near, outside_party=cls.bank, kind="pembiayaan")
        make_partnership(far, outside_party=cls.bank, kind="pembiayaan")
        make_partnership(trader, outside_party=cls.haul, kind="angkutan_tbs")
        make_partnership(unlike, outside_party=cls.haul, kind="angkutan_tbs")
        make_partnership(far, outside_party=far_bank, kind="pembiayaan")
        make_partnership(near, outside_party=far_bank, kind="pembiayaan", status="dihentikan")
        make_partnership(idle, outside_party=far_bank, kind="pembiayaan")
        cls.petugas = make_user("Petugas")

    def test_each_missing_need_gets_the_parties_serving_similar_cooperatives_nearby(self):
        found = selectors.outside_party_suggestions(cooperative=self.target, user=self.petugas)
        self.assertEqual(list(found), ["pembiayaan", "angkutan_tbs"])  # offtake is already covered
        summary = {need: [(party.name, c.score, [e.cooperative.name for e in c.evidence]) for party, c in rows]
                   for need, rows in found.items()}
        self.assertEqual(summary, {"pembiayaan": [("PT Bank", 4, ["Sawit Dekat"])],
                                   "angkutan_tbs": [("PT Angkut", 2, ["Dagang Tetangga"])]})

    def test_the_page_names_the_evidence(self):
        self.client.force_login(self.petugas)
        response = self.client.get(f"/koperasi/{self.target.pk}/saran-mitra/")
        self.assertContains(response, "sudah bermitra dengan Sawit Dekat (kecamatan sama, sektor usaha sama)")
        self.assertContains(response, "PT Angkut")
        self.assertNotContains(response, "PT Jauh")

    def test_evidence_only_from_the_user_s_area(self):
        limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        found = selectors.outside_party_suggestions(cooperative=self.target, user=limited)
        self.assertEqual([p.name for p, _c in found["pembiayaan"]], ["PT Bank"])
        self.assertEqual(found["angkutan_tbs"], [])

    def test_needs_are_partnership_kinds(self):
        self.assertLessEqual(set(matching.OUTSIDE_NEEDS), set(Partnership.Kind.values))


@given(target=st.builds(matching.Profile, id=st.just(0), name=st.just("T"),
                        jenis=st.just("produsen"), sector=st.sampled_from(["perkebunan_sawit", "perdagangan"]),
                        palm_oil=st.booleans(), kecamatan=st.sampled_from(["64.08.01", "64.08.04"])),
       served=st.lists(st.tuples(st.integers(1, 4), st.sampled_from(["offtake", "pembiayaan", "angkutan_tbs",
                                                                      "plasma_inti"]),
                                 st.builds(matching.Profile, id=st.integers(0, 9), name=st.sampled_from("ABC"),
                                           jenis=st.just("produsen"),
                                           sector=st.sampled_from(["perkebunan_sawit", "perdagangan"]),
                                           palm_oil=st.booleans(),
                                           kecamatan=st.sampled_from(["64.08.01", "64.08.04", "64.08.12"]))),
                       max_size=12),
       missing=st.sets(st.sampled_from(["offtake", "pembiayaan", "angkutan_tbs"])))
def test_outside_suggestions_never_break_the_rules(target, served, missing):
    neighbours = {("64.08.04", "64.08.12")}
    items = [matching.Served(party, f"P{party}", need, profile) for party, need, profile in served]
    found = matching.suggest_outside_parties(target, items, missing=missing, neighbours=neighbours)
    assert set(found) == missing
    for need, candidates in found.items():
        assert len(candidates) <= matching.OUTSIDE_LIMIT
        assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)
        for candidate in candidates:
            assert candidate.evidence and candidate.need == need
            for item in candidate.evidence:
                assert item.cooperative.id != target.id
                assert (item.cooperative.kecamatan == target.kecamatan
                        or matching.are_neighbours(item.cooperative.kecamatan, target.kecamatan, neighbours))
                assert item.cooperative.sector == target.sector or (item.cooperative.palm_oil and target.palm_oil)
                assert any(s.party_id == candidate.party_id and s.need == need and s.cooperative == item.cooperative
                           for s in items)


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
# Network, edits, constraints, the profile and the navigation
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
        response = self.client.get("/kemitraan/jaringan/?kecamatan=")  # the whole district, chosen
        content = response.content.decode()
        self.assertIn('<svg class="network-svg"', content)
        self.assertIn('<title id="network-title">', content)
        self.assertEqual(content.count('<line class="edge edge-'), 3)
        self.assertIn('cx="400.0" cy="760.0"', content)  # numbers in SVG never in the Indonesian format
        self.assertNotIn("<script", content)
        self.assertNotIn("style=", content)
        self.assertContains(response, "Koperasi Sendiri")


    def test_the_page_opens_on_the_busiest_kecamatan(self):
        self.client.force_login(self.user)
        response = self.client.get("/kemitraan/jaringan/")
        self.assertEqual(response.context["kecamatan"].code, SANGATTA_UTARA)  # two partnerships, against one
        self.assertEqual(response.content.decode().count('<line class="edge edge-'), 2)
        self.assertContains(response, "kemitraan aktif terbanyak")
        chosen = self.client.get(f"/kemitraan/jaringan/?kecamatan={MUARA_WAHAU}")
        self.assertEqual(chosen.context["kecamatan"].code, MUARA_WAHAU)
        self.assertNotContains(chosen, "kemitraan aktif terbanyak")

    def test_one_cooperative_and_its_partners_wherever_they_are(self):
        self.client.force_login(self.user)
        response = self.client.get(f"/kemitraan/jaringan/?koperasi={self.b.pk}")
        graph = response.context["network"]
        self.assertEqual({n.label for n in graph.nodes}, {"Koperasi Beta", "Koperasi Alpha", "PT Kaltim Prima Sawit"})
        self.assertEqual(len(graph.edges), 2)
        self.assertContains(response, "Koperasi Beta dan mitranya")

    def test_one_kind_of_partnership(self):
        self.client.force_login(self.user)
        response = self.client.get("/kemitraan/jaringan/?kecamatan=&jenis=angkutan_tbs")
        self.assertEqual([e.kind for e in response.context["network"].edges], ["angkutan_tbs"])
        unknown = self.client.get("/kemitraan/jaringan/?kecamatan=&jenis=bukan-jenis")
        self.assertEqual(len(unknown.context["network"].edges), 3)
        self.assertContains(unknown, "tidak dikenal")

    def test_a_cooperative_outside_the_area_is_not_found(self):
        self.client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
        self.assertEqual(self.client.get(f"/kemitraan/jaringan/?koperasi={self.b.pk}").status_code, 404)
        self.assertEqual(self.client.get(f"/kemitraan/jaringan/?koperasi={self.a.pk}").status_code, 200)
        self.assertEqual(self.client.get(f"/kemitraan/jaringan/?kecamatan={MUARA_WAHAU}").status_code, 404)

    def test_the_opening_page_counts_its_queries(self):
        self.client.force_login(self.user)
        self.client.get("/kemitraan/jaringan/")
        # session, user with the access token (permissions, roles, area: registry/access.py), kecamatan choices,
        # busiest kecamatan, partnerships, cooperatives without a partner.
        with self.assertNumQueries(6):
            self.client.get("/kemitraan/jaringan/")


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

    def test_neighbours_stored_in_order(self):
        pair = KecamatanNeighbour(a_id=SANGATTA_UTARA, b_id=SANGATTA_SELATAN)
        pair.full_clean()
        pair.save()
        self.assertEqual((pair.a_id, pair.b_id), (SANGATTA_UTARA, SANGATTA_SELATAN) if SANGATTA_UTARA < SANGATTA_SELATAN
                         else (SANGATTA_SELATAN, SANGATTA_UTARA))


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


class DemoTests(TestCase):
    """registry/demo/partnerships.py: deterministic, idempotent, consistent with the constraints."""

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
        from registry.demo.partnerships import seed_partnerships

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
