"""The embedded mode's HTTP server keeps a client's connection open from one request to the next
(the web front's API calls on the same server, a browser's pages), and each request on it still
gets its own answer, whatever the one before it sent or left unread."""

from __future__ import annotations

import logging
import socket
import threading

import pytest
import requests
from flask import Flask, Response, request

from services.embedded import make_server


@pytest.fixture(scope="module")
def url():
    app = Flask("keep-alive")

    @app.route("/echo", methods=["GET", "POST", "HEAD"])
    def echo():
        return {"read": len(request.get_data()), "port": request.environ["REMOTE_PORT"]}

    @app.post("/unread")
    def unread():
        return "the body was not read"

    @app.get("/stream")
    def stream():
        return Response((f"part {n}\n" for n in range(3)), mimetype="text/plain")  # no Content-Length: chunked

    @app.get("/fails")
    def fails():
        raise RuntimeError("a failing view")

    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_one_connection_serves_every_kind_of_request_in_turn(url):
    ports = set()
    with requests.Session() as session:
        for _ in range(3):
            answer = session.get(f"{url}/echo")
            assert "close" not in answer.headers.get("Connection", "")
            ports.add(answer.json()["port"])
            answer = session.post(f"{url}/echo", data=b"x" * 5000)
            assert answer.json()["read"] == 5000
            ports.add(answer.json()["port"])
            assert session.post(f"{url}/unread", data=b"y" * 70000).text == "the body was not read"
            streamed = session.get(f"{url}/stream")
            assert streamed.headers["Transfer-Encoding"] == "chunked"
            assert streamed.text == "part 0\npart 1\npart 2\n"
            assert session.head(f"{url}/echo").status_code == 200
            assert session.get(f"{url}/fails").status_code == 500
            assert session.get(f"{url}/nowhere").status_code == 404
            ports.add(session.get(f"{url}/echo").json()["port"])
    assert len(ports) == 1  # the client's port: the same connection throughout


def test_a_body_it_does_not_read_first_is_answered_and_the_connection_closed(url):
    with requests.Session() as session:
        answer = session.post(f"{url}/echo", data=b"z" * (2 << 20))  # beyond what is read before the view
        assert answer.json()["read"] == 2 << 20
        assert answer.headers["Connection"] == "close"
        answer = session.post(f"{url}/echo", data=iter([b"a" * 10, b"b" * 10]))  # sent chunked
        assert answer.json()["read"] == 20
        assert answer.headers["Connection"] == "close"
        assert session.get(f"{url}/echo").status_code == 200  # on a new connection


def test_requests_sent_together_are_answered_in_order(url):
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as line:
        line.sendall(b"GET /echo HTTP/1.1\r\nHost: tandem\r\n\r\n"
                     b"POST /echo HTTP/1.1\r\nHost: tandem\r\nContent-Length: 3\r\n\r\nabc"
                     b"GET /echo HTTP/1.1\r\nHost: tandem\r\nConnection: close\r\n\r\n")
        received = b""
        while chunk := line.recv(65536):
            received += chunk
    assert received.count(b"HTTP/1.1 200 OK") == 3
    assert b'"read":3' in received.replace(b" ", b"")
