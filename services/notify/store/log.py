"""The queries of the delivery log: a delivery put in it (once per event, recipient and channel), a
coordinator's look at it (filtered, a page at a time), and a failed delivery sent again."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .tables import deliveries


def log_filters(tenant: str, query: dict) -> list:
    """The log's conditions for a query of it: by person (an application id or an address),
    recipient, event, kind of message, channel, status, cohort and time."""
    t = deliveries
    where = [t.c.tenant == tenant]
    if query["person"]:
        person = query["person"].strip()
        where.append(t.c.recipient == person.lower() if "@" in person else t.c.person_id == person)
    if query["recipient"]:
        where.append(t.c.recipient == query["recipient"].strip().lower())
    for name in ("event_id", "event_type", "message", "channel", "status", "cohort_id"):
        if query[name]:
            where.append(t.c[name] == query[name])
    if query["since"]:
        where.append(t.c.created_at >= query["since"])
    if query["until"]:
        where.append(t.c.created_at < query["until"])
    return where


def log_page(conn: Connection, where: list, newest_first: bool, limit: int | None, offset: int):
    t = deliveries
    order = (t.c.created_at.desc(), t.c.id.desc()) if newest_first else (t.c.created_at, t.c.id)
    return conn.execute(sa.select(t).where(*where).order_by(*order).limit(limit).offset(offset)).mappings().all()


def log_count(conn: Connection, where: list) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(deliveries).where(*where)).scalar_one()


def send_again(conn: Connection, tenant: str, delivery_id: str, now: datetime) -> None:
    """A delivery back in the queue with a fresh set of attempts, claimed by nobody."""
    t = deliveries
    conn.execute(t.update().where(t.c.id == delivery_id, t.c.tenant == tenant).values(
        status="pending", attempts=0, next_attempt_at=now, updated_at=now, claimed_by=None, claimed_until=None))


def exists(conn: Connection, event_id: str, recipient: str, channel: str) -> bool:
    """Whether the event already put a delivery to this recipient over this channel in the log."""
    t = deliveries
    return conn.execute(sa.select(t.c.id).where(
        t.c.event_id == event_id, t.c.recipient == recipient, t.c.channel == channel)).first() is not None


def add(conn: Connection, row: dict) -> None:
    """A delivery into the log."""
    conn.execute(deliveries.insert().values(**row))

