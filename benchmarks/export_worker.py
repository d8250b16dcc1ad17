"""A member export at scale through the task worker: the request's time, the worker's rows/s and memory.

    .venv/bin/python benchmarks/export_worker.py [--members 300000] [--formats csv,xlsx]

PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/kutim_bench_export), created,
migrated and seeded with the demo district when missing; the members are then multiplied in SQL
(copies of the demo's members with other names, numbers and search hashes; the same encrypted
NIKs) up to `--members`. The national size is 3,000,000 (`--members 3000000`: about 1.5 GB of
database and an hour of this machine).

For each format: the export requested through Django's test client (the view counts at most
EXPORT_INLINE_MAX_ROWS + 1 rows, logs, queues; median of 5 requests), then one `db_worker --batch`
process runs the queued exports; printed per export: rows, seconds, rows/s (from the log row and
its task row), file size, and the worker process's maximum RSS.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kutim_bench_export"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kutim_koperasi.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")


def prepare_database(url):
    config = dj_database_url.parse(url)
    with psycopg.connect(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                         dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def multiply_members(target):
    """Copies of the demo's members until there are `target`: each copy another name, number and hash."""
    from django.db import connection

    from registry.models import Member

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(id) FROM registry_member")
        count, last = cursor.fetchone()
        if count >= target:
            return count
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'registry_member' "
                       "AND column_name <> 'id' ORDER BY ordinal_position")
        columns = [row[0] for row in cursor.fetchall()]
        changed = {
            "name": "m.name || ' ' || g",
            "member_number": "left(m.member_number || '-' || g, 30)",
            "nik_hash": "CASE WHEN m.nik_hash IS NULL THEN NULL ELSE md5(m.nik_hash || g) || md5(g || m.nik_hash) END",
        }
        select = ", ".join(changed.get(column, f"m.{column}") for column in columns)
        copies = -(-(target - count) // count)
        started = time.monotonic()
        for g in range(1, copies + 1):
            cursor.execute(
                f"INSERT INTO registry_member ({', '.join(columns)}) SELECT {select} "  # noqa: S608 (our names)
                f"FROM registry_member m, (SELECT %s AS g) s WHERE m.id <= %s",
                [g, last],
            )
        cursor.execute("ANALYZE registry_member")
    total = Member.objects.count()
    print(f"Members multiplied to {total:,} in {time.monotonic() - started:.0f} s", flush=True)
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=300_000)
    parser.add_argument("--formats", default="csv,xlsx")
    args = parser.parse_args()
    prepare_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    from registry.models import Cooperative, ExportLog, User

    call_command("migrate", verbosity=0)
    if not Cooperative.objects.exists():
        call_command("seed_demo", "--if-empty", verbosity=0)
    members = multiply_members(args.members)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="petugas"))

    cpu_before = 0.0
    for fmt in args.formats.split(","):
        times = []
        for _ in range(5):
            started = time.perf_counter()
            response = client.get(f"/ekspor/anggota/{fmt}/")
            times.append(time.perf_counter() - started)
            assert response.status_code == 302, response.status_code
        # Four of the five are left out: one export per format is enough for the worker's figures.
        queued = list(ExportLog.objects.filter(status="disiapkan").order_by("-id"))
        ExportLog.objects.filter(pk__in=[log.pk for log in queued[1:]]).delete()
        DBTaskResult.objects.filter(status="READY").exclude(args_kwargs__kwargs__export_id=queued[0].pk).delete()
        print(f"{fmt}: request (count bounded by the limit, log, queue) median "
              f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms", flush=True)
        started = time.monotonic()
        subprocess.run([sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay",
                        "--interval", "0", "--verbosity", "0"], cwd=PROJECT, check=True)
        wall = time.monotonic() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        rss = usage.ru_maxrss / 1024
        # CPU seconds of the worker processes so far (this format's and the earlier ones'): on a shared
        # machine the wall time measures the load, the CPU time what the export itself costs.
        cpu_used = usage.ru_utime + usage.ru_stime - cpu_before
        cpu_before += cpu_used
        log = ExportLog.objects.get(pk=queued[0].pk)
        task = DBTaskResult.objects.filter(task_path="registry.tasks.build_export").order_by("-finished_at").first()
        seconds = (task.finished_at - task.started_at).total_seconds()
        print(f"{fmt}: {log.status}, {log.row_count:,} of {members:,} rows in {seconds:.1f} s in the task "
              f"({log.row_count / seconds:,.0f} rows/s; {wall:.1f} s with the worker's start-up), file "
              f"{log.file_size / 2**20:.1f} MB, worker max RSS {rss:.0f} MB; worker CPU {cpu_used:.1f} s "
              f"({log.row_count / cpu_used:,.0f} rows per CPU second, start-up included), load average "
              f"{os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
