"""Intake's API process: tenants, programmes, cohorts, applications and the public forms."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.engine import Engine

from services.shared import audit
from services.shared.api import create_service_app
from services.shared.config import Settings, settings_for
from services.shared.db import create_engine

from . import store
from .api import BLUEPRINTS, limiter
from .api import export as export_api


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> Flask:
    settings = settings or settings_for("intake")
    engine = engine or create_engine(settings.database_url)
    blueprints = (*BLUEPRINTS, export_api.blp, audit.blueprint("intake", lambda: store.audit_log))
    app = create_service_app(settings, engine, store.OUTBOX, blueprints, __doc__, limiter=limiter)
    audit.install(app, engine, store.audit_log)
    return app
