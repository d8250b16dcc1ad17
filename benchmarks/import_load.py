"""Other pages' response times while three 20,000-row imports run at once, against the same pages idle.

    .venv/bin/python benchmarks/import_load.py [--rows 20000] [--samples 60]

One gunicorn (3 workers, as `make serve`) and one `db_worker` over PostgreSQL (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/kutim_bench_two, created and seeded with the demo district when
missing). A reader asks for four ordinary pages in turn (cooperative list, a profile, member list,
dashboard) `--samples` times while nothing else runs (idle), then again while three users each
upload a file of `--rows` new members for a cooperative of their own and commit it as soon as its
check is done (loaded). Printed: p50 and p95 of both, the ratio of the p95s (goal: within 2x), the
upload and commit requests' times, and when the three imports were in.
"""

import argparse
import csv
import io
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from two_servers import DEFAULT_URL, Browser, Cluster, prepare_database, query, wait_healthy  # noqa: E402

WEB = "http://127.0.0.1:8106"


def members_csv(number, rows, seed):
    """`rows` new members of the cooperative with Nomor Induk `number`: valid, distinct NIKs."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Nomor Induk Koperasi", "Nama", "NIK", "Jenis kelamin", "Nomor anggota"])
    for n in range(rows):
        day, serial = 1 + n // 9000, 1 + n % 9000
        nik = f"640801{day:02d}01{90 + seed % 10:02d}{serial:04d}"
        writer.writerow([number, f"Anggota Uji {seed}-{n}", nik, "L" if n % 2 else "P", f"U{seed}-{n}"])
    return out.getvalue().encode("utf-8")


def sample(browser, pages, count, out, stop=None):
    for n in range(count):
        if stop is not None and stop.is_set():
            return
        started = time.perf_counter()
        status, _h, _body = browser.request(f"{WEB}{pages[n % len(pages)]}")
        out.append(time.perf_counter() - started)
        assert status == 200, (pages[n % len(pages)], status)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_import(cluster, username, number, rows, seed, timings):
    browser = Browser()
    assert browser.login(WEB, username) == 302
    data = members_csv(number, rows, seed)
    started = time.perf_counter()
    status, headers, _body = browser.post(f"{WEB}/impor/", {"kind": "anggota"}, {"file": ("anggota.csv", data)})
    timings["upload request"].append(time.perf_counter() - started)
    page = headers.get("Location", "")
    assert status == 302 and "/impor/berkas/" in page, status
    token = re.search(r"/impor/berkas/([0-9a-f-]+)/", page).group(1)
    while True:
        _s, _h, body = browser.request(f"{WEB}{page}")
        if b'name="token"' in body:
            break
        time.sleep(1)
    timings["checked"].append(time.monotonic())
    started = time.perf_counter()
    status, headers, _body = browser.post(f"{WEB}/impor/simpan/", {"token": token})
    timings["commit request"].append(time.perf_counter() - started)
    while query(cluster, f"SELECT status FROM registry_pendingimport WHERE id = '{token}'")[0][0] != "tersimpan":
        time.sleep(1)
    timings["committed"].append(time.monotonic())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=60)
    args = parser.parse_args()
    import os

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    prepare_database(url)
    base = Path(tempfile.mkdtemp(prefix="kutim-import-load-"))
    cluster = Cluster(url, base)
    try:
        cluster.manage("migrate", "--noinput")
        cluster.manage("seed_demo", "--if-empty")
        # A run before left its members: remove them so that every run imports new members.
        query(cluster, "DELETE FROM registry_member WHERE name LIKE 'Anggota Uji %%'", commit=True)
        cluster.start_web("web", 8106, workers=3)
        cluster.start_worker("worker")
        wait_healthy(WEB)
        reader = Browser()
        assert reader.login(WEB, "pimpinan") == 302
        cooperative = query(cluster, "SELECT id FROM registry_cooperative ORDER BY id LIMIT 1")[0][0]
        pages = ["/koperasi/", f"/koperasi/{cooperative}/", "/anggota/", "/dasbor/"]
        sample(reader, pages, len(pages) * 2, [])  # warm the workers up
        idle = []
        sample(reader, pages, args.samples, idle)

        # Three cooperatives without members of these numbers, one per importing user.
        numbers = [row[0] for row in query(cluster, "SELECT nomor_induk FROM registry_cooperative WHERE nomor_induk "
                                                    "IS NOT NULL ORDER BY id DESC LIMIT 3")]
        timings = {"upload request": [], "commit request": [], "checked": [], "committed": []}
        started = time.monotonic()
        importers = [threading.Thread(target=run_import, args=(cluster, user, number, args.rows, seed, timings))
                     for seed, (user, number) in enumerate(zip(["petugas", "admin", "petugas"], numbers,
                                                               strict=True))]
        for thread in importers:
            thread.start()
        loaded, stop = [], threading.Event()
        sampler = threading.Thread(target=sample, args=(reader, pages, 100_000, loaded, stop))
        sampler.start()
        for thread in importers:
            thread.join()
        stop.set()
        sampler.join()
        print(f"Pages {pages} as Pimpinan; imports of {args.rows:,} members x 3")
        for name, values in (("idle", idle), ("during the imports", loaded)):
            print(f"  {name}: {len(values)} requests, p50 {statistics.median(values) * 1000:.0f} ms, "
                  f"p95 {percentile(values, 95) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms")
        print(f"  p95 loaded / idle: {percentile(loaded, 95) / percentile(idle, 95):.2f}")
        for name in ("upload request", "commit request"):
            print(f"  {name}s: " + ", ".join(f"{value * 1000:.0f} ms" for value in timings[name]))
        print("  checks done after " + ", ".join(f"{t - started:.0f} s" for t in sorted(timings["checked"]))
              + "; commits done after " + ", ".join(f"{t - started:.0f} s" for t in sorted(timings["committed"])))
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
