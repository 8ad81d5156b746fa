"""What every service's API shares: the app skeleton, one error shape, health and metrics.

Each service's API lives under its own prefix (``/intake``, ``/matching``, ...), whether it runs
alone under gunicorn or beside the others in the embedded process; ``/healthz``, ``/readyz`` and
``/metrics`` answer at the root too, for probes and scrapers.

The edge answers in the same shape whatever goes wrong: bad input 400/422 (``edge.py``), a body
over the limit 413, a rate limit 429 (counted in Redis when ``RATELIMIT_STORAGE_URI`` is set, so
every worker and replica shares the count), a database outage 503 with ``Retry-After``. A
rule's refusal (``errors.Refused``) is answered by its kind: 404, 409, 422, 403 or 410; anything
unexpected is a 500 that tells nothing of it. Client addresses come from ``X-Forwarded-For``
only through the configured number of trusted proxies.

Each API documents itself at ``/<service>/docs``: Swagger UI, served by Tandem from a pinned copy
(``static/swagger-ui/``) with no inline script, so the page works offline and under a strict
Content-Security-Policy.
"""

from __future__ import annotations

import decimal
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import apispec
import sqlalchemy as sa
from flask import Flask, Response, current_app, g, jsonify, render_template_string, request, url_for
from flask_limiter import Limiter
from flask_smorest import Api, Blueprint, abort
from sqlalchemy.engine import Engine
from werkzeug import exceptions as http
from werkzeug.exceptions import HTTPException, ServiceUnavailable, UnprocessableEntity
from werkzeug.middleware.proxy_fix import ProxyFix

from . import dates, edge, errors, logs, metrics
from .bus import broker_reachable
from .config import Settings
from .outbox import backlog
from .tenancy import TokenError, verify_token

# how each kind of refusal is answered (errors.py)
REFUSED = {errors.NOT_FOUND: http.NotFound, errors.CONFLICT: http.Conflict, errors.INVALID: http.UnprocessableEntity,
           errors.FORBIDDEN: http.Forbidden, errors.GONE: http.Gone}
STAFF = ("operator", "coordinator")  # may send the larger bodies (imports, long texts)
RETRY_AFTER_OUTAGE = 5  # seconds: a database restart or failover takes a few

