"""Queries of attendance at cohort events."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.db import rows

from .tables import attendance


def marks_of_event(conn: Connection, tenant: str, event_id: str) -> dict[str, dict]:
    """application id -> its attendance row, for one cohort event."""
    t = attendance
    return {r["application_id"]: r for r in rows(conn, t, tenant, t.c.cohort_event_id == event_id)}


def record_mark(conn: Connection, tenant: str, event_id: str, application_id: str, **values) -> None:
    """Write one person's attendance at the event, over what was recorded before."""
    t = attendance
    key = (t.c.cohort_event_id == event_id) & (t.c.application_id == application_id)
    if conn.execute(sa.select(t.c.status).where(key, t.c.tenant == tenant)).first():
        conn.execute(t.update().where(key, t.c.tenant == tenant).values(**values))
    else:
        conn.execute(t.insert().values(tenant=tenant, cohort_event_id=event_id, application_id=application_id, **values))
