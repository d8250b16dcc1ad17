"""What people type: Rupiah as 1.250.000.000 or Rp 1.250.000.000, dates as 26/11/2026, errors in a summary."""

import datetime

from django import forms
from django.test import SimpleTestCase, TestCase
from hypothesis import given
from hypothesis import strategies as st

from registry.forms.inputs import RupiahField, RupiahInput, group_thousands
from registry.forms.partnerships import PartnershipForm
from registry.forms.reports import MONEY_FIELDS, YearlyReportForm
from tests.builders import make_cooperative, make_report, make_user

BIGINT = 9_223_372_036_854_775_807


class RupiahFieldTests(SimpleTestCase):
    def field(self, **kwargs):
        return RupiahField(required=False, **kwargs)

    def test_accepted_writings(self):
        field = self.field()
        for text in ["1.250.000.000", "1250000000", "Rp 1.250.000.000", "Rp. 1.250.000.000", "rp1.250.000.000",
                     " 1 250 000 000 ", "Rp 1.250.000.000,-", "1.250.000.000,00", "Rp\u00a01.250.000.000"]:
            with self.subTest(text=text):
                self.assertEqual(field.clean(text), 1_250_000_000)

    def test_zero_negative_and_empty(self):
        field = self.field()
        self.assertEqual(field.clean("0"), 0)
        self.assertEqual(field.clean("Rp 0"), 0)
        self.assertEqual(field.clean("-1.500"), -1500)
        self.assertEqual(field.clean("-Rp 1.500"), -1500)
        self.assertEqual(field.clean("Rp -1.500"), -1500)
        self.assertIsNone(field.clean("   "))
        self.assertIsNone(field.clean(""))

    def refused(self, field, text):
        with self.assertRaises(forms.ValidationError) as raised:
            field.clean(text)
        return raised.exception.messages[0]

    def test_ambiguous_text_is_refused_with_a_reason(self):
        field = self.field()
        self.assertIn("Koma tidak dipakai", self.refused(field, "1,5"))
        self.assertIn("Koma tidak dipakai", self.refused(field, "1.250,50"))
        for text in ["1.25.0", "1.5", "1250.000", "1.2500", "1..250", "1.250."]:
            with self.subTest(text=text):
                self.assertIn("Titik ribuan tidak pada tempatnya", self.refused(field, text))
        for text in ["satu juta", "Rp", "1e9", "--5", "-Rp -5", "Rp 1.000 juta", "١٢٣"]:
            with self.subTest(text=text):
                self.assertIn("Tulis jumlah Rupiah dengan angka", self.refused(field, text))

    def test_bounds(self):
        field = self.field(min_value=0, max_value=BIGINT)
        self.assertEqual(field.clean("9.223.372.036.854.775.807"), BIGINT)
        self.assertEqual(self.refused(field, "9.223.372.036.854.775.808"),
                         "Terlalu besar: nilai terbesar yang dapat disimpan adalah Rp 9.223.372.036.854.775.807.")
        self.assertEqual(self.refused(field, "-1"), "Nilai ini tidak boleh negatif.")
        decimal = self.field(max_digits=18, decimal_places=0)
        self.assertEqual(decimal.clean("999.999.999.999.999.999"), 10**18 - 1)
        self.assertIn("Rp 999.999.999.999.999.999", self.refused(decimal, "1.000.000.000.000.000.000"))

    def test_widget_shows_the_stored_value_grouped_and_the_typed_text_as_typed(self):
        widget = RupiahInput()
        self.assertIn('value="1.250.000.000"', widget.render("x", 1_250_000_000))
        self.assertIn('value="-1.500"', widget.render("x", -1500))
        self.assertIn('value="1,5"', widget.render("x", "1,5"))
        self.assertEqual(group_thousands(0), "0")

    @given(st.integers(min_value=-BIGINT, max_value=BIGINT))
    def test_what_is_shown_reads_back(self, value):
        field = self.field()
        self.assertEqual(field.clean(group_thousands(value)), value)
        self.assertEqual(field.clean(f"Rp {group_thousands(value)}"), value)
        self.assertEqual(field.clean(str(value)), value)


class MoneyFormsTests(TestCase):
    def test_every_money_field_of_the_forms_reads_rupiah(self):
        fields = YearlyReportForm.base_fields
        self.assertEqual({name for name, field in fields.items() if isinstance(field, RupiahField)}, set(MONEY_FIELDS))
        self.assertIsInstance(PartnershipForm.base_fields["value"], RupiahField)
        # Every model field labelled in Rupiah is one of them.
        labelled = {name for name, field in fields.items() if "(Rp)" in str(field.label)}
        self.assertEqual(labelled, set(MONEY_FIELDS))

    def test_partnership_value_refuses_negative_beside_the_field(self):
        form = PartnershipForm(data={"value": "-Rp 5.000"}, user=make_user("Petugas"))
        form.is_valid()
        self.assertEqual(form.errors["value"], ["Nilai ini tidak boleh negatif."])


class ReportFormTypedInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.cooperative = make_cooperative()
        cls.url = f"/koperasi/{cls.cooperative.pk}/laporan/tambah/"
        cls.data = {"year": 2024, "members_male": 10, "members_female": 5, "employees": 0, "managers": 0,
                    "modal_sendiri": "Rp 1.250.000.000", "modal_luar": "1250000000", "total_assets": "2.500.000.000",
                    "business_volume": "0", "revenue": "0", "expenses": "0", "shu": "-Rp 15.000.000",
                    "cash": "0", "financial_report": "tidak_ada", "version": 1, "rat_quorum": "unknown",
                    "rat_date": "15/03/2025", "rat_reported_on": "2025-03-20"}

    def setUp(self):
        self.client.force_login(self.petugas)

    def test_typed_money_and_dates_are_saved(self):
        response = self.client.post(self.url, self.data)
        self.assertEqual(response.status_code, 302)
        report = self.cooperative.yearly_reports.get()
        self.assertEqual((report.modal_sendiri, report.modal_luar, report.total_assets, report.shu),
                         (1_250_000_000, 1_250_000_000, 2_500_000_000, -15_000_000))
        self.assertEqual((report.rat_date, report.rat_reported_on),
                         (datetime.date(2025, 3, 15), datetime.date(2025, 3, 20)))

    def test_edit_form_shows_money_in_indonesian_format(self):
        report = make_report(self.cooperative, 2023, total_assets=1_250_000_000)
        response = self.client.get(f"/koperasi/{self.cooperative.pk}/laporan/{report.pk}/ubah/")
        self.assertContains(response, 'name="total_assets" value="1.250.000.000"')

    def test_errors_beside_the_field_and_in_the_summary_nothing_saved(self):
        data = {**self.data, "modal_sendiri": "1,5", "cash": "-1", "rat_date": "31/02/2025"}
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.cooperative.yearly_reports.exists())
        errors = response.context["form"].errors
        self.assertIn("Koma tidak dipakai", errors["modal_sendiri"][0])
        self.assertEqual(errors["cash"], ["Nilai ini tidak boleh negatif."])
        self.assertEqual(errors["rat_date"],
                         ["Tanggal tidak dikenali atau tidak ada: tulis hh/bb/tttt, misalnya 26/11/2026."])
        content = response.content.decode()
        start = content.index('id="error-summary"')
        summary = content[start:content.index("</div>", start)]
        self.assertIn('<a href="#id_modal_sendiri">Modal sendiri (Rp): Koma tidak dipakai', summary)
        self.assertIn('<a href="#id_cash">Kas (Rp): Nilai ini tidak boleh negatif.</a>', summary)
        self.assertIn('<a href="#id_rat_date">', summary)
        # The typed text comes back as typed, to be corrected rather than retyped.
        self.assertContains(response, 'name="modal_sendiri" value="1,5"')

    def test_largest_value_the_column_holds(self):
        response = self.client.post(self.url, {**self.data, "total_assets": group_thousands(BIGINT)})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.cooperative.yearly_reports.get().total_assets, BIGINT)
        response = self.client.post(self.url, {**self.data, "year": 2023, "total_assets": str(BIGINT + 1)})
        self.assertIn("Terlalu besar", response.context["form"].errors["total_assets"][0])


class StatusFormDateTests(TestCase):
    def test_status_date_typed_or_picked_and_impossible_refused(self):
        cooperative = make_cooperative()
        self.client.force_login(make_user("Petugas"))
        url = f"/koperasi/{cooperative.pk}/status/"
        response = self.client.post(url, {"to_status": "tidak_aktif", "changed_on": "31/02/2025",
                                          "reason": "RAT tidak diadakan", "version": 1})
        self.assertEqual(response.status_code, 200)
        self.assertIn("Tanggal tidak dikenali", response.context["form"].errors["changed_on"][0])
        response = self.client.post(url, {"to_status": "tidak_aktif", "changed_on": "28/02/2025",
                                          "reason": "RAT tidak diadakan", "version": 1})
        self.assertEqual(response.status_code, 302)
        cooperative.refresh_from_db()
        self.assertEqual(cooperative.status_since, datetime.date(2025, 2, 28))
