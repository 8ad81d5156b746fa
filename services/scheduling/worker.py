"""Scheduling's worker process: its consumer, the outbox relay, the agenda's timer that sends
reminders, nudges, surveys and phase changes when they fall due, and the audit log's pruning."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from services.shared import audit, logs
from services.shared.config import Settings, settings_for
from services.shared.db import create_engine
from services.shared.worker import ServiceWorker, Timer

from . import store
from .domain import links
from .handlers import HANDLERS
from .usecases import due

# Reminders are due to the day; checking every half minute keeps them punctual without load.
AGENDA_INTERVAL = 30.0
# Audit rows are kept for years; an hour more or less makes no difference.


def create_worker(settings: Settings | None = None, engine: Engine | None = None) -> ServiceWorker:
    settings = settings or settings_for("scheduling")
    engine = engine or create_engine(settings.database_url)
    links.configure(settings)
    return ServiceWorker(
        settings, engine, store.OUTBOX, store.INBOX, HANDLERS,
        timers=[Timer("agenda", AGENDA_INTERVAL, lambda: due.run_due(engine)),
                Timer("audit-retention", audit.PRUNE_INTERVAL,
                      lambda: audit.prune(engine, store.audit_log, settings.audit_retention_days))],
    )


def main() -> None:
    logs.configure("scheduling")
    create_worker().run_forever()


if __name__ == "__main__":
    main()
