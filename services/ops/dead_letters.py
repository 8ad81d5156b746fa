"""The dead-letter queues (``tandem dlq``): inspect, replay, discard."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import click
import pika

from services.shared.config import SERVICES, settings_for

# Headers the consumer (or the broker) adds when it dead-letters a message; a replay drops them so
# the event starts afresh (``x-delivery-count`` would otherwise count the old attempts).
DEAD_LETTER_HEADERS = {
    "x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason",
    "x-last-death-exchange", "x-last-death-queue", "x-last-death-reason", "x-delivery-count",
    "x-tandem-reason", "x-tandem-queue", "x-tandem-routing-key", "x-tandem-dead-lettered-at",
}


def _text(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text(v) for v in value]
    return value


@dataclass
class DeadLetter:
    """One message of a dead-letter queue, as an operator reads it."""

    delivery_tag: int
    message_id: str | None
    routing_key: str | None
    tenant: str | None
    reason: str | None
    dead_lettered_at: str | None
    deaths: list[dict[str, Any]]
    properties: pika.BasicProperties
    body: bytes

    @classmethod
    def read(cls, method, properties: pika.BasicProperties, body: bytes) -> DeadLetter:
        headers = _text(dict(properties.headers or {}))
        deaths = [
            {k: d.get(k) for k in ("reason", "queue", "exchange", "routing-keys", "count", "time") if k in d}
            for d in headers.get("x-death") or []
        ]
        # the broker puts the most recent death first; the oldest knows the original routing key
        oldest = deaths[-1] if deaths else {}
        routing_key = headers.get("x-tandem-routing-key")
        if not routing_key and oldest.get("routing-keys"):
            routing_key = oldest["routing-keys"][0]
        return cls(
            delivery_tag=method.delivery_tag,
            message_id=properties.message_id,
            routing_key=routing_key or properties.type,
            tenant=headers.get("tenant"),
            reason=headers.get("x-tandem-reason") or (deaths[0]["reason"] if deaths else None),
            dead_lettered_at=headers.get("x-tandem-dead-lettered-at") or (deaths[0].get("time") if deaths else None),
            deaths=deaths,
            properties=properties,
            body=body,
        )

    def summary(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "routing_key": self.routing_key,
            "tenant": self.tenant,
            "reason": self.reason,
            "dead_lettered_at": self.dead_lettered_at,
            "x_death": self.deaths,
        }


class DeadLetterQueue:
    """A service's dead-letter queue on RabbitMQ, read with ``basic.get`` and acknowledged one
    message at a time; what is not acted on goes back to the queue."""

    def __init__(self, service: str):
        self.settings = settings_for(service)
        if self.settings.embedded:
            raise click.ClickException(
                "the dead-letter queues live on RabbitMQ: set AMQP_URL (the embedded mode has none)"
            )
        self.name = f"{self.settings.queue}.dlq"
        params = pika.URLParameters(self.settings.amqp_url)
        params.client_properties = {"connection_name": f"tandem-{service}-dlq"}
        try:
            self.connection = pika.BlockingConnection(params)
        except pika.exceptions.AMQPError as exc:
            raise click.ClickException(f"cannot connect to the broker: {exc!r}") from exc
        self.channel = self.connection.channel()
        try:
            self.depth = self.channel.queue_declare(self.name, passive=True).method.message_count
        except pika.exceptions.ChannelClosedByBroker as exc:
            self.connection.close()
            if exc.reply_code == 404:
                raise click.ClickException(f"there is no queue {self.name} (has the worker of {service} run?)") from exc
            raise click.ClickException(f"{self.name}: {exc.reply_text}") from exc
        self.channel.confirm_delivery()

    def __enter__(self) -> DeadLetterQueue:
        return self

    def __exit__(self, *exc) -> None:
        if self.connection.is_open:
            if self.channel.is_open:
                self.channel.basic_nack(delivery_tag=0, multiple=True, requeue=True)
            self.connection.close()

    def messages(self, limit: int | None = None):
        """Yield the messages that were in the queue when it was opened (at most ``limit``); each
        stays unacknowledged until acked, or returned when the queue is closed. Messages that
        arrive meanwhile (a replayed event failing again) are not taken."""
        count = self.depth if limit is None else min(limit, self.depth)
        for _ in range(count):
            method, properties, body = self.channel.basic_get(self.name, auto_ack=False)
            if method is None:
                return
            yield DeadLetter.read(method, properties, body)

    def republish(self, message: DeadLetter, direct: bool) -> None:
        """Publish ``message`` again (confirmed, mandatory) and ack it from the dead-letter queue."""
        if not message.routing_key and not direct:
            raise click.ClickException(f"{message.message_id}: no original routing key to replay it with")
        p = message.properties
        headers = {k: v for k, v in (p.headers or {}).items() if k not in DEAD_LETTER_HEADERS}
        headers["x-tandem-replayed-from"] = self.name
        headers["x-tandem-replayed-at"] = datetime.now(UTC).isoformat()
        exchange, key = ("", self.settings.queue) if direct else (self.settings.exchange, message.routing_key)
        self.channel.basic_publish(
            exchange, key, message.body,
            pika.BasicProperties(
                message_id=p.message_id, type=p.type, content_type=p.content_type,
                content_encoding=p.content_encoding, correlation_id=p.correlation_id,
                timestamp=p.timestamp, delivery_mode=pika.DeliveryMode.Persistent, headers=headers,
            ),
            mandatory=True,
        )
        self.channel.basic_ack(message.delivery_tag)

    def drop(self, message: DeadLetter) -> None:
        self.channel.basic_ack(message.delivery_tag)


@click.group()
def dlq() -> None:
    """Dead-letter queues: inspect, replay, discard (RabbitMQ, AMQP_URL)."""


_service = click.argument("service", type=click.Choice(SERVICES))


def _select(ids: tuple[str, ...], everything: bool) -> set[str] | None:
    if bool(ids) == everything:
        raise click.UsageError("name the messages with --id (repeatable) or take them all with --all")
    return None if everything else set(ids)


@dlq.command("list")
@_service
@click.option("--limit", default=100, show_default=True, help="messages to show at most")
@click.option("--json", "as_json", is_flag=True, help="one JSON document, every field")
def dlq_list(service: str, limit: int, as_json: bool) -> None:
    """Show what waits in SERVICE's dead-letter queue; the messages stay there."""
    with DeadLetterQueue(service) as queue:
        found = [m.summary() for m in queue.messages(limit)]
        depth = queue.depth
    if as_json:
        click.echo(json.dumps({"queue": queue.name, "messages_total": depth, "messages": found}, indent=2))
        return
    click.echo(f"{queue.name}: {depth} message(s)" + (f", showing {len(found)}" if len(found) < depth else ""))
    for m in found:
        click.echo(f"\n  {m['message_id']}  {m['routing_key']}  tenant={m['tenant']}")
        click.echo(f"    dead-lettered {m['dead_lettered_at']}: {m['reason']}")
        for death in m["x_death"]:
            click.echo(
                f"    x-death: {death.get('reason')} from {death.get('queue')} x{death.get('count')} "
                f"(routing keys {', '.join(death.get('routing-keys') or [])})"
            )


