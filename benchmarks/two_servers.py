"""Two app servers over one PostgreSQL, plus one task worker: what one server starts, the other finishes.

    .venv/bin/python benchmarks/two_servers.py [--keep]

Starts two gunicorn instances (A on 127.0.0.1:8106, B on 127.0.0.1:18106, two workers each) and one
`db_worker`, each with its own temporary and media directories; only the export storage
(EXPORT_STORAGE_DIR) is shared, as docs/deploy.md asks. State left on one machine's disk therefore
shows up as a failure. Then, through HTTP only (one cookie jar, as behind one load balancer):

1. an import checked (dry run) on A and committed on B;
2. a large export requested on A, prepared by the worker, downloaded from B;
3. a login lockout counted across both: wrong passwords spread over A and B lock the account on both;
4. "Hitung ulang" posted to A and B at the same moment: one refresh, no error;
5. the worker killed (SIGKILL) in the middle of an export and another started: the export finishes
   whole, with nothing half-written before.

Prints PASS or FAIL per check with its figures, and exits non-zero when one failed (a step of .ci/run). The database
(DATABASE_URL, default postgres://postgres@127.0.0.1:5432/kutim_bench_two) is created, migrated and
seeded with the demo district when missing. Runs in about two minutes on the shared 2-core machine.
"""

import argparse
import csv
import http.cookiejar
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = str(PROJECT / ".venv" / "bin" / "python")
GUNICORN = str(PROJECT / ".venv" / "bin" / "gunicorn")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kutim_bench_two"
PASSWORD = "koperasi-kutim"  # the demo accounts' (seed_demo)
A, B = "http://127.0.0.1:8106", "http://127.0.0.1:18106"

results = []


def report(name, ok, detail):
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)


# ---------------------------------------------------------------------------------------------
# The processes
# ---------------------------------------------------------------------------------------------


def prepare_database(url):
    config = dj_database_url.parse(url)
    with psycopg.connect(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                         password=config["PASSWORD"] or None, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


class Cluster:
    """The database's environment, two web servers and workers, each in its own directories."""

    def __init__(self, url, base):
        self.base = base
        self.shared = base / "shared-ekspor"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NIK_", "EXPORT_", "MEDIA_"))},
            "DATABASE_URL": url, "DJANGO_DEBUG": "1", "DJANGO_LOG_LEVEL": "WARNING",
            "EXPORT_STORAGE_DIR": str(self.shared), "EXPORT_INLINE_MAX_ROWS": "200",
            "SUMMARY_REFRESH_DELAY": "1", "WORKER_STALE_SECONDS": "20",
        }
        self.processes = {}

    def machine_env(self, name):
        """A machine of its own: temporary and media directories nobody else sees."""
        tmp, media = self.base / name / "tmp", self.base / name / "media"
        tmp.mkdir(parents=True, exist_ok=True)
        media.mkdir(parents=True, exist_ok=True)
        return {**self.env, "TMPDIR": str(tmp), "MEDIA_ROOT": str(media)}

    def manage(self, *args):
        subprocess.run([PYTHON, "manage.py", *args], cwd=PROJECT, env=self.machine_env("release"), check=True,
                       stdout=subprocess.DEVNULL)

    def start_web(self, name, port, workers=2):
        env = {**self.machine_env(name), "BIND": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(workers)}
        self.processes[name] = subprocess.Popen(
            # No control socket: both instances would share gunicorn's default path on this one machine.
            [GUNICORN, "--config", "kutim_koperasi/gunicorn.conf.py", "--no-control-socket",
             "kutim_koperasi.wsgi:application"],
            cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=open(self.base / f"{name}.log", "w"),
            start_new_session=True,
        )

    def start_worker(self, name):
        self.processes[name] = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--no-reload", "--interval", "0.2", "--worker-id", name],
            cwd=PROJECT, env=self.machine_env(name), stdout=subprocess.DEVNULL,
            stderr=open(self.base / f"{name}.log", "w"), start_new_session=True,
        )
        return self.processes[name]

    def kill(self, name, sig=signal.SIGTERM):
        process = self.processes.pop(name)
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        process.wait(timeout=60)

    def stop(self):
        for name in list(self.processes):
            self.kill(name)


def wait_healthy(base_url, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base_url}/healthz?scope=web", timeout=30) as response:
                if response.status == 200:
                    return
        except OSError:  # refused while booting, or a timeout on a busy machine
            pass
        time.sleep(0.3)
    raise SystemExit(f"{base_url} did not become healthy")


