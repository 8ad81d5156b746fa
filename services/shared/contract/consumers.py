"""Who consumes which event, from the services' handler tables (handed in by services/cli.py, so
the shared floor knows no service). The AsyncAPI document and the record of processing both
read it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .registry import EVENT_TYPES

if TYPE_CHECKING:
    from ..bus.handlers import HandlerTable


def consumers(tables: Iterable[HandlerTable]) -> dict[str, list[str]]:
    """Event type -> the services that consume it, in the order of their handler tables."""
    found: dict[str, list[str]] = {name: [] for name in EVENT_TYPES}
    for table in tables:
        for key in table.routing_keys:
            found[key].append(table.service)
    return found
