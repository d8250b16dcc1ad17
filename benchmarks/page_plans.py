"""Each SQL statement of a page, timed by PostgreSQL: what a page's time in the database is made of.

    AS=petugas_sangatta .venv/bin/python benchmarks/page_plans.py "/penilaian/?tahun=2025" /kemitraan/ [--plans]

DATABASE_URL defaults to the national database (postgres://postgres@127.0.0.1:5432/kutim_bench_seed).
Each page is requested through Django's test client, signed in as AS (default: the first
superuser), once to warm up and once with its statements captured; each statement is then run 5
times under `EXPLAIN (ANALYZE, BUFFERS)` and its median execution time printed, with the page's
total. `--plans` prints each plan too. Everything runs in one transaction that is rolled back, each
EXPLAIN inside a savepoint: the database is only read. Statements the page itself runs under
EXPLAIN (the partnership search asks for an estimate) are listed, not timed.

To try an index or a migration before writing it, run its SQL first in the same transaction (edit
`TRY_FIRST` below or paste it in a shell session); the figures then show the page with it.
"""

import os
import re
import statistics
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kutim_bench_seed")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kutim_koperasi.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # the development keys seed_demo used (NIK masks decrypt)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from registry.models import User  # noqa: E402

RUNS = 5
TRY_FIRST = []  # SQL run before the pages, inside the rolled-back transaction
NOT_TIMED = ("EXPLAIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET ")


class Rollback(Exception):
    pass


def timed_plan(sql):
    """(median execution ms over RUNS, the last plan's lines) of one captured statement."""
    times, plan = [], []
    for _ in range(RUNS):
        with connection.cursor() as cursor:
            cursor.execute("SAVEPOINT page_plan")
            try:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            finally:
                cursor.execute("ROLLBACK TO SAVEPOINT page_plan")
        found = re.findall(r"Execution Time: ([\d.]+)", "\n".join(plan))
        times.append(float(found[0]) if found else 0.0)
    return statistics.median(times), plan


def main():
    show_plans = "--plans" in sys.argv
    paths = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    if not paths:
        sys.exit(__doc__)
    username = os.environ.get("AS")
    user = User.objects.get(username=username) if username else User.objects.filter(is_superuser=True).first()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                for sql in TRY_FIRST:
                    cursor.execute(sql)
            client = Client()
            client.force_login(user)
            for path in paths:
                client.get(path)
                with CaptureQueriesContext(connection) as captured:
                    status = client.get(path).status_code
                print(f"\n=== {path}: {status}, {len(captured.captured_queries)} queries, as {user.username}")
                total = 0.0
                for number, query in enumerate(captured.captured_queries):
                    sql = query["sql"]
                    if sql.lstrip().upper().startswith(NOT_TIMED):
                        print(f"[{number}]  (not timed) {sql[:120]}")
                        continue
                    median, plan = timed_plan(sql)
                    total += median
                    print(f"[{number}] {median:8.2f} ms  {sql[:160]}")
                    if show_plans:
                        print("\n".join("      " + line for line in plan))
                print(f"--- SQL {total:.2f} ms")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