# Swagger UI as npm's swagger-ui-dist ships it, copied unchanged (static/swagger-ui/README.md)
SWAGGER_UI = Path(__file__).parent / "static" / "swagger-ui"
SWAGGER_UI_VERSION = "5.35.0"
DOCS_HEADERS = {
    # scripts and styles from Tandem only; the stylesheet's icons are data: images
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                               "base-uri 'self'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
}
DOCS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<link rel="stylesheet" href="{{ asset('swagger-ui.css') }}">
<link rel="icon" type="image/png" sizes="32x32" href="{{ asset('favicon-32x32.png') }}">
<link rel="icon" type="image/png" sizes="16x16" href="{{ asset('favicon-16x16.png') }}">
</head>
<body>
<div id="swagger-ui" data-spec-url="{{ spec_url }}"></div>
<script src="{{ asset('swagger-ui-bundle.js') }}"></script>
<script src="{{ url_for('static', filename='tandem-docs.js') }}"></script>
</body>
</html>
"""


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
    limiter: Limiter | None = None,
) -> Flask:
    """The service's Flask app; ``limiter`` (the service's public rate limits) is bound to it
    so that limits are checked before a body is read."""
    name = settings.service
    # its only static files are Swagger UI's, for the /docs page
    app = Flask(f"tandem.{name}", static_folder=SWAGGER_UI, static_url_path="/docs/assets")
    app.config.update(
        API_TITLE=f"Tandem {name}",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "servers": [{"url": f"/{name}"}],
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
            },
        },
        JSON_SORT_KEYS=False,
        TANDEM_SETTINGS=settings,
        MAX_CONTENT_LENGTH=settings.max_body,
        RATELIMIT_STORAGE_URI=settings.rate_limit_storage,
        RATELIMIT_KEY_PREFIX=settings.rate_limit_prefix,
        # Redis away: count in this process rather than answer 500 to every public request
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
    )
    app.json.sort_keys = False
    app.json.default = _json_default  # dates as ISO 8601 everywhere, not HTTP dates
    app.extensions["tandem"] = ServiceContext(settings, engine, outbox_table)
    api = Api(app)
    api.spec.__class__ = CommonMarkSpec  # the same spec, read out in CommonMark (see below)
    app.extensions["tandem.api"] = api
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    _serve_docs(app)

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

    if limiter is not None:
        limiter.init_app(app)

    @app.before_request
    def _refuse_unusable_input():
        if _is_staff(settings.signing_key):
            request.max_content_length = settings.max_staff_body
        try:
            edge.check_integer_arguments(request.view_args, request.args)
            edge.check_json_body()
        except edge.Refusal as refusal:
            abort(refusal.status, message=refusal.message, errors=refusal.errors)

    app.register_error_handler(errors.Refused, _refused)
    app.register_error_handler(http.InternalServerError, _unexpected)

    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.InterfaceError)
    @app.errorhandler(sa.exc.TimeoutError)
    def _database_away(exc):
        current_app.logger.warning("database unavailable: %s", getattr(exc, "orig", None) or exc)
        return _answer(ServiceUnavailable(), "The database is unavailable; try again shortly.",
                       {"database": ["unavailable"]}, {"Retry-After": str(RETRY_AFTER_OUTAGE)})

    @app.errorhandler(sa.exc.DataError)
    @app.errorhandler(OverflowError)
    def _out_of_range(exc):
        # the edge bounds what it can see; a value the database still refuses is the client's too
        current_app.logger.info("refused a value out of range: %s", getattr(exc, "orig", None) or exc)
        return _answer(UnprocessableEntity(), "A value is out of range.")

    @app.after_request
    def _finish(response):
        route = request.url_rule.rule if request.url_rule else "unmatched"
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        metrics.HTTP_REQUESTS.labels(name, route, request.method, str(response.status_code)).inc()
        metrics.HTTP_DURATION.labels(name, route, request.method).observe(elapsed)
        response.headers["X-Correlation-ID"] = g.get("correlation_id", "")
        logs.tenant.set(None)
        return response

    if settings.trusted_proxies:
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.wsgi_app = PrefixMiddleware(app.wsgi_app, f"/{name}")
    return app


def _serve_docs(app: Flask) -> None:
    """``/docs``: Swagger UI over ``openapi.json``, its assets under ``/docs/assets/`` (the
    app's static folder).

    flask-smorest's own page loads them from a CDN and starts Swagger UI in an inline script;
    this one takes everything from Tandem, and ``tandem-docs.js`` reads the spec's address from
    the page."""

    @app.get("/docs")
    def docs():
        def asset(name: str) -> str:
            return url_for("static", filename=f"{SWAGGER_UI_VERSION}/{name}")

        page = render_template_string(DOCS_PAGE, title=app.config["API_TITLE"], asset=asset,
                                      spec_url=url_for("api-docs.openapi_json"))
        return Response(page, content_type="text/html; charset=utf-8", headers=DOCS_HEADERS)


_RST_LITERAL = re.compile(r"``([^`]+)``")


def commonmark(node):
    """``node`` (a spec, or any part of it) as a new copy in which every description and summary
    marks code CommonMark's way: the docstrings write it as RST does, in doubled backticks, and
    Swagger UI shows a summary as plain text, so the doubled backticks showed as they were."""
    if isinstance(node, dict):
        return {key: _RST_LITERAL.sub(r"`\1`", value)
                if key in ("description", "summary") and isinstance(value, str) else commonmark(value)
                for key, value in node.items()}
    if isinstance(node, list):
        return [commonmark(item) for item in node]
    return node


class CommonMarkSpec(apispec.APISpec):
    """The service's spec as it is served and published (``openapi.json``, ``tandem contracts``):
    its descriptions in CommonMark, as OpenAPI reads them."""

    def to_dict(self) -> dict:
        return commonmark(super().to_dict())


def _refused(refusal: errors.Refused):
    """A refusal answered the platform's way, as ``abort(status, message=..., errors=...)`` would:
    an ``invalid`` refusal's fields are under the part of the request they are in (the body's,
    ``"json"``, unless it says another)."""
    field_errors = refusal.field_errors
    if field_errors is not None and refusal.kind == errors.INVALID:
        field_errors = {refusal.location: field_errors}
    return _answer(REFUSED[refusal.kind](), refusal.message, field_errors)


def _unexpected(_error: http.InternalServerError):
    """Anything a view did not expect: Flask has logged it with its traceback; the caller learns
    only that it failed (code and status, no message, nothing of the exception)."""
    return _answer(http.InternalServerError())


def _answer(error: HTTPException, message: str | None = None, field_errors: dict | None = None,
            headers: dict | None = None):
    """An error the platform's way (the same handler as every ``abort``): code, status, then the
    message and the errors when there are any."""
    error.data = {"headers": headers or {}}
    if message is not None:
        error.data["message"] = message
    if field_errors is not None:
        error.data["errors"] = field_errors
    return current_app.extensions["tandem.api"].handle_http_exception(error)


def _is_staff(key: str) -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return False
    try:
        return verify_token(key, header[7:].strip()).role in STAFF
    except TokenError:
        return False


def _json_default(value):
    if isinstance(value, dates.DATES):
        return dates.iso(value)
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
