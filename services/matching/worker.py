"""Matching's worker process: its consumer, the outbox relay and the runs a closing cohort asks for."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from services.shared import logs
from services.shared.config import Settings, settings_for
from services.shared.db import create_engine
from services.shared.worker import ServiceWorker, Timer

from . import store
from .domain.runs import run_requested
from .handlers import HANDLERS


def create_worker(settings: Settings | None = None, engine: Engine | None = None) -> ServiceWorker:
    settings = settings or settings_for("matching")
    engine = engine or create_engine(settings.database_url)
    return ServiceWorker(
        settings, engine, store.OUTBOX, store.INBOX, HANDLERS,
        timers=[Timer("requested-runs", 2.0, lambda: run_requested(engine))],
    )


def main() -> None:
    logs.configure("matching")
    create_worker().run_forever()


if __name__ == "__main__":
    main()
