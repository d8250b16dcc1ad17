"""Our pages beside Django admin's changelists, over HTTP through `make serve` with production settings.

    .venv/bin/python benchmarks/http_pages.py [--runs 15] [--clients 8] [--throughput-seconds 10] [--port 8104]

The database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/kutim_bench_seed) is the
national-scale demo: reused when it holds cooperatives, otherwise seeded first by
benchmarks/seed_scale.py (130,000 cooperatives x 23 members, about 12 minutes on 2 cores). It is
migrated (migrations change no rows), vacuumed and analysed when its tables never were (as autovacuum
leaves a database that has been in use), and otherwise only
read, apart from what signing in writes (sessions, the login log) and one account of its own:
`benchmark_admin`, a superuser with a TOTP device whose key the script knows, because production
settings ask every Admin Dinas for a second factor and the demo `admin` must stay without a device
(the test client's force_login of other benchmarks would then stop at the second-factor step).

Then `make serve` (gunicorn, `kutim_koperasi/gunicorn.conf.py`, WEB_CONCURRENCY workers, default 3)
runs on 127.0.0.1:PORT with production settings: DJANGO_DEBUG=0, a secret key of its own, the
NIK keys that seed_demo derived from the development secret key (so masked NIKs read as they
were written), SSL redirect and secure cookies on, every request sent as if through the TLS proxy
(X-Forwarded-Proto: https from 127.0.0.1, the trusted proxy). Static files are collected first
(whitenoise's manifest storage needs them).

Signed in over HTTP (login form with its CSRF token; for the admin also the TOTP step) as the demo
`petugas` (whole district) and as `benchmark_admin`, it times each page of issue 15's table:
`--runs` requests per page after two warm-up requests, ours and Django admin's changelist of the
same table and query alternately (so a busy moment slows both), and prints the medians, the ratio,
the static-file floor, and the profile page's throughput with `--clients` threads, each signed in
with a session of its own. The output ends with a markdown table for docs/benchmarks.md.
"""

import sys
from pathlib import Path

# This file is named after what it measures, and that name is the standard library's `http`:
# drop the script's own folder from the import path before anything imports http.client.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import base64  # noqa: E402
import hashlib  # noqa: E402
import hmac  # noqa: E402
import http.client  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import statistics  # noqa: E402
import struct  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402

import dj_database_url  # noqa: E402
import psycopg  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = str(PROJECT / ".venv" / "bin" / "python")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kutim_bench_seed"
DEMO_PASSWORD = "koperasi-kutim"  # registry/demo/accounts.py
# seed_demo ran with development settings: its NIK keys derive from this key (settings._derived_key).
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-kutim-koperasi-do-not-use-in-production"
ADMIN_USERNAME = "benchmark_admin"
ADMIN_PASSWORD = "benchmark-admin-" + hashlib.sha256(b"kutim benchmark").hexdigest()[:16]
# 20 bytes, hex as django-otp stores it; only a benchmark account on a benchmark database uses it.
ADMIN_TOTP_KEY = hashlib.sha1(b"kutim benchmark admin totp").hexdigest()

KECAMATAN = "64.08.04"  # Sangatta Utara


