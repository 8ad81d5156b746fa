"""The embedded default: all four services in one process, on kombu's in-memory transport and
SQLite files in the data directory. Each API answers under its prefix; the workers run in
background threads of the same process. The web front answers at ``/`` and calls the APIs over
HTTP on this same server, as it does when each runs on its own."""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass

from flask import Flask, Response, jsonify
from werkzeug.middleware.dispatcher import DispatcherMiddleware

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
