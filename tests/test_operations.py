"""The operator's kit: /healthz, the 503 page for an unreachable database, timeouts, logs, error
reports, and `make run` starting and stopping its task worker."""

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

from django.core import mail
from django.db import OperationalError
from django.test import RequestFactory, TestCase, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kutim_koperasi.error_reports import PersonalDataExceptionReporter, sentry_before_send
from kutim_koperasi.logs import OneLineFormatter
from kutim_koperasi.middleware import server_error
from kutim_koperasi.settings import database_from_url
from registry.models import WorkerHeartbeat
from registry.views import health
from tests.builders import make_user
from tests.test_settings import PRODUCTION

ROOT = Path(__file__).resolve().parent.parent
WITH_WORKER = {"TASKS_IMMEDIATE": False, "HEALTHZ_REQUIRE_WORKER": True, "WORKER_STALE_SECONDS": 120}


def beat(worker_id="w1", seconds_ago=0):
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    return WorkerHeartbeat.objects.create(worker_id=worker_id, hostname="app1", pid=4242, started_at=seen, seen_at=seen)


class HealthTests(TestCase):
    def get(self, query=""):
        response = self.client.get(f"/healthz{query}")
        return response.status_code, response.json()

    def test_healthy_without_login_and_without_personal_data(self):
        with self.assertNumQueries(2):  # SELECT 1, the applied migrations (tasks run immediately in tests)
            status, body = self.get()
        self.assertEqual(status, 200)
        self.assertEqual(set(body), {"time", "database", "migrations", "worker", "status"})
        self.assertEqual((body["status"], body["database"]["ok"], body["migrations"]["unapplied"]), ("ok", True, []))
        self.assertEqual(body["worker"], {"ok": True, "mode": "immediate"})
        self.assertEqual(self.client.get("/healthz")["Cache-Control"], "no-store")

    @override_settings(**WITH_WORKER)
    def test_a_worker_seen_recently_is_healthy_and_reports_its_age_and_the_queue(self):
        beat(seconds_ago=3)
        beat("old", seconds_ago=600)
        DBTaskResult.objects.create(task_path="registry.tasks.refresh_summary", args_kwargs={"args": [], "kwargs": {}},
                                    backend_name="default", run_after=timezone.now() - timedelta(seconds=1))
        with self.assertNumQueries(4):
            status, body = self.get()
        self.assertEqual(status, 200)
        self.assertEqual(body["worker"]["workers_alive"], 1)
        self.assertAlmostEqual(body["worker"]["heartbeat_age_seconds"], 3, delta=1)
        self.assertLess(body["worker"]["oldest_waiting_task_seconds"], 5)

    @override_settings(**WITH_WORKER)
    def test_no_worker_or_a_silent_one_is_503_but_not_for_the_load_balancer(self):
        status, body = self.get()
        self.assertEqual((status, body["status"], body["worker"]["ok"]), (503, "fail", False))
        self.assertIsNone(body["worker"]["heartbeat_age_seconds"])
        beat(seconds_ago=121)
        status, body = self.get()
        self.assertEqual((status, body["worker"]["workers_alive"]), (503, 0))
        status, body = self.get("?scope=web")
        self.assertEqual(status, 200)
        self.assertNotIn("worker", body)

    @override_settings(TASKS_IMMEDIATE=False, HEALTHZ_REQUIRE_WORKER=False)
    def test_a_worker_can_be_reported_without_being_required(self):
        status, body = self.get()
        self.assertEqual((status, body["worker"]["ok"], body["worker"]["workers_alive"]), (200, True, 0))

    def test_unapplied_migrations_are_503_and_named(self):
        latest = health._latest_migrations() | {("registry", "9999_not_yet_applied")}
        with patch.object(health, "_latest_migrations", return_value=latest):
            status, body = self.get()
        self.assertEqual(status, 503)
        self.assertEqual(body["migrations"], {"ok": False, "unapplied": ["registry.9999_not_yet_applied"]})
        self.assertEqual(body["worker"], {"ok": False, "checked": False})

    def test_an_unreachable_database_is_503_with_the_error_class_only(self):
        with patch.object(health, "check_database", side_effect=OperationalError("password for kutim@10.0.0.5")):
            status, body = self.get()
        self.assertEqual((status, body["database"]), (503, {"ok": False, "error": "OperationalError"}))

    @override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz$"])
    def test_a_monitor_on_plain_http_is_not_redirected(self):
        self.assertEqual(self.client.get("/healthz").status_code, 200)
        self.assertEqual(self.client.get("/accounts/login/").status_code, 301)


