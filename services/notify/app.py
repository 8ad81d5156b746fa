"""Notify's API process: the delivery log, templates, webhooks, announcements and preferences, a
person's own data handed back to them, and the log of who read or changed it."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import Engine

from services.shared import audit, metrics
from services.shared.api import create_service_app
from services.shared.config import Settings, settings_for
from services.shared.db import create_engine

from . import store
from .api import BLUEPRINTS
from .settings import NotifySettings, configure, notify_settings


def _waiting(engine: Engine) -> int:
    d = store.deliveries
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(d).where(d.c.status == "pending")).scalar_one()


def create_app(settings: Settings | None = None, engine: Engine | None = None, notify: NotifySettings | None = None) -> Flask:
    settings = settings or settings_for("notify")
    notify = configure(notify or notify_settings(settings))
    engine = engine or create_engine(settings.database_url)
    blueprints = (*BLUEPRINTS, audit.blueprint("notify", lambda: store.audit_log))
    app = create_service_app(settings, engine, store.OUTBOX, blueprints, __doc__)
    audit.install(app, engine, store.audit_log)
    app.extensions["notify.settings"] = notify
    # how many messages wait to go out (a backlog that grows while SMTP is down)
    app.extensions["tandem.collectors"].append(metrics.GaugeCollector(
        "tandem_notify_deliveries_waiting", "Deliveries waiting to be sent (pending, including retries).",
        {"service": "notify"}, lambda: _waiting(engine)))
    return app
