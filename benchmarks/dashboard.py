"""Benchmark the district dashboard at national scale on PostgreSQL: page time beside bare SQL time.

    # once: a copy of the national-scale demo, migrated, with five years of assessments
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE kutim_bench_dashboard TEMPLATE kutim_bench_seed"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kutim_bench_dashboard \
        .venv/bin/python benchmarks/dashboard.py --prepare
    # then, any number of times
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kutim_bench_dashboard \
        .venv/bin/python benchmarks/dashboard.py [--runs 30]

`--prepare` migrates the copy, adds 130,000 x 5 = 650,000 assessments (book years last-4 .. last,
scores drawn deterministically, predicates from the scores) with plain SQL when there are fewer,
and refreshes the summary (timed). The measurement itself runs in one transaction that is rolled
back (the sessions the test client writes included).

For each page: the median time of the whole request through Django's test client, and the
median time of the SQL statements that request ran, captured once and replayed through a raw
cursor. Goal: page median <= 50 ms and <= 1.5x its bare SQL. The page repeats the same request, so
after the first it sends the body kept for the refresh (registry/views/dashboard.py);
--render-every-time measures the first request after a refresh instead. For comparison it also
times the one query the summary replaces (members by sex from the yearly reports, counted live),
and the same page on a Kutim-size database when one is given with --kutim-url.
"""

import argparse
import os
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kutim_bench_dashboard")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kutim_koperasi.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
settings.DEBUG = False  # as in production: no template debug information, no query log

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from pagetiming import measure, median_ms  # noqa: E402  (benchmarks/ is on sys.path as the script's folder)

from registry.models import Assessment, Cooperative, User, YearlyReport, last_full_year  # noqa: E402
from registry.services.summary import summary_refresh  # noqa: E402

ASSESSED_YEARS = 5


class Rollback(Exception):
    pass


def prepare():
    call_command("migrate", verbosity=0)
    last = last_full_year()
    wanted = Cooperative.objects.count() * ASSESSED_YEARS
    have = Assessment.objects.count()
    if have < wanted:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.42)")
            # Scores 20-100 per condition; overall the mean; predicate and weakest condition from them.
            cursor.execute(
                """
                INSERT INTO registry_assessment (
                    cooperative_id, year, rubric_id, status, score_kelembagaan, score_keuangan,
                    score_operasional, score_reputasi, overall_score, predicate, weakest_condition,
                    kutim_label, notes, version, created_at, updated_at, submitted_at, verified_at)
                SELECT c.id, y.year, (SELECT id FROM registry_rubricversion ORDER BY year LIMIT 1), 'diverifikasi',
                       s.k, s.f, s.o, s.r, round((s.k + s.f + s.o + s.r) / 4, 2),
                       CASE WHEN (s.k + s.f + s.o + s.r) / 4 >= 80 THEN 'sehat'
                            WHEN (s.k + s.f + s.o + s.r) / 4 >= 66 THEN 'cukup_sehat'
                            WHEN (s.k + s.f + s.o + s.r) / 4 >= 51 THEN 'dalam_pengawasan'
                            ELSE 'dalam_pengawasan_khusus' END,
                       CASE LEAST(s.k, s.f, s.o, s.r) WHEN s.k THEN 'kelembagaan' WHEN s.f THEN 'keuangan'
                            WHEN s.o THEN 'operasional' ELSE 'reputasi' END,
                       (ARRAY['sehat', 'setengah_sehat', 'tidak_sehat'])[1 + floor(random() * 3)::int],
                       '', 1, now(), now(), now(), now()
                FROM registry_cooperative c
                CROSS JOIN generate_series(%s, %s) AS y(year)
                CROSS JOIN LATERAL (SELECT round((20 + random() * 80)::numeric, 2) AS k,
                                           round((20 + random() * 80)::numeric, 2) AS f,
                                           round((20 + random() * 80)::numeric, 2) AS o,
                                           round((20 + random() * 80)::numeric, 2) AS r
                                    WHERE c.id > 0 AND y.year > 0) s
                ON CONFLICT DO NOTHING
                """,
                [last - ASSESSED_YEARS + 1, last],
            )
            cursor.execute("ANALYZE registry_assessment")
        print(f"Assessments added: {Assessment.objects.count() - have:,} in {time.perf_counter() - started:.1f} s")
    run = summary_refresh()
    print(f"Summary refreshed: {run.cells:,} rows in {run.seconds:.1f} s")


def live_member_aggregate(year):
    """What the summary replaces: the members by sex of a year, summed from every report per request."""
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(members_male), sum(members_female), count(*) FROM registry_yearlyreport WHERE year = %s",
            [year],
        )
        cursor.fetchall()
    return time.perf_counter() - start


def report(runs):
    year = last_full_year()
    print(f"PostgreSQL {connection.pg_version // 10000}: {Cooperative.objects.count():,} koperasi, "
          f"{YearlyReport.objects.count():,} laporan tahunan, {Assessment.objects.count():,} penilaian; "
          f"{runs} runs per figure (medians)\n")
    pages = [
        ("Dasbor: seluruh kabupaten (pimpinan)", "pimpinan", f"/dasbor/?tahun={year}"),
        ("Dasbor: satu kecamatan (pimpinan)", "pimpinan", f"/dasbor/?tahun={year}&kecamatan=64.08.04"),
        ("Dasbor: petugas 2 kecamatan", "petugas_sangatta", f"/dasbor/?tahun={year}"),
        ("API ringkasan.json", "pimpinan", f"/api/ringkasan.json?tahun={year}"),
        ("Ekspor XLSX", "pimpinan", f"/dasbor/ekspor.xlsx?tahun={year}"),
    ]
    header = f"{'page':40} {'queries':>7} {'page ms':>8} {'SQL ms':>7} {'ratio':>6} {'page min':>8} {'SQL min':>7}"
    print(header)
    print("-" * len(header))
    try:
        with transaction.atomic():
            for label, username, path in pages:
                client = Client()
                client.force_login(User.objects.get(username=username))
                statements, page, sql = measure(client, path, runs)
                print(f"{label:40} {len(statements):7d} {median_ms(page):8.1f} {median_ms(sql):7.1f} "
                      f"{median_ms(page) / median_ms(sql):5.2f}x {min(page) * 1000:8.1f} {min(sql) * 1000:7.1f}")
            live = [live_member_aggregate(year) for _ in range(5)]
            print(f"\nFor comparison, members by sex of {year} summed live from the yearly reports: "
                  f"{median_ms(live):.1f} ms (one query, what every request would pay without the summary)")
            raise Rollback
    except Rollback:
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--prepare", action="store_true", help="migrate, add assessments, refresh the summary")
    parser.add_argument(
        "--render-every-time", action="store_true",
        help="never send a kept body (DashboardView.body_key): every request as the first after a refresh",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this on PostgreSQL (DATABASE_URL=postgres://...).")
    if args.prepare:
        prepare()
    if args.render_every_time:
        from registry.views.dashboard import DashboardView

        DashboardView.body_key = lambda view: None
        print("Every dashboard request renders its figures (no kept body).")
    report(args.runs)


if __name__ == "__main__":
    main()