class DatabaseUnavailableTests(TestCase):
    def test_a_view_meeting_an_unreachable_database_gives_the_503_page(self):
        self.client.force_login(make_user("Pimpinan"))
        with patch("registry.selectors.dashboard.dashboard", side_effect=OperationalError("timeout expired")):
            with self.assertLogs("kutim_koperasi.database", "WARNING") as logs:
                response = self.client.get("/dasbor/?q=Budi")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "30")
        self.assertContains(response, "Layanan sedang tidak tersedia", status_code=503)
        self.assertContains(response, "The service is temporarily unavailable", status_code=503)
        self.assertContains(response, "css/site.css", status_code=503)
        self.assertEqual(logs.output, [
            "WARNING:kutim_koperasi.database:Database unavailable: GET /dasbor/: OperationalError: timeout expired"
        ])

    @override_settings(ADMINS=[("Admin TI", "ti@kutaitimurkab.go.id")])
    def test_a_middleware_meeting_an_unreachable_database_gives_the_503_page_and_no_mail(self):
        self.client.force_login(make_user("Pimpinan"))  # the session time-out reads the user first
        self.client.raise_request_exception = False
        with patch("django.contrib.sessions.backends.db.SessionStore.load",
                   side_effect=OperationalError("connection refused")):
            with self.assertLogs("django.request", "ERROR"):
                response = self.client.get("/dasbor/")
        self.assertContains(response, "Layanan sedang tidak tersedia", status_code=503)
        self.assertEqual(mail.outbox, [])

    def test_other_errors_stay_500(self):
        self.client.force_login(make_user("Pimpinan"))
        self.client.raise_request_exception = False
        with patch("registry.selectors.dashboard.dashboard", side_effect=ValueError("bug")):
            with self.assertLogs("django.request", "ERROR"):
                response = self.client.get("/dasbor/")
        self.assertEqual(response.status_code, 500)

    def test_the_500_handler_turns_a_database_error_raised_outside_a_view_into_503(self):
        request = RequestFactory().get("/")
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError:
            self.assertEqual(server_error(request).status_code, 503)
        try:
            raise ValueError("bug")
        except ValueError:
            self.assertEqual(server_error(request).status_code, 500)


def _silent_server():
    """A TCP server on 127.0.0.1 that accepts connections and never answers (a hung database)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []

    def accept():
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return listener, held


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


REQUEST_PAGE = """
import json, time, django
django.setup()
from django.test import Client
browser = Client(HTTP_HOST="localhost", raise_request_exception=False)
browser.cookies["sessionid"] = "x" * 32  # a signed-in browser: its session lives in the database
monitor = Client(HTTP_HOST="localhost", raise_request_exception=False)  # no cookie
out = {}
for client, path in ((browser, "/koperasi/"), (monitor, "/healthz")):
    started = time.monotonic()
    response = client.get(path, secure=True)
    out[path] = [response.status_code, round(time.monotonic() - started, 2), response.content.decode()[:2000]]
