"""The event bus: topology, confirming publishers and the idempotent consumer.

One durable topic exchange carries every event, routed by its versioned type. Each service
consumes from its own durable quorum queue with a dead-letter queue. The embedded mode runs the
same code on kombu's in-memory transport.

Who decides that an event is dead. A quorum queue counts a delivery every time a message comes
back unacknowledged — also when the consumer crashed or lost its connection while holding it —
and with a prefetch of hundreds a crash-looping worker charges every held event at once. So the
broker's count cannot tell a bad event from a bad moment, and the consumer does not use it. The
consumer counts handler failures itself: a failing handler is retried in place, holding its
message (so the next events of its aggregate cannot overtake it), ``delivery_limit`` times
within one delivery, and is then dead-lettered with its reason (``x-tandem-reason``). A crash
costs no attempt: the event simply comes again and the inbox skips it if it was applied. The
broker's delivery limit stays only as a last-resort guard against a message that kills the
worker itself: ``REDELIVERY_GUARD``, far above any crash count, set by policy (deploy/, generated
by services.ops) and not as a queue argument, because an argument can never change on an
existing queue (a redeclare with another value fails) while a policy can change at any time.
A queue declared by an older Tandem with ``x-delivery-limit`` keeps that argument (the broker
applies the lower of argument and policy); the consumer still attaches to it, and warns, until
it is re-created.

An event no queue is bound for is not lost: the events exchange has an alternate exchange (set
by policy) that parks it in ``tandem.unroutable``; where no such policy exists the publisher gets
it back (``mandatory``) and parks it there itself before the relay marks it sent. The embedded
transport parks it in the same (in-memory) queue.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime

import pika
import sqlalchemy as sa
from amqp.exceptions import PreconditionFailed
from kombu import Connection, Exchange, Producer, Queue, binding
from pika.spec import Basic
from sqlalchemy.engine import Connection as DbConnection
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from . import inbox, logs, metrics
from .config import Settings
from .contract import ContractError, Event, parse_event
from .contract.registry import for_the_record
from .retry import backoff

log = logging.getLogger(__name__)

Handler = Callable[[DbConnection, Event], None]
BatchHandler = Callable[[DbConnection, list[Event]], None]


class HandlerTable:
    """Which events a service consumes and the one small function that applies each.

    ``on`` declares a handler of one event; ``on_batch`` one that applies a run of consecutive
    events of its type at once (a projection that writes them with one statement), for the
    types that arrive in bulk. Either way every event is applied once, in delivery order.
    """

    def __init__(self, service: str):
        self.service = service
        self.handlers: dict[str, Handler] = {}
        self.batch_handlers: dict[str, BatchHandler] = {}

    def on(self, event_type: str):
        _known(event_type)

        def register(fn: Handler) -> Handler:
            self.handlers[event_type] = fn
            return fn

        return register

    def on_batch(self, event_type: str):
        _known(event_type)

        def register(fn: BatchHandler) -> BatchHandler:
            self.batch_handlers[event_type] = fn
            self.handlers[event_type] = lambda conn, event: fn(conn, [event])
            return fn

        return register

    @property
    def routing_keys(self) -> list[str]:
        return sorted(self.handlers)


def _known(event_type: str) -> None:
    from .contract import EVENT_TYPES

    if event_type not in EVENT_TYPES:
        raise ValueError(f"{event_type!r} is not in the contract")


# --- topology ---------------------------------------------------------------------------------


# The broker's delivery limit: a guard against a message that kills its consumer every time, never
# reached by crashes alone (handler failures are counted by the consumer, see above).
REDELIVERY_GUARD = 1000
# Where events that no queue takes are kept, with the alternate exchange that leads there.
PARKING_QUEUE = "tandem.unroutable"
RECORD_QUEUE = "tandem.record"  # events published for the record, bounded (the newest are kept)
RECORD_LENGTH = 100_000
PARKING_EXCHANGE = "tandem.unroutable"


def events_exchange(settings: Settings) -> Exchange:
    return Exchange(settings.exchange, type="topic", durable=True)


def dead_letter_exchange(settings: Settings) -> Exchange:
    return Exchange(settings.dead_letter_exchange, type="direct", durable=True)


def service_queues(settings: Settings, routing_keys: list[str]) -> tuple[Queue, Queue]:
    """The service's quorum queue (bound to the types it handles) and its dead-letter queue."""
    exchange = events_exchange(settings)
    dlx = dead_letter_exchange(settings)
    queue = Queue(
        settings.queue,
        bindings=[binding(exchange, routing_key=key) for key in routing_keys],
        durable=True,
        # no x-delivery-limit: the guard is a policy (see the module docstring)
        queue_arguments={
            "x-queue-type": "quorum",
            "x-dead-letter-exchange": dlx.name,
            "x-dead-letter-routing-key": settings.queue,
        },
    )
    dead = Queue(
        f"{settings.queue}.dlq",
        exchange=dlx,
        routing_key=settings.queue,
        durable=True,
        queue_arguments={"x-queue-type": "quorum"},
    )
    return queue, dead


