"""The embedded default: all four services in one process, on kombu's in-memory transport and
SQLite files in the data directory. Each API answers under its prefix; the workers run in
background threads of the same process. The web front answers at ``/`` and calls the APIs over
HTTP on this same server, as it does when each runs on its own; the server keeps each connection
open for the next request (``make_server``), so that call costs no new TCP connection."""

from __future__ import annotations

import importlib
import io
import threading
from dataclasses import dataclass

from flask import Flask, Response, jsonify
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler
from werkzeug.serving import make_server as werkzeug_server

from services.shared import metrics
from services.shared.config import SERVICES, settings_for
from services.shared.db import create_engine, migrate
from services.web.app import create_app as create_web_app
from services.web.settings import web_settings


@dataclass
class Platform:
    wsgi: object
    apps: dict
    workers: dict
    stop: threading.Event

    def start_workers(self) -> None:
        for worker in self.workers.values():
            worker.start(self.stop)

    def shutdown(self) -> None:
        self.stop.set()
        for worker in self.workers.values():
            for thread in worker.threads:
                thread.join(timeout=5)


def build(api_base: str | None = None, **overrides) -> Platform:
    """Migrate every service's database and build its API and worker, sharing one engine each,
    and the web front, which calls the APIs at ``api_base`` (this server's own address; default
    the public URL)."""
    apps, workers = {}, {}
    for name in SERVICES:
        settings = settings_for(name, **overrides)
        migrate(name, settings.database_url)
        engine = create_engine(settings.database_url)
        apps[name] = importlib.import_module(f"services.{name}.app").create_app(settings, engine)
        workers[name] = importlib.import_module(f"services.{name}.worker").create_worker(settings, engine)

    root = Flask("tandem")

    @root.get("/healthz")
    def healthz():
        return {"status": "ok", "services": list(SERVICES)}

    @root.get("/readyz")
    def readyz():
        answers = {name: app.test_client().get(f"/{name}/readyz") for name, app in apps.items()}
        failing = {name: r.get_json().get("failing") for name, r in answers.items() if r.status_code != 200}
        return jsonify(status="unavailable" if failing else "ready", failing=failing), 503 if failing else 200

    @root.get("/metrics")
    def all_metrics():
        collectors = [c for app in apps.values() for c in app.extensions["tandem.collectors"]]
        body, content_type = metrics.render(collectors)
        return Response(body, content_type=content_type)

    base = (api_base or settings_for("intake", **overrides).public_url).rstrip("/")
    web = create_web_app(web_settings(**{f"{name}_url": base for name in SERVICES}))
    wsgi = DispatcherMiddleware(_ProbesOrWeb(root, web),
                                {f"/{name}": _Reprefix(app, f"/{name}") for name, app in apps.items()})
    return Platform(wsgi=wsgi, apps=apps, workers=workers, stop=threading.Event())


class _ProbesOrWeb:
    """The platform's probes at the root answer for all four services; every other path outside
    the APIs' prefixes is the web front's."""

    PROBES = frozenset({"/healthz", "/readyz", "/metrics"})

    def __init__(self, probes, web):
        self.probes, self.web = probes, web

    def __call__(self, environ, start_response):
        app = self.probes if environ.get("PATH_INFO") in self.PROBES else self.web
        return app(environ, start_response)


class _Reprefix:
    """DispatcherMiddleware strips the prefix; each service app expects to see it and strip it itself."""

    def __init__(self, app, prefix: str):
        self.app, self.prefix = app, prefix

    def __call__(self, environ, start_response):
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "")[: -len(self.prefix)] if environ.get("SCRIPT_NAME", "").endswith(self.prefix) else environ.get("SCRIPT_NAME", "")
        environ["PATH_INFO"] = self.prefix + environ.get("PATH_INFO", "")
        return self.app(environ, start_response)


def make_server(host: str, port: int, app) -> BaseWSGIServer:
    """The embedded platform's HTTP server: werkzeug's, a thread per connection, each connection
    kept open for the client's next request (``KeepAlive``)."""
    return werkzeug_server(host, port, app, threaded=True, request_handler=KeepAlive)


class KeepAlive(WSGIRequestHandler):
    """Werkzeug's request handler, keeping an HTTP/1.1 connection open after each answer.

    Werkzeug's own answers every request with ``Connection: close``: its server does not know
    where a request's body ends once the application has read what it wanted, so after each
    answer it reads whatever the client sent until the line is quiet for 10 ms, then closes. In
    the embedded mode the web front calls the APIs on this same server, so every API call (two or
    three a page) would open and close a TCP connection, as would every page a browser asks for.

    Here a request with a ``Content-Length`` of up to ``BODY_LIMIT`` has its body read before the
    application sees it, so the next request on the connection starts where it ends; werkzeug
    frames every answer (``Content-Length``, else chunked); and the ``Connection: close`` it sends
    is left out. Any other request (a chunked or larger body, ``Expect: 100-continue``, HTTP/1.0)
    is answered by werkzeug's own code and its connection closed, as before. A connection idle
    for ``timeout`` seconds is closed.
    """

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # an answer's head and body are two writes: no wait for an ACK between
    timeout = 60
    BODY_LIMIT = 1 << 20

    _keep_alive = False

    def run_wsgi(self) -> None:
        length = self.headers.get("Content-Length", "0").strip()
        self._keep_alive = (self.request_version == "HTTP/1.1" and not self.close_connection
                            and "Transfer-Encoding" not in self.headers and "Expect" not in self.headers
                            and length.isdigit() and int(length) <= self.BODY_LIMIT)
        if not self._keep_alive:
            super().run_wsgi()
            return
        connection_reader = self.rfile
        # the application reads the body from memory; werkzeug's reading "what is left" after the
        # answer then finds nothing, and the next request stays on the line for handle() to read
        self.rfile = io.BytesIO(connection_reader.read(int(length)) if int(length) else b"")
        try:
            super().run_wsgi()
        finally:
            self.rfile = connection_reader

    def send_header(self, keyword: str, value: str) -> None:
        if self._keep_alive and keyword == "Connection" and value == "close":
            return
        super().send_header(keyword, value)

    def log_error(self, format: str, *args) -> None:
        if format.startswith("Request timed out"):
            return  # an idle kept-alive connection closed: not an error
        super().log_error(format, *args)