def pages(profile_id, deep, year):
    """(section, label, our path, Django admin's path for the same table and query, or None).

    `year` is the latest year with assessments (scale mode seeds the last book year only): a year
    with none would time two empty lists, each at its framework's floor.

    Deep pages skip about 25,000 rows on both sides: our lists show 25 (cooperatives) or 50
    rows a page, the admin 100. Beside `?page=N` (OFFSET), the page our "Berikutnya" link leads to
    there: the rows after row 25,000 (`?setelah=<its id>`, registry/paginators.py), whose ids
    `deep` holds.
    """
    admin = "/admin/registry"
    return [
        ("Koperasi", "first page", "/koperasi/", f"{admin}/cooperative/"),
        ("Koperasi", "filtered (kecamatan + status)", f"/koperasi/?kecamatan={KECAMATAN}&status=aktif",
         f"{admin}/cooperative/?desa__kecamatan__code__exact={KECAMATAN}&status__exact=aktif"),
        ("Koperasi", "searched (sawit)", "/koperasi/?q=sawit", f"{admin}/cooperative/?q=sawit"),
        ("Koperasi", "deep page (row 25,000)", "/koperasi/?page=1000", f"{admin}/cooperative/?p=250"),
        ("Koperasi", "deep keyset page (after row 25,000)", f"/koperasi/?setelah={deep['koperasi']}", None),
        ("Anggota", "first page", "/anggota/", f"{admin}/member/"),
        ("Anggota", "filtered (kecamatan + sex)", f"/anggota/?kecamatan={KECAMATAN}&jenis_kelamin=P",
         f"{admin}/member/?cooperative__desa__kecamatan__code__exact={KECAMATAN}&sex__exact=P"),
        ("Anggota", "searched (siti)", "/anggota/?q=siti", f"{admin}/member/?q=siti"),
        ("Anggota", "deep page (row 25,000)", "/anggota/?page=500", f"{admin}/member/?p=250"),
        ("Anggota", "deep keyset page (after row 25,000)", f"/anggota/?setelah={deep['anggota']}", None),
        ("Penilaian", "first page", "/penilaian/", f"{admin}/assessment/"),
        ("Penilaian", "filtered (year + kecamatan)", f"/penilaian/?tahun={year}&kecamatan={KECAMATAN}",
         f"{admin}/assessment/?year__exact={year}&cooperative__desa__kecamatan__code__exact={KECAMATAN}"),
        ("Kemitraan", "first page", "/kemitraan/", f"{admin}/partnership/"),
        ("Kemitraan", "filtered (status)", "/kemitraan/?status=aktif", f"{admin}/partnership/?status__exact=aktif"),
        ("Kemitraan", "searched (sawit)", "/kemitraan/?q=sawit", f"{admin}/partnership/?q=sawit"),
        ("Pelatihan", "first page", "/pelatihan/", f"{admin}/training/"),
        ("Pelatihan", "searched (rat)", "/pelatihan/?q=rat", f"{admin}/training/?q=rat"),
        ("Temuan", "first page", "/temuan/", f"{admin}/finding/"),
        ("Temuan", "filtered (not followed up)", "/temuan/?status=belum",
         f"{admin}/finding/?follow_up_status__exact=belum"),
        ("Impor", "first page", "/impor/riwayat/", f"{admin}/importbatch/"),
        ("Profil", "cooperative profile", f"/koperasi/{profile_id}/", None),
        ("Dasbor", "whole district", "/dasbor/", None),
        ("Dasbor", "one kecamatan", f"/dasbor/?kecamatan={KECAMATAN}", None),
    ]


# ---------------------------------------------------------------------------------------------
# The database
# ---------------------------------------------------------------------------------------------


def connect(url, dbname=None):
    config = dj_database_url.parse(url)
    return psycopg.connect(host=config["HOST"] or None, port=config["PORT"] or None, user=config["USER"] or None,
                           password=config["PASSWORD"] or None, dbname=dbname or config["NAME"], autocommit=True)


