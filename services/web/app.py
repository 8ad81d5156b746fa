"""The web front's Flask app: pages for applicants in sv, fi, nb and en, over the four APIs.

Every form carries a CSRF token (Flask-WTF); every answer forbids framing and any script, style
or asset not served by Tandem (``Content-Security-Policy: default-src 'self'``), and pages opened
from a personal link send no referrer, so the link's token stays with its owner.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, Response, g, jsonify, render_template, request
from flask_babel import Babel
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from services.shared import metrics
from services.shared.contract.events import LOCALES

from . import console, i18n
from .backends import ApiError, ApiUnavailable, Backends
from .settings import WebSettings, web_settings
from .views import (
    applications,
    cohorts,
    home,
    links,
    mentor_form,
    pairs,
    staff,
    surveys,
    unsubscribe,
)

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def api_states(apis: Backends, timeout: float) -> dict[str, str]:
    """Each API's readiness, "ready" or "unavailable": all four asked at once, each for at most
    ``timeout`` seconds, so an API that hangs cannot hold the probe past its own deadline."""
    named = {"intake": apis.intake, **apis.others}

    def state(api) -> str:
        try:
            answer = api.session.get(f"{api.base}/{api.name}/readyz", timeout=timeout)
        except ApiUnavailable:
            return "unavailable"
        return "ready" if answer.status_code == 200 else "unavailable"

    with ThreadPoolExecutor(max_workers=len(named)) as pool:
        return dict(zip(named, pool.map(state, named.values()), strict=True))


def create_app(settings: WebSettings | None = None) -> Flask:
    settings = settings or web_settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret,
        SESSION_COOKIE_NAME="tandem_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,  # a staff member's bearer token rides in it
        WTF_CSRF_TIME_LIMIT=None,  # a long form may take an evening; the token lives as long as the session
        BABEL_DEFAULT_LOCALE=i18n.DEFAULT,
        TANDEM_WEB_SETTINGS=settings,
    )
    app.extensions["tandem.web"] = Backends(settings)
    if settings.trusted_proxies:  # the applicant's own address, for the APIs' per-client limits
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    console.register(app)  # before Babel, which reads the catalogue folders once
    Babel(app, locale_selector=i18n.select_locale)
    i18n.install_gettext(app)  # over Flask-Babel's, which finds the catalogue again for every message
    CSRFProtect(app)
    for module in (home, cohorts, applications, links, mentor_form, surveys, pairs, unsubscribe, staff):
        app.register_blueprint(module.blp)

    app.jinja_env.globals.update(locales=LOCALES, locale_names=i18n.NAMES, current_locale=i18n.locale, url_in=i18n.url_in)
    app.jinja_env.filters.update(when=i18n.when, day=i18n.day, span=i18n.span, pick=i18n.pick,
                                 language_name=i18n.language_name)

    @app.before_request
    def _start():
        g.started = time.perf_counter()

    @app.after_request
    def _answer(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        if request.args.get("token") or request.path.startswith("/sign-in/") or staff.signed_in():
            response.headers["Cache-Control"] = "no-store"
        asked = request.args.get("lang")
        if asked in LOCALES and request.cookies.get(i18n.COOKIE) != asked:
            response.set_cookie(i18n.COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        route = request.url_rule.rule if request.url_rule else "unmatched"
        metrics.HTTP_REQUESTS.labels("web", route, request.method, str(response.status_code)).inc()
        metrics.HTTP_DURATION.labels("web", route, request.method).observe(time.perf_counter() - g.get("started", time.perf_counter()))
        return response

    @app.errorhandler(ApiError)
    def _refused(exc: ApiError):
        # what a page does not answer itself: too many tries, or an API that is down or failing
        if exc.status == 429:
            return render_template("error.html", reason="busy"), 429, {"Retry-After": "60"}
        # the API's status and message (never the person's data), so an operator can find the cause
        log.warning("an API answered %s behind %s %s: %s", exc.status, request.method, request.url_rule, exc.message[:200])
        return render_template("error.html", reason="unavailable"), 503

    @app.errorhandler(500)
    def _failed(_exc):
        return render_template("error.html", reason="unavailable"), 500

    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        return render_template("error.html", reason="expired"), 400

    @app.errorhandler(404)
    def _not_found(_exc):
        return render_template("error.html", reason="not_found"), 404

    @app.get("/healthz")
    def healthz():
        return {"status": "ok", "service": "web"}

    @app.get("/readyz")
    def readyz():
        """Ready while the front can serve its pages: intake answers, which every public page needs.
        Another API that does not answer leaves the front in rotation (its pages say "unavailable"
        meanwhile, the others work): the answer is 200, "degraded", naming it."""
        apis = api_states(app.extensions["tandem.web"], settings.ready_timeout)
        down = [name for name, state in apis.items() if state != "ready"]
        if apis["intake"] != "ready":
            return jsonify(status="unavailable", service="web", apis=apis, failing=down), 503
        if down:
            return jsonify(status="degraded", service="web", apis=apis, degraded=down)
        return jsonify(status="ready", service="web", apis=apis)

    @app.get("/metrics")
    def metrics_view():
        body, content_type = metrics.render()
        return Response(body, content_type=content_type)

    return app
