"""Large exports prepared by the task worker: "sedang disiapkan", then a download on "Ekspor saya" for
its owner only; a failure shown, never a cut file; files expire and are purged. Who may open the
pages: tests/access.py."""

import csv
import io
import os
import stat
from datetime import timedelta
from unittest.mock import patch

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registry.models import ExportLog
from registry.models.imports import export_storage
from registry.services.exports import FAILED_PERMISSION, FAILED_SERVER, export_purge
from tests.access import make_export_file
from tests.builders import MUARA_WAHAU, SANGATTA_UTARA, make_cooperative, make_member, make_user
from tests.test_tasks import DATABASE_TASKS, run_worker

MINE = "/ekspor/saya/"


def csv_rows(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def stored_names():
    try:
        return sorted(export_storage().listdir("")[1])
    except FileNotFoundError:
        return []


@override_settings(EXPORT_INLINE_MAX_ROWS=2)
class LargeExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.other = make_user("Petugas")
        cls.admin = make_user("Admin Dinas")
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        cls.coop = make_cooperative(kecamatan=SANGATTA_UTARA, name="Koperasi Sawit Maju")
        for i in range(3):
            make_member(cls.coop, nik=f"64080145128000{i + 1:02d}", name=f"Anggota {i}")
        make_cooperative(kecamatan=SANGATTA_UTARA, name="Koperasi Dua")
        make_cooperative(kecamatan=MUARA_WAHAU, name="Koperasi Jauh")

    def setUp(self):
        self.client.force_login(self.petugas)
        self.addCleanup(lambda: [export_storage().delete(name) for name in stored_names()])

    def download(self, log):
        response = self.client.get(f"{MINE}{log.pk}/unduh/")
        self.assertEqual(response.status_code, 200)
        return b"".join(response.streaming_content)

    def test_a_small_export_is_answered_at_once(self):
        response = self.client.get("/ekspor/koperasi/csv/?q=Jauh")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(csv_rows(b"".join(response.streaming_content))), 2)
        log = ExportLog.objects.get()
        self.assertEqual((log.status, log.row_count, log.file.name), ("selesai", 1, ""))
        self.assertContains(self.client.get(MINE), "diunduh langsung")

    def test_a_large_export_is_prepared_then_downloaded_by_its_owner(self):
        with self.settings(TASKS=DATABASE_TASKS):
            response = self.client.get("/ekspor/koperasi/csv/?q=Koperasi")
            self.assertRedirects(response, MINE, fetch_redirect_response=False)
            log = ExportLog.objects.get()
            self.assertEqual((log.status, log.row_count, log.file.name), ("disiapkan", None, ""))
            self.assertEqual(DBTaskResult.objects.get().task_path, "registry.tasks.build_export")
            page = self.client.get(MINE)
            self.assertContains(page, "Ekspor sedang disiapkan")
            self.assertContains(page, "sedang disiapkan")
            self.assertContains(page, '<meta http-equiv="refresh" content="5">', html=False)
            self.assertNotContains(page, "/unduh/")
            run_worker()
        log.refresh_from_db()
        self.assertEqual((log.status, log.row_count, log.query), ("selesai", 3, "q=Koperasi"))
        self.assertLess(timezone.now() + timedelta(hours=23), log.expires_at)
        # The stored name says nothing about the export.
        self.assertRegex(log.file.name, r"^[0-9a-f]{32}\.csv$")
        page = self.client.get(MINE)
        self.assertContains(page, f"{MINE}{log.pk}/unduh/")
        self.assertNotContains(page, "http-equiv")
        rows = csv_rows(self.download(log))
        self.assertEqual(sorted(row[0] for row in rows[1:]), ["Koperasi Dua", "Koperasi Jauh", "Koperasi Sawit Maju"])
        response = self.client.get(f"{MINE}{log.pk}/unduh/")
        self.assertIn(f'filename="{log.filename}"', response["Content-Disposition"])
        self.assertIn("no-store", response["Cache-Control"])
        # Nobody else gets it, even with the same rights.
        self.client.force_login(self.other)
        self.assertEqual(self.client.get(f"{MINE}{log.pk}/unduh/").status_code, 404)
        self.assertContains(self.client.get(MINE), "Belum ada ekspor.")

    def test_the_prepared_file_is_what_the_inline_export_gives(self):
        with self.settings(EXPORT_INLINE_MAX_ROWS=100):
            inline = b"".join(self.client.get("/ekspor/anggota/csv/").streaming_content)
        self.client.get("/ekspor/anggota/csv/")  # immediate backend in tests: prepared at once
        log = ExportLog.objects.exclude(file="").get()
        self.assertEqual(self.download(log), inline)
        self.assertIn("************0001", [row[4] for row in csv_rows(inline)[1:]])

    def test_the_worker_exports_the_area_and_the_full_nik_as_the_request_would(self):
        self.client.force_login(self.limited)
        self.client.get("/ekspor/koperasi/xlsx/")
        log = ExportLog.objects.get()
        self.assertEqual((log.status, log.row_count), ("selesai", 2))  # Muara Wahau left out
        self.client.force_login(self.admin)
        self.client.post("/ekspor/anggota-nik-lengkap/", {"purpose": "Pencocokan data bantuan", "file_format": "csv"})
        log = ExportLog.objects.get(full_nik=True)
        self.assertEqual((log.purpose, log.filename[:20]), ("Pencocokan data bantuan", "anggota-NIK-LENGKAP-"))
        self.assertIn("6408014512800001", [row[4] for row in csv_rows(self.download(log))[1:]])

    def test_the_stored_file_is_readable_by_the_service_user_only(self):
        self.client.get("/ekspor/koperasi/csv/")
        log = ExportLog.objects.get()
        mode = os.stat(export_storage().path(log.file.name)).st_mode
        self.assertEqual(stat.S_IMODE(mode), 0o600)

    def test_a_failure_is_shown_and_leaves_no_file_and_no_count(self):
        with patch("registry.services.exports.write_csv", side_effect=RuntimeError("disk full")):
            with self.assertLogs("django_tasks", "ERROR"):
                response = self.client.get("/ekspor/koperasi/csv/")
        self.assertRedirects(response, MINE, fetch_redirect_response=False)
        log = ExportLog.objects.get()
        self.assertEqual((log.status, log.row_count, log.file.name, log.error), ("gagal", None, "", FAILED_SERVER))
        self.assertEqual(stored_names(), [])
        page = self.client.get(MINE)
        self.assertContains(page, "gagal")
        self.assertContains(page, "Ekspor gagal karena kesalahan di server")
        self.assertNotContains(page, "/unduh/")

    def test_a_failure_while_logging_the_finished_file_removes_the_file(self):
        with patch("registry.services.exports.ExportLog.objects.filter") as logged:
            logged.return_value.update.side_effect = RuntimeError("connection lost")
            with self.assertLogs("django_tasks", "ERROR"):
                self.client.get("/ekspor/koperasi/csv/")
        self.assertEqual(stored_names(), [])

    def test_an_account_that_lost_its_rights_meanwhile_exports_nothing(self):
        with self.settings(TASKS=DATABASE_TASKS):
            self.client.get("/ekspor/anggota/csv/")
            self.petugas.groups.set([Group.objects.get(name="Pimpinan")])
            run_worker()
        log = ExportLog.objects.get()
        self.assertEqual((log.status, log.error, log.row_count), ("gagal", FAILED_PERMISSION, None))
        self.assertEqual(stored_names(), [])

    def test_a_download_checks_the_rights_again(self):
        self.client.get("/ekspor/anggota/csv/")
        log = ExportLog.objects.get()
        self.petugas.groups.set([Group.objects.get(name="Pimpinan")])
        self.assertEqual(self.client.get(f"{MINE}{log.pk}/unduh/").status_code, 403)

    def test_an_expired_or_missing_file_is_explained(self):
        self.client.get("/ekspor/koperasi/csv/")
        log = ExportLog.objects.get()
        export_storage().delete(log.file.name)
        with self.assertLogs("registry.views.list_exports", "ERROR"):
            response = self.client.get(f"{MINE}{log.pk}/unduh/", follow=True)
        self.assertContains(response, "tidak ditemukan di penyimpanan")
        ExportLog.objects.filter(pk=log.pk).update(expires_at=timezone.now())
        response = self.client.get(f"{MINE}{log.pk}/unduh/", follow=True)
        self.assertContains(response, "tidak tersedia lagi")
        self.assertContains(response, "kedaluwarsa")

    def test_a_task_run_again_after_it_finished_changes_nothing(self):
        from registry.tasks import build_export

        self.client.get("/ekspor/koperasi/csv/")
        log = ExportLog.objects.get()
        build_export.call(export_id=log.pk)
        self.assertEqual(stored_names(), [log.file.name])
        self.assertEqual(ExportLog.objects.get().file.name, log.file.name)

    def test_the_page_runs_the_same_queries_for_many_exports(self):
        for _ in range(3):
            make_export_file(self.petugas)
        ExportLog.objects.create(user=self.petugas, kind="anggota", file_format="csv", status="disiapkan")
        self.client.get(MINE)  # the first request reads the user's access
        # session, user with the access token (permissions, roles, area: registry/access.py); the count for the
        # pages, the page of exports.
        with self.assertNumQueries(4):
            self.assertEqual(self.client.get(MINE).status_code, 200)


