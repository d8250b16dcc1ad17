"""The browser tests' live server: one request at a time (see OneRequestAtATimeServer)."""

import threading

from django.core.servers.basehttp import ThreadedWSGIServer


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server, passing one request at a time to Django; connections still get a thread each.

    On the in-memory SQLite test database every request thread of the live server uses the same
    SQLite connection. Two requests at once could deadlock for ever, and did, in CI and here: a page
    posts the assessment form while its script asks for the live totals; the first request is
    inside a statement that calls one of Django's SQL functions written in Python, so SQLite holds
    the connection's mutex while it waits for the GIL, and the second holds the GIL while it waits
    for that mutex (py-spy: `func_callback` beside `sqlite3_column_int64`). The run then stood still
    until CI's time limit. One request at a time removes the second party. Connections keep their
    own threads, so a connection the browser opens ahead and leaves idle blocks nothing.
    """

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            lock.acquire()
            try:
                result = application(environ, start_response)
            except BaseException:
                lock.release()
                raise
            return _ReleasedOnClose(result, lock.release)

        super().set_app(one_at_a_time)


class _ReleasedOnClose:
    """A WSGI response that lets the next request in once it has been sent (or its sending failed):
    wsgiref closes the response in both cases."""

    def __init__(self, result, release):
        self._result = result
        self._release = release

    def __iter__(self):
        return iter(self._result)

    def close(self):
        try:
            if hasattr(self._result, "close"):
                self._result.close()
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()
