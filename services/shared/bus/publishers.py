"""Publishers: put a batch of events on the events exchange and say which the broker confirmed.

The outbox relay marks a row sent only once its event is confirmed. On RabbitMQ that is
``PikaConfirmPublisher`` (asynchronous publisher confirms); in the embedded mode
``KombuPublisher`` on kombu's in-memory transport. Both park an event no queue is bound for in
``tandem.unroutable`` (see the package docstring), except one published for the record.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pika
from kombu import Producer
from pika.spec import Basic

from .. import metrics
from ..config import Settings
from ..contract.registry import for_the_record
from .topology import PARKING_QUEUE, connection, events_exchange

log = logging.getLogger(__name__)

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
