"""The task engine and the summary refresh through it: single-flight, debounced, queued after a commit.

Tests run tasks with the immediate backend (settings.TASKS) unless a test needs the real queue:
those switch to django-tasks-db's DatabaseBackend and run the worker command itself.
"""

import contextlib
import threading
import time
from datetime import timedelta
from io import StringIO
from unittest.mock import patch

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.test import TestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registry.management.commands.db_worker import Heartbeat
from registry.models import Lease, StatusChange, SummaryCell, SummaryRefresh, WorkerHeartbeat
from registry.services import summary as summary_service
from registry.services.cooperatives import cooperative_change_status
from registry.services.leases import lease_acquire, lease_held, lease_release
from registry.services.summary import (
    QUEUED_LEASE,
    REFRESH_LEASE,
    summary_refresh,
    summary_refresh_request,
    summary_refresh_soon,
)
from tests.builders import SANGATTA_UTARA, first_desa, make_cooperative, make_user

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker(*, transactional=False):
    """The project's db_worker command until the queue is empty (what `make worker` runs, in batch).

    Inside a TestCase (one transaction around the test) the worker's heartbeat thread and its
    close_old_connections(), which closes a connection found inside a transaction, are left out,
    as Django's TestCase leaves out the request signal that calls it.
    """
    out = StringIO()
    with contextlib.ExitStack() as stack:
        if not transactional:
            stack.enter_context(patch("django_tasks_db.management.commands.db_worker.close_old_connections"))
            stack.enter_context(patch.object(Heartbeat, "start"))
            stack.enter_context(patch.object(Heartbeat, "stop"))
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, stdout=out, verbosity=0)
    return out.getvalue()


def active_figure():
    return SummaryCell.objects.get(year=0, kecamatan=SANGATTA_UTARA, dimension="").status_aktif


class LeaseTests(TestCase):
    def test_one_holder_at_a_time_until_released(self):
        first = lease_acquire(name="job", seconds=60)
        self.assertIsNotNone(first)
        self.assertIsNone(lease_acquire(name="job", seconds=60))
        self.assertTrue(lease_held(name="job", token=first))
        self.assertFalse(lease_release(name="job", token="someone-else"))
        self.assertTrue(lease_release(name="job", token=first))
        second = lease_acquire(name="job", seconds=60)
        self.assertNotIn(second, {None, first})

    def test_an_expired_lease_is_free_again(self):
        old = lease_acquire(name="job", seconds=60)
        Lease.objects.filter(name="job").update(until=timezone.now() - timedelta(seconds=1))
        new = lease_acquire(name="job", seconds=60)
        self.assertIsNotNone(new)
        self.assertFalse(lease_held(name="job", token=old))

    def test_waiting_gives_up_after_its_time(self):
        lease_acquire(name="job", seconds=60)
        started = time.monotonic()
        self.assertIsNone(lease_acquire(name="job", seconds=60, wait=0.3, poll=0.05))
        self.assertGreaterEqual(time.monotonic() - started, 0.3)


class SummaryRefreshTests(TestCase):
    def test_a_refresh_overtaken_after_its_lease_expired_writes_nothing(self):
        make_cooperative(kecamatan=SANGATTA_UTARA)
        summary_refresh()
        original = summary_service._collect

        def expire_and_overtake(*args, **kwargs):
            Lease.objects.filter(name=REFRESH_LEASE).update(holder="another-refresh")
            return original(*args, **kwargs)

        summary_service._collect = expire_and_overtake
        try:
            make_cooperative(kecamatan=SANGATTA_UTARA)
            self.assertIsNone(summary_refresh())
        finally:
            summary_service._collect = original
        self.assertEqual(SummaryRefresh.objects.count(), 1)
        self.assertEqual(active_figure(), 1)

    def test_a_refresh_waits_for_the_running_one_then_runs(self):
        token = lease_acquire(name=REFRESH_LEASE, seconds=60)
        self.assertIsNone(summary_refresh(wait=0))
        lease_release(name=REFRESH_LEASE, token=token)
        self.assertIsNotNone(summary_refresh(wait=0))

    def test_the_command_refreshes_and_says_so(self):
        make_cooperative(kecamatan=SANGATTA_UTARA)
        out = StringIO()
        call_command("refresh_summary", stdout=out)
        self.assertIn("Summary refreshed", out.getvalue())
        self.assertEqual(active_figure(), 1)

    def test_the_command_fails_clearly_when_another_refresh_keeps_running(self):
        lease_acquire(name=REFRESH_LEASE, seconds=60)
        with self.assertRaisesMessage(CommandError, "Another summary refresh kept running"):
            call_command("refresh_summary", wait=0, stdout=StringIO())

    @override_settings(TASKS=DATABASE_TASKS)
    def test_the_command_can_queue_for_the_worker(self):
        out = StringIO()
        call_command("refresh_summary", queue=True, stdout=out)
        call_command("refresh_summary", queue=True, stdout=out)
        self.assertIn("Queued: task", out.getvalue())
        self.assertIn("A refresh was already queued.", out.getvalue())
        self.assertEqual(DBTaskResult.objects.count(), 1)


