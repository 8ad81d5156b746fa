"""Registry of event types: name with version -> schema, producer and a one-line summary."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from marshmallow import EXCLUDE, Schema


class ContractError(ValueError):
    """An event that does not satisfy the contract; the reason says which field and why."""


@dataclass(frozen=True)
class EventType:
    name: str  # e.g. "application.submitted.v1"
    schema: type[Schema]
    producer: str  # the service that publishes it
    summary: str
    # Published for the record: no service acts on it yet. The producer's outbox keeps it, and the
    # deployment binds it to a bounded record queue, so having no consumer is not an alarm.
    record: bool = False


EVENT_TYPES: dict[str, EventType] = {}


def event_type(name: str, producer: str, summary: str, record: bool = False):
    """Class decorator declaring ``name`` (with its version) as published by ``producer``;
    ``record=True`` for an event no service is expected to consume (yet)."""
    parts = name.rsplit(".", 1)
    if len(parts) != 2 or not parts[1].startswith("v") or not parts[1][1:].isdigit():
        raise ValueError(f"event type {name!r} must end with its version, e.g. '.v1'")

    def register(schema: type[Schema]) -> type[Schema]:
        if name in EVENT_TYPES:
            raise ValueError(f"event type {name!r} is declared twice")
        EVENT_TYPES[name] = EventType(name, schema, producer, summary, record)
        return schema

    return register


@functools.cache
def schema_for(name: str) -> Schema:
    """The (shared, reusable) schema of an event type."""
    try:
        # consumers ignore fields they do not know: a producer may be a version ahead
        return EVENT_TYPES[name].schema(unknown=EXCLUDE)
    except KeyError:
        raise ContractError(f"unknown event type {name!r}") from None


def for_the_record(name: str) -> bool:
    """Whether ``name`` is published for the record only (see ``EventType.record``)."""
    known = EVENT_TYPES.get(name)
    return bool(known and known.record)
