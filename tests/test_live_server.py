"""The browser tests' live server hands Django one request at a time (tests/live_server.py)."""

import http.client
import socket
import threading
import time

import pytest
from django.core.servers.basehttp import WSGIRequestHandler

from tests.live_server import OneRequestAtATimeServer


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    servers = []

    def start(application):
        server = OneRequestAtATimeServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
        server.set_app(application)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def get(port, path="/"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_requests_at_once_reach_the_application_one_after_another(serve):
    inside, most = 0, 0
    counting = threading.Lock()

    def application(environ, start_response):
        nonlocal inside, most
        with counting:
            inside += 1
            most = max(most, inside)
        time.sleep(0.1)
        with counting:
            inside -= 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    port = serve(application)
    answers = []
    clients = [threading.Thread(target=lambda: answers.append(get(port))) for _ in range(4)]
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=30)
    assert answers == [(200, b"ok")] * 4
    assert most == 1


def test_a_request_that_fails_lets_the_next_one_in(serve):
    def application(environ, start_response):
        if environ["PATH_INFO"] == "/gagal/":
            raise RuntimeError("the view failed")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    port = serve(application)
    assert get(port, "/gagal/")[0] == 500
    assert get(port, "/") == (200, b"ok")


def test_an_idle_connection_blocks_no_other_request(serve):
    def application(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    port = serve(application)
    idle = socket.create_connection(("127.0.0.1", port))  # as a browser opens one ahead of need
    try:
        assert get(port) == (200, b"ok")
    finally:
        idle.close()
