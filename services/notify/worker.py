"""Notify's worker process: its consumer, the outbox relay and the dispatchers (e-mail and
webhooks, each on its own timer so a slow webhook never holds up the mail), and the hourly
pruning of the audit log."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from services.shared import audit, logs
from services.shared.config import Settings, settings_for
from services.shared.db import create_engine
from services.shared.worker import ServiceWorker, Timer

from . import store
from .dispatch import Dispatcher
from .handlers import HANDLERS
from .settings import NotifySettings, configure, notify_settings


def create_worker(settings: Settings | None = None, engine: Engine | None = None,
                  notify: NotifySettings | None = None) -> ServiceWorker:
    settings = settings or settings_for("notify")
    notify = configure(notify or notify_settings(settings))
    engine = engine or create_engine(settings.database_url)
    dispatcher = Dispatcher(notify, engine)
    worker = ServiceWorker(settings, engine, store.OUTBOX, store.INBOX, HANDLERS, timers=[
        Timer("dispatch-email", notify.dispatch_interval, dispatcher.drain_email),
        Timer("dispatch-webhooks", max(1.0, notify.dispatch_interval), dispatcher.drain_webhooks),
        Timer("audit-retention", audit.PRUNE_INTERVAL,
                      lambda: audit.prune(engine, store.audit_log, settings.audit_retention_days)),
    ])
    worker.dispatcher = dispatcher
    return worker


def main() -> None:
    logs.configure("notify")
    create_worker().run_forever()


if __name__ == "__main__":
    main()
