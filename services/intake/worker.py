"""Intake's worker process: the outbox relay and the clock that closes, starts and finishes cohorts."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from services.shared import logs
from services.shared.config import Settings, settings_for
from services.shared.db import create_engine
from services.shared.worker import ServiceWorker, Timer

from . import store
from .domain.cohorts import advance_cohorts
from .handlers import HANDLERS


def create_worker(settings: Settings | None = None, engine: Engine | None = None) -> ServiceWorker:
    settings = settings or settings_for("intake")
    engine = engine or create_engine(settings.database_url)
    return ServiceWorker(
        settings, engine, store.OUTBOX, store.INBOX, HANDLERS,
        timers=[Timer("cohort-calendar", 30.0, lambda: advance_cohorts(engine))],
    )


def main() -> None:
    logs.configure("intake")
    create_worker().run_forever()


if __name__ == "__main__":
    main()
