"""The handler table: which events a service consumes and the function that applies each.

Each service declares its table in ``services/<service>/handlers.py``; the consumer binds the
service's queue to the table's routing keys and applies every event through it.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Connection as DbConnection

from ..contract import Event

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
    from ..contract import EVENT_TYPES

    if event_type not in EVENT_TYPES:
        raise ValueError(f"{event_type!r} is not in the contract")
