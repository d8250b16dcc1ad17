"""A PostgreSQL connection kept between requests is checked without a round trip while it is idle
with nothing to read, and asked with Django's `SELECT 1` otherwise (kutim_koperasi/postgresql/base.py)."""

import time
from unittest import mock

import pytest
from django.db import connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoWrapper
from django.test import TransactionTestCase

from kutim_koperasi.postgresql.base import DatabaseWrapper


def a_connection():
    """A connection of its own, as a worker keeps one between requests (the test's own is left alone)."""
    kept = connections.create_connection("default")
    kept.ensure_connection()
    return kept


def wait_readable(kept, seconds=5):
    import select

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if select.select([kept.connection.pgconn.socket], [], [], 0.05)[0]:
            return
    raise AssertionError("the server sent nothing on the terminated connection")


@pytest.mark.postgres
class KeptConnectionCheckTests(TransactionTestCase):
    # As the other TransactionTestCases here: the database is restored as it was (content types
    # and permissions included) for the serialized-rollback tests that follow.
    serialized_rollback = True

    def test_the_settings_select_this_backend(self):
        self.assertIsInstance(connections["default"], DatabaseWrapper)
        self.assertTrue(connection.settings_dict["CONN_HEALTH_CHECKS"])

    def test_an_idle_connection_is_usable_without_a_query(self):
        kept = a_connection()
        try:
            with mock.patch.object(DjangoWrapper, "is_usable", side_effect=AssertionError("a round trip")):
                self.assertTrue(kept.is_usable())
        finally:
            kept.close()

    def test_a_terminated_connection_is_not_usable_and_the_next_query_reconnects(self):
        kept = a_connection()
        try:
            pid = kept.connection.info.backend_pid
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            wait_readable(kept)
            self.assertFalse(kept.is_usable())
            # As at the start of the next request: the check fails, the connection is closed, and
            # the request's first query runs on a new one.
            kept.health_check_enabled, kept.health_check_done = True, False
            with kept.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.assertNotEqual(cursor.fetchone()[0], pid)
        finally:
            kept.close()

    def test_a_connection_with_something_to_read_is_asked_with_a_query(self):
        kept = a_connection()
        try:
            # A notice the server sends on its own (here a notification) makes the socket readable:
            # the check then asks the server, as Django does, and the connection is still usable.
            with kept.cursor() as cursor:
                cursor.execute("LISTEN kept_connection_check")
            with connection.cursor() as cursor:
                cursor.execute("NOTIFY kept_connection_check")
            wait_readable(kept)
            with mock.patch.object(DjangoWrapper, "is_usable", autospec=True, return_value=True) as asked:
                self.assertTrue(kept.is_usable())
            asked.assert_called_once()
        finally:
            kept.close()

    def test_a_connection_inside_a_transaction_is_asked_with_a_query(self):
        kept = a_connection()
        try:
            kept.connection.execute("BEGIN")
            with mock.patch.object(DjangoWrapper, "is_usable", autospec=True, return_value=True) as asked:
                self.assertTrue(kept.is_usable())
            asked.assert_called_once()
            kept.connection.execute("ROLLBACK")
        finally:
            kept.close()

    def test_a_closed_connection_is_not_usable(self):
        kept = a_connection()
        kept.connection.close()
        self.assertFalse(kept.is_usable())
        kept.connection = None
        self.assertFalse(kept.is_usable())
