"""A task left RUNNING by a worker that died is taken over: run again from the start, or failed after
TASK_MAX_ATTEMPTS claims, with nothing half-written. The real kill (a worker process killed with
SIGKILL in the middle of an export, then another worker) runs on PostgreSQL; the two-server script
(benchmarks/two_servers.py) does the same through HTTP."""

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registry.management.commands.db_worker import Heartbeat
from registry.models import ExportLog, Lease, WorkerHeartbeat
from registry.models.imports import export_storage
from registry.services.exports import FAILED_WORKER_LOST, export_request
from registry.services.leases import lease_acquire
from registry.services.recovery import LOST_EXCEPTION, tasks_recover
from registry.services.summary import REFRESH_LEASE, summary_refresh_request
from tests.builders import SANGATTA_UTARA, make_cooperative, make_user
from tests.test_tasks import DATABASE_TASKS, run_worker

ROOT = Path(__file__).resolve().parent.parent


def claimed(result_id, worker_id, *, started_ago, attempts=1):
    """Mark a queued task as claimed by `worker_id` (`attempts` claims in all) `started_ago` seconds ago."""
    DBTaskResult.objects.filter(pk=result_id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(seconds=started_ago),
        worker_ids=[f"earlier-{n}" for n in range(attempts - 1)] + [worker_id],
    )


def beat(worker_id, *, seen_ago, hostname="other-machine", pid=1):
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id=worker_id, hostname=hostname, pid=pid, started_at=now - timedelta(hours=1),
                                   seen_at=now - timedelta(seconds=seen_ago))


@override_settings(TASKS=DATABASE_TASKS, WORKER_STALE_SECONDS=120, TASK_MAX_ATTEMPTS=3, EXPORT_INLINE_MAX_ROWS=0)
class RecoveryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("Petugas")
        make_cooperative(kecamatan=SANGATTA_UTARA, name="Koperasi Satu")
        make_cooperative(kecamatan=SANGATTA_UTARA, name="Koperasi Dua")

    def setUp(self):
        self.addCleanup(lambda: [export_storage().delete(n) for n in export_storage().listdir("")[1]]
                        if os.path.isdir(export_storage().location) else None)

    def export(self):
        log = export_request(user=self.user, kind="koperasi", file_format="csv", query="", full_nik=False)
        return log, DBTaskResult.objects.get()

    def test_a_dead_workers_task_runs_again_and_finishes(self):
        log, task = self.export()
        claimed(task.pk, "dead", started_ago=300)
        beat("dead", seen_ago=200)
        self.assertEqual(tasks_recover()["retried"], [str(task.pk)])
        task.refresh_from_db()
        self.assertEqual((task.status, task.worker_ids), (TaskResultStatus.READY, ["dead"]))
        run_worker()
        task.refresh_from_db()
        log.refresh_from_db()
        self.assertEqual(task.status, TaskResultStatus.SUCCESSFUL)
        self.assertEqual(len(task.worker_ids), 2)
        self.assertEqual((log.status, log.row_count), ("selesai", 2))

    def test_a_live_worker_or_a_fresh_claim_is_left_alone(self):
        _log, task = self.export()
        claimed(task.pk, "alive", started_ago=3600)  # a long task of a worker that beats
        beat("alive", seen_ago=5)
        self.assertEqual(tasks_recover(), {"retried": [], "failed": []})
        WorkerHeartbeat.objects.all().delete()
        claimed(task.pk, "just-started", started_ago=3)  # no first beat yet: not taken for dead
        self.assertEqual(tasks_recover(), {"retried": [], "failed": []})
        self.assertEqual(DBTaskResult.objects.get().status, TaskResultStatus.RUNNING)

    def test_a_worker_of_this_machine_whose_process_is_gone_is_dead_at_once(self):
        _log, task = self.export()
        gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
        claimed(task.pk, "restarted", started_ago=2)
        beat("restarted", seen_ago=1, hostname=socket.gethostname(), pid=int(gone.stdout))
        self.assertEqual(tasks_recover()["retried"], [str(task.pk)])
        # This very process is alive: its task stays.
        claimed(task.pk, "me", started_ago=2)
        beat("me", seen_ago=1, hostname=socket.gethostname(), pid=os.getpid())
        self.assertEqual(tasks_recover()["retried"], [])

    def test_after_the_last_attempt_the_task_and_its_export_fail(self):
        log, task = self.export()
        claimed(task.pk, "dead", started_ago=300, attempts=3)
        with self.assertLogs("registry.worker", "ERROR"):
            self.assertEqual(tasks_recover()["failed"], [str(task.pk)])
        task.refresh_from_db()
        log.refresh_from_db()
        self.assertEqual((task.status, task.exception_class_path), (TaskResultStatus.FAILED, LOST_EXCEPTION))
        self.assertEqual((log.status, log.error, log.row_count, log.file.name), ("gagal", FAILED_WORKER_LOST, None, ""))
        run_worker()  # nothing left to run
        self.assertEqual(ExportLog.objects.get().status, "gagal")

    def test_a_refresh_killed_holding_its_lease_does_not_block_the_next(self):
        summary_refresh_request()
        task = DBTaskResult.objects.get()
        claimed(task.pk, "dead", started_ago=300)
        Lease.objects.filter(name=REFRESH_LEASE).delete()
        token = lease_acquire(name=REFRESH_LEASE, seconds=1800)
        Lease.objects.filter(name=REFRESH_LEASE).update(since=timezone.now() - timedelta(seconds=290))
        self.assertIsNotNone(token)
        tasks_recover()
        self.assertEqual(Lease.objects.get(name=REFRESH_LEASE).holder, "")
        run_worker()
        task.refresh_from_db()
        self.assertEqual(task.status, TaskResultStatus.SUCCESSFUL)
        self.assertIsNotNone(task.return_value)  # it refreshed, not queued itself again

    def test_a_lease_taken_before_the_lost_refresh_started_is_not_its_own(self):
        summary_refresh_request()
        task = DBTaskResult.objects.get()
        lease_acquire(name=REFRESH_LEASE, seconds=1800)  # the nightly rebuild, from before
        Lease.objects.filter(name=REFRESH_LEASE).update(since=timezone.now() - timedelta(seconds=600))
        claimed(task.pk, "dead", started_ago=300)
        tasks_recover()
        self.assertNotEqual(Lease.objects.get(name=REFRESH_LEASE).holder, "")


