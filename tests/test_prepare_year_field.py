"""The assessment list's "Siapkan penilaian satu tahun" year field, drawn once per language and last
closed book year (registry/forms/assessments.py, prepare_year_field), is the field Django draws."""

from unittest import mock

from django.test import TestCase
from django.utils import translation

from registry.forms import assessments as forms
from registry.forms.assessments import PrepareYearForm, prepare_year_field
from registry.models import last_full_year
from tests.builders import make_user


class PrepareYearFieldTests(TestCase):
    def test_the_field_is_the_one_django_draws_in_each_language(self):
        for language, label in (("id", "tahun buku:"), ("en", "financial year:")):
            with self.subTest(language), translation.override(language):
                html = prepare_year_field()
                self.assertEqual(html, PrepareYearForm()["year"].as_field_group())
                self.assertIn(label, html)

    def test_a_new_book_year_closing_adds_its_choice(self):
        with mock.patch.object(forms, "last_full_year", return_value=2030):
            self.assertIn('<option value="2030">2030</option>', prepare_year_field())
        with mock.patch.object(forms, "last_full_year", return_value=2031):
            html = prepare_year_field()
        self.assertIn('<option value="2031">2031</option>', html)
        self.assertIn('<option value="2030">2030</option>', html)
        self.assertNotIn('<option value="2032">', html)

    def test_the_list_page_shows_it_to_who_may_prepare(self):
        self.client.force_login(make_user("Petugas"))
        last = last_full_year()
        response = self.client.get("/penilaian/")
        self.assertContains(response, f'<option value="{last}">{last}</option>', html=True)
        self.assertContains(response, 'name="year"')
        self.client.force_login(make_user("Pimpinan"))
        self.assertNotContains(self.client.get("/penilaian/"), 'name="year"')
