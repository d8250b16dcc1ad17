"""Choosing a cooperative by typing: suggestions (JSON, area-limited, aliases), the field resolved on the server."""

from django.test import TestCase

from registry.forms.cooperative_choice import CooperativeField, written
from registry.models import Cooperative, Partnership, RegionAlias
from registry.selectors.cooperatives import SUGGESTION_LIMIT, cooperative_suggestions
from tests.access import make_limited_petugas
from tests.builders import MUARA_WAHAU, SANGATTA_UTARA, make_cooperative, make_outside_party, make_user


class SuggestionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.limited = make_limited_petugas()
        cls.sawit_utara = make_cooperative(name="Koperasi Sawit Jaya", nomor_induk="6408040012345",
                                           kecamatan=SANGATTA_UTARA)
        cls.sawit_wahau = make_cooperative(name="Koperasi Sawit Jaya", nomor_induk="6408010099999",
                                           kecamatan=MUARA_WAHAU)
        cls.other = make_cooperative(name="KUD Wahau Sejahtera", kecamatan=MUARA_WAHAU)
        RegionAlias.objects.get_or_create(alias="Sengata", defaults={"canonical": "Sangatta"})

    def suggest(self, user, text):
        self.client.force_login(user)
        response = self.client.get("/koperasi/saran/", {"q": text})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        return response.json()["results"]

    def test_same_names_told_apart_by_nomor_induk_desa_and_kecamatan(self):
        results = self.suggest(self.petugas, "sawit jaya")
        self.assertEqual([r["id"] for r in results], sorted([self.sawit_utara.pk, self.sawit_wahau.pk]))
        first = next(r for r in results if r["id"] == self.sawit_utara.pk)
        self.assertEqual(first["value"], f"Koperasi Sawit Jaya (#{self.sawit_utara.pk})")
        self.assertEqual(first["nomor_induk"], "6408040012345")
        self.assertEqual(first["kecamatan"], "Sangatta Utara")
        self.assertEqual(first["label"], f"6408040012345 · {self.sawit_utara.desa.name} · Sangatta Utara")

    def test_limited_to_the_users_area(self):
        self.assertEqual([r["id"] for r in self.suggest(self.limited, "sawit")], [self.sawit_utara.pk])
        self.assertEqual(self.suggest(self.limited, "Wahau"), [])

    def test_nomor_induk_kecamatan_and_region_alias(self):
        self.assertEqual([r["id"] for r in self.suggest(self.petugas, "640801")], [self.sawit_wahau.pk])
        self.assertEqual({r["id"] for r in self.suggest(self.petugas, "muara wahau")},
                         {self.sawit_wahau.pk, self.other.pk})
        # "Sengata" is a known other spelling of Sangatta: it finds the cooperative in Sangatta Utara.
        self.assertEqual([r["id"] for r in self.suggest(self.petugas, "sawit sengata")], [self.sawit_utara.pk])

    def test_empty_query_and_limit(self):
        self.assertEqual(self.suggest(self.petugas, "   "), [])
        for i in range(SUGGESTION_LIMIT + 5):
            make_cooperative(name=f"Koperasi Banyak {i:02d}")
        results = self.suggest(self.petugas, "banyak")
        self.assertEqual(len(results), SUGGESTION_LIMIT)
        self.assertEqual(results[0]["name"], "Koperasi Banyak 00")

    def test_constant_queries(self):
        for i in range(10):
            make_cooperative(name=f"Koperasi Banyak {i:02d}")
        self.client.force_login(self.petugas)
        self.client.get("/koperasi/saran/", {"q": "koperasi"})  # the first request reads the user's access
        # session, user with the access token (permissions, roles, area: registry/access.py); the aliases among
        # the words; the cooperatives with desa and kecamatan.
        with self.assertNumQueries(4):
            self.client.get("/koperasi/saran/", {"q": "koperasi banyak"})

    def test_selector_reads_one_page(self):
        queryset = Cooperative.objects.all()
        self.assertEqual(len(cooperative_suggestions(queryset=queryset, text="koperasi", limit=2)), 2)


class CooperativeFieldTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.one = make_cooperative(name="Koperasi Sawit Jaya", nomor_induk="6408040012345")
        cls.two = make_cooperative(name="Koperasi Sawit Jaya", nomor_induk="6408040054321")
        cls.unique = make_cooperative(name="KUD Maju Bersama")
        cls.outside = make_cooperative(name="KUD Di Luar", kecamatan=MUARA_WAHAU)

    def field(self):
        return CooperativeField(queryset=Cooperative.objects.exclude(pk=self.outside.pk), required=True)

    def refused(self, text):
        from django import forms

        with self.assertRaises(forms.ValidationError) as raised:
            self.field().clean(text)
        return raised.exception.messages[0]

    def test_resolved_by_suggestion_value_id_nomor_induk_or_exact_name(self):
        field = self.field()
        self.assertEqual(field.clean(written(self.one)), self.one)
        self.assertEqual(field.clean(str(self.two.pk)), self.two)
        self.assertEqual(field.clean(" 6408040054321 "), self.two)
        self.assertEqual(field.clean("kud  maju bersama"), self.unique)

    def test_ambiguous_name_lists_each_with_its_number(self):
        message = self.refused("Koperasi Sawit Jaya")
        self.assertIn("Ada 2 koperasi “Koperasi Sawit Jaya”", message)
        self.assertIn(f"Koperasi Sawit Jaya (#{self.one.pk}): 6408040012345", message)
        self.assertIn(f"Koperasi Sawit Jaya (#{self.two.pk}): 6408040054321", message)

    def test_partial_name_suggests_without_guessing(self):
        message = self.refused("Maju")
        self.assertIn("Tidak ada koperasi bernama persis “Maju”. Yang mirip:", message)
        self.assertIn(written(self.unique), message)

    def test_outside_the_queryset_and_unknown(self):
        self.assertIn("tidak ditemukan di wilayah Anda", self.refused(written(self.outside)))
        self.assertIn("tidak ditemukan di wilayah Anda", self.refused("KUD Di Luar"))
        self.assertIn("tidak ditemukan", self.refused("zzzz"))
        self.assertIn("tidak boleh kosong", self.refused("  "))

    def test_shows_a_chosen_record_as_written(self):
        self.assertEqual(self.field().prepare_value(self.one.pk), written(self.one))
        self.assertEqual(self.field().prepare_value("sawit"), "sawit")
        self.assertEqual(self.field().prepare_value(str(self.outside.pk)), str(self.outside.pk))


class PartnershipFormChoiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.cooperative = make_cooperative(name="Koperasi Mitra Utama", nomor_induk="6408040011111")
        cls.party = make_outside_party()

    def test_form_without_javascript_typed_name_saved(self):
        self.client.force_login(self.petugas)
        page = self.client.get("/kemitraan/tambah/")
        self.assertContains(page, 'data-suggest-url="/koperasi/saran/"')
        self.assertContains(page, '<datalist id="id_cooperative-saran"></datalist>', html=True)
        self.assertContains(page, "js/cooperative_search")
        self.assertNotContains(page, ">Koperasi Mitra Utama</option>")
        response = self.client.post("/kemitraan/tambah/", {
            "cooperative": "Koperasi Mitra Utama", "outside_party": self.party.pk, "kind": "plasma_inti",
            "status": "aktif", "version": 1, "value": "Rp 1.250.000.000", "start_date": "01/02/2025",
        })
        self.assertEqual(response.status_code, 302, response.context and response.context["form"].errors)
        partnership = Partnership.objects.get()
        self.assertEqual((partnership.cooperative, partnership.value), (self.cooperative, 1_250_000_000))
        edit = self.client.get(f"/kemitraan/{partnership.pk}/ubah/")
        self.assertContains(edit, f'value="Koperasi Mitra Utama (#{self.cooperative.pk})"')


class AdminAutocompleteTests(TestCase):
    def test_cooperative_foreign_keys_autocomplete_with_region_aliases(self):
        from django.contrib import admin

        from registry.models import Finding, Member, Partnership, YearlyReport

        for model in (Partnership, Finding, Member, YearlyReport):
            self.assertIn("cooperative", admin.site._registry[model].autocomplete_fields)
        RegionAlias.objects.get_or_create(alias="Sengata", defaults={"canonical": "Sangatta"})
        wanted = make_cooperative(name="Koperasi Tepi Sungai", kecamatan=SANGATTA_UTARA)
        make_cooperative(name="Koperasi Tepi Sungai", kecamatan=MUARA_WAHAU)
        self.client.force_login(make_user("Admin Dinas", is_staff=True))
        response = self.client.get("/admin/autocomplete/", {
            "app_label": "registry", "model_name": "partnership", "field_name": "cooperative",
            "term": "tepi sengata",
        })
        self.assertEqual(response.status_code, 200)
        self.assertEqual([r["id"] for r in response.json()["results"]], [str(wanted.pk)])
