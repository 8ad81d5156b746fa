"""Notify's worker process: its consumer, the outbox relay and the sender."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from services.shared import logs
from services.shared.config import Settings, settings_for
from services.shared.db import create_engine
from services.shared.worker import ServiceWorker, Timer

from . import store
from .dispatch import Dispatcher
from .handlers import HANDLERS


def create_worker(settings: Settings | None = None, engine: Engine | None = None) -> ServiceWorker:
    settings = settings or settings_for("notify")
    engine = engine or create_engine(settings.database_url)
    dispatcher = Dispatcher(settings, engine)
    return ServiceWorker(
        settings, engine, store.OUTBOX, store.INBOX, HANDLERS, timers=[Timer("dispatch", 0.5, dispatcher.tick)]
    )


def main() -> None:
    logs.configure("notify")
    create_worker().run_forever()


if __name__ == "__main__":
    main()
