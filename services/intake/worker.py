"""Intake's worker process: the outbox relay, the clock that closes, starts and finishes cohorts,
the one that erases people whose retention period has run out, and the audit log's pruning."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from services.shared import audit, logs
from services.shared.config import Settings, settings_for
from services.shared.db import create_engine
from services.shared.worker import ServiceWorker, Timer

from . import store
from .handlers import HANDLERS
from .usecases.cohorts import advance_cohorts
from .usecases.retention import erase_expired

RETENTION_INTERVAL = 3600.0  # a retention date is a day; an hour late is on time


def create_worker(settings: Settings | None = None, engine: Engine | None = None) -> ServiceWorker:
    settings = settings or settings_for("intake")
    engine = engine or create_engine(settings.database_url)
    return ServiceWorker(
        settings, engine, store.OUTBOX, store.INBOX, HANDLERS,
        timers=[Timer("cohort-calendar", 30.0, lambda: advance_cohorts(engine)),
                Timer("retention", RETENTION_INTERVAL, lambda: erase_expired(engine)),
                Timer("audit-retention", audit.PRUNE_INTERVAL,
                      lambda: audit.prune(engine, store.audit_log, settings.audit_retention_days))],
    )


def main() -> None:
    logs.configure("intake")
    create_worker().run_forever()


if __name__ == "__main__":
    main()
