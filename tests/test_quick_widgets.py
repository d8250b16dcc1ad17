"""The filter forms' selects and field groups rendered in Python (registry/widgets.py): the same markup
as Django's, the options reused between requests, and never a stale or foreign option list."""

import re

from django import forms
from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from registry import access
from registry.filters.cooperatives import CooperativeFilter
from registry.models import Cooperative, Desa, Kecamatan
from registry.widgets import QuickNumberInput, QuickSelect, QuickTextInput, field_group

from .builders import MUARA_WAHAU, SANGATTA_UTARA, first_desa, make_cooperative, make_user


def squeeze(html):
    """Markup without the blank lines Django's field template leaves between its parts."""
    return re.sub(r">\s+<", "><", str(html)).strip()


class SameMarkupAsDjangoTests(TestCase):
    CHOICES = [("", "semua"), ("a&b", "A & B"), ("x", "<x>"), ("y", "Y")]

    def both(self, value, choices=None, **attrs):
        choices = choices or self.CHOICES
        quick = QuickSelect(choices=choices).render("f", value, attrs={"id": "id_f", **attrs})
        django = forms.Select(choices=choices).render("f", value, attrs={"id": "id_f", **attrs})
        return squeeze(quick), squeeze(django)

    def test_nothing_chosen_selects_the_empty_option(self):
        quick, django = self.both(None)
        self.assertEqual(quick, django)
        self.assertIn('<option value="" selected>semua</option>', quick)

    def test_a_chosen_value_with_characters_to_escape(self):
        quick, django = self.both("a&b")
        self.assertEqual(quick, django)
        self.assertIn('<option value="a&amp;b" selected>A &amp; B</option>', quick)
        self.assertEqual(quick.count(" selected"), 1)

    def test_a_value_that_is_no_choice_selects_nothing(self):
        quick, django = self.both("z")
        self.assertEqual(quick, django)
        self.assertNotIn("selected", quick)

    def test_groups(self):
        choices = [("", "semua"), ("Buah", [("apel", "Apel"), ("jeruk", "Jeruk")])]
        quick, django = self.both("jeruk", choices=choices)
        self.assertEqual(quick, django)

    def test_a_value_is_chosen_once_even_if_it_repeats(self):
        quick, django = self.both("y", choices=[("y", "Y"), ("y", "Y lagi")])
        self.assertEqual(quick, django)

    def test_inputs(self):
        search = {"type": "search", "placeholder": "nama & <nomor>"}
        cases = [
            (QuickTextInput(attrs=search), forms.TextInput(attrs=search), ['sawit "harapan"', "", None]),
            (QuickNumberInput(attrs={"min": 1945, "max": 2100}), forms.NumberInput(attrs={"min": 1945, "max": 2100}),
             [2024, "2024", "", None]),
        ]
        for quick, django, values in cases:
            for value in values:
                with self.subTest(widget=type(quick).__name__, value=value):
                    attrs = {"id": "id_q", "required": False, "disabled": True}
                    self.assertEqual(str(quick.render("q", value, attrs=attrs)),
                                     squeeze(django.render("q", value, attrs=attrs)))

    def test_the_field_group_is_djangos(self):
        form = CooperativeFilter({"jenis": "konsumen", "q": "a & b", "rat_tahun": "2024"},
                                 queryset=Cooperative.objects.none()).form
        for name in ("q", "jenis", "status", "rat_tahun", "urut"):
            self.assertEqual(squeeze(field_group(form[name])), squeeze(form[name].as_field_group()), name)

    def test_a_field_with_errors_takes_djangos_path(self):
        form = CooperativeFilter({"jenis": "bukan"}, queryset=Cooperative.objects.none()).form
        self.assertFalse(form.is_valid())
        self.assertEqual(str(field_group(form["jenis"])), str(form["jenis"].as_field_group()))
        self.assertIn("errorlist", str(field_group(form["jenis"])))


class OptionsCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_cooperative(kecamatan=SANGATTA_UTARA)
        cls.petugas = make_user("Petugas")
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])

    def setUp(self):
        cache.clear()

    def region_queries(self, path="/koperasi/"):
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        sql = [q["sql"] for q in captured.captured_queries]
        # The choices' queries (code and name of every row; the area rule reads codes only).
        choices = re.compile(r'SELECT "registry_(kecamatan|desa)"\."code", "registry_\1"\."name"')
        return response, [s for s in sql if choices.search(s)]

    def test_the_region_lists_are_read_once(self):
        self.client.force_login(self.petugas)
        _response, first = self.region_queries()
        self.assertEqual(len(first), 2, first)  # kecamatan and desa choices
        response, second = self.region_queries()
        self.assertEqual(second, [])
        self.assertContains(response, f'<option value="{MUARA_WAHAU}">Muara Wahau</option>', html=False)

    def test_a_chosen_region_is_marked_on_the_cached_list(self):
        self.client.force_login(self.petugas)
        self.client.get("/koperasi/")
        response = self.client.get(f"/koperasi/?kecamatan={MUARA_WAHAU}")
        self.assertContains(response, f'<option value="{MUARA_WAHAU}" selected>Muara Wahau</option>', html=False)
        self.assertContains(response, '<option value="">semua</option>', html=False)

    def test_a_limited_user_never_gets_the_district_list(self):
        self.client.force_login(self.petugas)
        self.client.get("/koperasi/")
        self.client.force_login(self.limited)
        response = self.client.get("/koperasi/")
        self.assertNotContains(response, f'<option value="{MUARA_WAHAU}"')
        self.assertContains(response, f'<option value="{SANGATTA_UTARA}">Sangatta Utara</option>', html=False)
        outside = first_desa(MUARA_WAHAU)
        self.assertNotContains(response, f'<option value="{outside.code}"')

    def test_a_new_area_changes_the_list_at_once(self):
        self.client.force_login(self.limited)
        self.client.get("/koperasi/")
        self.limited.kecamatan.add(Kecamatan.objects.get(code=MUARA_WAHAU))
        response = self.client.get("/koperasi/")
        self.assertContains(response, f'<option value="{MUARA_WAHAU}">Muara Wahau</option>', html=False)

    def test_a_renamed_desa_is_shown_at_once(self):
        self.client.force_login(self.petugas)
        self.client.get("/koperasi/")
        desa = first_desa(MUARA_WAHAU)  # no cooperative in it: the name shows only among the choices
        desa.name = "Desa Baru Sekali"
        desa.save()
        self.assertContains(self.client.get("/koperasi/"), "Desa Baru Sekali")

    def test_a_desa_changed_without_a_new_token_would_stay(self):
        # The other side of the rule: the cache is what the token says, so a write that bypasses
        # the receivers (a bare update) is not seen until the next change renews the token.
        self.client.force_login(self.petugas)
        self.client.get("/koperasi/")
        Desa.objects.filter(code=first_desa(MUARA_WAHAU).code).update(name="Tanpa Token")
        self.assertNotContains(self.client.get("/koperasi/"), "Tanpa Token")
        access.bump()
        self.assertContains(self.client.get("/koperasi/"), "Tanpa Token")

    def test_each_language_has_its_own_options(self):
        self.client.force_login(self.petugas)
        self.assertContains(self.client.get("/koperasi/"), ">Simpan Pinjam</option>")
        self.client.cookies["django_language"] = "en"
        english = self.client.get("/koperasi/")
        self.assertContains(english, ">Savings and Loans</option>")
        self.assertNotContains(english, ">Simpan Pinjam</option>")

    def test_choices_of_other_models_are_not_cached(self):
        field = forms.ModelChoiceField(queryset=Cooperative.objects.all(), widget=QuickSelect)
        token = access.request_token.set("some-token")
        try:
            self.assertIsNone(field.widget.options_cache_key())
            region = forms.ModelChoiceField(queryset=Kecamatan.objects.all(), widget=QuickSelect)
            self.assertIsNotNone(region.widget.options_cache_key())
        finally:
            access.request_token.reset(token)

    def test_outside_a_signed_in_request_region_choices_are_not_cached(self):
        region = forms.ModelChoiceField(queryset=Kecamatan.objects.all(), widget=QuickSelect)
        self.assertIsNone(region.widget.options_cache_key())

    def test_a_fixed_list_is_keyed_by_its_labels_in_the_language(self):
        widget = QuickSelect(choices=Cooperative.Jenis.choices)
        with translation.override("id"):
            indonesian = widget.options_cache_key()
        with translation.override("en"):
            english = widget.options_cache_key()
        self.assertNotEqual(indonesian, english)
        self.assertNotEqual(QuickSelect(choices=Cooperative.Status.choices).options_cache_key(), indonesian)


    def test_the_requests_token_is_forgotten_after_the_request(self):
        self.client.force_login(self.petugas)
        self.client.get("/koperasi/")
        self.assertIsNone(access.request_token.get())
        self.client.logout()
        self.assertEqual(self.client.get("/koperasi/").status_code, 302)  # anonymous: nothing set
        self.assertIsNone(access.request_token.get())
