"""Uploads waiting in the database between check and commit; large files checked and committed by the
task worker with a progress page. Who may open the pages: tests/access.py."""

from unittest.mock import patch

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase, override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registry.models import ImportBatch, Member, PendingImport
from registry.services import import_jobs
from registry.services.import_jobs import (
    FAILED_SERVER,
    FAILED_WORKER_LOST,
    Progress,
    estimate_rows,
    pending_commit,
)
from registry.services.recovery import tasks_recover
from registry.spreadsheets.commit import ImportRejected
from registry.spreadsheets.imports import DryRun
from tests.builders import SANGATTA_UTARA, make_cooperative, make_user
from tests.test_imports import csv_bytes, xlsx_bytes
from tests.test_recovery import claimed
from tests.test_tasks import DATABASE_TASKS, run_worker

NIK = "6408014512800001"


def members_file(count=3, bad=False):
    rows = [["Nomor Induk Koperasi", "Nama", "NIK", "Jenis kelamin"]]
    for n in range(count):
        rows.append(["6408010000001", f"Anggota {n}", f"64080145128{n + 1:05d}", "P"])
    if bad:
        rows[2][2] = "640801051280000"
    return csv_bytes(rows)


class ImportJobTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.other = make_user("Petugas")
        cls.coop = make_cooperative(kecamatan=SANGATTA_UTARA, nomor_induk="6408010000001")

    def setUp(self):
        self.client.force_login(self.petugas)

    def upload(self, data, client=None):
        return (client or self.client).post("/impor/", {
            "kind": "anggota", "file": SimpleUploadedFile("anggota.csv", data, content_type="text/csv")})

    def test_a_small_file_is_checked_in_the_request_and_kept_encrypted(self):
        response = self.upload(members_file())
        self.assertContains(response, "Simpan semua")
        pending = PendingImport.objects.get()
        self.assertEqual((pending.status, pending.user, pending.rows_done), ("siap", self.petugas, 3))
        self.assertEqual(response.context["token"], pending.pk)
        self.assertNotIn(NIK.encode(), bytes(pending.data))
        self.assertNotIn(NIK.encode(), bytes(pending.result))
        response = self.client.post("/impor/simpan/", {"token": str(pending.pk)})
        batch = ImportBatch.objects.get()
        self.assertRedirects(response, f"/impor/riwayat/{batch.pk}/")
        pending.refresh_from_db()
        # Consumed: the file and its check are wiped, the upload points to its batch.
        self.assertEqual((pending.status, pending.batch, bytes(pending.data), pending.result),
                         ("tersimpan", batch, b"", None))
        self.assertEqual(Member.objects.count(), 3)

    def test_checked_in_one_session_committed_in_another(self):
        """No state in the session or on a server's disk: what any server needs is in the database."""
        token = self.upload(members_file()).context["token"]
        elsewhere = Client()
        elsewhere.force_login(self.petugas)
        response = elsewhere.post("/impor/simpan/", {"token": str(token)})
        self.assertRedirects(response, f"/impor/riwayat/{ImportBatch.objects.get().pk}/")
        self.assertEqual(Member.objects.count(), 3)

    def test_nobody_else_reaches_an_upload(self):
        token = self.upload(members_file(bad=True)).context["token"]
        self.client.force_login(self.other)
        self.assertEqual(self.client.get(f"/impor/berkas/{token}/").status_code, 404)
        self.assertEqual(self.client.get(f"/impor/kesalahan/{token}.xlsx").status_code, 404)
        response = self.client.post("/impor/simpan/", {"token": str(token), "lewati": "1"}, follow=True)
        self.assertContains(response, "tidak ditemukan lagi")
        self.assertFalse(Member.objects.exists())

    def test_a_second_click_commits_nothing_more(self):
        token = self.upload(members_file()).context["token"]
        self.client.post("/impor/simpan/", {"token": str(token)})
        response = self.client.post("/impor/simpan/", {"token": str(token)})
        self.assertRedirects(response, f"/impor/riwayat/{ImportBatch.objects.get().pk}/")
        self.assertEqual((ImportBatch.objects.count(), Member.objects.count()), (1, 3))

    @override_settings(TASKS=DATABASE_TASKS, IMPORT_INLINE_MAX_BYTES=10)
    def test_a_large_file_is_checked_and_committed_by_the_worker_with_its_progress(self):
        response = self.upload(members_file(count=5, bad=True))
        pending = PendingImport.objects.get()
        page = f"/impor/berkas/{pending.pk}/"
        self.assertRedirects(response, page, fetch_redirect_response=False)
        self.assertEqual(DBTaskResult.objects.get().task_path, "registry.tasks.check_import")
        response = self.client.get(page)
        self.assertContains(response, "Sedang diperiksa")
        self.assertContains(response, '<meta http-equiv="refresh" content="2">', html=False)
        self.assertContains(response, "0% · 0 dari sekitar 5 baris")
        with patch("registry.spreadsheets.imports.PROGRESS_ROWS", 1), patch.object(Progress, "INTERVAL", 0):
            seen = []
            original = Progress.__call__

            def spy(progress, rows):
                seen.append(rows)
                return original(progress, rows)

            with patch.object(Progress, "__call__", spy):
                run_worker()
        self.assertEqual(seen, [1, 2, 3, 4, 5])
        response = self.client.get(page)  # the preview, from the stored check
        self.assertContains(response, "640801051280000")
        self.assertContains(response, "Simpan baris yang benar")
        errors = self.client.get(f"/impor/kesalahan/{pending.pk}.xlsx")
        self.assertEqual(errors.status_code, 200)

        response = self.client.post("/impor/simpan/", {"token": str(pending.pk), "lewati": "1"})
        self.assertRedirects(response, page, fetch_redirect_response=False)
        self.assertContains(self.client.get(page), "Sedang disimpan")
        self.assertFalse(Member.objects.exists())
        run_worker()
        batch = ImportBatch.objects.get()
        self.assertRedirects(self.client.get(page), f"/impor/riwayat/{batch.pk}/")
        self.assertEqual((batch.rows_created, batch.rows_skipped, Member.objects.count()), (4, 1, 4))
        self.assertEqual(PendingImport.objects.get().rows_done, 5)

    @override_settings(TASKS=DATABASE_TASKS, IMPORT_INLINE_MAX_BYTES=10)
    def test_the_same_commit_run_twice_writes_once(self):
        self.upload(members_file())
        run_worker()
        pending = PendingImport.objects.get()
        self.client.post("/impor/simpan/", {"token": str(pending.pk)})
        from registry.tasks import commit_import

        commit_import.enqueue(pending_id=str(pending.pk))  # as if its task were taken over meanwhile
        run_worker()
        self.assertEqual((ImportBatch.objects.count(), Member.objects.count()), (1, 3))

    def test_a_commit_overtaken_inside_its_transaction_is_rolled_back(self):
        token = self.upload(members_file()).context["token"]
        PendingImport.objects.filter(pk=token).update(status="disimpan")
        other = ImportBatch.objects.create(kind="anggota", file_name="x.csv", user=self.petugas)

        def overtaken(progress, rows):  # another run of this commit finishes first
            PendingImport.objects.filter(pk=token).update(status="tersimpan", batch=other)

        with patch("registry.spreadsheets.imports.PROGRESS_ROWS", 1), patch.object(Progress, "__call__", overtaken):
            pending = pending_commit(pending_id=token)
        # This run wrote nothing: no members, no batch of its own. (The stand-in for the other run wrote
        # through this test's connection, so the rollback took its update back too.)
        self.assertEqual((ImportBatch.objects.count(), Member.objects.count()), (1, 0))
        self.assertEqual((pending.status, pending.batch), ("disimpan", None))

    def test_a_file_that_no_longer_passes_goes_back_to_its_preview_with_the_reason(self):
        token = self.upload(members_file()).context["token"]
        stale = DryRun(kind="anggota", file_name="anggota.csv", rows=3)
        stale.add(2, "NIK", NIK, "NIK ini baru saja dicatat pada anggota lain.")
        with patch("registry.services.import_jobs.import_commit",
                   side_effect=ImportRejected("Berkas masih punya kesalahan: tidak ada yang disimpan.", stale)):
            response = self.client.post("/impor/simpan/", {"token": str(token)})
        self.assertRedirects(response, f"/impor/berkas/{token}/", fetch_redirect_response=False)
        response = self.client.get(f"/impor/berkas/{token}/")
        self.assertContains(response, "Berkas masih punya kesalahan")
        self.assertContains(response, "baru saja dicatat pada anggota lain")
        self.assertEqual(PendingImport.objects.get().status, "siap")
        self.assertFalse(Member.objects.exists())

    @override_settings(TASKS=DATABASE_TASKS, IMPORT_INLINE_MAX_BYTES=10)
    def test_a_failure_in_the_worker_is_shown_and_nothing_is_written(self):
        self.upload(members_file())
        run_worker()
        pending = PendingImport.objects.get()
        self.client.post("/impor/simpan/", {"token": str(pending.pk)})
        with patch("registry.services.import_jobs.import_commit", side_effect=RuntimeError("disk full")):
            run_worker()
        pending.refresh_from_db()
        self.assertEqual((pending.status, pending.error, bytes(pending.data)), ("gagal", FAILED_SERVER, b""))
        self.assertEqual(DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count(), 1)
        response = self.client.get(f"/impor/berkas/{pending.pk}/")
        self.assertContains(response, "kesalahan di server")
        self.assertContains(response, "Unggah berkas lagi")
        self.assertFalse(Member.objects.exists())

    @override_settings(TASKS=DATABASE_TASKS, IMPORT_INLINE_MAX_BYTES=10, TASK_MAX_ATTEMPTS=2)
    def test_a_commit_whose_workers_keep_dying_is_failed_for_its_user(self):
        self.upload(members_file())
        run_worker()
        pending = PendingImport.objects.get()
        self.client.post("/impor/simpan/", {"token": str(pending.pk)})
        task = DBTaskResult.objects.get(task_path="registry.tasks.commit_import")
        claimed(task.pk, "dead", started_ago=600, attempts=2)
        with self.assertLogs("registry.worker", "ERROR"):
            tasks_recover()
        pending.refresh_from_db()
        self.assertEqual((pending.status, pending.error), ("gagal", FAILED_WORKER_LOST))
        self.assertFalse(Member.objects.exists())


class EstimateTests(TestCase):
    def test_rows_of_a_csv_and_of_an_xlsx(self):
        self.assertEqual(estimate_rows(members_file(count=7)), 7)
        rows = [["Nama", "NIK"], *[[f"A{n}", ""] for n in range(12)]]
        self.assertEqual(estimate_rows(xlsx_bytes(rows)), 12)
        self.assertIsNone(estimate_rows(b"PK\x03\x04broken"))

    def test_percent(self):
        self.assertIsNone(PendingImport(rows_total=None, rows_done=5).percent)
        self.assertEqual(PendingImport(rows_total=8, rows_done=2).percent, 25)
        self.assertEqual(PendingImport(rows_total=8, rows_done=9).percent, 100)  # the total was an estimate

    def test_the_progress_of_a_commit_on_postgresql_goes_through_its_own_connection(self):
        progress = Progress("00000000-0000-0000-0000-000000000000")
        with patch.object(import_jobs.connection, "vendor", "postgresql"), \
                patch.object(import_jobs.connections, "create_connection") as create:
            progress(10)
        self.assertTrue(create.return_value.cursor.called)
        progress.close()
        create.return_value.close.assert_called_once()
