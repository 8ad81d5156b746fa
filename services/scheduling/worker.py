"""Scheduling's worker process: its consumer and the outbox relay."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from services.shared import logs
from services.shared.config import Settings, settings_for
from services.shared.db import create_engine
from services.shared.worker import ServiceWorker

from . import store
from .handlers import HANDLERS


def create_worker(settings: Settings | None = None, engine: Engine | None = None) -> ServiceWorker:
    settings = settings or settings_for("scheduling")
    engine = engine or create_engine(settings.database_url)
    return ServiceWorker(settings, engine, store.OUTBOX, store.INBOX, HANDLERS)


def main() -> None:
    logs.configure("scheduling")
    create_worker().run_forever()


if __name__ == "__main__":
    main()