def ensure_database(url):
    """Seed the national database when it is missing or empty; migrate it; vacuum and analyse it once."""
    name = dj_database_url.parse(url)["NAME"]
    with connect(url, "postgres") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    seeded = False
    if exists:
        with connect(url) as conn:
            table = conn.execute("SELECT to_regclass('registry_cooperative')").fetchone()[0]
            seeded = bool(table) and conn.execute("SELECT EXISTS (SELECT 1 FROM registry_cooperative)").fetchone()[0]
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1", "DJANGO_LOG_LEVEL": "WARNING"}
    if not seeded:
        print(f"{name}: not seeded yet; seeding the national demo (benchmarks/seed_scale.py)", flush=True)
        subprocess.run([PYTHON, "benchmarks/seed_scale.py"], cwd=PROJECT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=PROJECT, env=env, check=True)
    with connect(url) as conn:
        never = conn.execute(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname LIKE 'registry_%%' "
            "AND last_vacuum IS NULL AND last_autovacuum IS NULL AND n_live_tup > 10000"
        ).fetchone()[0]
        if never:
            # The state autovacuum leaves a database in, which a freshly seeded one lacks: statistics
            # (without them the planner guesses and the whole-table estimate is missing) and the
            # visibility map (without it a count over an index visits the table's rows as well).
            print(f"VACUUM ANALYZE ({never} large tables never vacuumed)", flush=True)
            conn.execute("VACUUM (ANALYZE)")
    # The benchmark's admin account with a TOTP device the script can answer (idempotent; the
    # device's replay counter is reset so that a second run within 30 seconds signs in too).
    setup = f"""
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from registry.models import User
user, _ = User.objects.get_or_create(username={ADMIN_USERNAME!r}, defaults={{"is_staff": True, "is_superuser": True}})
user.is_staff = user.is_superuser = user.is_active = True
user.set_password({ADMIN_PASSWORD!r})
user.save()
user.groups.add(Group.objects.get(name="Admin Dinas"))
TOTPDevice.objects.filter(user=user).delete()
TOTPDevice.objects.create(user=user, name="benchmark", key={ADMIN_TOTP_KEY!r}, confirmed=True)
"""
    subprocess.run([PYTHON, "manage.py", "shell", "--no-imports", "-c", setup], cwd=PROJECT, env=env, check=True)
    with connect(url) as conn:
        counts = conn.execute(
            "SELECT (SELECT reltuples::bigint FROM pg_class WHERE relname = 'registry_cooperative'), "
            "(SELECT reltuples::bigint FROM pg_class WHERE relname = 'registry_member'), "
            "(SELECT count(*) FROM registry_assessment), (SELECT count(*) FROM registry_partnership), "
            "(SELECT count(*) FROM registry_training), (SELECT count(*) FROM registry_finding), "
            "(SELECT count(*) FROM registry_importbatch)"
        ).fetchone()
        profile = conn.execute(
            "SELECT c.id FROM registry_cooperative c WHERE EXISTS (SELECT 1 FROM registry_member m "
            "WHERE m.cooperative_id = c.id) ORDER BY c.id LIMIT 1"
        ).fetchone()[0]
        year = conn.execute("SELECT max(year) FROM registry_assessment").fetchone()[0]
        # Row 25,000 of each list in its default order (Cooperative and Member Meta.ordering).
        deep = {
            "koperasi": conn.execute(
                "SELECT id FROM registry_cooperative ORDER BY name, id OFFSET 24999 LIMIT 1"
            ).fetchone()[0],
            "anggota": conn.execute(
                "SELECT id FROM registry_member ORDER BY cooperative_name, cooperative_id, name, id "
                "OFFSET 24999 LIMIT 1"
            ).fetchone()[0],
        }
    return counts, profile, deep, year


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------


def production_env(url, port, workers):
    def derived(label):  # kutim_koperasi.settings._derived_key with the development secret key
        return base64.urlsafe_b64encode(hashlib.sha256(f"{label}:{DEVELOPMENT_SECRET_KEY}".encode()).digest()).decode()

    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NIK_"))},
        "DATABASE_URL": url, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_LOG_LEVEL": "WARNING",
        "NIK_ENCRYPTION_KEY": derived("nik-encryption"), "NIK_HASH_KEY": derived("nik-hash"),
        "BIND": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(workers),
        # No control socket: its default path is one per machine, and other servers may run here.
        "GUNICORN_CMD_ARGS": "--no-control-socket",
    }


def start_server(env, log_path):
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=PROJECT, env=env, check=True)
    # `make serve` as documented; -o: the virtualenv is installed already, do not reinstall it.
    return subprocess.Popen(["make", "-s", "-o", ".venv/bin/.installed", "serve"], cwd=PROJECT, env=env,
                            stdout=subprocess.DEVNULL, stderr=open(log_path, "w"), start_new_session=True)


