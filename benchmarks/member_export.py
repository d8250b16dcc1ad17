"""Benchmark the masked member export (CSV and XLSX) as the task worker writes it: rows/s and memory.

    createdb -h 127.0.0.1 -U postgres kutim_pdp_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kutim_pdp_bench DJANGO_DEBUG=1 \
        .venv/bin/python manage.py seed_demo --cooperatives 13000 --members-per-cooperative 23
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kutim_pdp_bench \
        .venv/bin/python benchmarks/member_export.py [--limit 100000] [--xlsx] [--runs 3]

The database must hold a demo seeded at scale (the members are what is exported). The export runs
as the demo `petugas` (whole district, no full NIK) through what the task worker runs for an
export above EXPORT_INLINE_MAX_ROWS (`registry/services/exports.py`): the list's rows, its columns,
`write_csv` / `write_xlsx` into a temporary file. `--limit N` exports the members of the first
cooperatives up to about N rows (a cut on the cooperative's id, applied to the queryset directly),
to compare memory at two sizes: flat memory means the same peak RSS whatever the row count.

Printed per run: rows, seconds, rows per second (and per CPU second of this process, which a
busy machine does not inflate; PostgreSQL's own work is in another process), and the process's RSS
before and at its peak (VmHWM, reset before each run where the kernel allows it).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kutim_pdp_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kutim_koperasi.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # the keys seed_demo encrypted with
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
settings.DEBUG = False  # no query log kept per statement, as in production

from django.http import QueryDict  # noqa: E402

from registry.models import Member, User  # noqa: E402
from registry.spreadsheets import list_exports  # noqa: E402


def rss_kib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak():
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        return True
    except OSError:
        return False


def run(fmt, limit):
    user = User.objects.get(username="petugas")
    export = list_exports.EXPORTS["anggota"]
    queryset = export.rows(user, QueryDict(""))
    if limit:
        ids = Member.objects.order_by("cooperative_id").values_list("cooperative_id", flat=True)
        if ids.count() >= limit:
            queryset = queryset.filter(cooperative_id__lte=ids[limit - 1])
    ctx = list_exports.export_context(user, full_nik=False)
    columns = export.columns(ctx)
    peak_reset = reset_peak()
    before = rss_kib("VmRSS")
    started, cpu_started = time.perf_counter(), time.process_time()
    with tempfile.TemporaryFile() as handle:
        if fmt == "csv":
            rows = list_exports.write_csv(handle, queryset, columns, ctx)
        else:
            rows = list_exports.write_xlsx(handle, queryset, columns, ctx, export.title)
        size = handle.tell()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return {"rows": rows, "seconds": seconds, "cpu": cpu, "bytes": size, "rss_before_mib": before / 1024,
            "rss_peak_mib": rss_kib("VmHWM") / 1024, "peak_reset": peak_reset}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="export about this many rows (0: all)")
    parser.add_argument("--xlsx", action="store_true", help="also the XLSX export")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"members in the database: {Member.objects.count():,}")
    for fmt in ["csv", *(["xlsx"] if args.xlsx else [])]:
        for number in range(1, args.runs + 1):
            r = run(fmt, args.limit)
            print(f"{fmt} run {number}: {r['rows']:,} rows in {r['seconds']:.2f} s = "
                  f"{r['rows'] / r['seconds']:,.0f} rows/s ({r['cpu']:.2f} s CPU of this process = "
                  f"{r['rows'] / r['cpu']:,.0f} rows per CPU second), {r['bytes'] / 1e6:.1f} MB; "
                  f"RSS {r['rss_before_mib']:.0f} "
                  f"MiB before, peak {r['rss_peak_mib']:.0f} MiB{'' if r['peak_reset'] else ' (peak not reset)'}")


if __name__ == "__main__":
    main()