def connection(settings: Settings, name: str, confirm: bool = False) -> Connection:
    options = {"client_properties": {"connection_name": f"tandem-{settings.service}-{name}"}}
    if confirm:
        options["confirm_publish"] = True
    if settings.embedded:
        options = {"polling_interval": 0.01}
    return Connection(settings.amqp_url, heartbeat=30 if not settings.embedded else 0, transport_options=options)


def declare(settings: Settings, routing_keys: list[str], channel) -> tuple[Queue, Queue]:
    events_exchange(settings)(channel).declare()
    dead_letter_exchange(settings)(channel).declare()
    queue, dead = service_queues(settings, routing_keys)
    dead(channel).declare()
    try:
        queue(channel).declare()
    except PreconditionFailed as exc:
        # Declared by an older Tandem with other arguments (x-delivery-limit): they cannot change
        # on a live queue. Attach to it as it is (the broker closed the channel: take another).
        log.warning("%s keeps the arguments it was declared with (%s); re-create it to drop them",
                    queue.name, exc.reply_text)
        channel = channel.connection.channel()
        existing = queue(channel)
        existing.queue_declare(passive=True)
        for b in existing.bindings:
            b.bind(existing, channel=channel)
    return queue, dead


def queue_depths(settings: Settings) -> dict[str, int]:
    """Messages ready in the service's queue, its dead-letter queue and the parking queue of
    unroutable events."""
    depths = {}
    with connection(settings, "monitor") as conn:
        channel = conn.channel()
        for name in (settings.queue, f"{settings.queue}.dlq", PARKING_QUEUE):
            try:
                depths[name] = channel.queue_declare(queue=name, passive=True).message_count
            except conn.channel_errors:  # not declared yet: nothing waiting
                depths[name] = 0
                channel = conn.channel()
    return depths


