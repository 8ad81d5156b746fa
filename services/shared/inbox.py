"""Inbox: the ids of applied events, written in the same transaction as the handler's work."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from .contract import Event


def record(conn: Connection, table: sa.Table, events: list[Event]) -> set[str]:
    """Record ``events`` as applied, in one statement; return the ids that were new (the others
    are redeliveries to acknowledge and skip)."""
    if not events:
        return set()
    now = datetime.now(UTC)
    rows = [{"event_id": e.id, "type": e.type, "tenant": e.tenant, "received_at": now} for e in events]
    dialect = {"postgresql": postgresql, "sqlite": sqlite}.get(conn.dialect.name)
    if dialect is None:  # any other database: one row at a time
        new = set()
        for row in rows:
            if conn.execute(sa.select(table.c.event_id).where(table.c.event_id == row["event_id"])).first() is None:
                conn.execute(table.insert().values(**row))
                new.add(row["event_id"])
        return new
    # executemany with RETURNING: SQLAlchemy sends it as few multi-row statements ("insertmanyvalues")
    statement = dialect.insert(table).on_conflict_do_nothing(index_elements=["event_id"]).returning(table.c.event_id)
    return set(conn.execute(statement, rows).scalars())


def first_time(conn: Connection, table: sa.Table, event: Event) -> bool:
    """Record one event as applied; False if it already was."""
    return bool(record(conn, table, [event]))
