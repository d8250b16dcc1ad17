"""Django's PostgreSQL backend, whose check of a kept connection costs no round trip.

settings.database_from_url selects it for a postgres:// DATABASE_URL.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        """Whether the connection kept from an earlier request can serve this one.

        With persistent, health-checked connections (settings: CONN_MAX_AGE, CONN_HEALTH_CHECKS)
        Django asks this before each request's first query, and its answer is a `SELECT 1`: a round
        trip to the server on every page, about 0.2 ms of a 5 ms page over HTTP here
        (docs/benchmarks.md, "The kept connection checked without a round trip").

        Between requests nothing is asked of the connection, so whatever the server sent since
        makes its socket readable: the notice a backend sends when it is terminated or the server
        shuts down, and the end of the stream when the connection closed (a server restart or
        crash). A connection libpq holds as open and idle, outside any transaction, with nothing to
        read, is one `SELECT 1` would have found usable. Anything else is asked of the server, as
        Django does. What neither check sees without waiting is a connection a firewall dropped in
        silence: `SELECT 1` would fail on it too, only sooner; connections are kept 60 s at most.
        """
        connection = self.connection
        if connection is None:
            return False
        try:
            pgconn = connection.pgconn
            idle = (not connection.closed and not connection.broken and pgconn.status == pq.ConnStatus.OK
                    and pgconn.transaction_status == pq.TransactionStatus.IDLE)
            if idle:
                readable, _writable, _failed = select.select([pgconn.socket], [], [], 0)
                if not readable:
                    return True
        except (OSError, ValueError, base.Database.Error):
            return False
        return super().is_usable()
