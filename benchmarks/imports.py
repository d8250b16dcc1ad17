"""Benchmark a 10,000-member import on PostgreSQL: dry run, commit and undo; time and peak memory.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE kutim_bench_imports"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kutim_bench_imports .venv/bin/python benchmarks/imports.py

The database is migrated (regions and roles come from data migrations); one cooperative is
created if none exists. The file is an XLSX written with openpyxl: 10,000 members with valid,
fictitious NIKs, desa by name, dates as real Excel dates. It is imported twice: the first commit
creates 10,000 members, the second dry run finds all of them unchanged. The batch is undone at the
end, so the database is left as it was. Goal: check and commit in at most 10 s.

With --exports N it instead times the cooperative list's export (CSV and XLSX, no filter, through
Django's test client, the response read chunk by chunk) over N cooperatives, adding plain
cooperatives with bulk_create when the database has fewer (goal: 130,000 rows without holding them
in memory).

Times are measured plainly; with --trace-memory each step also reports its peak Python allocations
(tracemalloc, which slows every step several times: do not read times from such a run). The
process's maximum RSS is printed in both modes.
"""

import argparse
import io
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kutim_bench_imports")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kutim_koperasi.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
settings.DEBUG = False

import datetime  # noqa: E402

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from registry.models import Cooperative, Desa, Member, User  # noqa: E402
from registry.spreadsheets.commit import import_batch_undo, import_commit  # noqa: E402
from registry.spreadsheets.imports import import_dry_run  # noqa: E402


def member_file(cooperative, count):
    desa = list(Desa.objects.filter(kecamatan=cooperative.desa.kecamatan).values_list("name", flat=True))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Anggota")
    sheet.append(["Nomor Induk Koperasi", "Nama", "NIK", "Jenis kelamin", "Tanggal lahir", "Desa/kelurahan",
                  "Kecamatan", "Nomor anggota", "Tanggal masuk"])
    for i in range(count):
        female = i % 2
        day = (i % 28) + 1 + (40 if female else 0)
        nik = f"640801{day:02d}{(i % 12) + 1:02d}{70 + i % 30:02d}{i % 10000:04d}"
        sheet.append([cooperative.nomor_induk, f"Anggota Uji {i:05d}", nik, "P" if female else "L",
                      datetime.datetime(1970 + i % 30, (i % 12) + 1, (i % 28) + 1), desa[i % len(desa)],
                      cooperative.desa.kecamatan.name, f"B-{i:05d}", datetime.datetime(2015, 1, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TRACE = False


def measure(label, function):
    if TRACE:
        tracemalloc.start()
    started = time.perf_counter()
    result = function()
    elapsed = time.perf_counter() - started
    memory = ""
    if TRACE:
        memory = f"   peak Python memory {tracemalloc.get_traced_memory()[1] / 2**20:7.1f} MB"
        tracemalloc.stop()
    print(f"{label:<34} {elapsed:7.2f} s{memory}", flush=True)
    return result, elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--trace-memory", action="store_true")
    parser.add_argument("--exports", type=int, default=0)
    args = parser.parse_args()
    global TRACE
    TRACE = args.trace_memory
    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(username="bench-imports")
    user.groups.add(Group.objects.get(name="Admin Dinas"))
    cooperative = Cooperative.objects.filter(nomor_induk="6408019990001").first() or Cooperative.objects.create(
        name="Koperasi Benchmark Impor", nomor_induk="6408019990001", jenis="produsen", kelompok="perkebunan",
        sector="perkebunan_sawit", desa=Desa.objects.filter(kecamatan_id="64.08.04").first(),
    )
    if args.exports:
        return exports(user, args.exports)
    Member.objects.filter(cooperative=cooperative).delete()
    data, _ = measure(f"write {args.rows:,} rows XLSX", lambda: member_file(cooperative, args.rows))
    print(f"file size {len(data) / 2**20:.1f} MB")
    kwargs = {"kind": "anggota", "data": data, "file_name": "bench.xlsx", "user": user}
    result, check = measure("dry run (check every row)", lambda: import_dry_run(**kwargs))
    assert result.created == args.rows and not result.errors, (result.created, result.errors[:3])
    batch, commit = measure("commit (checks again, writes)", lambda: import_commit(**kwargs))
    print(f"check + commit: {check + commit:.2f} s (goal <= 10 s)")
    again, _ = measure("dry run of the same file again", lambda: import_dry_run(**kwargs))
    assert again.unchanged == args.rows, again.unchanged
    measure("undo the batch", lambda: import_batch_undo(batch=batch, user=user))
    print(f"max RSS of the process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def exports(user, count):
    from django.test import Client

    missing = count - Cooperative.objects.count()
    if missing > 0:
        desa = list(Desa.objects.all())
        Cooperative.objects.bulk_create(
            [Cooperative(name=f"Koperasi Ekspor {i:06d}", nomor_induk=f"64089{i:08d}", jenis="produsen",
                         kelompok="perkebunan", sector="perkebunan_sawit", desa=desa[i % len(desa)])
             for i in range(missing)],
            batch_size=5000,
        )
    client = Client()
    client.force_login(user)
    for fmt in ("csv", "xlsx"):
        def run(fmt=fmt):
            response = client.get(f"/ekspor/koperasi/{fmt}/")
            size = 0
            for chunk in response.streaming_content:
                size += len(chunk)
            return size
        size, _ = measure(f"export {Cooperative.objects.count():,} cooperatives {fmt}", run)
        print(f"  {size / 2**20:.1f} MB")
    print(f"max RSS of the process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
