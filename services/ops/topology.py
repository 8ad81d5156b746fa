"""The broker's topology from the code: each consuming service's queues (from its handler table),
their policies and its broker user's permissions, as a RabbitMQ definitions document."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

from services.shared.bus import (
    PARKING_EXCHANGE,
    PARKING_QUEUE,
    RECORD_LENGTH,
    RECORD_QUEUE,
    REDELIVERY_GUARD,
    service_queues,
)
from services.shared.config import SERVICES, Settings
from services.shared.contract import EVENT_TYPES

# The vhost the deployments use (AMQP_URL ends in ``//``: the default vhost).
VHOST = "/"


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