print(json.dumps(out))
"""


def request_with_database(url, timeout=2):
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_CURRENT_TEST", "DJANGO_SETTINGS_MODULE"}}
    env.update(PRODUCTION)  # debug off, as in production: the error handlers are the site's own
    env.update(DATABASE_URL=url, DATABASE_CONNECT_TIMEOUT=str(timeout), DJANGO_ALLOWED_HOSTS="localhost",
               DJANGO_SETTINGS_MODULE="kutim_koperasi.settings",
               DJANGO_TESTING="1")  # static files from the source folders: no collectstatic manifest here
    result = subprocess.run([sys.executable, "-c", REQUEST_PAGE], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_a_database_that_accepts_but_never_answers_gives_the_503_page_within_seconds():
    listener, held = _silent_server()
    try:
        out, stderr = request_with_database(f"postgres://kutim@127.0.0.1:{listener.getsockname()[1]}/kutim", timeout=2)
    finally:
        listener.close()
        for conn in held:
            conn.close()
    status, seconds, body = out["/koperasi/"]
    assert status == 503 and "Layanan sedang tidak tersedia" in body
    # The connect timeout (2 s), not gunicorn's 120 s. The upper bound is loose on purpose: these are
    # not speed checks (benchmarks/ are), and a loaded CI machine must not fail them.
    assert 1.5 < seconds < 30, seconds
    status, seconds, body = out["/healthz"]
    assert status == 503 and json.loads(body)["database"] == {"ok": False, "error": "OperationalError"}
    assert seconds < 30
    logged = [line for line in stderr.splitlines() if "/koperasi/" in line]
    assert len(logged) == 1 and "Service Unavailable: /koperasi/" in logged[0], stderr


def test_a_database_that_refuses_gives_the_503_page_at_once():
    # A connect timeout of 60 s: a refused connection must not wait for it (loose bound, loaded CI).
    out, _ = request_with_database(f"postgres://kutim@127.0.0.1:{_free_port()}/kutim", timeout=60)
    status, seconds, body = out["/koperasi/"]
    assert status == 503 and "Layanan sedang tidak tersedia" in body
    assert seconds < 30, seconds


def test_postgresql_gets_connect_and_statement_timeouts_and_persistent_checked_connections():
    config = database_from_url("postgres://u:p@db:5432/kutim?sslmode=require", connect_timeout=4, statement_timeout=30)
    assert config["OPTIONS"] == {"sslmode": "require", "connect_timeout": 4,
                                 "options": "-c statement_timeout=30000 -c jit=off"}
    assert config["CONN_HEALTH_CHECKS"] is True
    assert "options" not in database_from_url("postgres://u@db/kutim", statement_timeout=0)["OPTIONS"]
    sqlite = database_from_url("sqlite:////tmp/x.sqlite3")
    assert sqlite["OPTIONS"]["timeout"] == 20 and "connect_timeout" not in sqlite["OPTIONS"]


def test_the_web_server_sets_a_statement_timeout_commands_and_the_worker_do_not():
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_CURRENT_TEST", "DATABASE_STATEMENT_TIMEOUT"}}
    env["DATABASE_URL"] = "postgres://kutim@127.0.0.1:1/kutim"  # never connected to: settings only
    web = subprocess.run([sys.executable, "-c", f"import kutim_koperasi.wsgi; {show}"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    command = _manage("shell", "-v0", "-c", show, env=env)
    assert "'options': '-c statement_timeout=30000 -c jit=off'" in web.stdout, web.stderr
    assert "statement_timeout" not in command.stdout and "'connect_timeout': 5" in command.stdout, command.stderr
    assert "jit" not in command.stdout, command.stdout


def test_log_lines_are_one_per_event_with_the_traceback_on_the_same_line():
    formatter = OneLineFormatter()
    try:
        raise ValueError("first\nsecond")
    except ValueError:
        record = logging.getLogger("x").makeRecord("x", logging.ERROR, __file__, 1, "failed %s", ("here",),
                                                   sys.exc_info())
    line = formatter.format(record)
    assert "\n" not in line
    assert " ERROR x failed here\\nTraceback" in line and "ValueError: first\\nsecond" in line
    assert line[:4].isdigit() and line[10] == "T" and line[23] in "+-"  # ISO 8601 with its offset


@override_settings(DEBUG=False)
def test_error_reports_carry_no_form_values_query_strings_or_local_variables(rf):
    request = rf.post("/anggota/?nik=6408014512800001", {"name": "Budi Hartono", "nik": "6408014512800001"})
    try:
        nik = request.POST["nik"]  # noqa: F841 (a local variable the report must not show)
        raise ValueError("bug")
    except ValueError:
        text = PersonalDataExceptionReporter(request, *sys.exc_info()).get_traceback_text()
    assert "6408014512800001" not in text and "Budi" not in text
    assert "ValueError" in text and "/anggota/" in text


def test_sentry_events_lose_the_query_string_body_cookies_and_referrer():
    event = {"request": {"url": "https://k/anggota/?nik=6408014512800001", "query_string": "nik=6408014512800001",
                         "data": {"name": "Budi"}, "cookies": {"sessionid": "s"},
                         "headers": {"Referer": "https://k/anggota/?q=Budi", "User-Agent": "x"}}}
    cleaned = sentry_before_send(event, {})
    assert cleaned["request"] == {"url": "https://k/anggota/", "headers": {"User-Agent": "x"}}


def test_admins_and_sentry_come_from_the_environment():
    code = ("from django.conf import settings; import sentry_sdk; "
            "print(settings.ADMINS, sentry_sdk.get_client().is_active())")
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    env.update(DJANGO_ADMINS="Ani <ani@kutaitimurkab.go.id>, it@kutaitimurkab.go.id",
               SENTRY_DSN="https://key@sentry.example.invalid/1")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert ("[('Ani', 'ani@kutaitimurkab.go.id'), ('it@kutaitimurkab.go.id', 'it@kutaitimurkab.go.id')] True"
            in result.stdout)


def _manage(*args, env, timeout=120):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def _sqlite_env(path):
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_CURRENT_TEST", "DATABASE_URL"}}
    env.update(DATABASE_URL=f"sqlite:///{path}")
    return env


def test_make_run_serves_with_a_worker_and_stops_it_with_the_server_and_refreshes_are_single_flight():
    """`make run` on a SQLite file: a worker beside the server, healthy, gone after one Ctrl-C, even
    when the Ctrl-C arrives while it runs a task (the task is finished first).

    On the same file, three `refresh_summary` processes at once: all succeed, none overlaps.
    """
    with tempfile.TemporaryDirectory() as tmp:
        env = _sqlite_env(Path(tmp) / "db.sqlite3")
        assert _manage("migrate", "--noinput", "-v0", env=env).returncode == 0
        created = _manage("shell", "-v0", "-c", "from tests.builders import make_cooperative; make_cooperative()",
                          env=env)
        assert created.returncode == 0, created.stderr

        refreshes = [subprocess.Popen([sys.executable, "manage.py", "refresh_summary"], cwd=ROOT, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        outputs = [process.communicate(timeout=120) for process in refreshes]
        assert [process.returncode for process in refreshes] == [0, 0, 0], outputs
        spans = _manage("shell", "-v0", "-c", (
            "from registry.models import SummaryRefresh as R; from datetime import timedelta as d; "
            "rs = sorted((r.finished_at - d(seconds=r.seconds), r.finished_at) for r in R.objects.all()); "
            "print(len(rs), all(a[1] <= b[0] for a, b in zip(rs, rs[1:])))"), env=env)
        assert spans.stdout.split() == ["3", "True"], spans.stdout + spans.stderr

        port = _free_port()
        bin_dir = Path(sys.executable).parent
        make = subprocess.Popen(
            ["make", "-o", f"{bin_dir}/.installed", f"BIN={bin_dir}", f"PORT={port}", "run"], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            body, worker_group = None, None
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": "localhost"})
                try:
                    with urllib.request.urlopen(request, timeout=5) as response:
                        body = json.loads(response.read())
                except urllib.error.HTTPError as error:  # 503 until the worker's first heartbeat
                    body = json.loads(error.read())
                except OSError:  # not listening yet
                    pass
                if body and body["worker"]["workers_alive"]:
                    break
                time.sleep(0.5)
            assert body and body["status"] == "ok", body
            code = "from registry.models import WorkerHeartbeat as W; print(W.objects.get().pid)"
            worker_group = os.getpgid(int(_manage("shell", "-v0", "-c", code, env=env).stdout))
            assert worker_group != make.pid  # the worker in its own process group, ended by make's trap

            # A task under way when Ctrl-C comes: the worker finishes it, and its reloader's main thread
            # (which outlives the task's thread) must not keep the worker, and so make, alive.
            code = "from tests.worker_tasks import sleep_for; print(sleep_for.enqueue(6).id)"
            task_id = _manage("shell", "-v0", "-c", code, env=env).stdout.strip()
            status = ("from django_tasks_db.models import DBTaskResult as T; "
                      f"print(T.objects.get(id='{task_id}').status)")
            deadline = time.monotonic() + 60
            while _manage("shell", "-v0", "-c", status, env=env).stdout.strip() != "RUNNING":
                assert time.monotonic() < deadline, "the worker never took the task"
                time.sleep(0.3)
        finally:
            os.killpg(make.pid, signal.SIGINT)  # Ctrl-C in the terminal: the whole foreground group
            output = make.communicate(timeout=60)[0]
        for group in (make.pid, worker_group):
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    os.killpg(group, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.2)
            else:
                os.killpg(group, signal.SIGKILL)
                raise AssertionError(f"processes of make run still alive after Ctrl-C:\n{output}")
        assert "Starting worker" in output
        assert "still running 15 s after Ctrl-C" not in output  # stopped by the interrupt, not the fallback
        code = "from registry.models import WorkerHeartbeat as W; print(W.objects.count())"
        left = _manage("shell", "-v0", "-c", code, env=env)
        assert left.stdout.strip() == "0"
        assert _manage("shell", "-v0", "-c", status, env=env).stdout.strip() == "SUCCESSFUL"


def test_make_serve_logs_one_line_per_request_without_the_query_string():
    """gunicorn with kutim_koperasi/gunicorn.conf.py (what `make serve` runs): BIND and PORT, the log lines."""
    with tempfile.TemporaryDirectory() as tmp:
        env = _sqlite_env(Path(tmp) / "db.sqlite3")
        assert _manage("migrate", "--noinput", "-v0", env=env).returncode == 0
        port = _free_port()
        env.update(BIND="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="1")
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--config", "kutim_koperasi/gunicorn.conf.py",
             "kutim_koperasi.wsgi:application"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            url = f"http://127.0.0.1:{port}/healthz?scope=web&nik=6408014512800001"
            request = urllib.request.Request(url, headers={"Host": "localhost", "X-Forwarded-For": "10.1.2.3"})
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(request, timeout=5) as response:
                        assert json.loads(response.read())["status"] == "ok"
                    break
                except urllib.error.URLError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
        finally:
            server.terminate()
            output = server.communicate(timeout=30)[0]
    access = [line for line in output.splitlines() if " gunicorn.access " in line]
    assert len(access) == 1, output
    assert ' INFO gunicorn.access 10.1.2.3 "GET /healthz HTTP/1.1" 200 ' in access[0]
    assert "6408014512800001" not in output and "scope" not in output
    assert f"Listening at: http://127.0.0.1:{port}" in output
