"""Timing a page beside the bare SQL it runs: shared by the page benchmarks (import after django.setup())."""

import re
import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

DECLARE = re.compile(r"^DECLARE \S+ NO SCROLL CURSOR (?:WITH(?:OUT)? HOLD )?FOR (.*)$", re.S)


def median_ms(samples):
    return statistics.median(samples) * 1000


def bare(sql):
    """The statement itself: a server-side cursor's DECLARE (ModelChoiceField iterates with one) replays as
    its SELECT, fetched whole, as the page fetches it."""
    match = DECLARE.match(sql)
    return match.group(1) if match else sql


def capture(client, path):
    """Warm the page, then the SQL statements one request of it runs."""
    for _ in range(2):  # warm: caches, the session row, PostgreSQL's buffers
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return [bare(q["sql"]) for q in captured.captured_queries]


def measure(client, path, runs):
    """Page and bare SQL timed in turn, run after run, so that a busy machine slows both alike."""
    statements = capture(client, path)
    page_samples, sql_samples = [], []
    with connection.cursor() as cursor:
        for _ in range(runs):
            start = time.perf_counter()
            client.get(path)
            page_samples.append(time.perf_counter() - start)
            start = time.perf_counter()
            for sql in statements:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()
            sql_samples.append(time.perf_counter() - start)
    return statements, page_samples, sql_samples
