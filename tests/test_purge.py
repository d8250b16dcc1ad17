"""`python manage.py purge` (the hourly timer): abandoned uploads, expired exports, old task rows, expired
sessions, exports that never finished; each part on its own."""

from datetime import timedelta
from io import StringIO
from unittest.mock import patch

from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registry.models import ExportLog, PendingImport
from registry.models.imports import export_storage
from registry.services import purge as purge_service
from tests.access import make_export_file, make_pending_import
from tests.builders import make_user


def task_row(status, finished_days_ago):
    finished = timezone.now() - timedelta(days=finished_days_ago)
    return DBTaskResult.objects.create(
        status=status, args_kwargs={"args": [], "kwargs": {}}, task_path="registry.tasks.refresh_summary",
        backend_name="default", run_after=finished, finished_at=finished,
    )


class PurgeTests(TestCase):
    def upload(self, user, hours_ago, status="siap"):
        pending = make_pending_import(user, b"NIK;Nama\n6408014512800001;Siti\n")
        PendingImport.objects.filter(pk=pending.pk).update(
            status=status, updated_at=timezone.now() - timedelta(hours=hours_ago))
        return pending.pk

    def test_every_part_removes_only_what_is_past_its_time(self):
        user = make_user("Petugas")
        self.upload(user, 7)  # checked, never committed
        self.upload(user, 8, status="tersimpan")
        self.upload(user, 25, status="disimpan")  # its task never ran
        kept_uploads = {self.upload(user, 1), self.upload(user, 7, status="disimpan")}
        expired, kept = make_export_file(user), make_export_file(user)
        ExportLog.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        stuck = ExportLog.objects.create(user=user, kind="anggota", file_format="csv", status="disiapkan",
                                         created_at=timezone.now() - timedelta(days=2))
        running = ExportLog.objects.create(user=user, kind="anggota", file_format="csv", status="disiapkan")
        old_done, old_failed, recent_failed = (
            task_row(TaskResultStatus.SUCCESSFUL, 15), task_row(TaskResultStatus.FAILED, 31),
            task_row(TaskResultStatus.FAILED, 20),
        )
        recent_done, waiting = task_row(TaskResultStatus.SUCCESSFUL, 1), task_row(TaskResultStatus.READY, 40)
        Session.objects.create(session_key="a" * 32, session_data="", expire_date=timezone.now() - timedelta(days=1))
        Session.objects.create(session_key="b" * 32, session_data="", expire_date=timezone.now() + timedelta(hours=1))

        out = StringIO()
        call_command("purge", stdout=out)
        self.assertEqual(
            out.getvalue().strip(),
            "uploads=3 exports={'expired': 1, 'orphans': 0} unfinished_exports=1 task_results=2 sessions=1 "
            "board_accounts=0",
        )
        self.assertEqual(set(PendingImport.objects.values_list("pk", flat=True)), kept_uploads)
        stored = export_storage().listdir("")[1]
        self.assertIn(kept.file.name, stored)
        self.assertNotIn(expired.file.name, stored)
        self.assertEqual(ExportLog.objects.get(pk=expired.pk).file.name, "")
        stuck.refresh_from_db()
        self.assertEqual((stuck.status, stuck.row_count), ("gagal", None))
        self.assertEqual(ExportLog.objects.get(pk=running.pk).status, "disiapkan")
        self.assertEqual(
            set(DBTaskResult.objects.values_list("pk", flat=True)), {recent_failed.pk, recent_done.pk, waiting.pk},
        )
        self.assertFalse(DBTaskResult.objects.filter(pk__in=[old_done.pk, old_failed.pk]).exists())
        self.assertEqual(list(Session.objects.values_list("session_key", flat=True)), ["b" * 32])
        export_storage().delete(kept.file.name)

    def test_a_failing_part_does_not_stop_the_others_and_the_command_fails(self):
        user = make_user("Petugas")
        expired = make_export_file(user)
        ExportLog.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        with patch.dict(purge_service.PARTS, {"uploads": lambda now: 1 / 0}):
            with self.assertLogs("registry.services.purge", "ERROR"):
                with self.assertRaisesMessage(CommandError, "Purge failed for: uploads"):
                    call_command("purge", stdout=StringIO())
        self.assertEqual(ExportLog.objects.get(pk=expired.pk).file.name, "")

    @override_settings(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies")
    def test_sessions_without_a_table_have_nothing_to_purge(self):
        self.assertIsNone(purge_service.purge_sessions(timezone.now()))