class HeartbeatRecoveryTests(TransactionTestCase):
    serialized_rollback = True

    @override_settings(TASKS=DATABASE_TASKS, WORKER_STALE_SECONDS=120)
    def test_every_worker_recovers_on_its_heartbeat(self):
        summary_refresh_request()
        task = DBTaskResult.objects.get()
        claimed(task.pk, "dead", started_ago=300)
        heartbeat = Heartbeat("rescuer", 0.02)
        heartbeat.start()
        deadline = time.monotonic() + 5
        while DBTaskResult.objects.get().status == TaskResultStatus.RUNNING:
            self.assertLess(time.monotonic(), deadline, "the heartbeat never recovered the task")
            time.sleep(0.02)
        heartbeat.stop()
        self.assertEqual(DBTaskResult.objects.get().status, TaskResultStatus.READY)


# What the killed worker runs: the project's db_worker, its export writer slowed down after the
# first rows so that the kill lands in the middle of writing the file.
KILLED_WORKER = textwrap.dedent("""
    import sys, time, django
    django.setup()
    from unittest.mock import patch
    from django.core.management import call_command
    from registry.spreadsheets import list_exports
    original = list_exports.export_records

    def slow(*args, **kwargs):
        for n, row in enumerate(original(*args, **kwargs)):
            if n == 1:
                open(sys.argv[1], "w").close()  # halfway: tell the test
                time.sleep(120)
            yield row

    with patch.object(list_exports, "export_records", slow):
        call_command("db_worker", worker_id="to-be-killed", reload=False, startup_delay=False, interval=0.1)
""")


@pytest.mark.postgres
@override_settings(TASKS=DATABASE_TASKS, EXPORT_INLINE_MAX_ROWS=0)
class KilledWorkerTests(TransactionTestCase):
    """A real worker process killed with SIGKILL halfway through an export (PostgreSQL: the worker
    process reaches the test database through DATABASE_URL; SQLite's test database is in memory)."""

    serialized_rollback = True

    def start_worker(self, marker):
        database = connection.settings_dict
        url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kutim_koperasi.settings", "DJANGO_DEBUG": "1",
               "DATABASE_URL": url, "MEDIA_ROOT": str(settings.MEDIA_ROOT), "TASKS_IMMEDIATE": "0"}
        env.pop("PYTEST_CURRENT_TEST", None)
        return subprocess.Popen([sys.executable, "-c", KILLED_WORKER, str(marker)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)

    def test_killed_mid_export_another_worker_finishes_it_whole(self):
        user = make_user("Petugas")
        for n in range(5):
            make_cooperative(kecamatan=SANGATTA_UTARA, name=f"Koperasi {n}")
        log = export_request(user=user, kind="koperasi", file_format="csv", query="", full_nik=False)
        marker = Path(settings.MEDIA_ROOT) / f"halfway-{os.getpid()}"
        marker.parent.mkdir(parents=True, exist_ok=True)
        worker = self.start_worker(marker)
        try:
            deadline = time.monotonic() + 60
            while not marker.exists():
                self.assertIsNone(worker.poll(), worker.stderr.read().decode() if worker.poll() is not None else "")
                self.assertLess(time.monotonic(), deadline, "the worker never reached the middle of the export")
                time.sleep(0.05)
        finally:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
            marker.unlink(missing_ok=True)

        # Killed halfway: the task is still marked running, and nothing of the export shows. (The new
        # cooperatives queued a summary refresh too.)
        task = DBTaskResult.objects.get(task_path="registry.tasks.build_export")
        log.refresh_from_db()
        self.assertEqual((task.status, task.worker_ids), (TaskResultStatus.RUNNING, ["to-be-killed"]))
        self.assertEqual((log.status, log.row_count, log.file.name), ("disiapkan", None, ""))
        stored = export_storage().listdir("")[1] if os.path.isdir(export_storage().location) else []
        self.assertEqual(stored, [])

        # Another worker on this machine takes it over at its first heartbeat and finishes it.
        self.assertEqual(tasks_recover()["retried"], [str(task.pk)])
        run_worker(transactional=True)
        task.refresh_from_db()
        log.refresh_from_db()
        self.assertEqual(task.status, TaskResultStatus.SUCCESSFUL)
        self.assertEqual(task.worker_ids[0], "to-be-killed")
        self.assertEqual((log.status, log.row_count), ("selesai", 5))
        with export_storage().open(log.file.name) as handle:
            self.assertEqual(handle.read().decode("utf-8-sig").count("\r\n"), 6)  # header and five rows
        export_storage().delete(log.file.name)
