"""Import templates that survive Excel, the saved message, and who may undo an import.

The templates: NIK and numbers as text, dates as dates, the header row frozen and locked, the
example row on the instructions sheet (never imported, even when copied into the data sheet).
Undo: an Admin Dinas any batch, a Petugas their own, and only while nothing in it has changed.
"""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from registry.models import ImportBatch, Member
from registry.services.versioning import save_versioned
from registry.spreadsheets.commit import UndoRefused, import_batch_undo, import_commit, may_undo
from registry.spreadsheets.kinds import SPECS
from registry.views.imports import saved_message
from tests.access import ADMIN_DINAS, LIMITED, NO_ROLE, PENGURUS, PETUGAS, PIMPINAN, VERIFIKATOR, make_users
from tests.builders import SANGATTA_UTARA, make_cooperative, make_user
from tests.test_imports import MEMBER_HEADERS, csv_bytes, nik


def template(client, kind):
    return load_workbook(io.BytesIO(b"".join(client.get(f"/impor/templat/{kind}.xlsx").streaming_content)))


class TemplateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")

    def setUp(self):
        self.client.force_login(self.petugas)

    def formats(self, sheet, kind):
        """Each column's number format by its header."""
        headers = [str(column.header) for column in SPECS[kind].all_columns()]
        return {header: sheet.column_dimensions[get_column_letter(i + 1)].number_format
                for i, header in enumerate(headers)}

    def test_nik_and_numbers_as_text_dates_as_dates(self):
        data = template(self.client, "anggota")["Data"]
        formats = self.formats(data, "anggota")
        self.assertEqual(formats["NIK"], "@")
        self.assertEqual(formats["Nomor Induk Koperasi"], "@")
        self.assertEqual(formats["Nomor anggota"], "@")
        self.assertEqual(formats["Tanggal lahir"], "DD/MM/YYYY")
        self.assertEqual(formats["Nama"], "General")
        cooperative = self.formats(template(self.client, "koperasi")["Data"], "koperasi")
        self.assertEqual((cooperative["Nomor Induk Koperasi"], cooperative["Telepon"], cooperative["Kode pos"]),
                         ("@", "@", "@"))
        report = self.formats(template(self.client, "laporan")["Data"], "laporan")
        self.assertEqual((report["Modal sendiri"], report["Tanggal RAT"]), ("#,##0", "DD/MM/YYYY"))

    def test_header_row_frozen_and_locked_the_columns_open(self):
        data = template(self.client, "anggota")["Data"]
        self.assertEqual(data.freeze_panes, "A2")
        self.assertTrue(data.protection.sheet)
        self.assertFalse(data.protection.password)  # against slips, not people: no password to lose
        self.assertTrue(all(cell.protection.locked for cell in data[1]))
        self.assertFalse(data.column_dimensions["C"].protection.locked)
        # Rows can still be inserted, sorted and formatted.
        self.assertFalse(data.protection.insertRows or data.protection.sort or data.protection.formatCells)

    def test_example_row_on_the_instructions_sheet_typed_as_excel_keeps_it(self):
        workbook = template(self.client, "anggota")
        self.assertEqual(workbook.sheetnames, ["Data", "Petunjuk"])
        self.assertEqual(workbook["Data"].max_row, 1)
        help_sheet = workbook["Petunjuk"]
        self.assertIn("tidak ikut diimpor", help_sheet["A1"].value)
        example = dict(zip([cell.value for cell in help_sheet[2]], [cell for cell in help_sheet[3]], strict=False))
        self.assertEqual((example["NIK"].value, example["NIK"].number_format), ("6408014512800001", "@"))
        self.assertEqual(example["Tanggal lahir"].value, datetime.datetime(1980, 12, 5))
        text = " ".join(str(cell.value) for row in help_sheet.iter_rows() for cell in row if cell.value)
        self.assertIn("6,40801E+15", text)
        self.assertIn("gaya Amerika", text)

    def test_the_template_imports_nothing(self):
        for kind in SPECS:
            with self.subTest(kind):
                data = b"".join(self.client.get(f"/impor/templat/{kind}.xlsx").streaming_content)
                response = self.client.post("/impor/", {"kind": kind, "file": SimpleUploadedFile("t.xlsx", data)})
                self.assertContains(response, "hanya berisi judul")