# ---------------------------------------------------------------------------------------------
# A browser: one cookie jar for both servers, as behind one load balancer
# ---------------------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def request(self, url, data=None, files=None, headers=None):
        """(status, headers, body) without following redirects."""
        headers = dict(headers or {})
        body = None
        if files:
            boundary = uuid.uuid4().hex
            parts = []
            for key, value in (data or {}).items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                             f"{value}\r\n".encode())
            for key, (filename, content) in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{filename}"\r\n'
                             f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
        if body is not None:
            headers["Referer"] = url
        request = urllib.request.Request(url, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def csrf(self):
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def post(self, url, data=None, files=None):
        return self.request(url, {**(data or {}), "csrfmiddlewaretoken": self.csrf()}, files)

    def login(self, base_url, username, password=PASSWORD):
        self.request(f"{base_url}/accounts/login/")
        status, headers, _body = self.request(f"{base_url}/accounts/login/", {
            "username": username, "password": password, "csrfmiddlewaretoken": self.csrf()})
        return status


def messages(body):
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(r'<li class="message[^"]*">(.*?)</li>',
                                                                  body.decode(), re.S)]


# ---------------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------------


def check_import_across(cluster, browser):
    """A cooperative's phone changed in a file: checked on A, committed on B."""
    number = query(cluster, "SELECT nomor_induk FROM registry_cooperative WHERE nomor_induk IS NOT NULL "
                            "ORDER BY id LIMIT 1")[0][0]
    status, _h, body = browser.request(f"{A}/ekspor/koperasi/csv/?q={number}")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    header, row = rows[0], rows[1]
    row[header.index("Telepon")] = "0549" + str(int(time.time()))[-6:]
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows([header, row])
    status, _h, body = browser.post(f"{A}/impor/", {"kind": "koperasi"},
                                    {"file": ("koperasi.csv", out.getvalue().encode("utf-8-sig"))})
    token = re.search(r'name="token" value="([^"]+)"', body.decode())
    if status != 200 or not token:
        return report("dry run on A, commit on B", False, f"dry run on A answered {status} without a token")
    status, headers, _body = browser.post(f"{B}/impor/simpan/", {"token": token.group(1)})
    location = headers.get("Location", "")
    ok = status == 302 and "/impor/riwayat/" in location
    _s, _h, page = browser.request(urllib.parse.urljoin(B, location)) if location else (0, {}, b"")
    report("dry run on A, commit on B", ok, f"commit on B -> {status} {location} {messages(page)[:1]}")


def check_export_across(cluster, browser, name="export requested on A, downloaded from B", kind="anggota"):
    started = time.monotonic()
    status, headers, _body = browser.request(f"{A}/ekspor/{kind}/csv/")
    requested = time.monotonic() - started
    if status != 302 or "/ekspor/saya/" not in headers.get("Location", ""):
        return report(name, False, f"request on A answered {status}, not the way to 'Ekspor saya'")
    export_id = query(cluster, "SELECT max(id) FROM registry_exportlog")[0][0]
    link, deadline = None, time.monotonic() + 300
    while link is None and time.monotonic() < deadline:
        _s, _h, page = browser.request(f"{B}/ekspor/saya/")
        link = re.search(rf'href="(/ekspor/saya/{export_id}/unduh/)"', page.decode())
        time.sleep(0.5)
    prepared = time.monotonic() - started
    if link is None:
        return report(name, False, "no download link on B within 300 s")
    status, _h, data = browser.request(f"{B}{link.group(1)}")
    rows = len(data.decode("utf-8-sig").splitlines()) - 1 if status == 200 else 0
    report(name, status == 200 and rows > 0,
           f"request {requested * 1000:.0f} ms on A, ready after {prepared:.1f} s, download on B {status}, "
           f"{rows:,} rows")
    return rows


def check_lockout_across():
    attempts = []
    for n in range(5):
        browser = Browser()
        attempts.append(browser.login(A if n % 2 == 0 else B, "verifikator", password="salah-sekali"))
    browser = Browser()
    on_b = browser.login(B, "verifikator")
    on_a = Browser().login(A, "verifikator")
    ok = on_b == 429 and on_a == 429
    report("login lockout counted across A and B", ok,
           f"5 wrong passwords alternating A/B answered {attempts}; then the right password: B {on_b}, A {on_a}")


