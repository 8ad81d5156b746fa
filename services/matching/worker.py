"""Matching's worker process: its consumer, the outbox relay, the matching runs (requested by
coordinators or by a closing cohort), executed here rather than in the API's requests, and the
pruning of the audit log past its period."""

from __future__ import annotations

import os
import socket
import uuid

from sqlalchemy.engine import Engine

from services.shared import audit, logs
from services.shared.config import Settings, settings_for
from services.shared.db import create_engine
from services.shared.worker import ServiceWorker, Timer

from . import store
from .handlers import HANDLERS
from .usecases.runs import work_on_runs

#: Seconds between looks for queued runs: a coordinator waits about this long for a run to start.
RUNS_INTERVAL = 1.0


def worker_name() -> str:
    """Names this worker on the runs it claims (several replicas share one database)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def create_worker(settings: Settings | None = None, engine: Engine | None = None) -> ServiceWorker:
    settings = settings or settings_for("matching")
    engine = engine or create_engine(settings.database_url)
    name = worker_name()
    return ServiceWorker(
        settings, engine, store.OUTBOX, store.INBOX, HANDLERS,
        timers=[Timer("runs", RUNS_INTERVAL, lambda: work_on_runs(engine, name)),
                Timer("audit-retention", audit.PRUNE_INTERVAL,
                      lambda: audit.prune(engine, store.audit_log, settings.audit_retention_days))],
    )


def main() -> None:
    logs.configure("matching")
    create_worker().run_forever()


if __name__ == "__main__":
    main()
