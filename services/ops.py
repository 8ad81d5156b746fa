"""Operator tooling: the dead-letter queues (``tandem dlq``) and the deployment files generated
from the code.

    tandem dlq list SERVICE [--limit N] [--json]
    tandem dlq replay SERVICE (--id ID ... | --all) [--direct]
    tandem dlq discard SERVICE (--id ID ... | --all) [--yes]

The broker topology in ``deploy/`` follows the services' handler tables: each consuming service
has a quorum queue bound to the event types it handles and a dead-letter queue. Those files are
generated here (``python -m services.ops`` writes them; ``generated_files()`` says what they
should contain) so that a new event type cannot leave them behind.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import pika

from services.shared.bus import (
    PARKING_EXCHANGE,
    PARKING_QUEUE,
    RECORD_LENGTH,
    RECORD_QUEUE,
    REDELIVERY_GUARD,
    service_queues,
)
from services.shared.config import SERVICES, Settings, settings_for
from services.shared.contract import EVENT_TYPES

ROOT = Path(__file__).resolve().parents[1]

# The vhost the deployments use (AMQP_URL ends in ``//``: the default vhost).
VHOST = "/"
# The RabbitmqCluster of deploy/k8s that the messaging-topology objects point at.
K8S_RABBITMQ_CLUSTER = "tandem-rabbitmq"
RULES_FILE = "deploy/prometheus/rules/tandem.yml"


# --- topology from the code --------------------------------------------------------------------


def _defaults(service: str) -> Settings:
    """A service's settings with the code's defaults: the generated files must not depend on
    whatever the environment of the machine that writes them says."""
    return Settings(service=service, database_url="", amqp_url="", signing_key="")


def routing_keys(service: str) -> list[str]:
    """The event types ``service`` consumes (its handler table)."""
    return importlib.import_module(f"services.{service}.handlers").HANDLERS.routing_keys


@dataclass(frozen=True)
class QueueSpec:
    name: str
    arguments: dict[str, Any]
    # (exchange, routing key) pairs
    bindings: tuple[tuple[str, str], ...]


def service_topology(service: str) -> list[QueueSpec]:
    """The queues ``service`` declares, from ``bus.service_queues``; none if it consumes nothing
    (its worker then starts no consumer and declares no queue)."""
    keys = routing_keys(service)
    if not keys:
        return []
    queue, dead = service_queues(_defaults(service), keys)
    return [
        QueueSpec(
            queue.name,
            dict(queue.queue_arguments),
            tuple(sorted((b.exchange.name, b.routing_key) for b in queue.bindings)),
        ),
        QueueSpec(dead.name, dict(dead.queue_arguments), ((dead.exchange.name, dead.routing_key),)),
    ]


def _policy(service: str) -> dict[str, Any]:
    """The quorum-queue policy of a service's queue: where it dead-letters, and the broker's
    delivery limit, only a last-resort guard far above any crash count (see services.shared.bus:
    handler failures are counted by the consumer). A policy, not a queue argument, so that it
    can change on live queues."""
    settings = _defaults(service)
    return {
        "name": f"tandem-{service}-events",
        "pattern": f"^{service}\\.events$",
        "apply-to": "queues",
        "priority": 10,
        "definition": {
            "delivery-limit": REDELIVERY_GUARD,
            "dead-letter-exchange": settings.dead_letter_exchange,
            "dead-letter-routing-key": settings.queue,
        },
    }


def _unroutable_policy() -> dict[str, Any]:
    """Events no queue is bound for go to the parking queue instead of vanishing."""
    return {
        "name": "tandem-events-unroutable",
        "pattern": f"^{re.escape(_defaults('intake').exchange)}$",
        "apply-to": "exchanges",
        "priority": 10,
        "definition": {"alternate-exchange": PARKING_EXCHANGE},
    }


def permission_pattern(service: str) -> str:
    """What a service's broker user may configure, write and read: the two exchanges and its own
    queues (declare, bind, publish, consume, dead-letter), nothing of the other services."""
    own = f"{service}\\.events|{service}\\.events\\.dlq"
    return f"^(tandem\\.events|tandem\\.dlx|tandem\\.unroutable|{own})$"


def rabbitmq_definitions() -> dict[str, Any]:
    """The broker's topology as a RabbitMQ definitions document (``deploy/rabbitmq/definitions.json``,
    loaded at boot by the compose broker): both exchanges, each consuming service's queue with
    its bindings, its dead-letter queue and its policy. No users: credentials never go in the
    repository (compose adds its user from the environment)."""
    settings = _defaults("intake")
    exchanges = [
        {"name": settings.exchange, "vhost": VHOST, "type": "topic", "durable": True,
         "auto_delete": False, "internal": False, "arguments": {}},
        {"name": settings.dead_letter_exchange, "vhost": VHOST, "type": "direct", "durable": True,
         "auto_delete": False, "internal": False, "arguments": {}},
        {"name": PARKING_EXCHANGE, "vhost": VHOST, "type": "fanout", "durable": True,
         "auto_delete": False, "internal": False, "arguments": {}},
    ]
    queues = [{"name": PARKING_QUEUE, "vhost": VHOST, "durable": True, "auto_delete": False,
               "arguments": {"x-queue-type": "quorum"}}]
    bindings = [{"source": PARKING_EXCHANGE, "vhost": VHOST, "destination": PARKING_QUEUE,
                 "destination_type": "queue", "routing_key": "", "arguments": {}}]
    # events no service consumes yet, kept (the newest RECORD_LENGTH) so that none is "unroutable"
    queues.append({"name": RECORD_QUEUE, "vhost": VHOST, "durable": True, "auto_delete": False,
                   "arguments": {"x-queue-type": "quorum", "x-max-length": RECORD_LENGTH, "x-overflow": "drop-head"}})
    bindings += [{"source": settings.exchange, "vhost": VHOST, "destination": RECORD_QUEUE,
                  "destination_type": "queue", "routing_key": name, "arguments": {}}
                 for name, known in sorted(EVENT_TYPES.items()) if known.record]
    policies = [{"vhost": VHOST, **_unroutable_policy()}]
    for service in SERVICES:
        specs = service_topology(service)
        if not specs:
            continue
        policy = _policy(service)
        policies.append({"vhost": VHOST, **policy})
        for spec in specs:
            queues.append({"name": spec.name, "vhost": VHOST, "durable": True, "auto_delete": False,
                           "arguments": spec.arguments})
            for exchange, key in spec.bindings:
                bindings.append({"source": exchange, "vhost": VHOST, "destination": spec.name,
                                 "destination_type": "queue", "routing_key": key, "arguments": {}})
    return {
        "vhosts": [{"name": VHOST}],
        "exchanges": exchanges,
        "queues": queues,
        "bindings": bindings,
        "policies": policies,
    }


def _k8s(kind: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "rabbitmq.com/v1beta1",
        "kind": kind,
        "metadata": {"name": name, "labels": {"app.kubernetes.io/part-of": "tandem"}},
        "spec": {**spec, "rabbitmqClusterReference": {"name": K8S_RABBITMQ_CLUSTER}},
    }


def _k8s_name(text: str) -> str:
    # a binding with no routing key (the parking queue's) would otherwise end in "--"
    return text.replace(".", "-").replace("_", "-").lower().strip("-")


def k8s_topology() -> list[dict[str, Any]]:
    """The same topology for the messaging-topology operator (Exchange, Queue, Binding, Policy),
    plus one broker user per service (User; the operator generates its credentials into the
    Secret ``<name>-user-credentials``) with its Permission."""
    definitions = rabbitmq_definitions()
    docs = []
    for x in definitions["exchanges"]:
        docs.append(_k8s("Exchange", _k8s_name(x["name"]), {
            "name": x["name"], "vhost": VHOST, "type": x["type"], "durable": True, "autoDelete": False,
        }))
    for q in definitions["queues"]:
        docs.append(_k8s("Queue", _k8s_name(q["name"]), {
            "name": q["name"], "vhost": VHOST, "type": q["arguments"]["x-queue-type"],
            "durable": True, "autoDelete": False,
            "arguments": {k: v for k, v in q["arguments"].items() if k != "x-queue-type"},
        }))
    for b in definitions["bindings"]:
        docs.append(_k8s("Binding", _k8s_name(f"{b['source']}--{b['destination']}--{b['routing_key']}"), {
            "vhost": VHOST, "source": b["source"], "destination": b["destination"],
            "destinationType": "queue", "routingKey": b["routing_key"],
        }))
    for p in definitions["policies"]:
        docs.append(_k8s("Policy", p["name"], {
            "name": p["name"], "vhost": VHOST, "pattern": p["pattern"], "applyTo": p["apply-to"],
            "priority": p["priority"], "definition": p["definition"],
        }))
    for service in SERVICES:
        docs.append(_k8s("User", f"tandem-{service}", {"tags": []}))
        pattern = permission_pattern(service)
        docs.append(_k8s("Permission", f"tandem-{service}", {
            "vhost": VHOST,
            "userReference": {"name": f"tandem-{service}"},
            "permissions": {"configure": pattern, "write": pattern, "read": pattern},
        }))
    return docs


def k8s_prometheus_rule(rules_text: str) -> dict[str, Any]:
    """The alert rules of ``deploy/prometheus/rules/tandem.yml`` as a PrometheusRule for the
    Prometheus Operator (the compose Prometheus loads the file itself)."""
    import yaml  # a development dependency: only `python -m services.ops` needs it

    groups = yaml.safe_load(rules_text)["groups"]
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "tandem", "labels": {"app.kubernetes.io/part-of": "tandem"}},
        "spec": {"groups": groups},
    }


GENERATED_HEADER = "# Generated by `python -m services.ops` from {source}; do not edit.\n"


def _yaml_docs(docs: list[dict[str, Any]]) -> str:
    import yaml

    return "---\n".join(yaml.safe_dump(d, sort_keys=False, width=4096) for d in docs)


def generated_files(root: Path = ROOT) -> dict[str, str]:
    """Every deployment file generated from the code: repository path -> content."""
    rules = (root / RULES_FILE).read_text()
    return {
        "deploy/rabbitmq/definitions.json": json.dumps(rabbitmq_definitions(), indent=2) + "\n",
        "deploy/k8s/base/rabbitmq/topology.yaml":
            GENERATED_HEADER.format(source="the services' handler tables") + _yaml_docs(k8s_topology()),
        "deploy/k8s/base/monitoring/prometheusrule.yaml":
            GENERATED_HEADER.format(source=RULES_FILE) + _yaml_docs([k8s_prometheus_rule(rules)]),
    }


def write_generated(root: Path = ROOT) -> list[Path]:
    """Write the generated deployment files (``make contracts`` runs this)."""
    written = []
    for name, content in generated_files(root).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != content:
            path.write_text(content)
        written.append(path)
    return written


# --- the dead-letter queues --------------------------------------------------------------------

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


if __name__ == "__main__":
    for written in write_generated():
        print(f"wrote {written.relative_to(ROOT)}")
