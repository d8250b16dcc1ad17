"""The cooperative list's search at national size: each statement of the page, EXPLAIN ANALYZE'd.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kutim_bench_seed \
        .venv/bin/python benchmarks/cooperative_search.py [--runs 7] [--plans] [--try "CREATE INDEX ..."]

For each search (a word in 40% of the names but none of the first 29,000 in name order, rarer
words, a Nomor Induk fragment, two words, no match) and each demo Petugas (the whole district, and
`petugas_sangatta`, limited to two kecamatan), the page `/koperasi/?q=...` is requested through
Django's test client; every statement that reads the cooperatives is then run again under
EXPLAIN (ANALYZE, BUFFERS) and its execution time printed (`--plans`: the whole plans), with the
median wall time of `--runs` requests of the page in process. `--try` runs a statement first (an
index to try): everything runs in one transaction that is rolled back, so the database is only read.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kutim_bench_seed")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kutim_koperasi.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
settings.DEBUG = False

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from registry.models import User  # noqa: E402

SEARCHES = ["sawit", "koperasi", "wiguna", "nehes", "640807001", "sawit makmur", "AHU-00244", "zzqx"]
USERS = ["petugas", "petugas_sangatta"]


class Rollback(Exception):
    pass


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def measure(client, path, runs, plans):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    paginator = response.context["paginator"]
    shown = f"{paginator.count:,}{'' if paginator.count_is_exact else '+'}"
    statements = [q["sql"] for q in captured.captured_queries
                  if '"registry_cooperative"' in q["sql"] and q["sql"].startswith("SELECT")]
    timings = []
    for sql in statements:
        lines = explain(sql)
        timings.append(float(lines[-1].split(":")[1].split()[0]))
        if plans:
            print("   ", sql)
            print("\n".join(f"      {line}" for line in lines))
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(path)
        walls.append((time.perf_counter() - start) * 1000)
    return shown, timings, statistics.median(walls), min(walls)


def main():
    setup_test_environment(debug=False)  # the test client keeps the page's context (its paginator)
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--plans", action="store_true")
    parser.add_argument("--try", dest="statement", action="append", default=[])
    parser.add_argument("--search", action="append", help="only these searches")
    args = parser.parse_args()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                for statement in args.statement:
                    cursor.execute(statement)
            print(f"{'user':18} {'search':14} {'count':>8}  statements (EXPLAIN ms)        page median / min ms")
            for username in USERS:
                client = Client()
                client.force_login(User.objects.get(username=username))
                client.get("/koperasi/")  # warm the session, the access cache and the filter form
                for search in args.search or SEARCHES:
                    shown, timings, median, fastest = measure(client, f"/koperasi/?q={search}", args.runs, args.plans)
                    steps = " + ".join(f"{t:.2f}" for t in timings)
                    print(f"{username:18} {search:14} {shown:>8}  {steps:30}  {median:6.1f} / {fastest:.1f}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
