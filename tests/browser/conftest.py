"""Browser tests: the system's Chromium driven through Playwright against pytest-django's live_server.

Fixtures
  browser        package: one Chromium for all of tests/browser (skipped, or failed in CI, when
                 missing)
  page           function: a fresh context (own cookies) at 1280x900, locale id-ID, base URL of
                 the live server; on a failing test a full-page screenshot goes to test-results/
  demo_district  module: the demo district (seed_demo), built once per module
  demo           function: puts the demo district back before the test; request it in every test

Why the demo district is built once per module and copied back, not rebuilt per test:
live_server makes every test a TransactionTestCase, and Django flushes (empties) the whole
database after each one. Measured here with seed_demo (1,150 cooperatives, 10,493 members,
5,379 yearly reports, 6,848 board members, 851 status changes, plus their history rows), SQLite
in-memory test database, cost per test of each way to start every test from the district:
  seed_demo again before each test                               2.5 s
  Django's serialized rollback of the seeded contents            9.7 s (+1.4 s to serialize once)
  SQLite's online backup API: copy once, copy back before each   0.005 s
So the district is seeded once per module, copied with the backup API, and copied back before
each test: every test starts from exactly the seeded state whatever the previous one did
(lockouts, sessions), and the flush after it does not matter. On another database
(DATABASE_URL=postgres://...; CI runs the browser tests on SQLite only) there is no such copy and
the district is seeded again before each test.

Kecamatan, desa and roles come from data migrations, and a flush empties them too. The tests ask
for serialized rollback (`django_db_serialized_rollback`) so that pytest-django serializes the
freshly migrated database when it creates it; the district is seeded on those contents, even
when an earlier transactional test in the run has flushed the database. After the module the
database is left freshly migrated again, not flushed empty, for the tests that come after.
"""

import contextlib
import io
import os
import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.testcases import LiveServerThread

from tests.live_server import OneRequestAtATimeServer

PROJECT_DIR = Path(__file__).resolve().parents[2]
RESULTS_DIR = PROJECT_DIR / "test-results"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Only the browser tests start a live server (pytest-django's live_server, made when first asked for).
LiveServerThread.server_class = OneRequestAtATimeServer


# The demo district as seed_demo documents it (registry/demo/).
DEMO_PASSWORD = "koperasi-kutim"
DEMO_COOPERATIVES = 1150
DEMO_ACTIVE_SHARE = 0.58

_call_failed = pytest.StashKey[bool]()


def _unavailable(reason):
    """No browser: a failure in CI (a missing tool there is a broken pipeline), a skip elsewhere."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run in CI)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser(migrated_contents):  # read before Playwright starts: see migrated_contents
    """One Chromium for all the browser tests.

    Package scope, so for all of tests/browser, not the session: Playwright's event loop (below)
    must not outlive these tests, or every later test in the run that uses asyncio (asyncio.run,
    async_to_sync, Django's AsyncClient) fails with "cannot be called from a running event loop".
    """
    if not CHROMIUM.exists():
        _unavailable("Chromium not installed: apt-get install chromium")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _unavailable("Playwright not installed: pip install -r requirements-dev.txt")
    # Assertions wait as long as actions (the page fixture's 10 s), not Playwright's 5 s: on a busy
    # machine a signed-in admin page of the demo district has taken longer than 5 s to arrive.
    expect.set_options(timeout=10_000)

    # DJANGO_ALLOW_ASYNC_UNSAFE: Playwright's sync API runs an asyncio event loop in this very
    # thread (its calls switch to it through greenlets) from start() to stop(). While that loop
    # exists Django sees "a running event loop" in the thread and refuses every ORM call from it
    # with SynchronousOnlyOperation, even the ordinary blocking ones that tests and pytest-django
    # make between browser steps (counts, seeding, the flush after each test). They are safe:
    # nothing else runs on that loop while test code runs. So Django's check is switched off for
    # exactly as long as the loop exists, not for the rest of the run.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_call_failed] = report.failed
    return report


@pytest.fixture
def page(request, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="id-ID",
        timezone_id="Asia/Makassar",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    if request.node.stash.get(_call_failed, False):
        failures = RESULTS_DIR / "failures"
        failures.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            page.screenshot(path=failures / f"{request.node.name}.png", full_page=True)
    context.close()


# ---------------------------------------------------------------------------------------------
# The demo district
# ---------------------------------------------------------------------------------------------


def _copyable():
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


class DatabaseCopy:
    """The whole in-memory SQLite test database at one moment, to be put back later."""

    def __init__(self):
        connection.ensure_connection()
        self._copy = sqlite3.connect(":memory:")
        connection.connection.backup(self._copy)

    def restore(self):
        connection.ensure_connection()
        self._copy.backup(connection.connection)

    def close(self):
        self._copy.close()


@pytest.fixture(scope="session")
def migrated_contents(django_db_setup):
    """The test database as migrations left it (regions, roles), serialized when it was created.

    Read here, in a session fixture, because session fixtures are set up before the package's
    `browser`: once Playwright runs, `django.db.connection` in this thread is a *different*
    DatabaseWrapper. Django keeps connections in an asgiref Local, which follows contextvars,
    and code between Playwright calls runs in another context than before sync_playwright()
    .start(). The new wrapper opens its own connection to the same in-memory database (so data
    is shared with the live server's) but lacks the attribute Django set on the original one at
    creation. One more consequence: Django's own serialized rollback silently restores nothing
    while Playwright runs.
    """
    return getattr(connections[DEFAULT_DB_ALIAS], "_test_serialized_contents", None)


class DemoDistrict:
    """seed_demo's district on the freshly migrated database, and the way to put it back."""

    def __init__(self, migrated_contents):
        self._migrated_contents = migrated_contents
        self._build()
        self._seeded = DatabaseCopy() if _copyable() else None
        self._untouched = True

    def _freshly_migrated(self):
        """Back to the contents migrations made, whatever earlier transactional tests left."""
        if self._migrated_contents is None:
            return  # nothing serialized: no test asked for serialized rollback
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(self._migrated_contents)

    def _build(self):
        self._freshly_migrated()
        # --yes: tests run with DEBUG off, where seed_demo asks to be sure it is not production.
        call_command("seed_demo", yes=True, stdout=io.StringIO(), stderr=io.StringIO())

    def put_back(self):
        if self._seeded is not None:
            self._seeded.restore()
        elif not self._untouched:
            self._build()  # other databases: seed again, still 4x faster than deserializing
        self._untouched = False

    def leave(self):
        """The database as migrations made it, for the tests that come after."""
        if self._seeded is not None:
            self._seeded.close()
        self._freshly_migrated()


@pytest.fixture(scope="module")
def demo_district(migrated_contents, django_db_blocker):
    with django_db_blocker.unblock():
        district = DemoDistrict(migrated_contents)
    yield district
    with django_db_blocker.unblock():
        district.leave()


@pytest.fixture
def demo(demo_district, transactional_db, django_db_serialized_rollback):
    """The demo district, exactly as seeded, in the database the live server reads.

    `django_db_serialized_rollback` is asked for so that pytest-django serializes the freshly
    migrated database when it creates it (see migrated_contents).
    """
    demo_district.put_back()
