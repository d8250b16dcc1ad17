"""Import pages: upload -> preview -> commit -> batch -> undo, the errors download, the templates.

Who may open them: tests/access.py.
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone
from openpyxl import load_workbook

from registry.models import ImportBatch, Member
from tests.access import LIMITED, make_users
from tests.builders import MUARA_WAHAU, SANGATTA_UTARA, make_cooperative, make_user
from tests.test_imports import csv_bytes


class ImportViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = make_users()
        cls.coop = make_cooperative(kecamatan=SANGATTA_UTARA, nomor_induk="6408010000001")
        cls.far = make_cooperative(kecamatan=MUARA_WAHAU, nomor_induk="6408020000002")

    def rows(self, bad=False):
        rows = [["Nomor Induk Koperasi", "Nama", "NIK", "Jenis kelamin"],
                ["6408010000001", "Siti", "6408014512800001", "P"],
                ["6408010000001", "Budi", "6408010512800002", "L"]]
        if bad:
            rows[2][2] = "640801051280000"
        return rows

    def upload(self, user, rows, kind="anggota", **extra):
        self.client.force_login(user)
        upload = SimpleUploadedFile("anggota.csv", csv_bytes(rows), content_type="text/csv")
        return self.client.post("/impor/", {"kind": kind, "file": upload, **extra})

    def test_the_cooperative_of_a_file_is_typed_not_picked_from_every_name(self):
        petugas = self.users["Petugas"]
        self.client.force_login(petugas)
        page = self.client.get("/impor/")
        self.assertContains(page, "data-suggest-url")
        self.assertNotContains(page, f'<option value="{self.coop.pk}"')
        rows = [["Nama", "NIK", "Jenis kelamin"], ["Siti", "6408014512800001", "P"]]
        response = self.upload(petugas, rows, cooperative=f"{self.coop.name} (#{self.coop.pk})")
        self.assertContains(response, "Simpan semua")
        unknown = self.upload(petugas, rows, cooperative="Koperasi Yang Tidak Ada")
        self.assertContains(unknown, "tidak ditemukan di wilayah Anda")
        self.assertFalse(Member.objects.exists())

    def test_a_limited_petugas_cannot_name_a_cooperative_outside_the_area(self):
        rows = [["Nama", "NIK", "Jenis kelamin"], ["Siti", "6408014512800001", "P"]]
        response = self.upload(self.users[LIMITED], rows, cooperative=f"#{self.far.pk}")
        self.assertContains(response, "tidak ditemukan di wilayah Anda")

    def test_nav_link_for_import_permission_only(self):
        self.client.force_login(self.users["Petugas"])
        self.assertContains(self.client.get("/impor/riwayat/"), 'href="/impor/"')
        self.client.force_login(self.users["Admin Dinas"])
        self.assertContains(self.client.get("/impor/riwayat/"), 'href="/impor/"')

    def test_upload_errors_fix_commit_undo(self):
        petugas = self.users["Petugas"]
        response = self.upload(petugas, self.rows(bad=True))
        self.assertContains(response, "640801051280000")
        self.assertContains(response, "16 angka")
        token = response.context["token"]
        errors = self.client.get(f"/impor/kesalahan/{token}.xlsx")
        sheet = load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
        self.assertIn("16 angka", sheet.cell(3, 5).value)
        # Committing the file with errors is refused without the confirmation.
        self.client.post("/impor/simpan/", {"token": token})
        self.assertFalse(Member.objects.exists())
        response = self.upload(petugas, self.rows())
        self.assertContains(response, "Simpan semua")
        response = self.client.post("/impor/simpan/", {"token": response.context["token"]})
        batch = ImportBatch.objects.get()
        self.assertRedirects(response, f"/impor/riwayat/{batch.pk}/")
        self.assertEqual(Member.objects.count(), 2)
        self.client.force_login(self.users["Admin Dinas"])
        self.client.post(f"/impor/riwayat/{batch.pk}/batalkan/")
        self.assertEqual(Member.objects.count(), 0)

    def test_clean_rows_only_after_confirmation(self):
        response = self.upload(self.users["Petugas"], self.rows(bad=True))
        self.client.post("/impor/simpan/", {"token": response.context["token"], "lewati": "1"})
        self.assertEqual(Member.objects.count(), 1)
        self.assertEqual(ImportBatch.objects.get().rows_skipped, 1)

    def test_token_of_another_session_is_refused(self):
        response = self.upload(self.users["Petugas"], self.rows())
        token = response.context["token"]
        self.client.force_login(self.users["Admin Dinas"])
        self.assertEqual(self.client.get(f"/impor/kesalahan/{token}.xlsx").status_code, 404)
        self.client.post("/impor/simpan/", {"token": token})
        self.assertFalse(Member.objects.exists())

    def test_limited_petugas_outside_area(self):
        rows = self.rows()
        rows[1][0] = rows[2][0] = "6408020000002"
        response = self.upload(self.users[LIMITED], rows)
        self.assertContains(response, "wilayah kerja")


class ImportBatchListQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        for i in range(5):
            ImportBatch.objects.create(kind="anggota", file_name=f"a{i}.csv", user=cls.petugas, rows_created=i)
        # An undone batch too: its row reads no more than a kept one's (the rows read only what they show).
        ImportBatch.objects.filter(file_name="a0.csv").update(status=ImportBatch.Status.UNDONE,
                                                              undone_at=timezone.now(), undone_by=cls.petugas)

    def test_queries(self):
        self.client.force_login(self.petugas)
        self.client.get("/impor/riwayat/")  # the first request reads the user's access into the cache
        # session, user with the access token (permissions, roles, area: registry/access.py); the page with user joined
        # (a list that fits on its page is counted by its rows, without a COUNT query (tests/test_first_page.py)).
        with self.assertNumQueries(3):
            response = self.client.get("/impor/riwayat/")
        self.assertEqual(len(response.context["object_list"]), 5)
        self.assertContains(response, "<td>Dibatalkan</td>", html=True)
        self.assertContains(response, '<td class="number">4</td>', html=True)


class TemplateTests(TestCase):
    def test_each_template_has_known_headers_example_and_instructions(self):
        from registry.spreadsheets.imports import import_dry_run
        from registry.spreadsheets.kinds import SPECS

        user = make_user("Petugas")
        self.client.force_login(user)
        for kind, spec in SPECS.items():
            with self.subTest(kind=kind):
                response = self.client.get(f"/impor/templat/{kind}.xlsx")
                data = b"".join(response.streaming_content)
                workbook = load_workbook(io.BytesIO(data))
                self.assertEqual(workbook.sheetnames, ["Data", "Petunjuk"])
                headers = [cell.value for cell in workbook["Data"][1]]
                self.assertEqual(headers, [str(column.header) for column in spec.all_columns()])
                self.assertEqual(workbook["Data"].max_row, 1)  # the example row is on the instructions sheet
                result = import_dry_run(kind=kind, data=data, file_name="t.xlsx", user=user)
                self.assertFalse([error for error in result.errors if error.row == 1])
