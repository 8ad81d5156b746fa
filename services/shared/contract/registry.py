"""Registry of event types: name with version -> schema, producer and a one-line summary."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from marshmallow import EXCLUDE, Schema


@dataclass(frozen=True)
class EventType:
    name: str  # e.g. "application.submitted.v1"
    schema: type[Schema]
    producer: str  # the service that publishes it
    summary: str


EVENT_TYPES: dict[str, EventType] = {}


def event_type(name: str, producer: str, summary: str):
    """Class decorator declaring ``name`` (with its version) as published by ``producer``."""
    parts = name.rsplit(".", 1)
    if len(parts) != 2 or not parts[1].startswith("v") or not parts[1][1:].isdigit():
        raise ValueError(f"event type {name!r} must end with its version, e.g. '.v1'")

    def register(schema: type[Schema]) -> type[Schema]:
        if name in EVENT_TYPES:
            raise ValueError(f"event type {name!r} is declared twice")
        EVENT_TYPES[name] = EventType(name, schema, producer, summary)
        return schema

    return register


@functools.cache
def schema_for(name: str) -> Schema:
    """The (shared, reusable) schema of an event type."""
    try:
        # consumers ignore fields they do not know: a producer may be a version ahead
        return EVENT_TYPES[name].schema(unknown=EXCLUDE)
    except KeyError:
        from .envelope import ContractError

        raise ContractError(f"unknown event type {name!r}") from None