class SummaryRefreshSoonTests(TestCase):
    """Triggers after a committed write: the immediate backend in tests, the database queue where it matters."""

    def test_nothing_is_queued_before_the_write_commits(self):
        with override_settings(TASKS=DATABASE_TASKS):
            with self.captureOnCommitCallbacks(execute=False) as callbacks:
                summary_refresh_soon()
            self.assertEqual(len(callbacks), 1)
            self.assertEqual(DBTaskResult.objects.count(), 0)

    def test_a_status_change_brings_the_figures_up_to_date(self):
        cooperative = make_cooperative(kecamatan=SANGATTA_UTARA)
        summary_refresh()
        self.assertEqual(active_figure(), 1)
        with self.captureOnCommitCallbacks(execute=True):
            cooperative_change_status(
                cooperative=cooperative, to_status="tidak_aktif", reason="Tidak RAT tiga tahun",
                changed_on=timezone.localdate(),
            )
        self.assertEqual(active_figure(), 0)
        self.assertEqual(StatusChange.objects.count(), 1)

    def test_a_cooperative_saved_in_its_form_brings_the_figures_up_to_date(self):
        summary_refresh()
        self.client.force_login(make_user("Petugas"))
        data = {
            "name": "Koperasi Produsen Maju", "nomor_induk": "", "certificate_status": "belum",
            "jenis": "produsen", "bentuk": "primer", "membership_area": "kabupaten", "kelompok": "perkebunan",
            "sector": "perkebunan_sawit", "pattern": "konvensional", "desa": first_desa(SANGATTA_UTARA).code,
            "kecamatan": SANGATTA_UTARA, "version": 1, "palm_oil": "on",
        }
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/koperasi/tambah/", data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(active_figure(), 1)
        cooperative_url = response["Location"]
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"{cooperative_url}ubah/", {**data, "certificate_status": "sudah",
                                                                     "certificate_expiry": "31/12/2030"})
        self.assertEqual(response.status_code, 302)
        now = SummaryCell.objects.get(year=0, kecamatan=SANGATTA_UTARA, dimension="")
        self.assertEqual(now.certificate_valid, 1)

    @override_settings(TASKS=DATABASE_TASKS, SUMMARY_REFRESH_DELAY=5)
    def test_a_burst_of_writes_queues_one_refresh_a_few_seconds_later(self):
        make_cooperative(kecamatan=SANGATTA_UTARA)
        with self.captureOnCommitCallbacks(execute=True):
            for _ in range(5):
                summary_refresh_soon()
        queued = DBTaskResult.objects.get()
        self.assertEqual(queued.task_path, "registry.tasks.refresh_summary")
        self.assertAlmostEqual((queued.run_after - queued.enqueued_at).total_seconds(), 5, delta=1)
        run_worker()  # not yet due: the worker leaves it
        self.assertEqual(SummaryRefresh.objects.count(), 0)

        DBTaskResult.objects.update(run_after=timezone.now())
        run_worker()
        queued.refresh_from_db()
        self.assertEqual(queued.status, TaskResultStatus.SUCCESSFUL)
        self.assertEqual(SummaryRefresh.objects.count(), 1)
        self.assertEqual(active_figure(), 1)

        # Once that refresh has started, the next write queues the next one.
        with self.captureOnCommitCallbacks(execute=True):
            summary_refresh_soon()
        self.assertEqual(DBTaskResult.objects.filter(status=TaskResultStatus.READY).count(), 1)

    @override_settings(TASKS=DATABASE_TASKS)
    def test_a_queued_refresh_finding_another_running_queues_itself_again(self):
        summary_refresh_request()
        token = lease_acquire(name=REFRESH_LEASE, seconds=60)  # a refresh running elsewhere
        run_worker()
        self.assertEqual(SummaryRefresh.objects.count(), 0)
        again = DBTaskResult.objects.get(status=TaskResultStatus.READY)
        self.assertGreater(again.run_after, timezone.now())
        lease_release(name=REFRESH_LEASE, token=token)
        DBTaskResult.objects.update(run_after=timezone.now())
        run_worker()
        self.assertEqual(SummaryRefresh.objects.count(), 1)
        self.assertIsNotNone(lease_acquire(name=QUEUED_LEASE, seconds=60))  # the next write queues again

    @override_settings(TASKS=DATABASE_TASKS)
    def test_a_failure_to_queue_frees_the_trigger_and_never_fails_the_saved_write(self):
        with patch("django_tasks_db.DatabaseBackend.enqueue", side_effect=RuntimeError("queue unavailable")):
            with self.assertRaises(RuntimeError):
                summary_refresh_request()
            with self.assertLogs(level="ERROR"):
                with self.captureOnCommitCallbacks(execute=True):
                    summary_refresh_soon()  # after a commit: logged, not raised into the request
        self.assertIsNotNone(summary_refresh_request())


