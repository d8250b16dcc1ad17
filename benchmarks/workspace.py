"""Benchmark the staff workspace pages at national scale on PostgreSQL: page time beside bare SQL time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kutim_bench_seed \
        .venv/bin/python benchmarks/workspace.py [--runs 15]

The database must already hold the national-scale demo (seed_demo --cooperatives 130000
--members-per-cooperative 23) and be migrated. It is used read-only: everything runs in one
transaction that is rolled back at the end (the sessions the test client writes included).

For each page: the median time of the whole request through Django's test client (signed in as
the demo `petugas`, or `admin` for Django admin), and the median time of the SQL statements that
request ran, captured once and replayed through a raw cursor. The goals: page <= 2x its
bare SQL, and the member list >= 5x faster than Django admin's Member changelist.
"""

import argparse
import os
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kutim_bench_seed")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kutim_koperasi.settings")
# Debug settings as seed_demo used them: the NIK keys derive from the development secret key, so
# the masked NIK of each row can be decrypted as in production.
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
# Then as in production: templates without debug information, no query log kept per request.
# (Set before the first template engine is built, which reads it.)
settings.DEBUG = False

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from pagetiming import measure, median_ms  # noqa: E402  (benchmarks/ is on sys.path as the script's folder)

from registry.models import Cooperative, User  # noqa: E402


class Rollback(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this on PostgreSQL (DATABASE_URL=postgres://...).")

    cooperatives = Cooperative.objects.count()
    members = Cooperative.members.rel.related_model.objects.count()
    profile = Cooperative.objects.filter(members__isnull=False).order_by("id").values_list("id", flat=True).first()
    word_a, word_b = "sawit", "harapan"
    pages = [
        ("Koperasi: halaman pertama", "/koperasi/"),
        ("Koperasi: tersaring (kecamatan + status)", "/koperasi/?kecamatan=64.08.04&status=aktif"),
        ("Koperasi: halaman dalam (hal. 2.000)", "/koperasi/?page=2000"),
        ("Koperasi: cari 2 kata", f"/koperasi/?q={word_b}+{word_a}"),
        ("Koperasi: urut kecamatan", "/koperasi/?urut=kecamatan"),
        ("Profil koperasi", f"/koperasi/{profile}/"),
        ("Anggota: halaman pertama", "/anggota/"),
        ("Anggota: cari NIK persis", "/anggota/?nik=6408041203900001"),
    ]
    print(f"PostgreSQL {connection.pg_version // 10000}, {cooperatives:,} koperasi, {members:,} anggota, "
          f"{args.runs} runs per figure (medians)\n")
    header = (f"{'page':44} {'queries':>7} {'page ms':>9} {'SQL ms':>9} {'ratio':>6}"
              f" {'page min':>9} {'SQL min':>8} {'ratio':>6}")
    print(header)
    print("-" * len(header))
    results = {}
    try:
        with transaction.atomic():
            client = Client()
            client.force_login(User.objects.get(username="petugas"))
            admin = Client()
            admin.force_login(User.objects.get(username="admin"))
            for label, who, path in [(label, client, path) for label, path in pages] + [
                ("Django admin: Member changelist", admin, "/admin/registry/member/")
            ]:
                statements, page_samples, sql_samples = measure(who, path, args.runs)
                page_ms, sql_ms = median_ms(page_samples), median_ms(sql_samples)
                page_min, sql_min = min(page_samples) * 1000, min(sql_samples) * 1000
                results[label] = page_ms
                print(f"{label:44} {len(statements):7d} {page_ms:9.1f} {sql_ms:9.1f} {page_ms / sql_ms:5.1f}x"
                      f" {page_min:9.1f} {sql_min:8.1f} {page_min / sql_min:5.1f}x")
            admin_ms = results["Django admin: Member changelist"]
            ours = results["Anggota: halaman pertama"]
            print(f"\nMember list vs Django admin's changelist: {admin_ms / ours:.1f}x faster "
                  f"({ours:.1f} ms vs {admin_ms:.1f} ms)")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
