"""Where a staff page's time goes: queries per request, median time, and a cProfile of one page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kutim_speedlists \
        .venv/bin/python benchmarks/page_profile.py [--runs 30] [--sql] [--profile /koperasi/ [--sort tottime]] \
        [--user petugas] [--only /anggota/]

Works on any seeded database (the demo district or the national one): the per-request overhead it
shows (session, user, permissions, groups, area, rendering the filter form and the rows) does not
depend on the number of cooperatives. Signed in through Django's test client, templates without
debug information (DEBUG off after setup, as in production). Everything runs in one transaction
that is rolled back: the database is only read.

Without --profile: for each page the queries of one request (with --sql, each statement's first
words), the median and fastest of --runs requests, and the median CPU time of this process per
request (less disturbed by other work on a shared machine than the wall time). With --profile PATH:
the functions that take the most cumulative time over --runs requests of that page (--sort tottime:
the most time of their own, where a flat page shows no single heavy call).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kutim_bench_seed")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kutim_koperasi.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # the development keys seed_demo used (NIK masks decrypt)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
settings.DEBUG = False  # before the first template engine is built: no debug information

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from registry.models import Assessment, Cooperative, Member, User  # noqa: E402


class Rollback(Exception):
    pass


def pages():
    profile = Cooperative.objects.filter(members__isnull=False).order_by("id").values_list("id", flat=True).first()
    # Row 25,000 of each list in its default order: "Berikutnya" there leads to ?setelah=<its id>
    # The deep pages are left out on a database smaller than that, such as the demo district.
    deep_cooperative = next(iter(Cooperative.objects.order_by("name", "id").values_list("id", flat=True)[24999:25000]),
                            None)
    deep_member = next(iter(Member.objects.order_by("cooperative__name", "cooperative__id", "name", "id").values_list(
        "id", flat=True
    )[24999:25000]), None)
    # The latest year with assessments: the national database has the last book year's only.
    year = Assessment.objects.order_by("-year").values_list("year", flat=True).first()
    return [
        ("/koperasi/", "/koperasi/"),
        ("/koperasi/ filtered", "/koperasi/?kecamatan=64.08.04&status=aktif"),
        ("/koperasi/ search", "/koperasi/?q=sawit"),
        ("/koperasi/ page 20", "/koperasi/?page=20"),
        *([("/koperasi/ page 1000", "/koperasi/?page=1000"),
           ("/koperasi/ after row 25,000", f"/koperasi/?setelah={deep_cooperative}")] if deep_cooperative else []),
        ("/koperasi/<id>/ profile", f"/koperasi/{profile}/"),
        ("/anggota/", "/anggota/"),
        ("/anggota/ filtered", "/anggota/?kecamatan=64.08.04&jenis_kelamin=P"),
        ("/anggota/ search", "/anggota/?q=siti"),
        *([("/anggota/ page 500", "/anggota/?page=500"),
           ("/anggota/ after row 25,000", f"/anggota/?setelah={deep_member}")] if deep_member else []),
        ("/penilaian/", "/penilaian/"),
        *([("/penilaian/ filtered", f"/penilaian/?tahun={year}&kecamatan=64.08.04")] if year else []),
        ("/kemitraan/", "/kemitraan/"),
        ("/kemitraan/ search", "/kemitraan/?q=sawit"),
        ("/pelatihan/", "/pelatihan/"),
        ("/temuan/", "/temuan/"),
        ("/temuan/ filtered", "/temuan/?status=belum"),
        ("/impor/riwayat/", "/impor/riwayat/"),
        ("/dasbor/", "/dasbor/"),
    ]


def one_request_queries(client, path):
    for _ in range(2):  # warm: caches, the session row, PostgreSQL's buffers
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return [q["sql"] for q in captured.captured_queries]


def timed(client, path, runs):
    """Median and fastest wall time, and median CPU time of this process (which a machine shared
    with other work disturbs far less: the Python side of the request without waiting for a core)."""
    samples, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(samples) * 1000, min(samples) * 1000, statistics.median(cpu) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--user", default="petugas")
    parser.add_argument("--sql", action="store_true", help="print each statement's first words")
    parser.add_argument("--profile", metavar="PATH", help="cProfile this page instead")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", choices=["cumulative", "tottime"], default="cumulative",
                        help="order of --profile's functions: with what they call, or their own time only")
    parser.add_argument("--only", metavar="TEXT", help="only the pages whose label holds TEXT (e.g. /anggota/)")
    args = parser.parse_args()
    try:
        with transaction.atomic():
            client = Client()
            client.force_login(User.objects.get(username=args.user))
            if args.profile:
                one_request_queries(client, args.profile)
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(args.runs):
                    client.get(args.profile)
                profiler.disable()
                pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
                raise Rollback
            print(f"{connection.vendor}, {Cooperative.objects.count():,} koperasi, user {args.user}, "
                  f"medians of {args.runs}\n")
            print(f"{'page':28} {'queries':>7} {'median ms':>10} {'min ms':>8} {'CPU ms':>7}")
            for label, path in pages():
                if args.only and args.only not in label:
                    continue
                statements = one_request_queries(client, path)
                median, fastest, cpu = timed(client, path, args.runs)
                print(f"{label:28} {len(statements):7d} {median:10.1f} {fastest:8.1f} {cpu:7.1f}")
                if args.sql:
                    for sql in statements:
                        print(f"{'':8}{' '.join(sql.split())[:150]}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
