"""What every service's API shares: the app skeleton, one error shape, health and metrics.

Each service's API lives under its own prefix (``/intake``, ``/matching``, ...), whether it runs
alone under gunicorn or beside the others in the embedded process; ``/healthz``, ``/readyz`` and
``/metrics`` answer at the root too, for probes and scrapers.
"""

from __future__ import annotations

import datetime as dt
import decimal
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, jsonify, request
from flask_smorest import Api, Blueprint
from sqlalchemy.engine import Engine

from . import logs, metrics
from .bus import broker_reachable
from .config import Settings
from .outbox import backlog


@dataclass
class ServiceContext:
    """What a request handler of a service reaches for: its settings and its database."""

    settings: Settings
    engine: Engine
    outbox: sa.Table


def service() -> ServiceContext:
    return current_app.extensions["tandem"]


class PrefixMiddleware:
    """Serve ``/<service>/...`` and the bare probe paths from the same app."""

    def __init__(self, app, prefix: str):
        self.app, self.prefix = app, prefix

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == self.prefix or path.startswith(self.prefix + "/"):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + self.prefix
            environ["PATH_INFO"] = path[len(self.prefix):] or "/"
        return self.app(environ, start_response)


def create_service_app(
    settings: Settings,
    engine: Engine,
    outbox_table: sa.Table,
    blueprints: Iterable[Blueprint],
    description: str,
    extra_ready_checks: dict[str, Callable[[], bool]] | None = None,
) -> Flask:
    name = settings.service
    app = Flask(f"tandem.{name}")
    app.config.update(
        API_TITLE=f"Tandem {name}",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/",
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "servers": [{"url": f"/{name}"}],
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
            },
        },
        JSON_SORT_KEYS=False,
        TANDEM_SETTINGS=settings,
    )
    app.json.sort_keys = False
    app.json.default = _json_default  # dates as ISO 8601 everywhere, not HTTP dates
    app.extensions["tandem"] = ServiceContext(settings, engine, outbox_table)
    api = Api(app)
    app.extensions["tandem.api"] = api
    for blueprint in blueprints:
        api.register_blueprint(blueprint)

    checks = {"database": lambda: _database_ok(engine), "broker": lambda: broker_reachable(settings)}
    checks.update(extra_ready_checks or {})
    backlog_gauge = metrics.GaugeCollector(
        "tandem_outbox_backlog", "Outbox rows not yet confirmed by the broker.",
        {"service": name}, lambda: backlog(engine, outbox_table),
    )
    app.extensions["tandem.collectors"] = [backlog_gauge]

    @app.get("/healthz")
    def healthz():
        return {"status": "ok", "service": name}

    @app.get("/readyz")
    def readyz():
        failing = [check for check, ok in checks.items() if not ok()]
        if failing:
            return jsonify(status="unavailable", service=name, failing=failing), 503
        return {"status": "ready", "service": name}

    @app.get("/metrics")
    def metrics_view():
        body, content_type = metrics.render(app.extensions["tandem.collectors"])
        return Response(body, content_type=content_type)

    @app.before_request
    def _start():
        g.started = time.perf_counter()
        cid = request.headers.get("X-Correlation-ID") or str(uuid.uuid4())
        g.correlation_id = cid
        logs.correlation_id.set(cid)

    @app.after_request
    def _finish(response):
        route = request.url_rule.rule if request.url_rule else "unmatched"
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        metrics.HTTP_REQUESTS.labels(name, route, request.method, str(response.status_code)).inc()
        metrics.HTTP_DURATION.labels(name, route, request.method).observe(elapsed)
        response.headers["X-Correlation-ID"] = g.get("correlation_id", "")
        logs.tenant.set(None)
        return response

    app.wsgi_app = PrefixMiddleware(app.wsgi_app, f"/{name}")
    return app


def _json_default(value):
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _database_ok(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True
    except Exception:
        return False
