"""The one event contract: the envelope and a versioned marshmallow schema per event type.

Producers build events with :func:`new_event`, which validates the data before it is written to
the outbox; consumers read them with :func:`parse_event`, which ignores unknown fields and
rejects an envelope without a tenant.
"""

from .envelope import ContractError, Event, new_event, parse_event
from .registry import EVENT_TYPES, EventType, event_type, schema_for

__all__ = [
    "EVENT_TYPES",
    "ContractError",
    "Event",
    "EventType",
    "event_type",
    "new_event",
    "parse_event",
    "schema_for",
]

from . import events  # noqa: E402,F401  (registers every event type)