class ExampleRowTests(TestCase):
    """The example row copied into the data sheet is skipped, whatever the kind."""

    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.coop = make_cooperative(kecamatan=SANGATTA_UTARA, nomor_induk="6408010012345",
                                    name="Koperasi Sawit Makmur", legal_entity_number="006385/BH/M.KUKM.2/XI/2017")

    def test_a_copied_example_row_is_never_imported(self):
        self.client.force_login(self.petugas)
        for kind in ("anggota", "pengurus", "laporan"):
            with self.subTest(kind):
                workbook = template(self.client, kind)
                data, help_sheet = workbook["Data"], workbook["Petunjuk"]
                data.protection.sheet = False
                data.append([cell.value for cell in help_sheet[3]])
                buffer = io.BytesIO()
                workbook.save(buffer)
                batch_count = ImportBatch.objects.count()
                response = self.client.post("/impor/", {"kind": kind, "file": SimpleUploadedFile("t.xlsx",
                                                                                             buffer.getvalue())})
                self.assertContains(response, "Baris 2 sama dengan baris contoh templat, jadi tidak diimpor.")
                self.assertEqual(response.context["result"].created, 0)
                self.assertNotContains(response, "Simpan semua")
                self.assertEqual(ImportBatch.objects.count(), batch_count)

    def test_a_row_differing_from_the_example_in_one_value_is_imported(self):
        spec = SPECS["anggota"]
        rows = [[str(c.header) for c in spec.all_columns()],
                [c.example for c in spec.all_columns()]]
        rows[1][[c.key for c in spec.all_columns()].index("name")] = "Siti Aminah Binti Umar"
        batch = import_commit(kind="anggota", data=csv_bytes(rows), file_name="a.csv", user=self.petugas)
        self.assertEqual(batch.rows_created, 1)


class SavedMessageTests(TestCase):
    def test_counts_in_indonesian_numbers_with_the_skipped_rows(self):
        batch = ImportBatch(rows_created=9_990, rows_updated=10, rows_unchanged=1_250, rows_skipped=3)
        self.assertEqual(saved_message(batch), "Impor tersimpan: 10.000 baris disimpan (9.990 baru, 10 diubah), "
                                               "1.250 tidak berubah, 3 dilewati karena salah.")

    def test_in_english_one_and_many(self):
        from django.utils import translation

        with translation.override("en"):
            self.assertEqual(saved_message(ImportBatch(rows_created=1, rows_updated=0, rows_unchanged=1,
                                                       rows_skipped=0)),
                             "Import saved: 1 row saved (1 new, 0 changed), 1 unchanged, 0 skipped for errors.")
            self.assertIn("10,000 rows saved", saved_message(ImportBatch(rows_created=10_000, rows_updated=0,
                                                                          rows_unchanged=0, rows_skipped=2)))

    def test_the_page_after_a_commit(self):
        petugas = make_user("Petugas")
        coop = make_cooperative(kecamatan=SANGATTA_UTARA, nomor_induk="6408010000001")
        desa = coop.desa
        rows = [list(MEMBER_HEADERS)] + [
            ["6408010000001", f"Anggota {i}", nik(i + 1), "P", "05/12/1980", desa.name, desa.kecamatan.name,
             f"A-{i}", "01/02/2015"] for i in range(3)]
        rows[3][2] = "123"
        self.client.force_login(petugas)
        response = self.client.post("/impor/", {"kind": "anggota", "file": SimpleUploadedFile("a.csv",
                                                                                             csv_bytes(rows))})
        response = self.client.post("/impor/simpan/", {"token": response.context["token"], "lewati": "1"},
                                    follow=True)
        self.assertContains(response, "Impor tersimpan: 2 baris disimpan (2 baru, 0 diubah), 0 tidak berubah, "
                                      "1 dilewati karena salah.")


class UndoPermissionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = make_users()
        cls.other_petugas = make_user("Petugas", username="petugas_lain")
        cls.coop = make_cooperative(kecamatan=SANGATTA_UTARA, nomor_induk="6408010000001")

    def import_members(self, user, count=2):
        desa = self.coop.desa
        rows = [list(MEMBER_HEADERS)] + [
            ["6408010000001", f"Anggota {user.pk}-{i}", nik(user.pk * 10 + i + 1), "P", "05/12/1980", desa.name,
             desa.kecamatan.name, f"A-{user.pk}-{i}", "01/02/2015"] for i in range(count)]
        return import_commit(kind="anggota", data=csv_bytes(rows), file_name="a.csv", user=user)

    def undo_page(self, who, batch, method="get"):
        if who is None:
            self.client.logout()
        else:
            self.client.force_login(self.users[who] if isinstance(who, str) else who)
        url = f"/impor/riwayat/{batch.pk}/batalkan/"
        return self.client.post(url) if method == "post" else self.client.get(url)

    def test_who_may_open_the_undo_of_a_petugas_batch(self):
        batch = self.import_members(self.users[PETUGAS])
        expected = {None: 302, PIMPINAN: 403, VERIFIKATOR: 403, ADMIN_DINAS: 200, PETUGAS: 200, LIMITED: 404,
                    NO_ROLE: 403, PENGURUS: 404}
        for who, status in expected.items():
            with self.subTest(who):
                self.assertEqual(self.undo_page(who, batch).status_code, status)
        self.assertEqual(self.undo_page(self.other_petugas, batch).status_code, 403)
        self.assertEqual(self.undo_page(self.other_petugas, batch, "post").status_code, 403)
        self.assertEqual(Member.objects.count(), 2)

    def test_a_petugas_undoes_their_own_batch(self):
        petugas = self.users[PETUGAS]
        batch = self.import_members(petugas)
        self.client.force_login(petugas)
        self.assertContains(self.client.get(f"/impor/riwayat/{batch.pk}/"), "Batalkan impor ini")
        response = self.undo_page(PETUGAS, batch, "post")
        self.assertRedirects(response, f"/impor/riwayat/{batch.pk}/")
        self.assertEqual(Member.objects.count(), 0)
        batch.refresh_from_db()
        self.assertEqual((batch.status, batch.undone_by), (ImportBatch.Status.UNDONE, petugas))

    def test_the_limited_petugas_undoes_their_own(self):
        limited = self.users[LIMITED]
        batch = self.import_members(limited)
        self.assertEqual(self.undo_page(LIMITED, batch, "post").status_code, 302)
        self.assertFalse(Member.objects.exists())

    def test_not_once_anything_in_it_changed_since(self):
        petugas = self.users[PETUGAS]
        batch = self.import_members(petugas)
        member = Member.objects.first()
        member.name = "Diubah Sesudah Impor"
        save_versioned(instance=member, expected_version=member.version)
        response = self.undo_page(PETUGAS, batch, "post")
        self.assertEqual(Member.objects.count(), 2)
        self.assertContains(self.client.get(response["Location"]), "sudah diubah lagi setelah impor ini")
        with self.assertRaises(UndoRefused):
            import_batch_undo(batch=batch, user=self.users[ADMIN_DINAS])  # the same condition for everyone

    def test_another_petugas_sees_no_undo_and_the_service_refuses_them(self):
        batch = self.import_members(self.users[PETUGAS])
        self.client.force_login(self.other_petugas)
        self.assertNotContains(self.client.get(f"/impor/riwayat/{batch.pk}/"), "Batalkan impor ini")
        self.assertFalse(may_undo(self.other_petugas, batch))
        with self.assertRaises(UndoRefused):
            import_batch_undo(batch=batch, user=self.other_petugas)
        self.assertEqual(Member.objects.count(), 2)

    def test_the_admin_dinas_undoes_any_batch(self):
        batch = self.import_members(self.other_petugas)
        self.client.force_login(self.users[ADMIN_DINAS])
        self.assertContains(self.client.get(f"/impor/riwayat/{batch.pk}/"), "Batalkan impor ini")
        self.assertEqual(self.undo_page(ADMIN_DINAS, batch, "post").status_code, 302)
        self.assertFalse(Member.objects.exists())
