"""Hostile uploads through the import page: time, outcome and the peak memory of each (goal < 300 MB).

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE kutim_bench_imports"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kutim_bench_imports .venv/bin/python benchmarks/import_limits.py

Each case runs in its own process (this script again, with --case), so its maximum RSS is its own:
the process's baseline (Python, Django, a signed-in test client) is printed first. A case posts its
file to /impor/ as a Petugas with Django's test client, in the request (no worker), and reads the
page; the many-errors case also downloads the errors workbook. The files (tests/hostile_files.py):

- a cell of 1 GB (one shared string, 1 MB zipped), a sheet of 300 MB of identical rows (1 MB zipped),
  a sheet that claims 1 KB but holds 60 MB, 2,000 rows padded to column XFD: refused before parsing;
- 20,000 cooperative rows with all 28 columns wrong, every value different (560,000 errors);
- a request body of 30 MB: refused with 413 before it is read.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kutim_bench_imports")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kutim_koperasi.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_LOG_LEVEL", "ERROR")
# Every file is checked in the request, as a small one would be: the worker is not measured here.
os.environ.setdefault("IMPORT_INLINE_MAX_BYTES", str(100 * 2**20))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
settings.DEBUG = False

from django.contrib.auth.models import Group  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import Client  # noqa: E402

from registry.models import PendingImport, User  # noqa: E402
from registry.spreadsheets.kinds import SPECS  # noqa: E402
from tests import hostile_files  # noqa: E402

HEADERS = [str(column.header) for column in SPECS["koperasi"].all_columns()]
CASES = {
    "baseline": None,
    "cell of 1 GB": lambda: hostile_files.huge_cell(HEADERS, 2**30),
    "sheet of 300 MB": lambda: hostile_files.swollen_sheet(HEADERS, 300 * 2**20),
    "sheet lying about its size": lambda: hostile_files.lying_sizes(
        hostile_files.swollen_sheet(HEADERS, 60 * 2**20), hostile_files.SHEET, 1024),
    "2,000 rows to column XFD": lambda: hostile_files.wide_rows(HEADERS, 2000),
    "20,000 rows all wrong": lambda: hostile_files.all_wrong(HEADERS, 20_000),
    "body of 30 MB": None,
}


def rss_mb():
    return hostile_files.peak_mb()  # the case's own peak (ru_maxrss would carry the parent's over)


def run_case(name):
    user, _ = User.objects.get_or_create(username="bench-import-limits", defaults={"first_name": "Bench"})
    user.groups.add(Group.objects.get(name="Petugas"))
    client = Client()
    client.force_login(user)
    client.get("/impor/")
    if name == "baseline":
        return "-", 0, 0.0, ""
    if name == "body of 30 MB":
        body = b"x" * (30 * 2**20)
        started = time.perf_counter()
        response = client.generic("POST", "/impor/", body, content_type="application/octet-stream")
        return "-", len(body), time.perf_counter() - started, f"{response.status_code}"
    started = time.perf_counter()
    data = CASES[name]()
    built = time.perf_counter() - started
    started = time.perf_counter()
    response = client.post("/impor/", {"kind": "koperasi", "file": SimpleUploadedFile("hostile.xlsx", data)})
    page = response.content.decode()
    elapsed = time.perf_counter() - started
    outcome = f"{response.status_code}, page {len(page) / 1024:.0f} KB"
    pending = PendingImport.objects.filter(user=user).order_by("-created_at").first()
    if pending is not None and "kesalahan" in page and name.startswith("20,000"):
        started = time.perf_counter()
        errors = client.get(f"/impor/kesalahan/{pending.pk}.xlsx")
        size = sum(len(chunk) for chunk in errors.streaming_content)
        elapsed_errors = time.perf_counter() - started
        outcome += f"; errors workbook {size / 2**20:.1f} MB in {elapsed_errors:.1f} s"
    for marker in ("tidak wajar", "rusak", "jauh di luar kolom", "kesalahan"):
        if marker in page:
            outcome += f" ({marker})"
            break
    PendingImport.objects.filter(user=user).delete()
    return f"{built:.1f} s", len(data), elapsed, outcome


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--case")
    args = parser.parse_args()
    if args.case:
        built, size, elapsed, outcome = run_case(args.case)
        print(f"{args.case:<28} {size / 2**20:7.2f} MB  built {built:>6}  {elapsed:6.1f} s  peak RSS "
              f"{rss_mb():5.0f} MB  {outcome}", flush=True)
        return
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"limits: body {settings.REQUEST_MAX_BYTES / 2**20:.0f} MB, file {settings.IMPORT_MAX_BYTES / 2**20:.0f} MB")
    for name in CASES:
        subprocess.run([sys.executable, __file__, "--case", name], check=True, stdout=sys.stdout,
                       stderr=subprocess.DEVNULL if name != "baseline" else None)


if __name__ == "__main__":
    main()
