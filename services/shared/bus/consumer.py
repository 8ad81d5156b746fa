"""The consumer: the loop that reads the service's queue, applies events and acknowledges them.

It reads batches from the broker on its own thread while one applier thread writes the previous
batch to the database (``applying``), and acknowledges each message only after its transaction
commits. A failing handler is retried in place, holding its message, ``delivery_limit`` times,
and then dead-lettered with its reason (``dead_letters``); the broker's delivery count is not
used, for the reasons in the package docstring. It reconnects by itself when the broker goes
away.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from .. import metrics
from ..config import Settings
from ..contract import ContractError, Event, parse_event
from ..retry import backoff
from .applying import Applier, HandlerFailed, Stopping
from .dead_letters import DeadLetters
from .handlers import Handler, HandlerTable
from .topology import connection, declare

log = logging.getLogger(__name__)


class EventConsumer:
    """Applies events from the service's queue, each in one transaction with its inbox row.

    Acks only after the transaction commits; a redelivered event is acked and skipped; an event
    that cannot be read, or whose handler keeps failing, goes to the dead-letter queue with its
    reason, and the consumer carries on. Reconnects by itself when the broker goes away.
    """

    def __init__(self, settings: Settings, engine: Engine, inbox_table: sa.Table, handlers: HandlerTable):
        self.settings = settings
        self.engine = engine
        self.inbox_table = inbox_table
        self.handlers = handlers
        self.connected = threading.Event()
        self._applier = Applier(engine, inbox_table, handlers)
        self._dead_letters = DeadLetters(settings)
        self._stop = threading.Event()
        self._pending: list = []

    def _pending_append(self, message) -> None:
        self._pending.append(message)

    # the loop --------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        self._stop = stop
        failures = 0  # connection failures in a row
        # One applier thread writes to the database while this thread reads the next batch from
        # the broker; batches are applied strictly one after another, in delivery order.
        applier = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{self.settings.service}-applier")
        in_flight: deque[Future] = deque()
        try:
            while not stop.is_set():
                try:
                    with connection(self.settings, "consumer") as conn:
                        conn.ensure_connection(max_retries=1)
                        channel = conn.channel()
                        queue, _dead = declare(self.settings, self.handlers.routing_keys, channel)
                        self._pending = []
                        consumer = conn.Consumer(
                            [queue], on_message=self._pending_append, prefetch_count=self.settings.prefetch,
                            no_ack=False, auto_declare=False,  # declared above, as it may already exist
                        )
                        batch_size = max(1, self.settings.prefetch // 2)
                        with consumer:
                            self.connected.set()
                            metrics.CONSUMER_UP.labels(self.settings.service).set(1)
                            failures = 0
                            while not stop.is_set():
                                try:
                                    conn.drain_events(timeout=0.005 if self._pending or in_flight else 0.5)
                                    idle = False
                                except TimeoutError:  # nothing more arrived
                                    idle = True
                                if self._pending and len(in_flight) < 2 and (idle or len(self._pending) >= batch_size):
                                    batch, self._pending = self._pending, []
                                    in_flight.append(applier.submit(self._flush, batch))
                                while in_flight and in_flight[0].done():
                                    self._settle(in_flight.popleft().result())
                                if not self.settings.embedded:
                                    conn.heartbeat_check()
                            # stopping: finish what is being applied and acknowledge it
                            while in_flight:
                                self._settle(in_flight.popleft().result())
                except Exception as exc:
                    self.connected.clear()
                    metrics.CONSUMER_UP.labels(self.settings.service).set(0)
                    # what was handed to the applier finishes; its messages come again
                    # (unacknowledged) and the inbox skips those already applied
                    for future in in_flight:
                        future.exception()
                    in_flight.clear()
                    if stop.is_set():
                        break
                    failures += 1
                    delay = backoff(failures, 0.5, 10.0)
                    log.warning("consumer %s: %s; reconnecting in %.1fs", self.settings.queue, exc, delay)
                    self._dead_letters.close()
                    stop.wait(delay)
        finally:
            applier.shutdown(wait=True)
            self.connected.clear()
            metrics.CONSUMER_UP.labels(self.settings.service).set(0)
            self._dead_letters.close()

    @staticmethod
    def _settle(outcomes: list[tuple[object, str]]) -> None:
        """Acknowledge or give back each message, on the thread that owns the channel."""
        for message, action in outcomes:
            if action == "ack":
                message.ack()
            else:
                message.requeue()

    # a batch of messages (on the applier thread) ----------------------------------------------

    def _flush(self, batch: list) -> list[tuple[object, str]]:
        """Apply a batch; return, per message, whether to ack it or give it back."""
        outcomes = []
        ready = []
        for message in batch:
            parsed = self._parse(message)
            if parsed is None:
                outcomes.append((message, "ack"))  # dead-lettered
            else:
                ready.append((message, *parsed))
        if not ready:
            return outcomes
        try:
            applied = self._applier.batch([(event, handler) for _m, event, handler in ready], self._stop)
        except Stopping:
            return outcomes + [(message, "requeue") for message, _e, _h in ready]
        except HandlerFailed as failure:
            # One event of the batch fails: take them one at a time, in order, so that only the
            # failing one is retried (and, at the limit, dead-lettered). Its try in the batch counts.
            failed_id = failure.event.id if failure.event else None
            if failure.event:
                metrics.EVENTS_FAILED.labels(self.settings.service, failure.event.type).inc()
            log.info("batch of %d failed at %s (%r); applying one at a time", len(ready), failed_id, failure.error)
            return outcomes + [(message, self._on_event(message, event, handler, tried=int(event.id == failed_id)))
                               for message, event, handler in ready]
        except Exception as exc:
            log.info("batch of %d failed (%r); applying one at a time", len(ready), exc)
            return outcomes + [(message, self._on_event(message, event, handler)) for message, event, handler in ready]
        for (_message, event, _handler), was_new in zip(ready, applied, strict=True):
            self._count(event, was_new)
        return outcomes + [(message, "ack") for message, _e, _h in ready]

    # one message -----------------------------------------------------------------------------

    def _parse(self, message):
        """The event and its handler, or None once the message is dead-lettered as unusable."""
        try:
            event = parse_event(message.body)
        except ContractError as exc:
            self._dead_letters.park(message, f"malformed event: {exc}", message.delivery_info.get("routing_key", "?"))
            return None
        handler = self.handlers.handlers.get(event.type)
        if handler is None:
            self._dead_letters.park(message, f"no handler for {event.type} in {self.settings.service}", event.type)
            return None
        return event, handler

    def _on_event(self, message, event: Event, handler: Handler, tried: int = 0) -> str:
        # A failing handler is retried here, holding the message, so that the next events of
        # the same aggregate (already prefetched) cannot overtake it. The broker's
        # x-delivery-count is not an attempt: it also counts crashes (see the package docstring).
        service = self.settings.service
        attempts = tried
        while True:
            attempts += 1
            try:
                applied = self._applier.one(handler, event, self._stop)
                break
            except Stopping:
                return "requeue"
            except Exception as exc:
                metrics.EVENTS_FAILED.labels(service, event.type).inc()
                if isinstance(exc, IntegrityError) and self._applier.already_applied(event):
                    applied = False  # a concurrent delivery of the same event won the race
                    break
                if attempts >= self.settings.delivery_limit:
                    self._dead_letters.park(message, f"handler failed {attempts} times: {exc!r}", event.type)
                    return "ack"
                log.warning("handler for %s failed (attempt %d): %r", event.type, attempts, exc)
                if self._stop.wait(backoff(attempts + 1, 0.1, 5.0)):
                    return "requeue"
        self._count(event, applied)
        return "ack"

    def _count(self, event: Event, applied: bool) -> None:
        if applied:
            metrics.EVENTS_CONSUMED.labels(self.settings.service, event.type, event.tenant).inc()
        else:
            metrics.INBOX_DUPLICATES.labels(self.settings.service, event.type).inc()