def broker_reachable(settings: Settings, timeout: float = 2.0) -> bool:
    if settings.embedded:
        return True
    try:
        with Connection(settings.amqp_url, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
        return True
    except Exception:
        return False


# --- publishers -------------------------------------------------------------------------------

# An item to publish: (type, tenant, event id, JSON body).
Item = tuple[str, str, str, str]


class PublishError(RuntimeError):
    pass


class PikaConfirmPublisher:
    """Publishes batches with asynchronous publisher confirms (pika's SelectConnection).

    The whole batch is written to the socket, then the broker's (often ``multiple``) acks are
    collected: thousands of persistent messages a second where a per-message confirm manages
    about a thousand. ``mandatory`` makes the broker return an unroutable event (where no
    alternate exchange takes it): it is counted, logged and parked in ``tandem.unroutable``, and
    counts as confirmed only once the parked copy is.
    """

    def __init__(self, settings: Settings, timeout: float = 30.0, name: str = "relay"):
        self.settings = settings
        self.timeout = timeout
        self._ready = False
        self._closed_reason: str | None = None
        self._outcome: dict[int, bool] = {}
        self._next_tag = 1
        self._returned: dict[str, str] = {}  # event id -> routing key, given back as unroutable
        self._waiting_for: Callable[[], bool] | None = None
        params = pika.URLParameters(settings.amqp_url)
        params.client_properties = {"connection_name": f"tandem-{settings.service}-{name}"}
        params.heartbeat = 30
        params.blocked_connection_timeout = 60
        self._conn = pika.SelectConnection(
            params,
            on_open_callback=self._on_open,
            on_open_error_callback=self._on_open_error,
            on_close_callback=self._on_closed,
        )
        self._run_until(lambda: self._ready, timeout)
        if not self._ready:
            raise PublishError(self._closed_reason or "the broker did not open a channel in time")

    # callbacks -------------------------------------------------------------------------------

    def _on_open(self, conn) -> None:
        conn.channel(on_open_callback=self._on_channel)

    def _on_open_error(self, _conn, error) -> None:
        self._closed_reason = f"cannot connect to the broker: {error!r}"
        self._wake()

    def _on_closed(self, _conn, reason) -> None:
        self._closed_reason = f"connection closed: {reason!r}"
        self._wake()

    def _on_channel(self, channel) -> None:
        self._channel = channel
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        confirm = lambda _f: channel.confirm_delivery(self._on_confirm, callback=self._on_confirm_mode)  # noqa: E731
        park = lambda _f: channel.queue_declare(  # noqa: E731
            PARKING_QUEUE, durable=True, arguments={"x-queue-type": "quorum"}, callback=confirm)
        channel.exchange_declare(self.settings.exchange, exchange_type="topic", durable=True, callback=park)

    def _on_confirm_mode(self, _frame) -> None:
        self._ready = True
        self._wake()

    def _on_channel_closed(self, _channel, reason) -> None:
        self._closed_reason = f"channel closed: {reason!r}"
        if self._conn.is_open:
            self._conn.close()
        self._wake()

    def _on_return(self, _channel, method, properties, _body) -> None:
        # The broker sends the return before the confirm of the same message.
        if for_the_record(method.routing_key):
            return  # nobody consumes it yet: the outbox row is its record
        metrics.EVENTS_UNROUTABLE.labels(self.settings.service, method.routing_key).inc()
        self._returned[properties.message_id] = method.routing_key
        log.warning(
            "event %s (%s) is unroutable: no queue is bound for it; parked in %s",
            properties.message_id, method.routing_key, PARKING_QUEUE,
        )

    def _on_confirm(self, frame) -> None:
        method = frame.method
        ok = isinstance(method, Basic.Ack)
        if method.multiple:
            for tag in [t for t in self._outcome if t <= method.delivery_tag and self._outcome[t] is None]:
                self._outcome[tag] = ok
        elif method.delivery_tag in self._outcome:
            self._outcome[method.delivery_tag] = ok
        self._wake()

    # driving the io loop ---------------------------------------------------------------------

    def _wake(self) -> None:
        if self._waiting_for is None or self._waiting_for() or self._closed_reason:
            self._conn.ioloop.stop()

    def _run_until(self, done: Callable[[], bool], timeout: float) -> None:
        if done():
            return
        self._waiting_for = done
        timer = self._conn.ioloop.call_later(timeout, self._conn.ioloop.stop)
        try:
            self._conn.ioloop.start()
        finally:
            self._conn.ioloop.remove_timeout(timer)
            self._waiting_for = None

    # public ----------------------------------------------------------------------------------

    def publish_batch(self, items: list[Item]) -> list[bool]:
        """Publish ``items``; return, per item, whether the broker confirmed it (an unroutable
        one: whether its parked copy was confirmed)."""
        if self._closed_reason:
            raise PublishError(self._closed_reason)
        self._returned.clear()
        result = self._confirmed([(self.settings.exchange, type_, tenant, event_id, body, {})
                                  for type_, tenant, event_id, body in items])
        parked = [i for i, item in enumerate(items) if result[i] and item[2] in self._returned]
        if parked:
            outcome = self._confirmed([
                ("", PARKING_QUEUE, tenant, event_id, body, {
                    "x-tandem-reason": f"unroutable: no queue is bound for {type_}",
                    "x-tandem-routing-key": type_,
                    "x-tandem-parked-at": datetime.now(UTC).isoformat(),
                })
                for type_, tenant, event_id, body in (items[i] for i in parked)
            ])
            for i, ok in zip(parked, outcome, strict=True):
                result[i] = ok
        return result

    def _confirmed(self, messages: list[tuple[str, str, str, str, str, dict]]) -> list[bool]:
        """Publish (exchange, routing key, tenant, event id, body, headers) and wait for the confirms."""
        tags = []
        for exchange, key, tenant, event_id, body, headers in messages:
            self._channel.basic_publish(
                exchange,
                key,
                body.encode(),
                pika.BasicProperties(
                    message_id=event_id,
                    delivery_mode=pika.DeliveryMode.Persistent,
                    content_type="application/json",
                    content_encoding="utf-8",
                    type=headers.get("x-tandem-routing-key", key),
                    headers={"tenant": tenant, **headers},
                ),
                mandatory=True,
            )
            self._outcome[self._next_tag] = None
            tags.append(self._next_tag)
            self._next_tag += 1
        self._run_until(lambda: all(self._outcome[t] is not None for t in tags), self.timeout)
        if self._closed_reason and any(self._outcome[t] is None for t in tags):
            raise PublishError(self._closed_reason)
        return [bool(self._outcome.pop(t)) for t in tags]

    def idle(self, seconds: float) -> None:
        """Let the connection breathe (heartbeats) while there is nothing to publish."""
        self._run_until(lambda: False, seconds)
        if self._closed_reason:
            raise PublishError(self._closed_reason)

    def close(self) -> None:
        if self._conn.is_open:
            self._conn.close()
            self._run_until(lambda: self._conn.is_closed, 5)


class KombuPublisher:
    """Publishes through kombu; used on the in-memory transport of the embedded mode, where an
    event no queue is bound for is parked in ``tandem.unroutable`` as on RabbitMQ."""

    def __init__(self, settings: Settings, name: str = "relay"):
        self.settings = settings
        self._conn = connection(settings, name)
        self._producer = Producer(self._conn.channel(), exchange=events_exchange(settings))
        self._parking = Producer(self._producer.channel)  # the default exchange: straight to a queue
        events_exchange(settings)(self._producer.channel).declare()

    def _routable(self, routing_key: str) -> bool:
        channel, exchange = self._producer.channel, self.settings.exchange
        return bool(channel.typeof(exchange).lookup(channel.get_table(exchange), exchange, routing_key, None))

    def publish_batch(self, items: list[Item]) -> list[bool]:
        for type_, tenant, event_id, body in items:
            headers, producer, key = {"tenant": tenant}, self._producer, type_
            if not self._routable(type_):
                if for_the_record(type_):
                    continue  # nobody consumes it yet: the outbox row is its record
                metrics.EVENTS_UNROUTABLE.labels(self.settings.service, type_).inc()
                log.warning("event %s (%s) is unroutable: no queue is bound for it; parked in %s",
                            event_id, type_, PARKING_QUEUE)
                headers["x-tandem-reason"] = f"unroutable: no queue is bound for {type_}"
                producer, key = self._parking, PARKING_QUEUE
            producer.publish(
                body,
                routing_key=key,
                message_id=event_id,
                type=type_,
                headers=headers,
                delivery_mode=2,
                content_type="application/json",
                content_encoding="utf-8",
            )
        return [True] * len(items)

    def idle(self, seconds: float) -> None:
        time.sleep(seconds)

    def close(self) -> None:
        self._conn.release()


def publisher_factory(settings: Settings, name: str = "relay"):
    if settings.embedded:
        return lambda: KombuPublisher(settings, name)
    return lambda: PikaConfirmPublisher(settings, name=name)


# --- consumer ---------------------------------------------------------------------------------


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


class _HandlerFailed(Exception):
    """A handler raised while applying a batch; names the event where it is known."""

    def __init__(self, event: Event | None, error: Exception):
        super().__init__(repr(error))
        self.event, self.error = event, error


class _Stopping(Exception):
    """The worker is stopping while a message waits for the database: give it back."""


def _database_unreachable(exc: OperationalError) -> bool:
    if exc.connection_invalidated:
        return True
    text = str(exc.orig).lower()
    return any(s in text for s in ("connection", "could not connect", "server closed", "terminating", "database is locked"))


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
        self._dead_letter_conn: Connection | None = None
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
                    self._close_dead_letter_conn()
                    stop.wait(delay)
        finally:
            applier.shutdown(wait=True)
            self.connected.clear()
            metrics.CONSUMER_UP.labels(self.settings.service).set(0)
            self._close_dead_letter_conn()

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
            applied = self._apply_batch(ready)
        except _Stopping:
            return outcomes + [(message, "requeue") for message, _e, _h in ready]
        except _HandlerFailed as failure:
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

    def _apply_batch(self, ready) -> list[bool]:
        """Apply a batch in one transaction with its inbox rows; per event, whether it was new."""
        def work(conn):
            new = inbox.record(conn, self.inbox_table, [event for _m, event, _h in ready])
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
                            raise _HandlerFailed(run[0] if len(run) == 1 else None, exc) from exc
                    run.clear()

            for _message, event, handler in ready:
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
                        raise _HandlerFailed(event, exc) from exc
            apply_run()
            return result

        return self._in_transaction(work, ready[0][1])

    # one message -----------------------------------------------------------------------------

    def _parse(self, message):
        """The event and its handler, or None once the message is dead-lettered as unusable."""
        try:
            event = parse_event(message.body)
        except ContractError as exc:
            self._dead_letter(message, f"malformed event: {exc}", message.delivery_info.get("routing_key", "?"))
            return None
        handler = self.handlers.handlers.get(event.type)
        if handler is None:
            self._dead_letter(message, f"no handler for {event.type} in {self.settings.service}", event.type)
            return None
        return event, handler

    def _on_event(self, message, event: Event, handler: Handler, tried: int = 0) -> str:
        # A failing handler is retried here, holding the message, so that the next events of
        # the same aggregate (already prefetched) cannot overtake it. The broker's
        # x-delivery-count is not an attempt: it also counts crashes (see the module docstring).
        service = self.settings.service
        attempts = tried
        while True:
            attempts += 1
            try:
                applied = self._apply(handler, event)
                break
            except _Stopping:
                return "requeue"
            except Exception as exc:
                metrics.EVENTS_FAILED.labels(service, event.type).inc()
                if isinstance(exc, IntegrityError) and self._already_applied(event):
                    applied = False  # a concurrent delivery of the same event won the race
                    break
                if attempts >= self.settings.delivery_limit:
                    self._dead_letter(message, f"handler failed {attempts} times: {exc!r}", event.type)
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

    def _apply(self, handler: Handler, event: Event) -> bool:
        """Run the handler with its inbox row in one transaction; True if applied, False if a repeat."""

        def work(conn):
            if not inbox.record(conn, self.inbox_table, [event]):
                return False
            with _event_context(event):
                handler(conn, event)
            return True

        return self._in_transaction(work, event)

    def _in_transaction(self, work, event: Event):
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
                if self._stop.wait(delay):
                    raise _Stopping() from exc

    def _already_applied(self, event: Event) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(self.inbox_table.c.event_id).where(self.inbox_table.c.event_id == event.id)
            ).first() is not None

    def _dead_letter(self, message, reason: str, event_type: str) -> None:
        """Park the message in this service's dead-letter queue with its reason (the caller then
        acknowledges the original)."""
        headers = dict(message.headers or {})
        headers.update({
            "x-tandem-reason": reason[:2000],
            "x-tandem-queue": self.settings.queue,
            "x-tandem-routing-key": message.delivery_info.get("routing_key") or event_type,
            "x-tandem-dead-lettered-at": datetime.now(UTC).isoformat(),
        })
        if self._dead_letter_conn is None:
            # A confirming connection of its own: the original is acked only once the copy is safe.
            self._dead_letter_conn = connection(self.settings, "dead-letter", confirm=True)
            self._dead_letter_producer = Producer(self._dead_letter_conn.channel())
        self._dead_letter_producer.publish(
            message.body,
            exchange=dead_letter_exchange(self.settings),
            routing_key=self.settings.queue,
            headers=headers,
            message_id=message.properties.get("message_id"),
            delivery_mode=2,
            content_type=message.content_type or "application/json",
            content_encoding=message.content_encoding or "utf-8",
            retry=True,
        )
        metrics.EVENTS_DEAD_LETTERED.labels(self.settings.service, event_type).inc()
        log.error("dead-lettered %s: %s", message.properties.get("message_id"), reason)

    def _close_dead_letter_conn(self) -> None:
        if self._dead_letter_conn is not None:
            try:
                self._dead_letter_conn.release()
            except Exception:
                pass
            self._dead_letter_conn = None
