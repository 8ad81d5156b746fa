"""Inbox: the ids of applied events, written in the same transaction as the handler's work."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .contract import Event


def first_time(conn: Connection, table: sa.Table, event: Event) -> bool:
    """Record ``event`` as applied; False if it already was (a redelivery to acknowledge and skip)."""
    seen = conn.execute(sa.select(table.c.event_id).where(table.c.event_id == event.id)).first()
    if seen:
        return False
    conn.execute(
        table.insert().values(event_id=event.id, type=event.type, tenant=event.tenant, received_at=datetime.now(UTC))
    )
    return True
