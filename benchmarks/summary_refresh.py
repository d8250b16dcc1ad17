"""The dashboard's summary refresh through the task engine, on PostgreSQL with the demo district.

    createdb -h 127.0.0.1 -U postgres kutim_bench_refresh
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kutim_bench_refresh .venv/bin/python benchmarks/summary_refresh.py

Migrates and seeds the demo district when the database is empty, then prints:
- one refresh, inline (what the nightly rebuild costs);
- three `refresh_summary` processes started at once (before single-flight: one success and two
  IntegrityErrors): their exit codes, the wall time, and whether the runs overlapped;
- a burst of 50 triggers at once from 50 threads: how many tasks were queued;
- with a real worker (`db_worker`) beside it: the seconds from a committed status change to the
  dashboard figures that count it (SUMMARY_REFRESH_DELAY plus one refresh).
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kutim_bench_refresh")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kutim_koperasi.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # development settings: the demo's keys; seed_demo refuses otherwise
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from registry.models import Cooperative, SummaryCell, SummaryRefresh  # noqa: E402
from registry.services.cooperatives import cooperative_change_status  # noqa: E402
from registry.services.leases import lease_release  # noqa: E402
from registry.services.summary import QUEUED_LEASE, summary_refresh, summary_refresh_request  # noqa: E402

MANAGE = [sys.executable, str(PROJECT / "manage.py")]


def active_now():
    return sum(SummaryCell.objects.filter(year=0, dimension="").values_list("status_aktif", flat=True))


def main():
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL (DATABASE_URL=postgres://...).")
    call_command("migrate", verbosity=0)
    if not Cooperative.objects.exists():
        call_command("seed_demo", "--if-empty", verbosity=0)
    print(f"Cooperatives: {Cooperative.objects.count():,}")

    started = time.monotonic()
    run = summary_refresh()
    print(f"One refresh, inline: {time.monotonic() - started:.2f} s ({run.cells:,} summary rows)")

    before = SummaryRefresh.objects.count()
    started = time.monotonic()
    processes = [subprocess.Popen([*MANAGE, "refresh_summary"], cwd=PROJECT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(3)]
    codes = [process.wait() for process in processes]
    wall = time.monotonic() - started
    runs = list(SummaryRefresh.objects.order_by("-finished_at")[:3])[::-1]
    spans = [(r.finished_at.timestamp() - r.seconds, r.finished_at.timestamp()) for r in runs]
    overlap = any(a[1] > b[0] + 0.01 for a, b in zip(spans, spans[1:], strict=False))
    errors = [process.stderr.read().strip().splitlines()[-1] for process in processes if process.returncode]
    print(f"Three refresh_summary processes at once: exit codes {codes}, {wall:.2f} s wall, "
          f"{SummaryRefresh.objects.count() - before} refreshes written, overlapping: {overlap}, errors: {errors}")

    DBTaskResult.objects.all().delete()
    lease_release(name=QUEUED_LEASE)
    barrier = threading.Barrier(50)
    queued = []

    def trigger():
        barrier.wait()
        queued.append(summary_refresh_request(delay=5))
        connection.close()

    threads = [threading.Thread(target=trigger) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"50 triggers at once: {sum(1 for q in queued if q is not None)} queued, "
          f"{DBTaskResult.objects.count()} task row(s)")
    DBTaskResult.objects.all().delete()
    lease_release(name=QUEUED_LEASE)

    worker = subprocess.Popen([*MANAGE, "db_worker", "--no-reload", "--interval", "0.5"], cwd=PROJECT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)
        cooperative = Cooperative.objects.filter(status=Cooperative.Status.ACTIVE).order_by("pk").first()
        was = active_now()
        changed = time.monotonic()
        cooperative_change_status(cooperative=cooperative, to_status=Cooperative.Status.INACTIVE,
                                  reason="Benchmark: tidak aktif", changed_on=timezone.localdate())
        while active_now() != was - 1 and time.monotonic() - changed < 120:
            time.sleep(0.2)
        print(f"Status change to figures counting it, with a worker: {time.monotonic() - changed:.2f} s "
              f"(SUMMARY_REFRESH_DELAY 5 s included); active {was:,} -> {active_now():,}")
        cooperative_change_status(cooperative=cooperative, to_status=Cooperative.Status.ACTIVE,
                                  reason="Benchmark: kembali aktif", changed_on=timezone.localdate())
    finally:
        worker.terminate()
        worker.wait(timeout=60)


if __name__ == "__main__":
    main()