def check_refresh_at_once(cluster, admin_a, admin_b):
    # The earlier checks' writes (the import committed on B) queue a refresh of their own, deferred by
    # SUMMARY_REFRESH_DELAY: counted from while it still runs, it would be taken for a second refresh
    # of the two presses (one CI run saw "refreshes written 2"). Start from a quiet queue.
    deadline = time.monotonic() + 120
    while count_rows("django_tasks_database_dbtaskresult", cluster, "status IN ('READY', 'RUNNING')") and \
            time.monotonic() < deadline:
        time.sleep(0.5)
    before = count_rows("registry_summaryrefresh", cluster)
    answers, barrier = {}, threading.Barrier(2)

    def press(name, browser, base):
        barrier.wait()
        status, headers, _body = browser.post(f"{base}/dasbor/hitung-ulang/")
        _s, _h, page = browser.request(urllib.parse.urljoin(base, headers.get("Location", "/dasbor/")))
        answers[name] = (status, messages(page)[:1])

    threads = [threading.Thread(target=press, args=("A", admin_a, A)), threading.Thread(target=press,
                                                                                         args=("B", admin_b, B))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deadline = time.monotonic() + 120
    while count_rows("registry_summaryrefresh", cluster) == before and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(3)  # a second refresh, were one queued, would have run by now
    refreshes = count_rows("registry_summaryrefresh", cluster) - before
    failed = count_rows("django_tasks_database_dbtaskresult", cluster, "status = 'FAILED'")
    ok = all(status == 302 for status, _m in answers.values()) and refreshes == 1 and failed == 0
    report("'Hitung ulang' on A and B at once", ok, f"answers {answers}; refreshes written {refreshes}; "
                                                    f"failed tasks {failed}")


def check_killed_worker(cluster, browser):
    """The worker killed while it writes a member export; a new worker finishes it whole."""
    status, headers, _body = browser.request(f"{A}/ekspor/anggota/xlsx/")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not count_rows(
            "django_tasks_database_dbtaskresult", cluster,
            "status = 'RUNNING' AND task_path = 'registry.tasks.build_export'"):
        time.sleep(0.05)
    time.sleep(0.2)  # inside the task: an XLSX of 10,000 members takes seconds
    cluster.kill("worker-1", signal.SIGKILL)
    killed_at = time.monotonic()
    running = count_rows("django_tasks_database_dbtaskresult", cluster, "status = 'RUNNING'")
    half = count_rows("registry_exportlog", cluster, "status = 'disiapkan' AND (row_count IS NOT NULL OR file <> '')")
    stored = len(list(cluster.shared.iterdir())) if cluster.shared.exists() else 0
    cluster.start_worker("worker-2")
    deadline = time.monotonic() + 300
    while count_rows("registry_exportlog", cluster, "status = 'disiapkan'") and time.monotonic() < deadline:
        time.sleep(0.5)
    finished = time.monotonic() - killed_at
    last = query(cluster, "SELECT status, row_count, file FROM registry_exportlog ORDER BY id DESC LIMIT 1")[0]
    task = query(cluster, "SELECT status, worker_ids::text FROM django_tasks_database_dbtaskresult "
                          "WHERE task_path = 'registry.tasks.build_export' ORDER BY enqueued_at DESC LIMIT 1")[0]
    members = count_rows("registry_member", cluster)
    ok = running == 1 and half == 0 and last[0] == "selesai" and last[1] == members and task[0] == "SUCCESSFUL"
    report("worker killed mid-export, another started", ok,
           f"after the kill: {running} task left running, {half} half-written logs, {stored} files in the shared "
           f"store (files already there before); new worker finished it {finished:.1f} s after the kill: "
           f"{last[0]}, {last[1]:,} rows (members {members:,}), task {task[0]} by {task[1]}")


def query(cluster, statement, commit=False):
    config = dj_database_url.parse(cluster.env["DATABASE_URL"])
    with psycopg.connect(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                         password=config["PASSWORD"] or None, dbname=config["NAME"], autocommit=commit) as conn:
        cursor = conn.execute(statement)
        return cursor.fetchall() if cursor.description else None


def count_rows(table, cluster, where="TRUE"):
    return query(cluster, f"SELECT count(*) FROM {table} WHERE {where}")[0][0]  # noqa: S608 (names are ours)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories and logs")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    prepare_database(url)
    base = Path(tempfile.mkdtemp(prefix="kutim-two-servers-"))
    cluster = Cluster(url, base)
    try:
        cluster.manage("migrate", "--noinput")
        cluster.manage("seed_demo", "--if-empty")
        cluster.manage("axes_reset")
        print(f"Database {dj_database_url.parse(url)['NAME']}: {count_rows('registry_cooperative', cluster):,} "
              f"cooperatives, {count_rows('registry_member', cluster):,} members; directories under {base}",
              flush=True)
        cluster.start_web("A", 8106)
        cluster.start_web("B", 18106)
        cluster.start_worker("worker-1")
        wait_healthy(A)
        wait_healthy(B)

        petugas = Browser()
        assert petugas.login(A, "petugas") == 302
        check_import_across(cluster, petugas)
        check_export_across(cluster, petugas)
        check_lockout_across()
        admin_a, admin_b = Browser(), Browser()
        assert admin_a.login(A, "admin") == 302 and admin_b.login(B, "admin") == 302
        check_refresh_at_once(cluster, admin_a, admin_b)
        check_killed_worker(cluster, petugas)
    finally:
        cluster.stop()
        cluster.manage("axes_reset")
        if args.keep:
            print(f"Kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    print(f"Two servers: {results.count(True)} of {len(results)} checks passed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
