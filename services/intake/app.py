"""Intake's API process: tenants, programmes, cohorts, applications and the public forms."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.engine import Engine

from services.shared.api import create_service_app
from services.shared.config import Settings, settings_for
from services.shared.db import create_engine

from . import store
from .api import BLUEPRINTS, limiter


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> Flask:
    settings = settings or settings_for("intake")
    engine = engine or create_engine(settings.database_url)
    return create_service_app(settings, engine, store.OUTBOX, BLUEPRINTS, __doc__, limiter=limiter)