class ExportPurgeTests(TestCase):
    def setUp(self):
        self.addCleanup(lambda: [export_storage().delete(name) for name in stored_names()])

    def test_expired_files_go_their_logs_stay(self):
        user = make_user("Petugas")
        kept, expired = make_export_file(user), make_export_file(user)
        ExportLog.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        self.assertEqual(export_purge(), {"expired": 1, "orphans": 0})
        self.assertEqual(stored_names(), [kept.file.name])
        expired.refresh_from_db()
        self.assertEqual((expired.file.name, expired.status, expired.row_count), ("", "selesai", 0))

    def test_files_no_log_names_go_once_old(self):
        storage = export_storage()
        old = storage.save("a" * 32 + ".csv", ContentFile(b"x"))
        new = storage.save("b" * 32 + ".csv", ContentFile(b"x"))
        hours_ago = (timezone.now() - timedelta(hours=7)).timestamp()
        os.utime(storage.path(old), (hours_ago, hours_ago))
        self.assertEqual(export_purge(), {"expired": 0, "orphans": 1})
        self.assertEqual(stored_names(), [new])

    def test_nothing_to_purge_without_a_storage_directory(self):
        missing = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                   "OPTIONS": {"location": "/nonexistent/kutim-ekspor"}}
        with self.settings(STORAGES={**settings.STORAGES, "exports": missing}):
            self.assertEqual(export_purge(), {"expired": 0, "orphans": 0})


class DownloadStatusTests(TestCase):
    def test_failed_exports_task_row_kept(self):
        """The task behind a failed export is failed too, so the worker's log and ADMINS see it."""
        user = make_user("Petugas")
        make_cooperative()
        self.client.force_login(user)
        with self.settings(TASKS=DATABASE_TASKS, EXPORT_INLINE_MAX_ROWS=0):
            self.client.get("/ekspor/koperasi/csv/")
            with patch("registry.services.exports.write_csv", side_effect=RuntimeError("disk full")):
                run_worker()
        self.assertEqual(DBTaskResult.objects.get().status, TaskResultStatus.FAILED)
        self.assertEqual(ExportLog.objects.get().status, "gagal")

