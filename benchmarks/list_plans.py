"""PostgreSQL's plan and time for a list's first page, a deep OFFSET page and the keyset pages there.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kutim_bench_seed \
        .venv/bin/python benchmarks/list_plans.py [koperasi|anggota|other|all] [--page 1000] [--plans]

For each list and each order it offers (the cooperative list's eight sorts), EXPLAIN ANALYZE of
the rows query alone (no view, no count): the first page, `?page=N` (OFFSET), and the pages after
and before row N x page size (`?setelah=` / `?sebelum=`, registry/paginators.py), with the
execution time and the scans and sorts of each plan (`--plans`: the whole plan). EXPLAIN ANALYZE
runs the SELECTs: the database is only read.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kutim_bench_seed")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kutim_koperasi.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from registry.models import Assessment, Cooperative, Finding, ImportBatch, Member, Partnership, Training  # noqa: E402
from registry.paginators import seek_q, sort_keys  # noqa: E402

# The cooperative list's sorts as CooperativeFilter orders them (the id runs the way the sort does).
COOPERATIVE_ORDERS = [
    ["name", "id"], ["-name", "-id"], ["status", "id"], ["-status", "-id"], ["updated_at", "id"],
    ["-updated_at", "-id"], ["desa__kecamatan__name", "id"], ["-desa__kecamatan__name", "-id"],
]


def lists(which):
    """(label, the list's queryset in its order, rows per page)."""
    if which in ("koperasi", "all"):
        for order in COOPERATIVE_ORDERS:
            yield f"/koperasi/ {','.join(order)}", Cooperative.objects.select_related("desa__kecamatan").order_by(
                *order), 25
    if which in ("anggota", "all"):
        yield "/anggota/", Member.objects.select_related("cooperative__desa__kecamatan"), 50
    if which in ("other", "all"):
        yield "/penilaian/", Assessment.objects.select_related("cooperative__desa__kecamatan").order_by(
            "-year", "cooperative__name", "pk"), 50
        yield "/kemitraan/", Partnership.objects.select_related("cooperative__desa__kecamatan"), 50
        yield "/temuan/", Finding.objects.select_related("cooperative__desa__kecamatan"), 50
        yield "/pelatihan/", Training.objects.order_by("-start_date", "-id"), 50
        yield "/impor/riwayat/", ImportBatch.objects.all(), 50


def explain(queryset, label, whole):
    lines = queryset.explain(analyze=True).splitlines()
    print(f"{label:46} {lines[-1].strip()}")
    shown = lines if whole else [line for line in lines if "Scan" in line or "Sort" in line or "Cond" in line]
    for line in shown:
        print(f"    {line.rstrip()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("which", nargs="?", default="all", choices=["koperasi", "anggota", "other", "all"])
    parser.add_argument("--page", type=int, default=1000, help="the deep page (default 1000)")
    parser.add_argument("--plans", action="store_true", help="print whole plans")
    args = parser.parse_args()
    for label, queryset, size in lists(args.which):
        keys = sort_keys(queryset)
        queryset = queryset.order_by(*(key.order() for key in keys))
        row = args.page * size
        explain(queryset[:size], f"{label} first page", args.plans)
        explain(queryset[row - size: row], f"{label} page {args.page} (OFFSET)", args.plans)
        values = list(queryset.values_list(*(key.path for key in keys))[row - 1: row])
        if not values:
            print(f"{label}: fewer than {row:,} rows, no deep page")
            continue
        after = queryset.filter(seek_q(keys, values[0]))[: size + 1]
        explain(after, f"{label} after row {row:,} (keyset)", args.plans)
        backwards = [key.order(reverse=True) for key in keys]
        before = queryset.filter(seek_q(keys, values[0], forward=False)).order_by(*backwards)[: size + 1]
        explain(before, f"{label} before row {row:,} (keyset)", args.plans)


if __name__ == "__main__":
    main()