class SummaryRefreshButtonTests(TestCase):
    def setUp(self):
        self.admin = make_user("Admin Dinas")
        self.client.force_login(self.admin)
        self.url = reverse("registry:summary_refresh")

    def messages(self, response):
        return [str(m) for m in response.context["messages"]]

    def test_with_the_immediate_backend_it_refreshes_at_once(self):
        make_cooperative(kecamatan=SANGATTA_UTARA)
        response = self.client.post(self.url, follow=True)
        self.assertIn("Ringkasan dihitung ulang dalam", self.messages(response)[0])
        self.assertEqual(SummaryRefresh.objects.get().requested_by, self.admin)

    @override_settings(TASKS=DATABASE_TASKS)
    def test_with_a_worker_it_queues_and_says_so_once(self):
        first = self.client.post(self.url, follow=True)
        second = self.client.post(self.url, follow=True)
        self.assertIn("Penghitungan ulang dijadwalkan", self.messages(first)[0])
        self.assertIn("sudah dijadwalkan", self.messages(second)[0])
        self.assertEqual(DBTaskResult.objects.count(), 1)
        run_worker()
        self.assertEqual(SummaryRefresh.objects.get().requested_by, self.admin)

    def test_a_failed_refresh_is_reported_not_hidden(self):
        original = summary_service._refresh

        def failing(*args, **kwargs):
            raise RuntimeError("boom")

        summary_service._refresh = failing
        try:
            with self.assertLogs("django_tasks", "ERROR"):
                response = self.client.post(self.url, follow=True)
        finally:
            summary_service._refresh = original
        self.assertIn("Penghitungan ulang gagal", self.messages(response)[0])
        self.assertIsNotNone(lease_acquire(name=REFRESH_LEASE, seconds=60))  # released despite the error