def _act(service: str, ids: tuple[str, ...], everything: bool, act: str, direct: bool = False) -> None:
    wanted = _select(ids, everything)
    done: list[str] = []
    with DeadLetterQueue(service) as queue:
        for message in queue.messages():
            if wanted is not None and message.message_id not in wanted:
                continue  # returned to the queue when it closes
            if act == "replay":
                try:
                    queue.republish(message, direct)
                except (pika.exceptions.UnroutableError, pika.exceptions.NackError) as exc:
                    raise click.ClickException(
                        f"{message.message_id}: the broker did not take it ({exc!r}); it stays in {queue.name}"
                    ) from exc
            else:
                queue.drop(message)
            done.append(message.message_id or "?")
        name = queue.name
    verb = "replayed" if act == "replay" else "discarded"
    target = f" to {service}.events" if act == "replay" and direct else ""
    click.echo(f"{verb} {len(done)} message(s) from {name}{target}")
    missing = sorted((wanted or set()) - set(done))
    if missing:
        raise click.ClickException(f"not in {name}: {', '.join(missing)}")


@dlq.command("replay")
@_service
@click.option("--id", "ids", multiple=True, help="a message id (repeatable)")
@click.option("--all", "everything", is_flag=True, help="every message in the queue")
@click.option("--direct", is_flag=True,
              help="publish straight to SERVICE's queue only (default: the events exchange with the "
                   "original routing key, where every subscriber gets it and those that applied it skip it)")
def dlq_replay(service: str, ids: tuple[str, ...], everything: bool, direct: bool) -> None:
    """Publish dead-lettered messages again and remove them from the dead-letter queue."""
    _act(service, ids, everything, "replay", direct)


@dlq.command("discard")
@_service
@click.option("--id", "ids", multiple=True, help="a message id (repeatable)")
@click.option("--all", "everything", is_flag=True, help="every message in the queue")
@click.option("--yes", is_flag=True, help="do not ask before discarding everything")
def dlq_discard(service: str, ids: tuple[str, ...], everything: bool, yes: bool) -> None:
    """Remove dead-lettered messages for good."""
    if everything and not yes:
        click.confirm(f"Discard every message in {service}.events.dlq?", abort=True)
    _act(service, ids, everything, "discard")