def stop_server(process):
    try:
        os.killpg(process.pid, 15)
    except ProcessLookupError:
        return
    process.wait(timeout=60)


# ---------------------------------------------------------------------------------------------
# A browser behind the TLS proxy: cookies kept by hand (they are Secure), one connection a request
# ---------------------------------------------------------------------------------------------


class Browser:
    def __init__(self, port):
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies = {}

    def request(self, path, data=None):
        """(status, headers, body); redirects are not followed."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
                            "Referer": self.origin + path})
        connection.request("POST" if data is not None else "GET", path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response.status, response, content

    def form_token(self, body):
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()

    def sign_in(self, username, password, totp_key=None):
        _status, _r, page = self.request("/accounts/login/")
        status, response, _body = self.request("/accounts/login/", {
            "username": username, "password": password, "csrfmiddlewaretoken": self.form_token(page)})
        if status != 302:
            raise SystemExit(f"signing in as {username} answered {status}")
        # The first page after signing in; an account with a device is sent on to the code step.
        status, response, _body = self.request(urllib.parse.urlsplit(response.getheader("Location")).path)
        location = response.getheader("Location", "") if status == 302 else ""
        if "dua-langkah/verifikasi" in location:
            path = urllib.parse.urlsplit(location).path
            _status, _r, page = self.request(path)
            status, response, _body = self.request(path, {
                "code": totp(totp_key), "csrfmiddlewaretoken": self.form_token(page)})
            if status != 302:
                raise SystemExit(f"the second factor of {username} answered {status}")
        return self

    def timed(self, path):
        started = time.perf_counter()
        status, _response, body = self.request(path)
        elapsed = time.perf_counter() - started
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        return elapsed, body


def totp(hex_key, at=None):
    """RFC 6238 as django-otp's TOTPDevice checks it (SHA-1, 30 s steps, 6 digits)."""
    counter = int((at or time.time()) // 30)
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def wait_ready(port, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _r, _b = Browser(port).request("/healthz?scope=web")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server on port {port} did not answer /healthz within {timeout} s")


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------


def median_ms(samples):
    return statistics.median(samples) * 1000 if samples else None


def measure_pair(ours, ours_path, admin, admin_path, runs):
    """Warm both twice, then `runs` requests each, alternating."""
    ours_samples, admin_samples, errors = [], [], []
    for browser, path in ((ours, ours_path), (admin, admin_path)):
        if path:
            try:
                for _ in range(2):
                    browser.timed(path)
            except RuntimeError as error:
                errors.append(str(error))
    failed = set(errors)
    for _ in range(runs):
        if not any(ours_path in e for e in failed):
            ours_samples.append(ours.timed(ours_path)[0])
        if admin_path and not any(admin_path in e for e in failed):
            admin_samples.append(admin.timed(admin_path)[0])
    return median_ms(ours_samples), median_ms(admin_samples), errors


def machine_cpu_ticks():
    """(busy, total) CPU ticks of the whole machine since boot (/proc/stat), or None elsewhere."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def throughput(port, path, clients, seconds):
    """Requests per second of `clients` threads, each with its own session, for `seconds`; and where
    the machine's CPU went meanwhile (the client threads run on the same two cores as the server)."""
    browsers = [Browser(port).sign_in("petugas", DEMO_PASSWORD) for _ in range(clients)]
    for browser in browsers:
        browser.timed(path)
    done, failures = [0] * clients, [0] * clients
    stop_at = time.monotonic() + seconds

    def run(i):
        while time.monotonic() < stop_at:
            try:
                browsers[i].timed(path)
                done[i] += 1
            except (RuntimeError, OSError):
                failures[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    ticks_before, client_before = machine_cpu_ticks(), time.process_time()
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    client_cpu, ticks_after = time.process_time() - client_before, machine_cpu_ticks()
    busy = None
    if ticks_before and ticks_after and ticks_after[1] > ticks_before[1]:
        busy = (ticks_after[0] - ticks_before[0]) / (ticks_after[1] - ticks_before[1])
    cpus = os.cpu_count() or 1
    usage = {"client_share": client_cpu / (elapsed * cpus), "busy_share": busy}
    return sum(done) / elapsed, sum(done), sum(failures), usage


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--throughput-seconds", type=float, default=10)
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    (cooperatives, members, assessments, partnerships, trainings, findings, imports), profile, deep, year = (
        ensure_database(url)
    )
    env = production_env(url, args.port, args.workers)
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"kutim-http-benchmark-{args.port}.log"
    server = start_server(env, log_path)
    try:
        wait_ready(args.port)
        ours = Browser(args.port).sign_in("petugas", DEMO_PASSWORD)
        admin = Browser(args.port).sign_in(ADMIN_USERNAME, ADMIN_PASSWORD, ADMIN_TOTP_KEY)
        load_before = os.getloadavg()
        print(f"{dj_database_url.parse(url)['NAME']}: about {cooperatives:,} cooperatives, {members:,} members, "
              f"{assessments:,} assessments, {partnerships:,} partnerships, {trainings:,} trainings, "
              f"{findings:,} findings, {imports:,} import batches")
        print(f"gunicorn via `make serve`, {args.workers} workers, production settings, 127.0.0.1:{args.port}; "
              f"medians of {args.runs} requests; load average {load_before[0]:.2f} {load_before[1]:.2f} "
              f"{load_before[2]:.2f} on {os.cpu_count()} CPUs\n", flush=True)

        rows = []
        for section, label, ours_path, admin_path in pages(profile, deep, year):
            ours_ms, admin_ms, errors = measure_pair(ours, ours_path, admin, admin_path, args.runs)
            ratio = f"{admin_ms / ours_ms:.1f}x" if ours_ms and admin_ms else "-"
            rows.append((section, label, ours_path, ours_ms, admin_path, admin_ms, ratio))
            shown = lambda value: f"{value:8.1f}" if value is not None else "       -"  # noqa: E731
            print(f"{section:10} {label:32} ours {shown(ours_ms)} ms   admin {shown(admin_ms)} ms   {ratio:>6}"
                  + (f"   ({'; '.join(errors)})" if errors else ""), flush=True)

        _status, _r, page = ours.request("/koperasi/")
        stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', page).group(1).decode()
        static_ms = median_ms([ours.timed(stylesheet)[0] for _ in range(args.runs)])
        print(f"static file {stylesheet}: {static_ms:.1f} ms", flush=True)
        rate, total, failures, usage = throughput(args.port, f"/koperasi/{profile}/", args.clients,
                                                  args.throughput_seconds)
        busy = f"{usage['busy_share']:.0%}" if usage["busy_share"] is not None else "unknown"
        print(f"profile page, {args.clients} concurrent clients for {args.throughput_seconds:.0f} s: "
              f"{rate:.1f} requests/s ({total} answered, {failures} failed); the machine's CPU busy {busy}, "
              f"of which this script's client threads {usage['client_share']:.0%}", flush=True)
        load_after = os.getloadavg()
    finally:
        stop_server(server)

    print(f"\nLoad average before {load_before[0]:.2f} / after {load_after[0]:.2f} (1 min) on {os.cpu_count()} CPUs\n")
    print("| Page | Ours | Django admin | Ratio |")
    print("|---|---|---|---|")
    for section, label, ours_path, ours_ms, admin_path, admin_ms, ratio in rows:
        ours_cell = f"{ours_ms:.1f} ms" if ours_ms is not None else "failed"
        admin_cell = f"{admin_ms:.1f} ms" if admin_ms is not None else ("failed" if admin_path else "-")
        print(f"| {section} {label}: `{ours_path}` | {ours_cell} | {admin_cell} | {ratio} |")
    print(f"| static file through whitenoise (the floor) | {static_ms:.1f} ms | - | - |")
    print(f"| profile, {args.clients} concurrent clients | {rate:.0f} requests/s | - | - |")
    print(f"\nDuring the throughput run the client threads used {usage['client_share']:.0%} of the machine's CPU.")


if __name__ == "__main__":
    main()