class WorkerHeartbeatTests(TransactionTestCase):
    serialized_rollback = True

    # PostgreSQL only, as ConcurrentRefreshTests below: the heartbeat thread writes while the worker
    # claims and runs its task on its own connection. SQLite's shared in-memory test database fails
    # such a pair at once ("database table is locked") where the WAL file of production, or
    # PostgreSQL, waits; keeping the two apart with a lock in the test still left the worker's own
    # claim (BEGIN EXCLUSIVE) racing the heartbeat, and the test failed a CI run. On SQLite,
    # tests/test_operations.py runs a real worker with its heartbeat against a database file.
    @pytest.mark.postgres
    @override_settings(TASKS=DATABASE_TASKS, WORKER_HEARTBEAT_SECONDS=0.05)
    def test_the_worker_beats_while_it_runs_and_forgets_itself_when_it_stops(self):
        WorkerHeartbeat.objects.create(
            worker_id="long-gone", hostname="old", pid=1, started_at=timezone.now() - timedelta(days=3),
            seen_at=timezone.now() - timedelta(days=2),
        )
        seen = []
        original = summary_service._refresh

        def slow(*args, **kwargs):
            time.sleep(0.3)  # a long task: the heartbeat goes on meanwhile
            seen.extend(WorkerHeartbeat.objects.exclude(worker_id="long-gone").values_list("seen_at", flat=True))
            return original(*args, **kwargs)

        summary_refresh_request()
        summary_service._refresh = slow
        try:
            run_worker(transactional=True)
        finally:
            summary_service._refresh = original
        self.assertEqual(len(seen), 1)
        self.assertLess(timezone.now() - seen[0], timedelta(seconds=1))
        self.assertEqual(SummaryRefresh.objects.count(), 1)
        self.assertFalse(WorkerHeartbeat.objects.exists())  # its own row removed, the stale one purged


    @staticmethod
    def _heartbeat_row_seen(worker_id):
        # On SQLite's shared in-memory test database a read while the heartbeat thread writes fails at
        # once ("database table is locked") instead of waiting as a database file or PostgreSQL would:
        # such a read counts as not seen yet.
        try:
            return WorkerHeartbeat.objects.filter(worker_id=worker_id).exists()
        except OperationalError:
            return False

    def test_a_database_error_does_not_stop_the_heartbeat(self):
        heartbeat = Heartbeat("flaky-database", 0.01)
        real, calls = heartbeat.beat, []

        def flaky():
            calls.append(1)
            if len(calls) == 1:
                raise OperationalError("server closed the connection unexpectedly")
            real()

        heartbeat.beat = flaky
        with self.assertLogs("registry.worker", "WARNING") as logs:
            heartbeat.start()
            deadline = time.monotonic() + 5
            while not self._heartbeat_row_seen("flaky-database"):
                self.assertLess(time.monotonic(), deadline, "no heartbeat after the error")
                time.sleep(0.02)
            heartbeat.stop()
        self.assertIn("Worker heartbeat not written: OperationalError", logs.output[0])
        self.assertFalse(WorkerHeartbeat.objects.exists())


@pytest.mark.postgres
class ConcurrentRefreshTests(TransactionTestCase):
    """Several refreshes and triggers at once, each thread with its own connection (as two gunicorn workers).

    PostgreSQL only: SQLite's in-memory test database is shared between threads through a shared
    cache whose table locks fail at once ("database table is locked") instead of waiting, unlike
    the WAL file in production. On SQLite, tests/test_operations.py runs three refresh processes
    at once against a database file.
    """

    serialized_rollback = True

    def run_threads(self, target, count=3):
        barrier = threading.Barrier(count)
        errors, results = [], []

        def run():
            try:
                barrier.wait()
                results.append(target())
            except Exception as error:  # noqa: BLE001 (reported by the test)
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return results, errors

    def test_refreshes_at_once_never_fail_never_overlap_never_double_count(self):
        make_cooperative(kecamatan=SANGATTA_UTARA)
        make_cooperative(kecamatan=SANGATTA_UTARA)
        summary_refresh()
        expected = SummaryCell.objects.count()
        spans, original = [], summary_service._refresh

        def timed(*args, **kwargs):
            started = time.monotonic()
            try:
                return original(*args, **kwargs)
            finally:
                spans.append((started, time.monotonic()))

        summary_service._refresh = timed
        try:
            results, errors = self.run_threads(lambda: summary_refresh(wait=60))
        finally:
            summary_service._refresh = original
        self.assertEqual(errors, [])
        self.assertEqual(len([r for r in results if r is not None]), 3)
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            self.assertLessEqual(end, start)  # one at a time
        self.assertEqual(SummaryCell.objects.count(), expected)
        self.assertEqual(active_figure(), 2)

    @override_settings(TASKS=DATABASE_TASKS)
    def test_triggers_at_once_queue_exactly_one_refresh(self):
        results, errors = self.run_threads(lambda: summary_refresh_request(delay=5), count=4)
        self.assertEqual(errors, [])
        self.assertEqual(len([r for r in results if r is not None]), 1)
        self.assertEqual(DBTaskResult.objects.count(), 1)
