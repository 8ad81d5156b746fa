"""Applying events to the service's database: each in one transaction with its inbox row.

The inbox row makes a repeat harmless: an event already recorded is skipped, not applied again.
A run of consecutive events of a type with a batch handler is applied by one call. While the
database is unreachable the attempt is repeated and the messages held (an outage is nobody's
fault and must not dead-letter anything); a failing handler raises ``HandlerFailed`` for the
consumer to retry or dead-letter.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from .. import inbox, logs
from ..contract import Event
from ..retry import backoff
from .handlers import Handler, HandlerTable

log = logging.getLogger(__name__)


class HandlerFailed(Exception):
    """A handler raised while applying a batch; names the event where it is known."""

    def __init__(self, event: Event | None, error: Exception):
        super().__init__(repr(error))
        self.event, self.error = event, error


class Stopping(Exception):
    """The worker is stopping while a message waits for the database: give it back."""


@contextmanager
def _event_context(event: Event):
    """Logs, and the events a handler writes, name the event being handled."""
    logs.correlation_id.set(event.correlation_id)
    logs.tenant.set(event.tenant)
    logs.causation_id.set(event.id)
    try:
        yield
    finally:
        logs.correlation_id.set(None)
        logs.tenant.set(None)
        logs.causation_id.set(None)


def _database_unreachable(exc: OperationalError) -> bool:
    if exc.connection_invalidated:
        return True
    text = str(exc.orig).lower()
    return any(s in text for s in ("connection", "could not connect", "server closed", "terminating", "database is locked"))


class Applier:
    """Applies events through the service's handler table, recording each in its inbox."""

    def __init__(self, engine: Engine, inbox_table: sa.Table, handlers: HandlerTable):
        self.engine = engine
        self.inbox_table = inbox_table
        self.handlers = handlers

    def batch(self, ready: list[tuple[Event, Handler]], stop: threading.Event) -> list[bool]:
        """Apply a batch in one transaction with its inbox rows; per event, whether it was new."""
        def work(conn):
            new = inbox.record(conn, self.inbox_table, [event for event, _h in ready])
            result = []
            run: list[Event] = []  # consecutive new events of one type with a batch handler

            def apply_run():
                if run:
                    with _event_context(run[0]):
                        try:
                            self.handlers.batch_handlers[run[0].type](conn, list(run))
                        except OperationalError:
                            raise
                        except Exception as exc:
                            raise HandlerFailed(run[0] if len(run) == 1 else None, exc) from exc
                    run.clear()

            for event, handler in ready:
                if event.id not in new:
                    result.append(False)
                    continue
                new.discard(event.id)  # the same event twice in one batch is applied once
                result.append(True)
                if event.type in self.handlers.batch_handlers:
                    if run and run[0].type != event.type:
                        apply_run()
                    run.append(event)
                    continue
                apply_run()
                with _event_context(event):
                    try:
                        handler(conn, event)
                    except OperationalError:
                        raise
                    except Exception as exc:
                        raise HandlerFailed(event, exc) from exc
            apply_run()
            return result

        return self._in_transaction(work, ready[0][0], stop)

    def one(self, handler: Handler, event: Event, stop: threading.Event) -> bool:
        """Run the handler with its inbox row in one transaction; True if applied, False if a repeat."""

        def work(conn):
            if not inbox.record(conn, self.inbox_table, [event]):
                return False
            with _event_context(event):
                handler(conn, event)
            return True

        return self._in_transaction(work, event, stop)

    def already_applied(self, event: Event) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(self.inbox_table.c.event_id).where(self.inbox_table.c.event_id == event.id)
            ).first() is not None

    def _in_transaction(self, work, event: Event, stop: threading.Event):
        """Run ``work(conn)`` in one transaction. While the database is unreachable the messages
        are held and the attempt repeated (an outage is nobody's fault and must not dead-letter
        anything); anything else raises."""
        failures = 0
        while True:
            try:
                with self.engine.begin() as conn:
                    return work(conn)
            except OperationalError as exc:
                if not _database_unreachable(exc):
                    raise
                failures += 1
                delay = backoff(failures, 0.5, 10.0)
                log.warning("database unreachable while applying %s; retrying in %.1fs", event.id, delay)
                if stop.wait(delay):
                    raise Stopping() from exc
